"""`scaffold new --git` and `--install`; without them nothing is installed or fetched.

The fast tests render the fixture template and run real git, or a stand-in `uv` that records how it
was called; the slow one runs the real `uv sync` on the real template.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import postgen
from tests.helpers import scaffold
from tests.projects import running_python_version, uv_environment
from tests.template_repo import git

NAME = ("--project-name", "Orders")
# Events of Python's audit hooks that start a program or reach the network.
WATCHED_EVENTS = frozenset(
    {"subprocess.Popen", "os.exec", "os.posix_spawn", "os.system", "socket.connect"}
    | {"socket.getaddrinfo", "socket.sendto"}
)
# git commands that talk to a remote.
NETWORK_GIT_COMMANDS = frozenset({"clone", "fetch", "pull", "push", "ls-remote", "submodule"})
_recorded: list[tuple[str, tuple[Any, ...]]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recorded is not None and event in WATCHED_EVENTS:
        _recorded.append((event, args))


# An audit hook cannot be removed: it records only while the `audited` fixture is active.
sys.addaudithook(_audit)


@pytest.fixture
def audited() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every program started and every connection made while the test runs."""
    global _recorded
    _recorded = []
    try:
        yield _recorded
    finally:
        _recorded = None


def git_environment(tmp_path: Path, config: str) -> dict[str, str | None]:
    """git reads `config` as the user's global configuration; no identity comes from elsewhere."""
    global_config = tmp_path / "gitconfig"
    global_config.write_text(config, encoding="utf-8")
    identity = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    return {
        "GIT_CONFIG_GLOBAL": str(global_config),
        "GIT_CONFIG_NOSYSTEM": "1",
        **dict.fromkeys((*identity, "EMAIL"), None),
    }


# --- nothing but the render without the flags ----------------------------------------------------


def test_without_git_or_install_nothing_is_installed_or_fetched(
    bundled: Path, tmp_path: Path, audited: list[tuple[str, tuple[Any, ...]]]
) -> None:
    result = scaffold("new", str(tmp_path / "svc"), *NAME)

    assert result.exit_code == 0, result.output
    assert [event for event, _ in audited if event.startswith("socket.")] == []
    # Copier runs a few local git commands to inspect the template; none reaches a remote.
    started = [[str(arg) for arg in args[1]] for event, args in audited if event != "os.system"]
    assert [argv for argv in started if Path(argv[0]).name == "uv"] == []
    assert [argv for argv in started if NETWORK_GIT_COMMANDS.intersection(argv[1:2])] == []
    assert not (tmp_path / "svc" / ".git").exists()
    assert not (tmp_path / "svc" / ".venv").exists()


