"""How this service answers when an upstream fails: a problem document naming the upstream.

A 502 or 504 that names the upstream tells the caller it was not their request that was wrong,
and which dependency to look at; the body never carries the upstream's URL or its secrets.
"""

import logging
from typing import Any

from fastapi import Request
from pydantic import Field

from ...core.problems import Problem, ProblemResponse, problem_doc, problem_response
from .upstreams import UpstreamError

logger = logging.getLogger(__name__)


class UpstreamProblem(Problem):
    """502 or 504: an upstream failed; `upstream` names it."""

    upstream: str = Field(description="Name of the upstream service that failed")


# For `responses=` of every route that calls upstreams.
UPSTREAM_ERRORS: dict[int | str, dict[str, Any]] = {
    502: problem_doc(
        "An upstream failed, could not be reached or answered garbage", model=UpstreamProblem
    ),
    504: problem_doc("An upstream did not answer in time", model=UpstreamProblem),
}


async def upstream_error_handler(_: Request, exc: UpstreamError) -> ProblemResponse:
    """Registered for `UpstreamError` in `create_app`: logs the failure and answers it."""
    logger.warning("%s", exc, extra={"upstream": exc.upstream})
    return problem_response(exc.status_code, str(exc), upstream=exc.upstream)
