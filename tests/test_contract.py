"""A generated service keeps the contract its OpenAPI document publishes, and its tests prove it.

The project's own contract test (schemathesis over its OpenAPI document) must pass, and must fail,
naming the check, once a route answers with a status the document does not list. The commands
of the generated README's "API contract" section are run as written: the contract test, and
schemathesis's CLI against the running service.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.projects import (
    find_interpreter,
    free_port,
    render,
    run_step,
    running_python_version,
    uv_environment,
)

pytestmark = pytest.mark.slow

PACKAGE = "orders_service"
CONTRACT_TEST = (
    "uv",
    "run",
    "--no-sync",
    "pytest",
    "-p",
    "no:cacheprovider",
    "tests/test_contract.py",
)
# Port 9 (discard) is closed on loopback: the upstreams are unreachable, as in the project's tests.
UNREACHABLE_UPSTREAMS = {
    "UPSTREAM_A_URL": "http://127.0.0.1:9/",
    "UPSTREAM_B_URL": "http://127.0.0.1:9/",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project (SQLite, the outbox relay, /items), installed."""
    version = running_python_version()
    project = render(tmp_path_factory.mktemp("contract") / "orders-service", python_version=version)
    sync = run_step(project, "uv", "sync", "--python", str(find_interpreter(version)))
    assert sync.returncode == 0, sync.output
    return project


def readme_commands(project: Path) -> list[list[str]]:
    """The bash blocks of the README's "API contract" section, each a list of command lines."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## API contract\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


@contextmanager
def serving(project: Path, command: str, log: Path) -> Iterator[None]:
    """Runs the README's server `command` (its trailing `&` dropped) until /health answers;
    its output goes to `log`."""
    with log.open("wb") as output:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(
            shlex.split(command.removesuffix("&")),
            cwd=project,
            env=uv_environment(UNREACHABLE_UPSTREAMS),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    port = re.search(r"--port (\d+)", command)
    assert port, f"no --port in {command!r}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port[1]}/health", timeout=1):
                    break
            except OSError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer /health in 60 s"
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def server_errors(log: Path) -> str:
    """The server's log lines above INFO: what a failed run's 500s were."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\nserver log:\n" + "\n".join(line for line in lines if '"level":"INFO"' not in line)


def test_the_readme_runs_the_contract_test_in_process(project: Path) -> None:
    [in_process, _] = readme_commands(project)

    for command in in_process:
        result = run_step(project, *shlex.split(command))
        assert result.returncode == 0, result.output
        assert " passed" in result.output


def test_schemathesis_run_against_the_running_service_finds_no_failures(
    project: Path, tmp_path: Path
) -> None:
    [_, against_server] = readme_commands(project)
    # The README's port, moved to a free one: other services may hold 8000 on this machine.
    port = str(free_port())
    commands = [command.replace("8000", port) for command in against_server]
    [server] = [command for command in commands if command.endswith("&")]
    before, after = commands[: commands.index(server)], commands[commands.index(server) + 1 :]

    for command in before:  # the migration, in a project with a database
        result = run_step(project, *shlex.split(command))
        assert result.returncode == 0, result.output
    log = tmp_path / "server.log"
    with serving(project, server, log):
        for command in after:
            result = run_step(project, *shlex.split(command))
            assert result.returncode == 0, result.output + server_errors(log)
            assert "No issues found" in result.output


def test_the_contract_test_fails_naming_the_check_when_a_route_answers_undocumented(
    project: Path,
) -> None:
    health = project / "src" / PACKAGE / "api" / "health.py"
    original = health.read_text(encoding="utf-8")
    assert "    return HEALTHY\n" in original
    teapot = original.replace(
        "from pydantic import BaseModel",
        "from fastapi import HTTPException\nfrom pydantic import BaseModel",
    ).replace("    return HEALTHY\n", '    raise HTTPException(418, "I\'m a teapot")\n')
    health.write_text(teapot, encoding="utf-8")
    try:
        patched = run_step(project, *CONTRACT_TEST)
    finally:
        health.write_text(original, encoding="utf-8")
    unpatched = run_step(project, *CONTRACT_TEST)

    assert patched.returncode == 1, patched.output
    assert "[GET /health]" in patched.output
    assert "Undocumented status code" in patched.output
    assert "Received: 418" in patched.output
    assert unpatched.returncode == 0, unpatched.output
