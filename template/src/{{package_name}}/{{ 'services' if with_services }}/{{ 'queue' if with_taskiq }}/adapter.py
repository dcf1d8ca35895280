"""`JobQueue` on taskiq: the API's side of the queue, opened and closed by its lifespan."""

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from taskiq.depends.progress_tracker import TaskState

from ...core.config import Settings
from .base import JobQueue, JobStatus
from .broker import answers_within, create_broker
from .jobs import ReportTask, register_jobs


class TaskiqJobQueue:
    """Sends report jobs through taskiq and reads their state from its result store."""

    def __init__(self, report: ReportTask, ping: Callable[[], Awaitable[bool]]) -> None:
        self._report = report
        self._results = report.broker.result_backend
        self._ping = ping

    async def enqueue(self, size: int) -> str:
        sent = await self._report.kiq(size)
        return sent.task_id

    async def status(self, job_id: str) -> JobStatus | None:
        if await self._results.is_result_ready(job_id):
            result = await self._results.get_result(job_id)
            if result.is_err:
                return JobStatus(id=job_id, status="failed", error=repr(result.error))
            return JobStatus(id=job_id, status="done", result=result.return_value)
        progress = await self._results.get_progress(job_id)
        if progress is None:
            return None
        running = progress.state == TaskState.STARTED
        return JobStatus(id=job_id, status="running" if running else "pending")

    async def ping(self) -> bool:
        return await self._ping()


@asynccontextmanager
async def open_job_queue(settings: Settings) -> AsyncIterator[JobQueue]:
    """The API's connection to the queue; it needs no Redis to start (see `/ready`)."""
    broker = create_broker(settings)
    report = register_jobs(broker, settings)

    ping = functools.partial(answers_within, broker, settings.ready_timeout)
    await broker.startup()
    try:
        yield TaskiqJobQueue(report, ping)
    finally:
        await broker.shutdown()
