"""Shared pieces of the benchmarks: projects, servers on loopback, load and markdown tables.

Benchmarks print figures side by side; they never pass or fail.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.projects import (  # noqa: E402
    find_interpreter,
    recorded_answers,
    render,
    run_step,
    running_python_version,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def package_name(project: Path) -> str:
    """The import name a generated project was given."""
    return str(recorded_answers(project)["package_name"])


def synced_project(dest: Path, **answers: object) -> Path:
    """Render a project into `dest` and install it with uv; returns the project directory.

    Its `python_version` is the interpreter running the benchmark unless `answers` say otherwise.
    """
    python_version = str(answers.setdefault("python_version", running_python_version()))
    project = render(dest, **answers)
    step = run_step(project, "uv", "sync", "--python", str(find_interpreter(python_version)))
    if step.returncode != 0:
        raise RuntimeError(f"uv sync failed in {project}:\n{step.output}")
    return project


# The peers' usual recipe for a request id and a JSON access line (apps/peer_structlog.py).
PEER_LIBRARIES = ("asgi-correlation-id>=4.3,<6", "structlog>=25.1,<27")


def install_peer_libraries(project: Path) -> None:
    """Install the peers' libraries into `project`'s venv, for the bench apps served from it."""
    python = str(project / ".venv" / "bin" / "python")
    step = run_step(project, "uv", "pip", "install", "--python", python, *PEER_LIBRARIES)
    if step.returncode != 0:
        raise RuntimeError(f"installing {PEER_LIBRARIES} failed:\n{step.output}")


@contextmanager
def serve(
    command: Sequence[str],
    port: int,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/health",
    startup_timeout: float = 30.0,
) -> Iterator[str]:
    """Run a server until the block exits; yields its base URL once `ready_path` answers."""
    with serve_process(command, port, cwd, env, ready_path, startup_timeout) as (base_url, _):
        yield base_url


@contextmanager
def serve_process(
    command: Sequence[str],
    port: int,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/health",
    startup_timeout: float = 30.0,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`serve`, yielding the server's process too (to kill it mid-run); on exit SIGINT, then
    SIGKILL past 30 s, unless it has already ended."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: {' '.join(command)}")
            try:
                if httpx.get(base_url + ready_path, timeout=1).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {startup_timeout} s: {command}")
            time.sleep(0.1)
        yield base_url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def uvicorn_command(project: Path, target: str, port: int, *extra: str) -> list[str]:
    """uvicorn from the project's own venv, one worker, no uvicorn access log."""
    return [
        str(project / ".venv/bin/uvicorn"),
        target,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--no-access-log",
        "--log-level", "warning",
        *extra,
    ]  # fmt: skip


def requests_per_second(url: str, seconds: int = 10, connections: int = 32) -> float:
    """Throughput of GET `url`: wrk when installed, otherwise a bounded Python load client."""
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not match:
            raise RuntimeError(f"unexpected wrk output:\n{out}")
        return float(match.group(1))
    return _python_load(url, seconds, connections)


def _python_load(url: str, seconds: int, connections: int) -> float:
    import asyncio

    async def run() -> float:
        done = 0
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections)) as client:

            async def worker() -> None:
                nonlocal done
                while time.monotonic() < deadline:
                    await client.get(url)
                    done += 1

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return done / (time.monotonic() - started)

    return asyncio.run(run())


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value `fraction` of the way up the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return f"{value:,.2f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"
