"""The API's routes, one router per feature."""

from fastapi import APIRouter

from .routes import health

api_router = APIRouter()
api_router.include_router(health.router)
