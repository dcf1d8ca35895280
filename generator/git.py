"""The few git commands `update`, `check` and `drift` need, run as subprocesses.

Copier itself shells out to git for the same work; these helpers add one-line errors.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Final

from generator.errors import ScaffoldError

# The shorthands copier expands, so that `gh:org/repo` names the same repository here.
_ALIASES: Final = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
# Sources copier fetches with git: gh:/gl: shorthands, scp-like git@host:..., git+ and URL schemes.
REMOTE_SOURCE: Final = re.compile(r"^(gh:|gl:|git@|git\+|[A-Za-z][A-Za-z0-9+.-]*://)")
# The identity of the throw-away commits made in scratch clones; the user's config may have none.
_IDENTITY: Final = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
}


def git(*args: str, cwd: Path, input: bytes | None = None) -> str:
    """Run `git args` in `cwd` and return its output; a failure is a ScaffoldError."""
    return git_bytes(*args, cwd=cwd, input=input).decode("utf-8", errors="surrogateescape")


def git_bytes(*args: str, cwd: Path, input: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            check=False,
            env={**os.environ, **_IDENTITY, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise ScaffoldError("git is not installed; updates, checks and drift need it") from None
    if completed.returncode != 0:
        message = " ".join(completed.stderr.decode(errors="replace").split())
        raise ScaffoldError(f"git {args[0]} failed: {message or f'exit {completed.returncode}'}")
    return completed.stdout


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree `path` is in, or None outside one."""
    try:
        return Path(git("rev-parse", "--show-toplevel", cwd=path).strip())
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
    output = git("ls-remote", "--tags", "--refs", "--", url, cwd=Path.cwd())
    return [line.split("\t", 1)[1].removeprefix("refs/tags/") for line in output.splitlines()]
