"""Liveness: answers as long as the process serves requests, whatever its dependencies do."""

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"] = "ok"


# Registered on the app itself by api/router.py, not through a router: see there.
async def health() -> Health:
    """Liveness probe."""
    return Health()
