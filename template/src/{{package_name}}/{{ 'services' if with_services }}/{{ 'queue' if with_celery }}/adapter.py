"""`JobQueue` on Celery: the API's side of the queue, opened and closed by its lifespan.

Celery's client calls block, so each runs on a worker thread, off the event loop.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import anyio
from celery import Celery, Task, states
from celery.backends.base import BaseKeyValueStoreBackend
from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from redis import Redis
from redis.exceptions import RedisError

from ...core.config import Settings
from .base import JobQueue, JobStatus
from .celery_app import create_celery_app
from .jobs import ReportTask, register_jobs

_FAILED = frozenset({states.FAILURE, states.REVOKED})


class CeleryJobQueue:
    """Sends report jobs through Celery and reads their state from its result store."""

    def __init__(
        self, app: Celery, report: ReportTask, ping: Callable[[], Awaitable[bool]]
    ) -> None:
        if not isinstance(app.backend, BaseKeyValueStoreBackend):
            raise TypeError("CeleryJobQueue needs a key-value result store such as Redis")
        self._app = app
        self._results = app.backend
        self._report = report
        self._ping = ping

    async def enqueue(self, size: int) -> str:
        return await self.submit(self._report, size)

    async def submit(self, task: Task[Any, Any], *args: Any) -> str:
        """Send `task(*args)` to the workers; returns its job id."""
        job_id = uuid4().hex
        await anyio.to_thread.run_sync(self._submit, task, job_id, args)
        return job_id

    def _submit(self, task: Task[Any, Any], job_id: str, args: tuple[Any, ...]) -> None:
        # Celery reports an unknown id as PENDING too: recording the job first tells them apart.
        self._results.store_result(job_id, None, states.PENDING)
        task.apply_async(args, task_id=job_id)

    async def status(self, job_id: str) -> JobStatus | None:
        return await anyio.to_thread.run_sync(self._status, job_id)

    def _status(self, job_id: str) -> JobStatus | None:
        if self._results.get(self._results.get_key_for_task(job_id)) is None:
            return None
        # The one result store: `app.backend` is per thread, and each would open its own pool.
        result: AsyncResult[Any] = AsyncResult(job_id, app=self._app, backend=self._results)
        state = result.state
        if state == states.SUCCESS:
            return JobStatus(id=job_id, status="done", result=result.result)
        if state in _FAILED:
            return JobStatus(id=job_id, status="failed", error=repr(result.result))
        return JobStatus(id=job_id, status="running" if state == states.STARTED else "pending")

    async def ping(self) -> bool:
        return await self._ping()

    def close(self) -> None:
        """Closes the result store's connections, which `Celery.close()` leaves to the GC."""
        client = getattr(self._results, "client", None)  # Redis; other stores have none
        if client is not None:
            client.connection_pool.disconnect()


def ping_services(app: Celery, settings: Settings) -> bool:
    """Whether RabbitMQ and Redis both answer (each within `READY_TIMEOUT`). Blocking."""
    try:
        with app.connection_for_write() as connection:
            # One try, bounded by `broker_connection_timeout`: readiness must answer, not wait.
            connection.ensure_connection(max_retries=0)
        with Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=settings.ready_timeout,
            socket_timeout=settings.ready_timeout,
        ) as redis:
            return bool(redis.ping())
    except (OSError, OperationalError, RedisError):
        return False


@asynccontextmanager
async def open_job_queue(settings: Settings) -> AsyncIterator[JobQueue]:
    """The API's connection to the queue; it needs no broker to start (see `/ready`)."""
    app = create_celery_app(settings)
    report = register_jobs(app, settings)

    async def ping() -> bool:
        return await anyio.to_thread.run_sync(ping_services, app, settings)

    queue = CeleryJobQueue(app, report, ping)
    try:
        yield queue
    finally:
        queue.close()
        app.close()
