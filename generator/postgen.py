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

from generator import git
from generator.errors import ScaffoldError
from generator.text import INSTALL_UV

COMMIT_MESSAGE: Final = "Initial commit from fastapi-scaffold"


@dataclass(frozen=True)
class Tools:
    """The programs the optional steps run; None for a step that was not asked for."""

    git: str | None
    uv: str | None


def find_tools(dest: Path, *, commit: bool, install: bool) -> Tools:
    """Check, before anything is written, that the asked-for steps can run in `dest`.

    `commit`: --git, a repository with a first commit; `install`: --install, `uv sync`.
    """
    if commit and (dest / ".git").exists():
        raise ScaffoldError(f"--git: {dest} is already a git repository")
    return Tools(
        git=_which("git", "--git") if commit else None,
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


def init_repository(project: Path, program: str) -> None:
    """`git init`, add every file (the template's .gitignore applies) and make the first commit.

    The commit is the user's, or scaffold's where git has no identity configured (git.commit).
    """
    try:
        git.run("init", "--quiet", cwd=project, program=program)
        git.run("add", "--all", cwd=project, program=program)
        git.commit("--quiet", "--message", COMMIT_MESSAGE, cwd=project, program=program)
    except git.GitError as error:
        output = (error.stderr + error.stdout).splitlines()
        raise ScaffoldError(
            f"git {error.command} failed in {project}: {_reason(output)}; the project is kept"
        ) from None


def _reason(lines: Sequence[str]) -> str:
    """The line of a tool's output that tells what went wrong: the first error, else the last."""
    stripped = [line.strip() for line in lines if line.strip()]
    for line in stripped:
        if line.lower().startswith(("error:", "fatal:")):
            return line.split(":", 1)[1].strip()
    return stripped[-1] if stripped else "no output"
