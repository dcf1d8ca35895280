"""The kinds `scaffold add` knows, for the commands that see added parts again (`drift`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from generator import clients, parts, resources, workers

# The answer that names a part in its answers file (`.copier-answers.<kind>-<name>.yml`).
NAMED_BY: Final = {"resource": "plural", "client": "client", "task": "task", "job": "job"}


def name_of(kind: str, data: Mapping[str, object]) -> str:
    """The name a part of `kind` goes by: its answers file's, and the summary's."""
    return str(data[NAMED_BY[kind]])


def edits_for(kind: str, data: Mapping[str, object]) -> list[parts.Edit]:
    """The lines a part of `kind` with these answers adds to the project's own files."""
    if kind == "resource":
        return resources.edits(str(data["package_name"]), str(data["plural"]))
    if kind == "client":
        return clients.edits(str(data["package_name"]), str(data["client"]), str(data["base_url"]))
    if kind == "job":
        package, job, queue = (str(data[key]) for key in ("package_name", "job", "task_queue"))
        return workers.job_edits(package, job, queue)
    return []


def replay(standard: Path, project: Path) -> None:
    """Every part added to `project`, rendered again onto `standard` (see `parts.replay`)."""
    parts.replay(standard, project, named_by=NAMED_BY, edits_for=edits_for)
