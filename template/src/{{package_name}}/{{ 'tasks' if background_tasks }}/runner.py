"""The one path every background task takes: failures logged, sync work bounded, shutdown drained.

FastAPI's `BackgroundTasks` runs a request's tasks inside its ASGI call, one after another: a task
that raises stops the ones after it and reaches the server's log without context, sync tasks queue
without limit for the thread pool that sync endpoints need, and shutdown waits for all of them
without bound. `TaskRunner` keeps the "after the response" contract and removes those failure modes.
"""

import functools
import inspect
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any, ParamSpec, Self

import anyio
from anyio.abc import TaskGroup

from ..core.config import Settings

logger = logging.getLogger(__name__)

P = ParamSpec("P")


class TaskRunner:
    """Runs functions in the background, each in its own task, for as long as the app runs.

        async with TaskRunner(max_pending=1_000, sync_concurrency=8, drain_timeout=10) as runner:
            runner.submit(send_notification, notifier, notification)  # async def: event loop
            runner.submit(record_audit, "notification.accepted")  # def: a worker thread

    - The tasks belong to a task group the app's lifespan owns, not to the request, so the endpoint
      returns at once and the server holds no request open while they run.
    - A task's exception is logged with traceback, task name and the request id it was submitted
      under (each task runs in a copy of the submitter's context); the other tasks carry on.
    - Sync functions run in worker threads under `sync_limiter`, at most `sync_concurrency` at once,
      so a burst of them cannot take the threads sync endpoints need.
    - `accepting` turns false once `max_pending` tasks wait or run: the API answers 503 instead of
      letting memory grow without bound.
    - On exit the runner stops accepting and gives pending tasks `drain_timeout` seconds; the ones
      still unfinished are cancelled, each logged by name, and their count logged as an error. A
      thread cannot be interrupted: a sync task past the deadline is abandoned, not stopped.
    """

    def __init__(self, *, max_pending: int, sync_concurrency: int, drain_timeout: float) -> None:
        self.max_pending = max_pending
        self.drain_timeout = drain_timeout
        self.sync_limiter = anyio.CapacityLimiter(sync_concurrency)
        self._task_group: TaskGroup | None = None
        self._pending = 0
        self._unfinished = 0
        # Totals since start, for monitoring: tasks that raised, and requests refused with 503.
        self.failed = 0
        self.refused = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(
            max_pending=settings.background_max_pending,
            sync_concurrency=settings.background_sync_concurrency,
            drain_timeout=settings.background_drain_timeout_seconds,
        )

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet finished, whether running or waiting for a thread."""
        return self._pending

    @property
    def accepting(self) -> bool:
        """Whether a new request may submit tasks: the runner is open and below `max_pending`."""
        return self._task_group is not None and self._pending < self.max_pending

    def submit(self, func: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run `func(*args, **kwargs)` in the background; call it from the event loop.

        `async def` functions run on the event loop, plain functions in a worker thread. Submitting
        never refuses a running runner: requests are admitted by `accepting` before they do any
        work, so an admitted request never has part of its tasks dropped.
        """
        if self._task_group is None:
            raise RuntimeError("TaskRunner is not running; submit inside its `async with` block")
        name = _task_name(func)
        call = functools.partial(func, *args, **kwargs)
        self._task_group.start_soon(self._run, call, name, inspect.iscoroutinefunction(func))
        self._pending += 1  # counted once scheduled; the task cannot start before we return

    async def _run(self, call: Callable[[], Any], name: str, is_async: bool) -> None:
        try:
            if is_async:
                await call()
            else:
                # Abandoned on cancel: a stuck thread must not hold shutdown past the drain timeout.
                await anyio.to_thread.run_sync(
                    call, limiter=self.sync_limiter, abandon_on_cancel=True
                )
        except anyio.get_cancelled_exc_class():
            self._unfinished += 1
            logger.warning("Background task %s did not finish", name, extra={"task": name})
            raise
        except Exception:
            self.failed += 1
            logger.exception("Background task %s failed", name, extra={"task": name})
        finally:
            self._pending -= 1

    async def __aenter__(self) -> Self:
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        task_group, self._task_group = self._task_group, None
        if task_group is None:
            raise RuntimeError("TaskRunner exited without being entered")
        if self._pending:
            logger.info(
                "Draining %d background task(s) for up to %g s", self._pending, self.drain_timeout
            )
        # Past the deadline the group cancels whatever still runs; exiting then waits no longer.
        task_group.cancel_scope.deadline = anyio.current_time() + self.drain_timeout
        try:
            return await task_group.__aexit__(exc_type, exc, traceback)
        finally:
            if self._unfinished:
                logger.error(
                    "%d background task(s) did not finish within the %g s drain timeout",
                    self._unfinished,
                    self.drain_timeout,
                    extra={"unfinished": self._unfinished},
                )


def _task_name(func: Callable[..., object]) -> str:
    while isinstance(func, functools.partial):
        func = func.func
    return getattr(func, "__qualname__", type(func).__qualname__)
