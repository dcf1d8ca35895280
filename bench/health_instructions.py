"""Instructions per `/health` request, counted by callgrind: repeatable where req/s is not.

Usage: uv run python bench/health_instructions.py [--requests 1000] [--warm-up 300]
           [--apps NAME ...] [--from-ready] [--project PATH]

Runs each app of health_throughput.py (or the `--apps` named) under uvicorn inside
`valgrind --tool=callgrind` twice, once serving `--warm-up` requests and once `--warm-up` +
`--requests`, one after another over one keep-alive connection; the difference divided by
`--requests` is the server's instructions per request, start-up and shutdown cancelled out.
Instructions are not time: system calls and waiting for the GIL do not count, so this complements
health_throughput.py, it does not replace it. The figures repeat to within a fraction of a percent
whatever else the machine is doing, which makes them the way to tell whether a change to the
request path made it cheaper. About 2 minutes per app.

`--from-ready` starts callgrind with instrumentation off and turns it on (callgrind_control) after
the first answered request: start-up, some 50 times slower instrumented, is then skipped rather
than subtracted, and an app takes seconds. tests/test_bench.py runs it that way.
A server that exits, any `/health` answer but 200, or no count ends the run without a table.
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

from common import (
    Broken,
    free_port,
    machine_line,
    markdown_table,
    named,
    package_name,
    run,
    uvicorn_command,
)
from health_throughput import App, bench_project, health_apps

START_TIMEOUT = 600.0  # a Python server starts some 50 times slower under callgrind
BASELINE = "bare FastAPI"
APP_NAMES = list(health_apps("package"))  # the names do not depend on the package


def connect(port: int, server: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    """A connection to the server once it listens; Broken if it exits or never listens."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            raise Broken(f"the server under callgrind exited with {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.connect()
            return connection
        except OSError:
            if time.monotonic() > deadline:
                raise Broken(f"no server on port {port} after {START_TIMEOUT} s") from None
            time.sleep(0.5)


def get_health(connection: http.client.HTTPConnection) -> None:
    connection.request("GET", "/health")
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise Broken(f"/health answered {response.status}")


def instrument(server: subprocess.Popen[bytes]) -> None:
    """Turn callgrind's instrumentation on in `server` (started with it off)."""
    try:
        switched = subprocess.run(
            ["callgrind_control", "--instr=on", str(server.pid)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Broken("callgrind_control --instr=on did not answer within 60 s") from None
    if switched.returncode != 0 or "OK" not in switched.stdout:
        raise Broken(f"callgrind_control --instr=on failed: {switched.stdout.strip()!r}")


def instructions(project: Path, app: App, count: int, workdir: Path, from_ready: bool) -> int:
    """Instructions the server ran serving `count` requests: from start-up to shutdown, or
    `from_ready` from after one first request (not counted) to shutdown."""
    target, env = app
    port = free_port()
    command = uvicorn_command(project, target[-1], port, *target[:-1])
    log = workdir / f"callgrind-{port}.log"
    callgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={log.with_suffix('.out')}"]
    if from_ready:
        callgrind.append("--instr-atstart=no")
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [*callgrind, str(project / ".venv/bin/python"), "-m", "uvicorn", *command[1:]],
            cwd=project,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            connection = connect(port, server)
            try:
                if from_ready:
                    get_health(connection)
                    instrument(server)
                for _ in range(count):
                    get_health(connection)
            finally:
                connection.close()
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down, callgrind writes its totals
            server.wait(timeout=300)
    match = re.search(r"Collected : (\d+)", log.read_text())
    if not match:
        raise Broken(f"callgrind printed no total (exit {server.returncode})")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=300, help="requests both runs serve")
    parser.add_argument(
        "--apps", nargs="+", choices=APP_NAMES, default=APP_NAMES, metavar="NAME",
        help=f"apps to count, of: {', '.join(map(repr, APP_NAMES))} (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--from-ready", action="store_true", help="instrument from the first answered request"
    )
    parser.add_argument("--project", type=Path, help="a generated project, already `uv sync`ed")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")

    counted: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        project = bench_project(workdir, args.project)
        apps = health_apps(package_name(project))
        for name in [name for name in APP_NAMES if name in args.apps]:
            with named(name), ThreadPoolExecutor(2) as pool:  # an app's two runs side by side
                count = functools.partial(
                    instructions, project, apps[name], workdir=workdir, from_ready=args.from_ready
                )
                low, high = pool.map(count, [args.warm_up, args.warm_up + args.requests])
            if high <= low:
                raise Broken(f"{name}: {args.requests} more requests counted {high - low:,} more")
            counted[name] = (high - low) / args.requests
    bare = counted.get(BASELINE)
    rows = [
        [name, f"{per_request / 1000:,.0f} k", per_request / bare if bare else "n/a"]
        for name, per_request in counted.items()
    ]
    start = "from the first request" if args.from_ready else "from start-up"
    print(
        f"## /health instructions per request ({machine_line()}, uvicorn under callgrind "
        f"{start}, {args.warm_up} + {args.requests} requests)\n"
    )
    print(markdown_table(["app", "instructions", "x bare"], rows))


if __name__ == "__main__":
    run(main)
