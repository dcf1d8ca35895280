"""Bursts of notifications against a generated service, beside FastAPI's naive `BackgroundTasks`.

    uv run python bench/background_burst.py                 # renders and installs a project
    uv run python bench/background_burst.py --project PATH  # or uses one already `uv sync`ed

Options for a shorter run (defaults): --requests 200, --delay 2, --spread 1, --open-loop-seconds 5,
--bursts 5.

The project is the default one without a database (`database: none`): its notifications go
through the in-memory task runner, like the floor's line. With a database they are committed to
the outbox first, which costs a commit per request: bench/outbox_durability.py measures that.

Each app runs under uvicorn (one worker, loopback, free port) with a 2 s delivery per notification:
the generated service with `NOTIFICATION_DELAY_SECONDS=2`, and apps/naive_background_app.py, whose
sync task sleeps 2 s in FastAPI's `BackgroundTasks`; beside them apps/bare_post_app.py, which only
validates and appends the line before answering: the floor one uvicorn worker sets for a burst;
and the peers' recipes on that floor: uvicorn's own access log, and asgi-correlation-id with a
structlog JSON access line (apps/peer_structlog.py).
On each, 200 `POST /notifications` are sent over 200 open connections, first all at once, then
spread evenly over one second, then open-loop at 200 per second for 5 s (1,000 POSTs, each timed
from the moment it was due), while `/health` is probed every 10 ms until the outbox is complete.
Then a burst is followed at once by SIGTERM, to see what shutdown keeps: with the usual timeouts
(15 s graceful, 10 s drain), and on a fresh server with both cut to 1 s, shorter than a delivery.
Last, the generated service and the floor run side by side for `--bursts` more bursts at once,
taking turns: one burst's p99 is a single sample that a hiccup of the machine moves by tens of ms,
so the target compares the medians of the two.
Prints a markdown table; never passes or fails on speed. A server that does not start, a POST or
probe answered other than 2xx, or warm-up notifications not delivered end the run without a table.

The client is plain asyncio streams with requests encoded once, so that the figures are the
server's, not a Python HTTP client's. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from common import (
    Broken,
    check_statuses,
    free_port,
    install_peer_libraries,
    package_name,
    run,
    synced_project,
)

HERE = Path(__file__).resolve().parent
GRACEFUL_SHUTDOWN_SECONDS = 15
SHORT_TIMEOUT_SECONDS = 1  # shorter than the delivery: shows what an exhausted timeout loses
HEALTH_PROBE_INTERVAL = 0.01
READY_TIMEOUT = 30.0
KILL_AFTER = 40.0  # a server still running this long after SIGTERM is killed
WARM_UP_REQUESTS = 10
OPEN_LOOP_RATE = 200  # POSTs per second
PAYLOAD = json.dumps({"email": "ada@example.com", "message": "Your report is ready."}).encode()


@dataclass
class Burst:
    """What one burst of POSTs saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    health_latencies: list[float] = field(default_factory=list)
    health_statuses: Counter[int] = field(default_factory=Counter)
    lines_after_delay: int = 0
    complete_after: float | None = None


@dataclass
class Shutdown:
    exit_after: float = 0.0
    lines_written: int = 0
    unfinished_logged: str = "none"


@dataclass
class Server:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    outbox: Path
    log: Path
    graceful_timeout: int = GRACEFUL_SHUTDOWN_SECONDS
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = free_port()
        command = [*self.command, "--host", "127.0.0.1", "--port", str(self.port)]
        if "--access-log" not in command:
            command.append("--no-access-log")
        command += ["--timeout-graceful-shutdown", str(self.graceful_timeout)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def terminate(self) -> float:
        """SIGTERM; returns the seconds until the process exited (killed after KILL_AFTER)."""
        assert self.process is not None
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=KILL_AFTER)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return time.perf_counter() - started

    def with_short_timeouts(self) -> Server:
        """The same app, with uvicorn's graceful timeout and our drain timeout cut short."""
        env = {**self.env, "BACKGROUND_DRAIN_TIMEOUT_SECONDS": str(SHORT_TIMEOUT_SECONDS)}
        return replace(self, env=env, graceful_timeout=SHORT_TIMEOUT_SECONDS, process=None)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def lines(self) -> int:
        try:
            return len(self.outbox.read_bytes().splitlines())
        except FileNotFoundError:
            return 0


# --- a minimal HTTP/1.1 client over asyncio streams -----------------------------------------------


