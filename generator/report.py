"""What `update`, `set`, `check` and `drift` print (rich, imported only once there is output).

Markup is off: file names such as `routes/[id].py` are printed as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from generator.console import new_console
from generator.drift import Drift
from generator.project import VersionCheck
from generator.text import plural
from generator.update import UpdateResult

_KIND_STYLES = {"added": "green", "modified": "yellow", "deleted": "red"}


def print_update(path: Path, result: UpdateResult, *, pretend: bool) -> None:
    """The version move, the files written or deleted, and the conflicts to resolve."""
    path = _named(path)
    console = new_console(markup=False, soft_wrap=True)
    if result.old_version == result.new_version:
        versions = f"template version {result.new_version}"
    else:
        versions = f"template {result.old_version} → {result.new_version}"
    if not result.changes:
        console.print(f"{path}: nothing to change ({versions})")
        return
    verb = "would change" if pretend else "changed"
    console.print(f"{path}: {versions}; {verb} {plural(len(result.changes), 'file')}:")
    for change in result.changes:
        console.print(Text(f"  {change.kind:<8} ", style=_KIND_STYLES[change.kind]) + change.path)
    if result.conflicts:
        conflicts = plural(len(result.conflicts), "file")
        verb = "would have conflicts" if pretend else "has conflicts"
        console.print(Text(f"{path} {verb} in {conflicts}:", style="bold red"))
        for conflicted in result.conflicts:
            console.print(f"  {conflicted}")
        if not pretend:
            console.print(
                "Resolve the <<<<<<< markers (or apply the .rej hunks and delete the .rej files),"
                " then git add and commit.",
                style="dim",
            )
    elif not pretend:
        console.print("Review with git diff, then commit.", style="dim")


def print_check(path: Path, check: VersionCheck) -> None:
    path = _named(path)
    console = new_console(markup=False, soft_wrap=True)
    if check.outdated:
        console.print(
            f"{path}: template update available: {check.current} → {check.newest}"
            " (run scaffold update)"
        )
    else:
        console.print(f"{path} is on the newest template version ({check.current})")


def print_drift(path: Path, version: str, drift: Drift, *, diff: bool) -> None:
    """The files added, removed and changed against the standard; with `diff`, the diffs."""
    path = _named(path)
    console = new_console(markup=False, soft_wrap=True)
    if not drift.found:
        console.print(f"{path} matches the template {version} with its answers: no drift")
        return
    console.print(f"{path} drifts from the template {version} with its answers:")
    _print_paths(console, "changed", drift.changed)
    _print_paths(console, "removed", drift.removed)
    _print_paths(console, "added", drift.added)
    if diff:
        for name in drift.changed:
            console.print()
            for line in drift.diffs[name].splitlines():
                console.print(Text(line, style=_diff_style(line)))


def _named(path: Path) -> Path:
    """The project as given on the command line, or its directory's name for `.`."""
    return path if path.name else Path(path.resolve().name)


def _print_paths(console: Console, label: str, paths: Sequence[str]) -> None:
    if paths:
        console.print(Text(f"{label} ({len(paths)}):", style="bold"))
        for name in paths:
            console.print(f"  {name}")


def _diff_style(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "bold"
    if line.startswith("+"):
        return "green"
    if line.startswith("-"):
        return "red"
    return "cyan" if line.startswith("@@") else ""
