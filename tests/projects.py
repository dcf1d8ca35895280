"""Render projects from this repository's template and run their own toolchain.

Shared by the render, end-to-end and feature tests of the generator's suite.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.files import files_under

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NAME = "Orders Service"
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
# The local PostgreSQL server (trust authentication) that `database=postgres` projects test against.
POSTGRES_SERVER = os.environ.get("SCAFFOLD_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


def render(dest: Path, **answers: Any) -> Path:
    """Render the template (working tree included) into `dest` with `answers` over the defaults."""
    import copier  # slow import; only the tests that render pay for it

    copier.run_copy(
        str(REPO_ROOT),
        dest,
        data={"project_name": DEFAULT_NAME, **answers},
        defaults=True,
        unsafe=False,
        quiet=True,
    )
    return dest


def recorded_answers(project: Path) -> dict[str, Any]:
    """The answers Copier recorded in `project`'s answers file."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(answers, dict)
    return answers


def project_files(root: Path) -> set[str]:
    """Every file below `root`, as POSIX paths relative to it (tool caches and venvs left out)."""
    skipped = {
        ".venv",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "__pycache__",
        ".git",
        ".hypothesis",
        ".schemathesis",
    }
    return {path.as_posix() for path in files_under(root, skipped=skipped)}


def template_residue(root: Path) -> list[str]:
    """Where Jinja syntax or a `.jinja` suffix survived rendering: "path" or "path: marker"."""
    found = []
    for relative in sorted(project_files(root)):
        if ".jinja" in relative or "{{" in relative or "{%" in relative:
            found.append(relative)
        text = (root / relative).read_text()
        found += [f"{relative}: {m}" for m in ("{{", "}}", "{%", "%}", "{#") if m in text]
    return found


def running_python_version() -> str:
    """The interpreter running the tests, as a `python_version` answer (the default run uses it)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return version if version in SUPPORTED_PYTHONS else "3.12"


def find_interpreter(version: str) -> Path:
    """An installed CPython `version` (uv may not download one here): this one, PATH or pyenv."""
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return Path(sys.executable)
    candidates = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    candidates = [c / f"python{version}" for c in candidates if "shims" not in c.parts]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise LookupError(f"no Python {version} interpreter found on PATH or under {pyenv_root}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def uv_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for uv: never download interpreters; one shared cache for every project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.setdefault("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv"))
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class StepResult:
    command: str
    returncode: int
    output: str


def run_step(project: Path, *command: str, env: Mapping[str, str] | None = None) -> StepResult:
    completed = subprocess.run(
        command,
        cwd=project,
        env=uv_environment(env),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return StepResult(" ".join(command), completed.returncode, completed.stdout + completed.stderr)


# The generated project's own checks, exactly as its README and CI run them.
PROJECT_CHECKS: tuple[tuple[str, ...], ...] = (
    ("uv", "run", "--no-sync", "ruff", "check", "."),
    ("uv", "run", "--no-sync", "ruff", "format", "--check", "."),
    ("uv", "run", "--no-sync", "mypy", "."),
    ("uv", "run", "--no-sync", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"),
)


def check_project(project: Path, env: Mapping[str, str] | None = None) -> list[StepResult]:
    """Install `project` with uv and run its checks; returns the failed steps (empty: all green).

    A `database=postgres` project tests against a database of its own on POSTGRES_SERVER, created
    by its tests and dropped afterwards.
    """
    answers = (project / ".copier-answers.yml").read_text()
    match = re.search(r"^python_version: '?([\d.]+)'?$", answers, re.MULTILINE)
    assert match, "answers file records no python_version"
    python = find_interpreter(match.group(1))
    sync = run_step(project, "uv", "sync", "--python", str(python), env=env)
    if sync.returncode != 0:
        return [sync]
    env = dict(env or {})
    with ExitStack() as stack:
        if re.search(r"^database: postgres$", answers, re.MULTILINE):
            env["TEST_DATABASE_URL"] = stack.enter_context(postgres_database())
        results = [run_step(project, *command, env=env) for command in PROJECT_CHECKS]
    return [result for result in results if result.returncode != 0]


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a database of its own on POSTGRES_SERVER (the project's tests create it)."""
    name = f"scaffold_{uuid.uuid4().hex[:12]}"
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        if shutil.which("psql"):
            drop = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            subprocess.run(
                ["psql", f"{POSTGRES_SERVER}/postgres", "-qc", drop],
                capture_output=True,
                check=False,
                timeout=60,
            )


def describe_failures(failures: list[StepResult]) -> str:
    return "\n\n".join(
        f"$ {f.command}  (exit {f.returncode})\n{f.output[-6000:]}" for f in failures
    )
