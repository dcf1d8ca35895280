"""`scaffold add task` and `scaffold add job`: work done after the response, or on a worker.

A task is a function the app's task runner runs after the response (`tasks/<name>.py`); a job
is a function of the project's task queue (taskiq or Celery), run by a worker process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from generator import parts
from generator.errors import ScaffoldError
from generator.resources import check_name, within

NAME_MAX: Final = 24  # the longest generated line stays under 100 columns, whatever the package
# Modules of services/queue/ and names the job's code uses.
_QUEUE_MODULES: Final = frozenset(
    {"adapter", "base", "broker", "celery_app", "jobs", "report", "subject", "task"}
)
# Modules the template's tasks/ may hold, and names its code uses.
_TASK_MODULES: Final = frozenset(
    {"audit", "metrics", "notifications", "outbox", "relay", "runner", "webhook", "logger"}
)


def check_task(project: Path, package: str, name: str) -> None:
    limit = within(NAME_MAX, f"from {package}.tasks. import (")
    check_name(name, "task", limit=limit, reserved=_TASK_MODULES)
    module = Path("src", package, "tasks", f"{name}.py")
    if (project / module).exists() or (project / parts.answers_file("task", name)).exists():
        raise ScaffoldError(f"{module} already exists: the project has a task {name!r}")


def task_answers(package: str, name: str) -> dict[str, object]:
    return {"package_name": package, "task": name}


def check_job(project: Path, package: str, name: str) -> None:
    limit = within(NAME_MAX, f"from {package}.services.queue. import (")
    check_name(name, "job", limit=limit, reserved=_QUEUE_MODULES)
    module = Path("src", package, "services", "queue", f"{name}.py")
    if (project / module).exists() or (project / parts.answers_file("job", name)).exists():
        raise ScaffoldError(f"{module} already exists: the project has a job {name!r}")


def job_answers(package: str, name: str, task_queue: str) -> dict[str, object]:
    return {"package_name": package, "job": name, "task_queue": task_queue}


def job_edits(package: str, name: str, task_queue: str) -> list[parts.Edit]:
    """The job's one line in `register_jobs`, and its import: every broker or app then has it."""
    jobs = f"src/{package}/services/queue/jobs.py"
    imported = f"from .{name} import register_{name}"
    if task_queue == "taskiq":
        registration = f"    register_{name}(broker)"
        place = r"^    return broker\.register_task\(build_report"
    else:
        registration = f"    register_{name}(app, settings)"
        place = r"^    return report$"
    return [
        parts.Edit(jobs, imported, parts.sorted_relative_import(imported)),
        parts.Edit(jobs, registration, parts.before_matching(place, registration)),
    ]
