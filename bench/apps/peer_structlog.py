"""The peers' usual recipe: asgi-correlation-id for the request id, structlog for a JSON access line.

As their documentation and the common FastAPI write-ups put it together: `CorrelationIdMiddleware`
reads or makes the `X-Request-ID`; an HTTP middleware binds it to structlog's context variables and
logs one JSON line per request through structlog's own logger, written to stdout.
Served by bench/health_throughput.py beside the generated service; not part of the template.
"""

import time
from collections.abc import Awaitable, Callable

import structlog
from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI, Request, Response

structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.JSONRenderer(),
    ],
    logger_factory=structlog.WriteLoggerFactory(),
    cache_logger_on_first_use=True,
)
access_logger = structlog.get_logger("access")

app = FastAPI()


@app.middleware("http")
async def log_access(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=correlation_id.get())
    started = time.perf_counter()
    response = await call_next(request)
    access_logger.info(
        f"{request.method} {request.url.path} {response.status_code}",
        method=request.method,
        path=request.url.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    return response


app.add_middleware(CorrelationIdMiddleware)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
