"""The floor of issue #5's design: the bare app plus one JSON access line per request, nothing else.

Textbook standard library: a `QueueHandler` whose formatter is python-json-logger's (the line is
formatted by the caller, as the generated service does), and a `QueueListener` writing to stdout,
started and stopped in the lifespan; one pure ASGI middleware logs each response. No request id,
no other middleware: what one structured line per request costs by itself.
"""

import logging
import queue
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from logging.handlers import QueueHandler, QueueListener

from fastapi import FastAPI
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_logger = logging.getLogger("access")


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    records: queue.Queue[logging.LogRecord] = queue.Queue()
    handler = QueueHandler(records)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    listener = QueueListener(records, logging.StreamHandler(sys.stdout))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    listener.start()
    yield
    listener.stop()


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_and_log(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.start":
                status = message["status"]
                access_logger.info(
                    "%s %s %d",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"duration_ms": round((time.perf_counter() - started) * 1000, 2)},
                )

        await self.app(scope, receive, send_and_log)


app = FastAPI(lifespan=lifespan)
app.add_middleware(AccessLogMiddleware)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
