"""Liveness: answers as long as the process serves requests, whatever its dependencies do."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health")
async def health() -> Health:
    """Liveness probe."""
    return Health()