def encode(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


POST = encode("POST", "/notifications", PAYLOAD)
HEALTH = encode("GET", "/health")


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def request(self, raw: bytes) -> tuple[float, int]:
        """Sends one encoded request; returns (seconds until the whole response, status)."""
        started = time.perf_counter()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        await self.reader.readexactly(int(length.group(1)) if length else 0)
        return time.perf_counter() - started, int(head.split(b" ", 2)[1])

    def close(self) -> None:
        self.writer.close()


# --- scenarios ------------------------------------------------------------------------------------


async def wait_ready(server: Server) -> None:
    deadline = time.perf_counter() + READY_TIMEOUT
    while time.perf_counter() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise Broken(f"{server.name} exited with {server.process.returncode} at start-up")
        try:
            connection = await Connection.open(server.port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        _, status = await connection.request(HEALTH)
        connection.close()
        if status == 200:
            return
    raise Broken(f"{server.name} did not answer /health with 200 within {READY_TIMEOUT} s")


async def wait_for_lines(server: Server, expected: int, until: float) -> None:
    while server.lines() < expected and time.perf_counter() < until:
        await asyncio.sleep(0.02)


async def post_all(
    connections: list[Connection], spread: float, burst: Burst, requests: int | None = None
) -> None:
    """`requests` POSTs (one per connection by default) due evenly over `spread` seconds.

    Each is timed from when it was due, so a request that waits for its connection counts the wait.
    """
    count = requests or len(connections)
    locks = [asyncio.Lock() for _ in connections]
    started = time.perf_counter()

    async def one(index: int) -> None:
        due = started + index * spread / count
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        async with locks[index % len(connections)]:
            _, status = await connections[index % len(connections)].request(POST)
        burst.latencies.append(time.perf_counter() - due)
        burst.statuses[status] += 1

    await asyncio.gather(*(one(index) for index in range(count)))


async def probe_health(port: int, stop: asyncio.Event, burst: Burst) -> None:
    connection = await Connection.open(port)
    try:
        while not stop.is_set():
            latency, status = await connection.request(HEALTH)
            burst.health_latencies.append(latency)
            burst.health_statuses[status] += 1
            await asyncio.sleep(HEALTH_PROBE_INTERVAL)
    finally:
        connection.close()


async def run_burst(
    server: Server, connections: int, delay: float, spread: float, requests: int | None = None
) -> Burst:
    """POSTs over `connections` open connections; probes /health until the outbox is complete."""
    burst = Burst()
    requests = requests or connections
    opened = [await Connection.open(server.port) for _ in range(connections)]
    expected = server.lines() + requests
    stop = asyncio.Event()
    probing = asyncio.create_task(probe_health(server.port, stop, burst))
    started = time.perf_counter()
    await post_all(opened, spread, burst, requests)
    await asyncio.sleep(max(0.0, started + spread + delay + 1 - time.perf_counter()))
    burst.lines_after_delay = server.lines() - (expected - requests)
    # Bounded by the naive app's need: batches of 40 threads, `delay` seconds each.
    await wait_for_lines(server, expected, until=started + spread + delay * (requests / 40 + 2))
    if server.lines() >= expected:
        burst.complete_after = time.perf_counter() - started
    stop.set()
    await probing
    for connection in opened:
        connection.close()
    check_statuses(f"{server.name}: POST /notifications", burst.statuses.elements())
    check_statuses(f"{server.name}: GET /health", burst.health_statuses.elements())
    return burst


async def run_shutdown(server: Server, requests: int) -> Shutdown:
    """One burst at once, then SIGTERM as soon as every response is in."""
    connections = [await Connection.open(server.port) for _ in range(requests)]
    before = server.lines()
    burst = Burst()
    await post_all(connections, 0.0, burst)
    check_statuses(f"{server.name}: POST /notifications", burst.statuses.elements())
    outcome = Shutdown(exit_after=await asyncio.to_thread(server.terminate))
    for connection in connections:
        connection.close()
    outcome.lines_written = server.lines() - before
    unfinished = re.findall(r"(\d+) background task\(s\) did not finish", server.log.read_text())
    cancelled = re.findall(r"Cancel (\d+) running task\(s\)", server.log.read_text())
    labelled = [f"{n} (runner: count, and each task by name)" for n in unfinished]
    labelled += [f"{n} (uvicorn: cancelled requests, no names)" for n in cancelled]
    if labelled:
        outcome.unfinished_logged = "; ".join(labelled)
    return outcome


@dataclass
class Results:
    at_once: Burst
    spread_out: Burst
    open_loop: Burst
    shutdown: Shutdown
    short_shutdown: Shutdown


async def warm_up(server: Server, delay: float) -> None:
    """A few POSTs, answered 2xx and delivered, before anything is measured."""
    connection = await Connection.open(server.port)
    statuses = [(await connection.request(POST))[1] for _ in range(WARM_UP_REQUESTS)]
    connection.close()
    check_statuses(f"{server.name}: POST /notifications", statuses)
    await wait_for_lines(server, WARM_UP_REQUESTS, until=time.perf_counter() + delay + 10)
    if server.lines() < WARM_UP_REQUESTS:
        raise Broken(
            f"{server.name}: {server.lines()} of {WARM_UP_REQUESTS} warm-up notifications "
            f"delivered within {delay + 10:g} s"
        )


async def measure(
    server: Server, requests: int, delay: float, spread: float, open_loop_seconds: int
) -> Results:
    server.start()
    try:
        await wait_ready(server)
        await warm_up(server, delay)
        at_once = await run_burst(server, requests, delay, spread=0.0)
        spread_out = await run_burst(server, requests, delay, spread=spread)
        open_loop = await run_burst(
            server, requests, delay, open_loop_seconds, OPEN_LOOP_RATE * open_loop_seconds
        )
        shutdown = await run_shutdown(server, requests)
    finally:
        server.kill()
    short = server.with_short_timeouts()
    short.start()
    try:
        await wait_ready(short)
        short_shutdown = await run_shutdown(short, requests)
    finally:
        short.kill()
    return Results(at_once, spread_out, open_loop, shutdown, short_shutdown)


async def interleaved_at_once(
    pair: list[Server], requests: int, delay: float, bursts: int
) -> list[list[float]]:
    """Each server's p99 of `bursts` bursts at once, the servers taking turns, both running.

    One burst's p99 is one sample of how long the loop needed for all of it: a hiccup of the
    machine moves it by tens of ms. Taking turns puts the same hiccups on both sides.
    """
    p99s: list[list[float]] = [[] for _ in pair]
    try:
        for server in pair:
            server.start()
            await wait_ready(server)
            await warm_up(server, delay)
        for _ in range(bursts):
            for server, samples in zip(pair, p99s, strict=True):
                burst = await run_burst(server, requests, delay, spread=0.0)
                samples.append(quantile(burst.latencies, 99))
    finally:
        for server in pair:
            server.kill()
    return p99s


# --- setup and report -----------------------------------------------------------------------------


def servers(project: Path, delay: float, workdir: Path) -> list[Server]:
    uvicorn = project / ".venv" / "bin" / "uvicorn"
    if not uvicorn.is_file():
        raise SystemExit(f"{project} has no .venv with uvicorn; run `uv sync` in it first")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}

    def server(name: str, stem: str, command: list[str], cwd: Path = workdir) -> Server:
        # Every app reads the generated service's two settings: the delivery delay and the outbox.
        outbox = workdir / f"{stem}.jsonl"
        settings = {"NOTIFICATION_DELAY_SECONDS": str(delay), "NOTIFICATIONS_OUTBOX": str(outbox)}
        return Server(name, command, cwd, {**env, **settings}, outbox, workdir / f"{stem}.log")

    def bench_app(target: str) -> list[str]:
        return [str(uvicorn), "--app-dir", str(HERE / "apps"), target]

    generated = [str(uvicorn), "--factory", f"{package_name(project)}.main:create_app"]
    return [
        server("generated: TaskRunner", "generated", generated, cwd=project),
        server("naive: sync BackgroundTasks", "naive", bench_app("naive_background_app:app")),
        server("floor: bare FastAPI, no task", "bare", bench_app("bare_post_app:app")),
        server(
            "peer: floor + uvicorn access log",
            "uvicorn-access",
            [*bench_app("bare_post_app:app"), "--access-log", "--log-level", "info"],
        ),
        server(
            "peer: floor + asgi-correlation-id, structlog",
            "structlog",
            bench_app("peer_structlog:app"),
        ),
    ]


def quantile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def ms(samples: list[float], percent: int) -> str:
    if len(samples) < 2:
        return "n/a"
    return f"{quantile(samples, percent) * 1000:.1f} ms"


def burst_rows(label: str, requests: int, delay: float, bursts: list[Burst]) -> list[list[str]]:
    def statuses(burst: Burst) -> str:
        return ", ".join(f"{count} x {status}" for status, count in sorted(burst.statuses.items()))

    def complete(burst: Burst) -> str:
        return f"{burst.complete_after:.1f} s" if burst.complete_after else "not within bound"

    return [
        [f"**{label}**: statuses", *(statuses(b) for b in bursts)],
        ["POST p50 / p99", *(f"{ms(b.latencies, 50)} / {ms(b.latencies, 99)}" for b in bursts)],
        [
            "/health p99 until the outbox is complete",
            *(f"{ms(b.health_latencies, 99)} ({len(b.health_latencies)} probes)" for b in bursts),
        ],
        [
            f"outbox lines {delay + 1:g} s after the last POST",
            *(str(b.lines_after_delay) for b in bursts),
        ],
        [f"all {requests} lines written after", *(complete(b) for b in bursts)],
    ]


def shutdown_rows(label: str, requests: int, shutdowns: list[Shutdown]) -> list[list[str]]:
    return [
        [f"**{label}**: exit after", *(f"{s.exit_after:.1f} s" for s in shutdowns)],
        [f"lines of its {requests} written by exit", *(str(s.lines_written) for s in shutdowns)],
        ["unfinished tasks logged", *(s.unfinished_logged for s in shutdowns)],
    ]


def report(names: list[str], results: list[Results], args: argparse.Namespace) -> str:
    requests, delay, open_loop_seconds = args.requests, args.delay, args.open_loop_seconds
    rows = [["", *names], ["---"] * (len(names) + 1)]
    rows += burst_rows("all at once", requests, delay, [r.at_once for r in results])
    rows += burst_rows(
        f"spread over {args.spread:g} s", requests, delay, [r.spread_out for r in results]
    )
    rows += burst_rows(
        f"open loop, {OPEN_LOOP_RATE}/s for {open_loop_seconds} s",
        OPEN_LOOP_RATE * open_loop_seconds,
        delay,
        [r.open_loop for r in results],
    )
    rows += shutdown_rows("SIGTERM after a burst", requests, [r.shutdown for r in results])
    rows += shutdown_rows(
        f"same, timeouts cut to {SHORT_TIMEOUT_SECONDS} s",
        requests,
        [r.short_shutdown for r in results],
    )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def targets(
    generated: Results, floor: Results, requests: int, interleaved: list[list[float]]
) -> str:
    """Issue #19's burst targets: the generated service against the floor, same run."""
    ratio = quantile(generated.at_once.latencies, 99) / quantile(floor.at_once.latencies, 99)
    generated_p99s, floor_p99s = interleaved
    median_ratio = statistics.median(generated_p99s) / statistics.median(floor_p99s)

    def bursts(p99s: list[float]) -> str:
        each = ", ".join(f"{p99 * 1000:.0f}" for p99 in p99s)
        return f"{statistics.median(p99s) * 1000:.1f} ms (each: {each})"

    delivered = all(
        burst.complete_after is not None
        for burst in (generated.at_once, generated.spread_out, generated.open_loop)
    )
    rows = [
        ["| target | generated | floor | goal |", "|---|---|---|---|"],
        [
            f"| {requests} at once, median of {len(generated_p99s)} bursts taking turns: POST p99 "
            f"| {bursts(generated_p99s)}; {median_ratio:.2f} x floor | {bursts(floor_p99s)} "
            "| <= 1.3 x floor |",
            f"| {requests} at once, the one burst above: POST p99 "
            f"| {ms(generated.at_once.latencies, 99)} ({ratio:.2f} x floor) "
            f"| {ms(floor.at_once.latencies, 99)} | (one sample) |",
            f"| open loop {OPEN_LOOP_RATE}/s: POST p99 | {ms(generated.open_loop.latencies, 99)} "
            f"| {ms(floor.open_loop.latencies, 99)} | <= 10 ms |",
            f"| /health p99 during the bursts | {ms(generated.at_once.health_latencies, 99)}, "
            f"{ms(generated.open_loop.health_latencies, 99)} | "
            f"{ms(floor.at_once.health_latencies, 99)}, {ms(floor.open_loop.health_latencies, 99)}"
            " | <= 50 ms |",
            f"| every notification delivered | {'yes' if delivered else 'no'} | | yes |",
        ],
    ]
    return "\n".join(line for group in rows for line in group)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project", type=Path, help="a generated project without a database, already `uv sync`ed"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--spread", type=float, default=1.0)
    parser.add_argument("--open-loop-seconds", type=int, default=5)
    parser.add_argument(
        "--bursts", type=int, default=5, help="bursts at once per app, the two taking turns"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="background-burst-") as tmp:
        workdir = Path(tmp)
        project = (
            args.project.resolve()
            if args.project
            else synced_project(workdir / "orders-service", database="none")
        )
        install_peer_libraries(project)
        measured = servers(project, args.delay, workdir)
        results = [
            asyncio.run(
                measure(server, args.requests, args.delay, args.spread, args.open_loop_seconds)
            )
            for server in measured
        ]
        generated, floor = measured[0], measured[2]
        interleaved = asyncio.run(
            interleaved_at_once([generated, floor], args.requests, args.delay, args.bursts)
        )
    print(
        f"{args.requests} x POST /notifications, {args.delay:g} s delivery each; "
        f"uvicorn, 1 worker, --timeout-graceful-shutdown {GRACEFUL_SHUTDOWN_SECONDS}; loopback; "
        f"{os.cpu_count()} CPUs; client Python {sys.version.split()[0]}\n"
    )
    print(report([s.name for s in measured], results, args))
    print()
    print(targets(results[0], results[2], args.requests, interleaved))


if __name__ == "__main__":
    run(main)
