"""The README's benchmarks, each run in a short mode: a broken measurement must fail, not print.

The top-level README documents `bench/run` and one `uv run python bench/<script>.py` per
benchmark. Every script it documents runs here, from the repository root, as
`uv run --no-sync python bench/<script>.py` with the arguments in SHORT_RUNS that shrink it; it
must exit 0 and print a markdown table. Figures are never checked: a benchmark does not pass or
fail on speed. What fails is a measurement that is broken (a server that does not start, error
statuses, a worker that does nothing): bench/common.py's `Broken` ends the script with exit 1.
`bench/run` runs with a stub `uv` that records what it was asked to run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.projects import POSTGRES_SERVER, REPO_ROOT, uv_environment

BENCH = REPO_ROOT / "bench"
sys.path.insert(0, str(BENCH))  # the scripts import `common` from their own directory

import common  # noqa: E402

# Arguments that shrink each documented benchmark to a smoke run (its defaults are the real run),
# the longest runs first: xdist's workers then finish at about the same time.
SHORT_RUNS: dict[str, tuple[str, ...]] = {
    "outbox_durability": (
        "--notifications", "5", "--shared", "20", "--posts", "20", "--wait", "8", "--lease", "3",
    ),
    "queue_throughput": (
        "--jobs", "10", "--size", "100000", "--kill-jobs", "6", "--deadline", "60",
        "--redelivery", "3",
    ),
    "background_burst": (
        "--requests", "20", "--delay", "0.2", "--spread", "0.2", "--open-loop-seconds", "1",
        "--bursts", "1",
    ),
    "items_throughput": ("--seconds", "1"),
    # Every tool in one project, beside the project with none.
    "observability_cost": ("--seconds", "1", "--projects", "all three"),
    # One app, instrumented from its first answer: start-up under callgrind takes a minute.
    "health_instructions": (
        "--apps", "bare FastAPI", "--from-ready", "--warm-up", "5", "--requests", "20",
    ),
    "health_throughput": ("--seconds", "1", "--rounds", "1"),
    "http_fanout": ("--requests", "2", "--timeout", "1"),
    "tool_speed": ("--runs", "1"),
}  # fmt: skip

# The local servers a benchmark needs, as (name, host, port).
REDIS = ("Redis", "127.0.0.1", 6379)
RABBITMQ = ("RabbitMQ", "127.0.0.1", 5672)
_postgres = re.search(r"@([^:/]+):(\d+)", POSTGRES_SERVER)
assert _postgres, POSTGRES_SERVER
POSTGRES = ("PostgreSQL", _postgres[1], int(_postgres[2]))
SERVICES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "queue_throughput": (REDIS, RABBITMQ),
    "items_throughput": (POSTGRES,),
    "outbox_durability": (POSTGRES,),
}
# Programs a benchmark cannot run without (CI's machine has them).
TOOLS: dict[str, tuple[str, ...]] = {
    "health_instructions": ("valgrind", "callgrind_control"),
    "items_throughput": ("wrk", "psql"),
    "outbox_durability": ("psql",),
}
MARKDOWN_TABLE = re.compile(r"^\|.*\|\n\|( *:?-{3,}:? *\|)+$", re.MULTILINE)
BENCH_TIMEOUT = 600


def documented_benchmarks() -> list[str]:
    """The scripts README.md's Benchmarks section runs, in its order."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Benchmarks\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^uv run python bench/(\w+)\.py\b", section, re.MULTILINE)


def benchmark_scripts() -> set[str]:
    """bench/'s scripts that run as a benchmark (a `__main__` block), not its shared modules."""
    return {
        path.stem
        for path in BENCH.glob("*.py")
        if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    }


def unavailable(what: str) -> None:
    """Skip, saying why; with REQUIRE_SERVICES=1 (CI), fail instead."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}", pytrace=False)
    pytest.skip(what)


def require(script: str) -> None:
    for name, host, port in SERVICES.get(script, ()):
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError as error:
            unavailable(f"{name} at {host}:{port} is unreachable ({error})")
    for tool in TOOLS.get(script, ()):
        if not shutil.which(tool):
            unavailable(f"bench/{script}.py needs {tool}, which is not installed")


def run_bench(script: str, tmp: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The script from the repository root; its temporary files (queue_throughput keeps its
    projects and logs) go under `tmp`, which pytest removes in time."""
    return subprocess.run(
        ["uv", "run", "--no-sync", "python", f"bench/{script}.py", *arguments],
        cwd=REPO_ROOT,
        env=uv_environment({"TMPDIR": str(tmp)}),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BENCH_TIMEOUT,
        check=False,
    )


