"""Fan-out of two 200 ms upstreams: the generated GET /aggregate against a sequential endpoint.

    uv run python bench/http_fanout.py [PROJECT] [--requests 30] [--timeout 5]

PROJECT is a generated project with http_client on (default: one is rendered from this working
tree into a temporary directory and installed with uv). Everything listens on 127.0.0.1 only:
two upstreams (raw asyncio HTTP servers that sleep 200 ms, then answer JSON), the generated app
under uvicorn, and a bare FastAPI app that awaits the same two calls one after the other over one
shared client. Every loop is bounded; the script prints a markdown table and never passes or fails
on speed. `--timeout` is the service's HTTP_TIMEOUT_SECONDS, which the hanging upstream waits out.
A status other than the row's (200; 502 with an upstream stopped, 504 with one hanging) ends the
run without a table: latencies of the wrong answer are not the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import statistics
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from common import (  # also puts the repository root on sys.path
    check_statuses,
    free_port,
    package_name,
    percentile,
    run,
    serve,
    synced_project,
    uvicorn_command,
)

from tests.projects import uv_environment

HOST = "127.0.0.1"
UPSTREAM_DELAY_SECONDS = 0.2
STARTUP_SECONDS = 60.0
CLIENT_TIMEOUT_SECONDS = 30.0

SEQUENTIAL_APP = textwrap.dedent(
    '''
    """The baseline: one shared client, the two upstream calls awaited one after the other."""

    import os
    from contextlib import asynccontextmanager

    import httpx
    from fastapi import FastAPI


    @asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=5.0) as client:
            app.state.client = client
            yield


    app = FastAPI(lifespan=lifespan)


    @app.get("/aggregate")
    async def aggregate():
        client = app.state.client
        a = await client.get(os.environ["UPSTREAM_A_URL"])
        b = await client.get(os.environ["UPSTREAM_B_URL"])
        return {"a": a.json(), "b": b.json()}


    @app.get("/health")
    async def health():
        return {"status": "ok"}
    '''
)


class Upstream:
    """A loopback HTTP/1.1 server that answers every request with JSON after a fixed delay.

    `hang=True` makes it accept connections and never answer, like a stuck upstream.
    """

    def __init__(self, name: str, *, hang: bool = False) -> None:
        self.name = name
        self.hang = hang
        self.port = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, HOST, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop open keep-alive connections: new connects are refused."""
        assert self._server is not None
        self._server.close()
        for connection in list(self._connections):
            connection.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = asyncio.current_task()
        assert connection is not None
        self._connections.add(connection)
        body = json.dumps({"upstream": self.name}).encode()
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                if self.hang:
                    await reader.read()  # until the client gives up and closes
                    return
                await asyncio.sleep(UPSTREAM_DELAY_SECONDS)
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except asyncio.CancelledError:
            pass  # stop(): the connection is dropped, which is the point
        finally:
            self._connections.discard(connection)
            writer.close()


def get(port: int, path: str) -> tuple[int, float]:
    """One GET over a fresh connection: (status, seconds)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT_SECONDS)
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


@contextlib.contextmanager
def uvicorn(project: Path, target: str, env: dict[str, str], *extra: str) -> Iterator[int]:
    """Serves `target` from `project`'s environment on a free loopback port until the block ends."""
    port = free_port()
    command = uvicorn_command(project, target, port, *extra)
    with serve(command, port, project, env, startup_timeout=STARTUP_SECONDS):
        yield port


async def measure(port: int, requests: int) -> tuple[list[int], list[float]]:
    """`requests` sequential GET /aggregate after 3 warm-up ones: statuses and latencies in ms."""
    for _ in range(3):
        await asyncio.to_thread(get, port, "/aggregate")
    statuses, latencies = [], []
    for _ in range(requests):
        status, seconds = await asyncio.to_thread(get, port, "/aggregate")
        statuses.append(status)
        latencies.append(seconds * 1000)
    return statuses, latencies


def row(label: str, statuses: list[int], latencies: list[float], note: str, expected: int) -> str:
    check_statuses(f"{label}: GET /aggregate", statuses, {expected})
    p95 = percentile(latencies, 0.95)
    codes = ", ".join(f"{code} x{statuses.count(code)}" for code in sorted(set(statuses)))
    return (
        f"| {label} | {len(latencies)} | {codes} | {statistics.median(latencies):.1f} "
        f"| {p95:.1f} | {max(latencies):.1f} | {note} |"
    )


def prepare_project(path: str | None, workdir: Path) -> Path:
    if path is not None:
        return Path(path).resolve()
    return synced_project(workdir / "orders-service")


@contextlib.asynccontextmanager
async def upstreams(*servers: Upstream) -> AsyncIterator[None]:
    for server in servers:
        await server.start()
    try:
        yield
    finally:
        for server in servers:
            with contextlib.suppress(AssertionError, RuntimeError):
                await server.stop()


async def fan_out(project_arg: str | None, requests: int, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="http-fanout-") as tmp:
        workdir = Path(tmp)
        project = prepare_project(project_arg, workdir)
        package = package_name(project)
        (workdir / "sequential_app.py").write_text(SEQUENTIAL_APP)
        a, b, stuck = Upstream("a"), Upstream("b"), Upstream("stuck", hang=True)
        rows = []
        async with upstreams(a, b, stuck):
            env = uv_environment(
                {
                    "UPSTREAM_A_URL": a.url,
                    "UPSTREAM_B_URL": b.url,
                    "HTTP_TIMEOUT_SECONDS": str(timeout),
                    "LOG_LEVEL": "WARNING",
                }
            )
            with uvicorn(project, "sequential_app:app", env, "--app-dir", tmp) as port:
                statuses, latencies = await measure(port, requests)
            rows.append(
                row("sequential (bare FastAPI)", statuses, latencies, "sum of the calls", 200)
            )

            factory = f"{package}.main:create_app"
            with uvicorn(project, factory, env, "--factory") as port:
                statuses, latencies = await measure(port, requests)
                rows.append(row("generated /aggregate", statuses, latencies, "slower call", 200))
                await b.stop()
                statuses, latencies = await measure(port, 5)
                rows.append(
                    row("generated, upstream B stopped", statuses, latencies, "refused", 502)
                )

            stuck_env = {**env, "UPSTREAM_B_URL": stuck.url}
            with uvicorn(project, factory, stuck_env, "--factory") as port:
                statuses, latencies = [], []
                for _ in range(3):  # no warm-up: each one waits out the deadline
                    status, seconds = await asyncio.to_thread(get, port, "/aggregate")
                    statuses.append(status)
                    latencies.append(seconds * 1000)
                rows.append(
                    row("generated, upstream B hangs", statuses, latencies, "deadline", 504)
                )

    print(
        f"Two loopback upstreams answering after {UPSTREAM_DELAY_SECONDS * 1000:.0f} ms; "
        f"HTTP_TIMEOUT_SECONDS={timeout:g}, other settings at their defaults.\n"
    )
    print("| endpoint | requests | statuses | median ms | p95 ms | max ms | latency is |")
    print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", help="a generated project (default: render one)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per endpoint")
    parser.add_argument("--timeout", type=float, default=5.0, help="HTTP_TIMEOUT_SECONDS")
    arguments = parser.parse_args()
    asyncio.run(
        fan_out(arguments.project, max(1, min(arguments.requests, 1000)), arguments.timeout)
    )


if __name__ == "__main__":
    run(main)
