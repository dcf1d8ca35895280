"""Liveness: answers as long as the process serves requests, whatever its dependencies do."""

from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel


class Health(BaseModel, frozen=True):
    status: Literal["ok"] = "ok"


# One answer for every call: building a model per probe costs about 1 us.
HEALTHY = Health()


async def health() -> Health:
    """Liveness probe."""
    return HEALTHY


def add_routes(app: FastAPI) -> None:
    app.add_api_route("/health", health, tags=["health"])
