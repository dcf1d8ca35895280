"""How a failed job is tried again: a new message after a doubling delay, up to a limit."""

from typing import Any

from celery import Task
from celery.exceptions import Retry

from ...core.config import Settings
from .base import retry_delay


def retry_later(task: Task[Any, Any], exc: Exception, settings: Settings) -> Retry:
    """Queue `task` again after a doubling delay, or re-raise `exc` after `JOB_MAX_ATTEMPTS` tries.

    Use as `raise retry_later(self, exc, settings)` in a task bound with `max_retries` set from
    `job_max_attempts`. The retry is a new message, sent before this one is acknowledged.
    """
    attempt = task.request.retries + 1
    delay = retry_delay(attempt, settings.job_retry_backoff, settings.job_retry_backoff_max)
    return task.retry(exc=exc, countdown=delay)
