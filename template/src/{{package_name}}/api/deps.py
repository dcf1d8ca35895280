"""Dependencies for endpoints: each getter is paired with an `Annotated` alias for signatures."""

from typing import Annotated

from fastapi import Depends, Request

from ..core.config import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the running app was created with."""
    settings: Settings = request.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
