"""What each observability tool costs per request: req/s with otel, prometheus, sentry, and all.

Usage: uv run python bench/observability_cost.py [--seconds 5] [--rounds 1] [--projects NAME ...]

One project per answer of `observability` (none, each tool alone, all three; or none and the
`--projects` named), each in its own venv, under uvicorn with one worker and JSON logs to
/dev/null, against bare FastAPI in the same run:
- `/health` is a probe, left out of traces and metrics: it shows what a probe pays;
- `/ping` (bench/apps/observed_service.py adds it) is an ordinary route that every tool observes.
OpenTelemetry exports over OTLP/HTTP to a sink in this process that answers 200, so span
serialisation and export are in the figures; Sentry has a DSN (it sends nothing: no errors happen,
and its traces sample rate is 0). Rounds alternate the apps; wrk (or a Python client) loads them.
A server that does not start, or any answer but 2xx, ends the run without a table.
"""

from __future__ import annotations

import argparse
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from common import (
    free_port,
    loopback_http_server,
    machine_line,
    markdown_table,
    median,
    named,
    requests_per_second,
    run,
    serve,
    synced_project,
    uvicorn_command,
)

BENCH_DIR = Path(__file__).resolve().parent
TOOLS: dict[str, list[str]] = {
    "none": [],
    "otel": ["otel"],
    "prometheus": ["prometheus"],
    "sentry": ["sentry"],
    "all three": ["otel", "prometheus", "sentry"],
}
PATHS = ("/health", "/ping")


class _Sink(BaseHTTPRequestHandler):
    """Swallows OTLP export requests."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--projects", nargs="+", choices=list(TOOLS)[1:], default=list(TOOLS)[1:], metavar="NAME",
        help=f"projects beside `none`, of: {', '.join(map(repr, list(TOOLS)[1:]))} (default: all)",
    )  # fmt: skip
    args = parser.parse_args()

    apps_dir = {"PYTHONPATH": str(BENCH_DIR / "apps")}
    with tempfile.TemporaryDirectory() as tmp, loopback_http_server(_Sink) as sink:
        projects = {
            name: synced_project(Path(tmp) / name.replace(" ", "-"), observability=tools)
            for name, tools in TOOLS.items()
            if name == "none" or name in args.projects
        }
        service_env = {
            **apps_dir,
            "LOG_FORMAT": "json",
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink,
            "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        }
        runs: dict[str, tuple[Path, list[str], dict[str, str]]] = {
            "bare FastAPI": (projects["none"], ["bare_fastapi_ping:app"], apps_dir),
            **{
                f"generated, {name}": (
                    project,
                    ["--factory", "observed_service:create_app"],
                    service_env,
                )
                for name, project in projects.items()
            },
        }
        results: dict[tuple[str, str], list[float]] = {
            (name, path): [] for name in runs for path in PATHS
        }
        for _ in range(args.rounds):
            for name, (project, target, env) in runs.items():
                port = free_port()
                command = uvicorn_command(project, target[-1], port, *target[:-1])
                with named(name), serve(command, port, project, env) as url:
                    for path in PATHS:
                        rate = requests_per_second(url + path, args.seconds)
                        results[name, path].append(rate)

    bare = {path: median(results["bare FastAPI", path]) for path in PATHS}
    none = {path: median(results["generated, none", path]) for path in PATHS}
    rows = []
    for name in runs:
        health, ping = (median(results[name, path]) for path in PATHS)
        # Microseconds each /ping costs beyond the service with no tool on.
        extra = (1 / ping - 1 / none["/ping"]) * 1e6
        rows.append([name, health, health / bare["/health"], ping, ping / bare["/ping"], extra])
    print(f"## Observability cost ({machine_line()}, uvicorn 1 worker, {args.rounds} rounds)\n")
    headers = ["app", "/health req/s", "ratio", "/ping req/s", "ratio", "µs per /ping vs none"]
    print(markdown_table(headers, rows))


if __name__ == "__main__":
    run(main)
