"""The jobs workers run, retried with backoff when they fail."""

from typing import Any

from celery import Celery, Task
from celery.exceptions import Retry

from ...core.config import Settings
from .base import retry_delay
from .report import Report, build_report

REPORT_TASK = "build_report"

ReportTask = Task[[int], Report]


def retry_later(task: Task[Any, Any], exc: Exception, settings: Settings) -> Retry:
    """Queue `task` again after a doubling delay, or re-raise `exc` after `JOB_MAX_ATTEMPTS` tries.

    Use as `raise retry_later(self, exc, settings)` in a task bound with `max_retries` set from
    `job_max_attempts`. The retry is a new message, sent before this one is acknowledged.
    """
    attempt = task.request.retries + 1
    delay = retry_delay(attempt, settings.job_retry_backoff, settings.job_retry_backoff_max)
    return task.retry(exc=exc, countdown=delay)


def register_jobs(app: Celery, settings: Settings) -> ReportTask:
    """Add the jobs to `app`; returns the report task."""

    # Not shared: by default Celery adds a task to every app created later in the process.
    @app.task(name=REPORT_TASK, bind=True, shared=False, max_retries=settings.job_max_attempts - 1)
    def report(self: Task[Any, Any], size: int) -> Report:
        try:
            return build_report(size)
        except Exception as exc:
            raise retry_later(self, exc, settings) from exc

    return report
