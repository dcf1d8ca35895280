"""The baseline's /health on an `APIRouter` included into the app, as most services have it.

FastAPI >= 0.137 dispatches every request into an included router through an extra matching
layer; this app shows what that layer costs by itself, beside apps/bare_fastapi.py.
"""

from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = FastAPI()
app.include_router(router)
