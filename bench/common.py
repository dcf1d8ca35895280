"""Shared pieces of the benchmarks: projects, servers on loopback, load and markdown tables.

Benchmarks print figures side by side; they never pass or fail on speed. A measurement that did
not measure what it names (a server that did not start, error statuses, nothing processed) is not
a figure: it raises `Broken`, and `run` ends the script with one line on stderr and exit 1.
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
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class Broken(Exception):
    """The measurement is broken; the message says what was seen instead, in one line."""


def run(main: Callable[[], None]) -> None:
    """Run a benchmark's `main`; a Broken measurement exits 1 with one line on stderr."""
    try:
        main()
    except Broken as broken:
        sys.exit(f"{Path(sys.argv[0]).name}: broken measurement: {broken}")


def check_statuses(what: str, statuses: Iterable[int], expected: Collection[int] = ()) -> None:
    """Raise Broken unless there were responses and each status is in `expected` (empty: 2xx)."""
    counts = Counter(statuses)
    if not counts:
        raise Broken(f"{what}: no responses")
    allowed = expected or range(200, 300)
    if any(status not in allowed for status in counts):
        seen = ", ".join(f"{count} x {status}" for status, count in sorted(counts.items()))
        wanted = "/".join(map(str, sorted(expected))) if expected else "2xx"
        raise Broken(f"{what} answered {seen} (expected {wanted})")


@contextmanager
def named(what: str) -> Iterator[None]:
    """Within the block, a Broken measurement's message starts with `what` (an app, a row)."""
    try:
        yield
    except Broken as broken:
        raise Broken(f"{what}: {broken}") from None


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
def loopback_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on a free loopback port, answering with `handler`; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
        answer = "no answer"
        while True:
            if process.poll() is not None:
                raise Broken(f"server exited with {process.returncode}: {' '.join(command)}")
            try:
                status = httpx.get(base_url + ready_path, timeout=1).status_code
                if status < 500:
                    break
                answer = f"answered {status}"
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise Broken(
                    f"server not ready after {startup_timeout} s (GET {ready_path}: {answer}): "
                    + " ".join(command)
                )
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
    """Throughput of GET `url`: wrk when installed, otherwise a bounded Python load client.

    Raises Broken unless every response was a 2xx.
    """
    if shutil.which("wrk"):
        return wrk(url, seconds, connections)
    return _python_load(url, seconds, connections)


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    """Requests per second of `wrk -t1` on `url` (and its Lua `script`); Broken unless all 2xx."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if script:
        command[-1:-1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in ", out)
    if not rate or not done:
        raise Broken(f"unexpected wrk output: {out!r}")
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise Broken(f"{url}: {failed.group(1)} of {done.group(1)} responses were not 2xx")
    if int(done.group(1)) == 0:
        raise Broken(f"{url}: wrk completed no request in {seconds} s")
    return float(rate.group(1))


def _python_load(url: str, seconds: int, connections: int) -> float:
    import asyncio

    async def run() -> float:
        statuses: list[int] = []
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections)) as client:

            async def worker() -> None:
                while time.monotonic() < deadline:
                    statuses.append((await client.get(url)).status_code)

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(connections)))
            elapsed = time.monotonic() - started
        check_statuses(f"GET {url}", statuses)
        return len(statuses) / elapsed

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
