"""Every query on the items table. Routes, jobs and tests use this, never the session directly.

The repository never commits: the caller decides what one unit of work is and commits it.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Item


class DuplicateNameError(Exception):
    """Another item already has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"An item named {name!r} already exists")
        self.name = name


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, item_id: int) -> Item | None:
        return await self._session.get(Item, item_id)

    async def list(self, *, limit: int, offset: int) -> Sequence[Item]:
        query = select(Item).order_by(Item.id).limit(limit).offset(offset)
        return (await self._session.scalars(query)).all()

    async def count(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(Item)) or 0

    async def add(self, *, name: str, description: str) -> Item:
        item = Item(name=name, description=description)
        await self._write(item, name=name)
        return item

    async def update(self, item: Item, changes: dict[str, Any]) -> Item:
        for field, value in changes.items():
            setattr(item, field, value)
        await self._write(item, name=item.name)
        return item

    async def delete(self, item: Item) -> None:
        await self._session.delete(item)
        await self._session.flush()

    async def _write(self, item: Item, *, name: str) -> None:
        """Flush `item` in a savepoint, so a refused write leaves the session usable."""
        try:
            async with self._session.begin_nested():
                self._session.add(item)
        except IntegrityError as exc:
            # The name's unique constraint is the only one a valid item can break.
            raise DuplicateNameError(name) from exc
