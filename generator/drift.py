"""`scaffold drift`: how a project differs from the standard it was generated as.

The standard is the template rendered again at the project's recorded version with its recorded
answers, in a temporary directory. Files are compared byte for byte:

- changed: in both, with different contents;
- removed: in the standard, not in the project;
- added: in the project, not in the standard, except new files under `src/` and `tests/`,
  which are the service's own code.

The project's files are those git sees (tracked, or untracked and not ignored); outside git,
every file but tool caches and virtual environments. The answers file is left out, and so is
every path matching an ignore glob (`--ignore`, or `drift-ignore` under `[tool.scaffold]` in the
project's pyproject.toml). In a glob, `*` also matches `/`; a directory name stands for
everything below it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Final

from generator import additions, git, parts, rendering
from generator.errors import UsageError
from generator.files import files_under
from generator.project import ANSWERS_FILE, Project
from generator.text import one_line

OWN_CODE: Final = ("src/", "tests/")
"""New files below these directories are the service's own code, not drift."""

_SKIPPED: Final = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        ".schemathesis",
    }
)


@dataclass(frozen=True)
class Drift:
    added: list[str]
    removed: list[str]
    changed: list[str]
    diffs: dict[str, str]
    """A unified diff (standard → project) per changed file."""

    @property
    def found(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def compare(project: Project, *, ignore: Sequence[str]) -> Drift:
    """Compare the project with the template rendered at its version and answers."""
    globs = [*configured_ignore(project.path), *ignore]
    with rendering.rendered_in_scratch(
        project.source, project.path, project.answers, vcs_ref=project.version, defaults=True
    ) as (standard_root, _):
        additions.replay(standard_root, project.path)  # what `scaffold add` added is standard too
        standard = _kept(_all_files(standard_root), globs)
        mine = _kept(project_files(project.path), globs)
        changed = sorted(
            path
            for path in standard & mine
            if (standard_root / path).read_bytes() != (project.path / path).read_bytes()
        )
        diffs = {
            path: unified_diff(standard_root / path, project.path / path, path) for path in changed
        }
    added = sorted(path for path in mine - standard if not path.startswith(OWN_CODE))
    return Drift(added, sorted(standard - mine), changed, diffs)


def configured_ignore(path: Path) -> list[str]:
    """`drift-ignore` under `[tool.scaffold]` in the project's pyproject.toml, if any."""
    pyproject = path / "pyproject.toml"
    if not pyproject.is_file():
        return []
    import tomllib  # here: the commands import this module, and `scaffold --help` must not pay

    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"cannot read {pyproject}: {one_line(error)}") from None
    tool = document.get("tool", {})
    globs = tool.get("scaffold", {}).get("drift-ignore", []) if isinstance(tool, dict) else []
    if not isinstance(globs, list) or not all(isinstance(glob, str) for glob in globs):
        raise UsageError(f"{pyproject}: [tool.scaffold] drift-ignore must be a list of globs")
    return globs


def project_files(path: Path) -> set[str]:
    """The project's files: what git sees (ignored files left out), or all outside git."""
    if git.toplevel(path) is None:
        return _all_files(path)
    listed = git.run(
        "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".", cwd=path
    )
    # A tracked file deleted from the work tree is still listed.
    return {entry for entry in git.split_z(listed) if os.path.lexists(path / entry)}


def _all_files(root: Path) -> set[str]:
    return {path.as_posix() for path in files_under(root, skipped=_SKIPPED)}


def _kept(paths: Iterable[str], globs: Sequence[str]) -> set[str]:
    return {
        path
        for path in paths
        if path != ANSWERS_FILE
        and not parts.is_part_answers(path)
        and not any(_matches(path, glob) for glob in globs)
    }


def _matches(path: str, glob: str) -> bool:
    return fnmatchcase(path, glob) or fnmatchcase(path, glob.rstrip("/") + "/*")


def unified_diff(standard: Path, mine: Path, name: str) -> str:
    """The diff from the standard's file to the project's; binary files are only named."""
    try:
        before = standard.read_text(encoding="utf-8").splitlines()
        after = mine.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return f"Binary files standard/{name} and project/{name} differ"
    lines = difflib.unified_diff(
        before, after, fromfile=f"standard/{name}", tofile=f"project/{name}", lineterm=""
    )
    return "\n".join(lines) or f"{name}: only line endings or the final newline differ"