def test_the_audit_sees_what_git_starts(
    bundled: Path, tmp_path: Path, audited: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """The check above can fail: the commit that --git makes is seen."""
    env = git_environment(tmp_path, "")

    result = scaffold("new", str(tmp_path / "svc"), *NAME, "--git", env=env)

    assert result.exit_code == 0, result.output
    started = [[str(arg) for arg in args[1]] for event, args in audited if event != "os.system"]
    assert [argv[-3:] for argv in started if "commit" in argv] == [
        ["--quiet", "--message", postgen.COMMIT_MESSAGE]
    ]


# --- --git ---------------------------------------------------------------------------------------


def test_git_makes_a_repository_with_one_commit(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    env = git_environment(tmp_path, "[user]\n\tname = Ada\n\temail = ada@example.com\n")

    result = scaffold("new", str(dest), *NAME, "--git", env=env)

    assert result.exit_code == 0, result.output
    assert "Made a git repository with a first commit" in result.stdout
    assert git(dest, "log", "--format=%an <%ae> %s").splitlines() == [
        f"Ada <ada@example.com> {postgen.COMMIT_MESSAGE}"
    ]
    committed = set(git(dest, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    assert {".copier-answers.yml", "README.md", "src/orders/__init__.py"} <= committed
    assert git(dest, "status", "--porcelain") == ""


def test_git_without_an_identity_commits_as_scaffold(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    env = git_environment(tmp_path, "")

    result = scaffold("new", str(dest), *NAME, "--git", env=env)

    assert result.exit_code == 0, result.output
    assert git(dest, "log", "--format=%an <%ae>") == "scaffold <scaffold@localhost>\n"
    # The fallback identity is for that one commit: no configuration file is changed.
    assert (tmp_path / "gitconfig").read_text(encoding="utf-8") == ""
    assert "[user]" not in (dest / ".git" / "config").read_text(encoding="utf-8")


def test_git_failure_is_one_line_and_keeps_the_project(bundled: Path, tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'refused by a hook' >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    dest = tmp_path / "svc"
    env = git_environment(tmp_path, f"[core]\n\thooksPath = {hooks}\n")

    result = scaffold("new", str(dest), *NAME, "--git", env=env)

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: git commit failed in {dest}: refused by a hook; the project is kept\n"
    )
    assert (dest / ".copier-answers.yml").is_file()


# --- --install -----------------------------------------------------------------------------------


@pytest.fixture
def fake_uv(tmp_path: Path) -> Path:
    """A `uv` that records its arguments, directory and environment, prints and exits as told."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(
        "#!/bin/sh\n"
        'printf "%s\\n" "$PWD" "$*" "${UV_PYTHON_DOWNLOADS-unset}" "${VIRTUAL_ENV-unset}"'
        ' > "$FAKE_UV_LOG"\n'
        'printf "%b" "$FAKE_UV_OUTPUT"\n'
        'exit "${FAKE_UV_EXIT:-0}"\n',
        encoding="utf-8",
    )
    uv.chmod(0o755)
    return bin_dir


def fake_uv_environment(fake_uv: Path, **extra: str) -> dict[str, str | None]:
    return {
        "PATH": f"{fake_uv}{os.pathsep}{os.environ['PATH']}",
        "FAKE_UV_LOG": str(fake_uv / "log"),
        "UV_PYTHON_DOWNLOADS": "never",
        "VIRTUAL_ENV": "/some/activated/venv",
        **extra,
    }


def test_install_runs_uv_sync_in_the_project(bundled: Path, tmp_path: Path, fake_uv: Path) -> None:
    dest = tmp_path / "svc"
    env = fake_uv_environment(fake_uv, FAKE_UV_OUTPUT="Resolved 3 packages\nInstalled 3\n")

    result = scaffold("new", str(dest), *NAME, "--install", env=env)

    assert result.exit_code == 0, result.output
    cwd, args, downloads, virtual_env = (fake_uv / "log").read_text().splitlines()
    assert (Path(cwd), args, downloads, virtual_env) == (dest, "sync", "never", "unset")
    assert "Installed its environment with uv sync" in result.stdout
    steps = result.stdout.split("Next steps:")[1].split()
    assert "sync" not in steps, "the environment is ready: no `uv sync` step"
    assert result.stderr == "", "no progress display off a terminal"


def test_install_failure_is_one_line_and_keeps_the_project(
    bundled: Path, tmp_path: Path, fake_uv: Path
) -> None:
    dest = tmp_path / "svc"
    output = (
        "Using CPython 3.99\\n"
        "error: No interpreter found for Python >=3.99 in search path\\n"
        "hint: install one\\n"
    )
    env = fake_uv_environment(fake_uv, FAKE_UV_OUTPUT=output, FAKE_UV_EXIT="2")

    result = scaffold("new", str(dest), *NAME, "--install", "--git", env=env)

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: uv sync failed in {dest}: No interpreter found for Python >=3.99 in search"
        " path; the project is kept, run `uv sync` there once that is fixed\n"
    )
    assert (dest / ".copier-answers.yml").is_file()
    assert not (dest / ".git").exists(), "--git runs after --install, so uv.lock is committed"


@pytest.mark.slow
def test_git_and_install_end_with_a_repository_and_a_ready_environment(tmp_path: Path) -> None:
    """The real template, git and `uv sync`: the first commit has uv.lock; the package imports."""
    dest = tmp_path / "ready"
    env = uv_environment()

    command = [sys.executable, "-m", "generator", "new", str(dest), "--git", "--install"]
    command += ["--defaults", "--project-name", "Ready Service"]
    command += ["--python-version", running_python_version()]
    completed = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    recorded = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded["package_name"] == "ready_service"
    imported = subprocess.run(
        ["uv", "run", "--no-sync", "python", "-c", "import ready_service, fastapi"],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert (dest / ".venv").is_dir()
    assert len(git(dest, "log", "--format=%H").splitlines()) == 1
    committed = set(git(dest, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    assert {".copier-answers.yml", "uv.lock", "pyproject.toml"} <= committed
    assert git(dest, "status", "--porcelain") == "", ".venv is ignored, everything else committed"
