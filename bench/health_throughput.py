"""`/health` requests per second: the generated service against a bare FastAPI app, same run.

Usage: uv run python bench/health_throughput.py [--seconds 3] [--rounds 6] [--project PATH]

All run under uvicorn with one worker from the same venv, output discarded, loaded by `wrk -t1
-c32`; rounds interleave them, and the table shows medians:
- bare FastAPI: apps/bare_fastapi.py, uvicorn's access log off (the floor, 1.00);
- bare FastAPI, included router: the same route on an `APIRouter` the app includes, as most
  FastAPI services have them (what FastAPI's inclusion costs by itself; the generated service
  adds its routes to the app instead);
- peers' recipes: the same app with uvicorn's own access log (as `uvicorn app:app` runs it by
  default), and apps/peer_structlog.py, asgi-correlation-id plus a structlog JSON access line;
- generated, LOG_LEVEL=WARNING: request-id and body-limit middleware, its routes, no access line;
- generated (json logs): the service as it runs, one JSON access line per request with its id.
A server that does not start, or any `/health` answer but 2xx, ends the run without a table.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import (
    free_port,
    install_peer_libraries,
    machine_line,
    markdown_table,
    median,
    named,
    package_name,
    requests_per_second,
    run,
    serve,
    synced_project,
    uvicorn_command,
)

BENCH_DIR = Path(__file__).resolve().parent
# An app: uvicorn's target (with any extra options before it) and its environment.
App = tuple[list[str], dict[str, str]]


def health_apps(package: str) -> dict[str, App]:
    """The apps compared, baseline first; the generated ones import `package`."""
    bench_apps = {"PYTHONPATH": str(BENCH_DIR / "apps")}
    generated = ["--factory", f"{package}.main:create_app"]
    return {
        "bare FastAPI": (["bare_fastapi:app"], bench_apps),
        "bare FastAPI, included router": (["bare_fastapi_router:app"], bench_apps),
        "peer: uvicorn access log": (
            ["--access-log", "--log-level", "info", "bare_fastapi:app"],
            bench_apps,
        ),
        "peer: asgi-correlation-id + structlog": (["peer_structlog:app"], bench_apps),
        "generated, LOG_LEVEL=WARNING": (generated, {"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING"}),
        "generated (json logs)": (generated, {"LOG_FORMAT": "json"}),
    }


def bench_project(tmp: Path, given: Path | None) -> Path:
    """`given` (a synced generated project) or a fresh default one; with the peers' libraries."""
    project = given.resolve() if given else synced_project(tmp / "svc")
    install_peer_libraries(project)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--project", type=Path, help="a generated project, already `uv sync`ed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = bench_project(Path(tmp), args.project)
        apps = health_apps(package_name(project))
        results: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(args.rounds):
            for name, (target, env) in apps.items():
                port = free_port()
                command = uvicorn_command(project, target[-1], port, *target[:-1])
                with named(name), serve(command, port, project, env) as url:
                    results[name].append(requests_per_second(url + "/health", args.seconds))

    bare = median(results["bare FastAPI"])
    rows = [
        [name, median(values), min(values), max(values), median(values) / bare]
        for name, values in results.items()
    ]
    rounds = f"{args.rounds} interleaved rounds of {args.seconds} s"
    print(f"## /health throughput ({machine_line()}, uvicorn 1 worker, wrk -t1 -c32, {rounds})\n")
    print(markdown_table(["app", "median req/s", "min", "max", "ratio to bare"], rows))


if __name__ == "__main__":
    run(main)
