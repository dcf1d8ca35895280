"""Liveness: answers as long as the process serves requests, whatever its dependencies do."""

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel, frozen=True):
    status: Literal["ok"] = "ok"


HEALTHY = Health()  # one answer for every probe


async def health() -> Health:
    """Liveness probe."""
    return HEALTHY
