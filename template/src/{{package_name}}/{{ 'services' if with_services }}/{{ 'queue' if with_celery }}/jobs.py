"""The jobs workers run, retried with backoff when they fail."""

from typing import Any

from celery import Celery, Task

from ...core.config import Settings
from .report import Report, build_report
from .retries import retry_later

REPORT_TASK = "build_report"

ReportTask = Task[[int], Report]


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
