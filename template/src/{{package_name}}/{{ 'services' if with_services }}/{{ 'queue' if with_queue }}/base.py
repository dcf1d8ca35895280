"""The contract between the API and the engine that runs jobs.

Routes and their tests depend on `JobQueue` only, so they read the same for every engine;
`adapter.py` implements it for the engine this service was generated with.
"""

from typing import Literal, Protocol

from pydantic import BaseModel

from .report import Report

JobState = Literal["pending", "running", "done", "failed"]


class JobStatus(BaseModel):
    """Where a job is: waiting (or waiting to be retried), on a worker, or finished."""

    id: str
    status: JobState
    result: Report | None = None
    error: str | None = None


class JobQueue(Protocol):
    """Submits report jobs to workers and reads back their progress."""

    async def enqueue(self, size: int) -> str:
        """Queue a report over `size` bytes; returns the job's id at once."""
        ...

    async def status(self, job_id: str) -> JobStatus | None:
        """The job's state; None for an id never issued, or forgotten (see `JOB_RESULT_TTL`)."""
        ...

    async def ping(self) -> bool:
        """Whether the broker and the result store answer right now."""
        ...


def retry_delay(attempt: int, first: float, cap: float) -> float:
    """Seconds before retry number `attempt` (1-based): doubling from `first`, never above `cap`.

    Backing off gives a struggling dependency room to recover instead of hammering it in a loop.
    """
    return min(cap, first * 2.0 ** (attempt - 1))
