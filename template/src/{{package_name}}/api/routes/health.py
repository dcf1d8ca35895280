"""Liveness: answers as long as the process serves requests, whatever its dependencies do."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel, frozen=True):
    status: Literal["ok"] = "ok"


HEALTHY = Health()  # one answer for every probe


@router.get("/health")
async def health() -> Health:
    """Liveness probe."""
    return HEALTHY
