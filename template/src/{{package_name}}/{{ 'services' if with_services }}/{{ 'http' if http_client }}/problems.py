"""How this service answers when an upstream fails: an RFC 9457 problem document.

A 502 or 504 that names the upstream tells the caller it was not their request that was wrong,
and which dependency to look at; the body never carries the upstream's URL or its secrets.
"""

import logging
from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse

from .upstreams import UpstreamError

logger = logging.getLogger(__name__)


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


async def upstream_error_handler(_: Request, exc: UpstreamError) -> ProblemResponse:
    """Registered for `UpstreamError` in `create_app`: logs the failure and answers it."""
    logger.warning("%s", exc, extra={"upstream": exc.upstream})
    return ProblemResponse(
        status_code=exc.status_code,
        content={
            "type": "about:blank",
            "title": HTTPStatus(exc.status_code).phrase,
            "status": exc.status_code,
            "detail": str(exc),
            "upstream": exc.upstream,
        },
    )
