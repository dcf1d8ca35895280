"""The optional steps of `scaffold new` once a project is rendered: `--install` and `--git`.

They are the only parts of `scaffold new` that start programs or may use the network (uv downloads
packages): without the flags, nothing runs. Each step that fails keeps the project and raises a
ScaffoldError naming what to run by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from generator.errors import ScaffoldError

COMMIT_MESSAGE: Final = "Initial commit from fastapi-scaffold"
# How to get uv where `scaffold` is: pip put scaffold on PATH, so it puts uv there too.
INSTALL_UV: Final = "python3 -m pip install uv"
# Used only when git has no user.name or user.email configured: the first commit still gets made.
_FALLBACK_IDENTITY: Final = ("-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost")


@dataclass(frozen=True)
class Tools:
    """The programs the optional steps run; None for a step that was not asked for."""

    git: str | None
    uv: str | None


def find_tools(dest: Path, *, git: bool, install: bool) -> Tools:
    """Check, before anything is written, that the asked-for steps can run in `dest`."""
    if git and (dest / ".git").exists():
        raise ScaffoldError(f"--git: {dest} is already a git repository")
    return Tools(
        git=_which("git", "--git") if git else None,
        uv=_which("uv", "--install") if install else None,
    )


def _which(name: str, flag: str) -> str:
    path = shutil.which(name)
    if path is None:
        hint = f"; install it with `{INSTALL_UV}`" if name == "uv" else ""
        raise ScaffoldError(f"{flag} needs {name}, which is not on PATH{hint}")
    return path


def install(project: Path, uv: str, show: Callable[[str], None]) -> None:
    """Create the project's environment with `uv sync`, passing each line uv prints to `show`.

    uv reads its own settings from the environment (UV_PYTHON_DOWNLOADS, UV_INDEX_URL, ...). An
    activated virtual environment is not passed on: `uv sync` would only warn that it ignores it.
    """
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    lines: list[str] = []
    with subprocess.Popen(
        [uv, "sync"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None  # stdout=PIPE
        for raw in process.stdout:
            if line := raw.strip():
                lines.append(line)
                show(line)
    if process.returncode != 0:
        raise ScaffoldError(
            f"uv sync failed in {project}: {_reason(lines)}; the project is kept,"
            " run `uv sync` there once that is fixed"
        )


def init_repository(project: Path, git: str) -> None:
    """`git init`, add every file (the template's .gitignore applies) and make the first commit."""
    _git(git, project, "init", "--quiet")
    _git(git, project, "add", "--all")
    has_identity = all(
        subprocess.run(
            [git, "config", "--get", key], cwd=project, capture_output=True, check=False
        ).returncode
        == 0
        for key in ("user.name", "user.email")
    )
    identity = () if has_identity else _FALLBACK_IDENTITY
    _git(git, project, "commit", "--quiet", "--message", COMMIT_MESSAGE, options=identity)


def _git(git: str, project: Path, command: str, *args: str, options: Sequence[str] = ()) -> None:
    completed = subprocess.run(
        [git, *options, command, *args],
        cwd=project,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stderr + completed.stdout).splitlines()
        raise ScaffoldError(
            f"git {command} failed in {project}: {_reason(output)}; the project is kept"
        )


def _reason(lines: Sequence[str]) -> str:
    """The line of a tool's output that tells what went wrong: the first error, else the last."""
    stripped = [line.strip() for line in lines if line.strip()]
    for line in stripped:
        if line.lower().startswith(("error:", "fatal:")):
            return line.split(":", 1)[1].strip()
    return stripped[-1] if stripped else "no output"
