"""The one way scaffold runs git: `update`, `check`, `drift` and `scaffold new --git`.

Copier itself shells out to git for the same work; these helpers add one-line errors.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from generator.errors import ScaffoldError
from generator.text import one_line

# The shorthands copier expands, so that `gh:org/repo` names the same repository here.
_ALIASES: Final = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
# Sources copier fetches with git: gh:/gl: shorthands, scp-like git@host:..., git+ and URL schemes.
REMOTE_SOURCE: Final = re.compile(r"^(gh:|gl:|git@|git\+|[A-Za-z][A-Za-z0-9+.-]*://)")
# The identity of a commit scaffold makes where git has no user.name or user.email configured.
FALLBACK_IDENTITY: Final = ("-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost")


class GitError(ScaffoldError):
    """A git command that exited non-zero: `command` names it; `stderr` and `stdout` it printed."""

    def __init__(self, command: str, returncode: int, stderr: str, stdout: str) -> None:
        super().__init__(f"git {command} failed: {one_line(stderr) or f'exit {returncode}'}")
        self.command = command
        self.stderr = stderr
        self.stdout = stdout


def run(
    *args: str,
    cwd: Path,
    input: bytes | None = None,
    program: str = "git",
    options: Sequence[str] = (),
) -> str:
    """Run `git options args` in `cwd` and return its output; a failure is a GitError.

    `program`: the git executable, when the caller has looked it up; `options`: git's own options,
    which come before the command (`-c key=value`).
    """
    output = run_bytes(*args, cwd=cwd, input=input, program=program, options=options)
    return output.decode("utf-8", errors="surrogateescape")


def run_bytes(
    *args: str,
    cwd: Path,
    input: bytes | None = None,
    program: str = "git",
    options: Sequence[str] = (),
) -> bytes:
    """`run`, returning the output as bytes (a blob's contents)."""
    try:
        completed = subprocess.run(
            [program, *options, *args],
            cwd=cwd,
            input=input,
            # Without input, git reads nothing, and never asks for credentials.
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise ScaffoldError("git is not installed; updates, checks and drift need it") from None
    if completed.returncode != 0:
        stderr = completed.stderr.decode(errors="replace")
        stdout = completed.stdout.decode(errors="replace")
        raise GitError(args[0], completed.returncode, stderr, stdout)
    return completed.stdout


def commit(*args: str, cwd: Path, program: str = "git") -> None:
    """`git commit args`, as scaffold (FALLBACK_IDENTITY) where git has no identity configured.

    The fallback is given on the command line: no configuration file is changed.
    """
    try:
        for key in ("user.name", "user.email"):
            run("config", "--get", key, cwd=cwd, program=program)
    except GitError:
        identity: tuple[str, ...] = FALLBACK_IDENTITY
    else:
        identity = ()
    run("commit", *args, cwd=cwd, program=program, options=identity)


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree `path` is in, or None outside one."""
    try:
        return Path(run("rev-parse", "--show-toplevel", cwd=path).strip())
    except ScaffoldError:
        return None


def split_z(output: str) -> list[str]:
    """The entries of a NUL-separated (`-z`) listing."""
    return [entry for entry in output.split("\0") if entry]


def repository_url(source: str) -> str | None:
    """The URL git can fetch for a template source, or None when it is not a git repository.

    Remote sources are taken on trust (git fails later if they are not repositories); a local
    path must be the root of a git work tree, as copier requires to read its versions.
    """
    for alias, prefix in _ALIASES.items():
        if source.startswith(alias):
            rest = source.removeprefix(alias).lstrip("/")
            return prefix + (rest if rest.endswith(".git") else f"{rest}.git")
    if REMOTE_SOURCE.match(source):
        return source.removeprefix("git+")
    path = Path(source).expanduser()
    if not path.is_dir():
        return None
    top = toplevel(path)
    if top is None or top.resolve() != path.resolve():
        return None
    return str(path.resolve())


def tags(url: str) -> list[str]:
    """The tag names of the repository at `url` (fetched with `git ls-remote`)."""
    output = run("ls-remote", "--tags", "--refs", "--", url, cwd=Path.cwd())
    return [line.split("\t", 1)[1].removeprefix("refs/tags/") for line in output.splitlines()]
