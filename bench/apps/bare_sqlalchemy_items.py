"""The floor for /items: bare FastAPI and one SQLAlchemy async engine doing the same statements.

One SELECT by primary key, one INSERT and COMMIT per request on the generated project's `items`
table; no repository, no validation beyond the body model, no middleware, no logging. The engine
has the generated service's pool size; SQLite connections get the same pragmas (WAL, foreign keys).
"""

import os
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine(os.environ["BENCH_DATABASE_URL"], pool_size=5, max_overflow=10)
sessions = async_sessionmaker(engine, expire_on_commit=False)
items = Table(
    "items",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(100)),
    Column("description", String(1000)),
)

if engine.dialect.name == "sqlite":

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


app = FastAPI()


class NewItem(BaseModel):
    name: str
    description: str = ""


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items/{item_id}")
async def get_item(item_id: int) -> dict[str, Any]:
    async with sessions() as session:
        row = (await session.execute(select(items).where(items.c.id == item_id))).first()
    if row is None:
        raise HTTPException(404)
    return dict(row._mapping)


@app.post("/items", status_code=201)
async def create_item(body: NewItem) -> dict[str, Any]:
    async with sessions() as session:
        item_id = await session.scalar(
            insert(items).values(**body.model_dump()).returning(items.c.id)
        )
        await session.commit()
    return {"id": item_id, **body.model_dump()}
