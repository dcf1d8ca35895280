"""The jobs workers run, and the middleware that retries them, records their progress and carries
the id of the request that queued them.
"""

import asyncio
from typing import Any

from taskiq import AsyncBroker, AsyncTaskiqDecoratedTask, TaskiqMessage, TaskiqMiddleware
from taskiq.depends.progress_tracker import TaskProgress, TaskState
from taskiq.kicker import AsyncKicker
from taskiq.middlewares import SmartRetryMiddleware

from ...core.config import Settings
from ...core.context import request_id_var
from .base import retry_delay
from .report import Report, build_report

REPORT_TASK = "build_report"
# Progress of a job that is queued but not yet started; taskiq's own states start at STARTED.
QUEUED = "QUEUED"
# The label that carries the id of the request a job was sent in.
REQUEST_ID_LABEL = "request_id"

ReportTask = AsyncTaskiqDecoratedTask[[int], Report]


async def record_state(broker: AsyncBroker, task_id: str, state: str) -> None:
    """Keep `state` as the job's progress in the result store."""
    await broker.result_backend.set_progress(task_id, TaskProgress(state=state, meta=None))


class JobStateMiddleware(TaskiqMiddleware):
    """Records "queued" when a job is sent and "started" when a worker takes it.

    Kept as progress in the result store, this tells a pending job from a running one, and a job
    id that was issued from one that never was.
    """

    async def pre_send(self, message: TaskiqMessage) -> TaskiqMessage:
        await record_state(self.broker, message.task_id, QUEUED)
        return message

    async def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        await record_state(self.broker, message.task_id, TaskState.STARTED)
        return message


class RequestIdMiddleware(TaskiqMiddleware):
    """A job sent inside a request carries its id; its log lines on the worker carry it too.

    A retry keeps its job's labels, and so the id.
    """

    def pre_send(self, message: TaskiqMessage) -> TaskiqMessage:
        request_id = request_id_var.get()
        if request_id != "-":
            message.labels.setdefault(REQUEST_ID_LABEL, request_id)
        return message

    def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        # Bound for the rest of the job: the worker handles each message in an asyncio task of
        # its own, and runs the job itself in a copy of that task's context.
        request_id = message.labels.get(REQUEST_ID_LABEL)
        if isinstance(request_id, str):
            request_id_var.set(request_id)
        return message


class BackoffRetryMiddleware(SmartRetryMiddleware):
    """Retries a failed job after a doubling delay, up to `JOB_MAX_ATTEMPTS` attempts in all.

    taskiq-redis ignores the `delay` label `SmartRetryMiddleware` sends, so its retries would run at
    once. Here the worker waits, then queues the retry: the failed job's message stays
    unacknowledged until then, so a worker dying mid-wait loses no retry (the message comes back).
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(default_retry_count=settings.job_max_attempts)
        self._first = settings.job_retry_backoff
        self._cap = settings.job_retry_backoff_max

    def make_delay(self, message: TaskiqMessage, retries: int) -> float:
        return retry_delay(retries, self._first, self._cap)

    async def on_send(
        self, kicker: AsyncKicker[Any, Any], message: TaskiqMessage, delay: float
    ) -> None:
        await record_state(self.broker, message.task_id, TaskState.RETRY)
        await asyncio.sleep(delay)
        await kicker.kiq(*message.args, **message.kwargs)


def register_jobs(broker: AsyncBroker, settings: Settings) -> ReportTask:
    """Add the jobs and their middleware to `broker`; returns the report task."""
    broker.add_middlewares(
        RequestIdMiddleware(), JobStateMiddleware(), BackoffRetryMiddleware(settings)
    )
    return broker.register_task(build_report, task_name=REPORT_TASK, retry_on_error=True)
