"""Instructions per `/health` request, counted by callgrind: repeatable where req/s is not.

Usage: uv run python bench/health_instructions.py [--requests 1000] [--project PATH]

Runs each app of health_throughput.py under uvicorn inside `valgrind --tool=callgrind` twice, once
serving 300 requests and once 300 + `--requests`, one after another over one keep-alive
connection; the difference divided by `--requests` is the server's instructions per request,
start-up and shutdown cancelled out. Instructions are not time: system calls and waiting for the
GIL do not count, so this complements health_throughput.py, it does not replace it. The figures
repeat to within a fraction of a percent whatever else the machine is doing, which makes them the
way to tell whether a change to the request path made it cheaper. About 2 minutes per app.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import free_port, machine_line, markdown_table, uvicorn_command
from health_throughput import App, bench_project, health_apps

WARM_UP = 300
START_TIMEOUT = 600.0  # a Python server starts some 50 times slower under callgrind


def send_requests(port: int, count: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.connect()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no server on port {port} after {START_TIMEOUT} s") from None
            time.sleep(0.5)
    try:
        for _ in range(count):
            connection.request("GET", "/health")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"/health answered {response.status}")
    finally:
        connection.close()


def instructions(project: Path, app: App, count: int, workdir: Path) -> int:
    """Instructions the server ran, start-up to shutdown, serving `count` requests."""
    target, env = app
    port = free_port()
    command = uvicorn_command(project, target[-1], port, *target[:-1])
    log = workdir / f"callgrind-{port}.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={workdir / f'callgrind-{port}.out'}",
                str(project / ".venv/bin/python"),
                "-m",
                "uvicorn",
                *command[1:],
            ],
            cwd=project,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            send_requests(port, count)
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down, callgrind writes its totals
            server.wait(timeout=300)
    match = re.search(r"Collected : (\d+)", log.read_text())
    if not match:
        raise RuntimeError(f"callgrind printed no total; see {log}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--project", type=Path, help="a generated project, already `uv sync`ed")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")

    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        project = bench_project(workdir, args.project)
        baseline = 0.0
        for name, app in health_apps(project).items():
            with ThreadPoolExecutor(2) as pool:  # the two runs of an app side by side
                run = functools.partial(instructions, project, app, workdir=workdir)
                low, high = pool.map(run, [WARM_UP, WARM_UP + args.requests])
            per_request = (high - low) / args.requests
            baseline = baseline or per_request
            rows.append([name, f"{per_request / 1000:,.0f} k", per_request / baseline])
    print(f"## /health instructions per request ({machine_line()}, uvicorn under callgrind)\n")
    print(markdown_table(["app", "instructions", "x bare"], rows))


if __name__ == "__main__":
    main()
