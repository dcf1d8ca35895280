"""`/health` requests per second: the generated service against a bare FastAPI app, same run.

Usage: uv run python bench/health_throughput.py [--seconds 10] [--rounds 3]

All run under uvicorn with one worker from the same venv, output discarded; rounds alternate them:
- bare FastAPI: apps/bare_fastapi.py, uvicorn's access log off (the baseline);
- bare FastAPI, uvicorn access log: the same app as `uvicorn app:app` runs it by default;
- one JSON line per request: apps/bare_fastapi_json_access.py, the bare app plus one access line
  through the standard library's QueueHandler/QueueListener and python-json-logger, nothing else;
- generated, LOG_LEVEL=WARNING: request-id and body-limit middleware, routers, no access line;
- generated (json logs): the service as it runs, one JSON access line per request.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import (
    free_port,
    machine_line,
    markdown_table,
    median,
    requests_per_second,
    serve,
    synced_project,
    uvicorn_command,
)

BENCH_DIR = Path(__file__).resolve().parent
# An app: uvicorn's target (with any extra options before it) and its environment.
App = tuple[list[str], dict[str, str]]


def health_apps() -> dict[str, App]:
    """The apps compared, baseline first; the generated ones come from a default project."""
    bench_apps = {"PYTHONPATH": str(BENCH_DIR / "apps")}
    generated = ["--factory", "orders_service.main:create_app"]
    return {
        "bare FastAPI": (["bare_fastapi:app"], bench_apps),
        "bare FastAPI, uvicorn access log": (
            ["--access-log", "--log-level", "info", "bare_fastapi:app"],
            bench_apps,
        ),
        "one JSON line per request": (["bare_fastapi_json_access:app"], bench_apps),
        "generated, LOG_LEVEL=WARNING": (generated, {"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING"}),
        "generated (json logs)": (generated, {"LOG_FORMAT": "json"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = synced_project(Path(tmp) / "svc")
        apps = health_apps()
        results: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(args.rounds):
            for name, (target, env) in apps.items():
                port = free_port()
                command = uvicorn_command(project, target[-1], port, *target[:-1])
                with serve(command, port, project, env) as url:
                    results[name].append(requests_per_second(url + "/health", args.seconds))

    bare = median(results["bare FastAPI"])
    rows = [
        [name, median(values), min(values), max(values), median(values) / bare]
        for name, values in results.items()
    ]
    print(f"## /health throughput ({machine_line()}, uvicorn 1 worker, {args.rounds} rounds)\n")
    print(markdown_table(["app", "median req/s", "min", "max", "ratio to bare"], rows))


if __name__ == "__main__":
    main()
