from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)]


class ItemCreate(BaseModel):
    name: Name
    description: Description = ""


class ItemUpdate(BaseModel):
    """The fields to change; those left out (or null) keep their value."""

    name: Name | None = None
    description: Description | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str


class ItemPage(BaseModel):
    items: list[ItemRead]
    limit: int
    offset: int
