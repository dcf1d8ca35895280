"""`scaffold add task` and `scaffold add job`: work done after the response, or on a worker.

A task is a function the app's task runner runs after the response (`tasks/<name>.py`); a job
is a function of the project's task queue (taskiq or Celery), run by a worker process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from generator import parts
from generator.errors import ScaffoldError
from generator.resources import check_name

NAME_MAX: Final = 24  # the longest generated line stays under 100 columns, whatever the package
# Modules the template's tasks/ may hold, and names its code uses.
_TASK_MODULES: Final = frozenset(
    {"audit", "metrics", "notifications", "outbox", "relay", "runner", "webhook", "logger"}
)


def check_task(project: Path, package: str, name: str) -> None:
    check_name(name, "task", limit=NAME_MAX, reserved=_TASK_MODULES)
    module = Path("src", package, "tasks", f"{name}.py")
    if (project / module).exists() or (project / parts.answers_file("task", name)).exists():
        raise ScaffoldError(f"{module} already exists: the project has a task {name!r}")


def task_answers(package: str, name: str) -> dict[str, object]:
    return {"package_name": package, "task": name}
