"""The peers' usual recipe: asgi-correlation-id for the request id, structlog for the access line.

As their documentation and the common FastAPI write-ups put it together: `CorrelationIdMiddleware`
reads or makes the `X-Request-ID`; an HTTP middleware binds it to structlog's context variables and
logs one JSON line per request through structlog's own logger, written to stdout.
Added to apps/bare_post_app.py (its /health and its POST /notifications, which validates the body
and appends the line); served by bench/health_throughput.py and bench/background_burst.py beside
the generated service. Not part of the template.
"""

import time
from collections.abc import Awaitable, Callable

import structlog
from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from bare_post_app import app
from fastapi import Request, Response

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


@app.middleware("http")
async def log_access(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
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