# --- the README's list, bench/run's list and bench/'s scripts agree -------------------------------


def test_readme_documents_every_benchmark_and_each_has_a_short_run() -> None:
    documented = documented_benchmarks()
    assert documented, "README.md's Benchmarks section lists no `uv run python bench/...` command"
    assert sorted(documented) == sorted(benchmark_scripts())
    assert sorted(SHORT_RUNS) == sorted(documented), "SHORT_RUNS: one entry per documented script"


def test_bench_run_runs_every_benchmark(tmp_path: Path) -> None:
    """bench/run, executed with a `uv` on PATH that only records its arguments."""
    calls = tmp_path / "calls"
    stub = tmp_path / "bin" / "uv"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$UV_CALLS"\n')
    stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(
        [str(BENCH / "run")],
        env={**env, "UV_CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    ran = calls.read_text().splitlines()
    assert ran == [f"run --no-sync python bench/{script}.py" for script in ran_scripts(ran)]
    assert sorted(ran_scripts(ran)) == sorted(benchmark_scripts())


def ran_scripts(calls: list[str]) -> list[str]:
    return [m[1] for call in calls if (m := re.search(r"bench/(\w+)\.py", call))]


# --- each documented benchmark, in its short mode ------------------------------------------------


def in_run_order() -> list[str]:
    """The documented scripts, any without a short run first (they fail at once), then SHORT_RUNS'
    order."""
    order = list(SHORT_RUNS)
    return sorted(documented_benchmarks(), key=lambda s: order.index(s) if s in order else -1)


def _needs_services(script: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.services] if script in SERVICES else []


@pytest.mark.slow
@pytest.mark.parametrize(
    "script",
    [pytest.param(script, marks=_needs_services(script)) for script in in_run_order()],
)
def test_documented_benchmark_measures_in_its_short_mode(script: str, tmp_path: Path) -> None:
    assert script in SHORT_RUNS, f"README documents bench/{script}.py: add its SHORT_RUNS entry"
    require(script)
    completed = run_bench(script, tmp_path, *SHORT_RUNS[script])
    assert completed.returncode == 0, (
        f"bench/{script}.py exited {completed.returncode}\n"
        f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    )
    assert MARKDOWN_TABLE.search(completed.stdout), completed.stdout[-3000:]


# --- the checks that stop a broken measurement can fire -------------------------------------------


class _Answers500(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_server() -> Iterator[str]:
    """The URL of a loopback server answering every GET with 500."""
    with common.loopback_http_server(_Answers500) as url:
        yield url + "/health"


@pytest.mark.parametrize("client", ["wrk", "python"])
def test_load_answered_500_is_broken_not_a_rate(
    client: str, failing_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if client == "wrk" and not shutil.which("wrk"):
        pytest.skip("wrk is not installed")
    if client == "python":
        monkeypatch.setattr(shutil, "which", lambda name: None)  # common's fallback client
    with pytest.raises(common.Broken, match=r"were not 2xx|x 500 \(expected 2xx\)"):
        common.requests_per_second(failing_server, seconds=1, connections=2)


def test_a_server_that_exits_at_start_is_broken(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "raise SystemExit(3)"]
    with (
        pytest.raises(common.Broken, match="server exited with 3"),
        common.serve(command, common.free_port(), tmp_path),
    ):
        pass


def test_unexpected_statuses_are_broken() -> None:
    common.check_statuses("POST /x", [202, 202])
    with pytest.raises(common.Broken, match=r"POST /x answered 1 x 202, 2 x 500 \(expected 2xx\)"):
        common.check_statuses("POST /x", [500, 202, 500])
    with pytest.raises(common.Broken, match=r"answered 1 x 200 \(expected 502\)"):
        common.check_statuses("GET /aggregate", [200], {502})
    with pytest.raises(common.Broken, match="no responses"):
        common.check_statuses("GET /health", [])


@pytest.mark.slow
def test_burst_against_an_unmigrated_database_fails_loudly(tmp_path: Path) -> None:
    """The bug this module exists for: every POST answered 500 and a table was printed."""
    project = common.synced_project(tmp_path / "orders-service", database="sqlite")  # unmigrated
    completed = run_bench(
        "background_burst", tmp_path, "--project", str(project), "--requests", "5"
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "|" not in completed.stdout
    last = completed.stderr.strip().splitlines()[-1]
    assert last.startswith("background_burst.py: broken measurement: generated: TaskRunner")
    assert "x 500 (expected 2xx)" in last
