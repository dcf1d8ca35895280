"""Observability end to end: a project with otel, prometheus and sentry, served by uvicorn.

The fast test reads the compose overlay the README documents; the slow one runs the service with
`OTEL_EXPORTER_OTLP_ENDPOINT` at an OTLP/HTTP receiver started here (it decodes each export request
with opentelemetry-proto, from the project's own environment) and two upstream stubs. One
`GET /aggregate` must yield spans whose trace id is the access line's `trace_id` and the one in the
`traceparent` each upstream received; `/metrics` must label `/items/42` by its route template.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml

from tests.projects import (
    describe_failures,
    find_interpreter,
    free_port,
    render,
    run_step,
    running_python_version,
    uv_environment,
)

ALL_TOOLS = ["otel", "prometheus", "sentry"]
SPAN_KIND_CLIENT = 3  # opentelemetry.proto.trace.v1.Span.SpanKind

# Run by the project's Python: prints each span it receives as one JSON line.
RECEIVER = """\
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        export = ExportTraceServiceRequest.FromString(body)
        for resource_spans in export.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    line = {
                        "path": self.path,
                        "name": span.name,
                        "kind": span.kind,
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                    }
                    print(json.dumps(line), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
"""

# The service with one more route, with a path parameter, for the metrics' route label.
ITEMS_APP = """\
from fastapi import FastAPI

from {package}.main import create_app as create_service


def create_app() -> FastAPI:
    app = create_service()

    @app.get("/items/{{item_id}}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {{"id": item_id}}

    return app
"""


def test_the_compose_overlay_sends_traces_to_the_local_stack(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", observability=ALL_TOOLS, task_queue="taskiq")
    overlay = yaml.safe_load((project / "compose.observability.yaml").read_text(encoding="utf-8"))
    base = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    readme = (project / "README.md").read_text(encoding="utf-8")

    assert "docker compose -f compose.yaml -f compose.observability.yaml up --build" in readme
    services = overlay["services"]
    # Only services of compose.yaml are extended; the others are the stack's own.
    assert {"api", "worker"} <= set(base["services"])
    for name in ("api", "worker"):
        assert services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://lgtm:4318"
        assert services[name]["depends_on"] == {"lgtm": {"condition": "service_started"}}
    assert "4318:4318" in services["lgtm"]["ports"]
    assert services["lgtm"]["image"].startswith("grafana/otel-lgtm:")
    scrape = yaml.safe_load(overlay["configs"]["scrape"]["content"])
    [job] = scrape["scrape_configs"]
    assert job["static_configs"] == [{"targets": ["api:8000"]}]  # compose.yaml serves on 8000
    assert "8000:8000" in base["services"]["api"]["ports"]
    assert services["prometheus"]["configs"][0]["source"] == "scrape"


def test_sentry_alone_brings_no_overlay(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", observability=["sentry"])

    assert not (project / "compose.observability.yaml").exists()
    assert "SENTRY_DSN=" in (project / ".env.example").read_text(encoding="utf-8")


@contextmanager
def upstream_stub(traceparents: list[str]) -> Iterator[str]:
    """An upstream answering `{}`, noting the `traceparent` of every request; yields its URL."""

    class Upstream(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            traceparents.append(self.headers.get("traceparent", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def process(command: list[str], cwd: Path, env: dict[str, str], output: Path) -> Iterator[None]:
    with output.open("w", encoding="utf-8") as sink:
        running = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield
        finally:
            os.killpg(running.pid, signal.SIGINT)
            try:
                running.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(running.pid, signal.SIGKILL)
                running.wait()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def json_lines(path: Path) -> list[dict[str, object]]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


@pytest.mark.slow
def test_one_request_is_one_trace_from_access_line_to_upstreams_and_metrics_use_templates(
    tmp_path: Path,
) -> None:
    project = render(
        tmp_path / "svc",
        observability=ALL_TOOLS,
        http_client=True,
        database="none",  # the test adds its own /items/{item_id}, which needs no tables
        python_version=running_python_version(),
    )
    python = find_interpreter(running_python_version())
    sync = run_step(project, "uv", "sync", "--python", str(python))
    assert sync.returncode == 0, describe_failures([sync])
    (tmp_path / "receiver.py").write_text(RECEIVER, encoding="utf-8")
    (tmp_path / "items_app.py").write_text(
        ITEMS_APP.format(package="orders_service"), encoding="utf-8"
    )
    receiver_port, api_port = free_port(), free_port()
    traceparents: list[str] = []
    spans_out, server_out = tmp_path / "spans.jsonl", tmp_path / "server.log"

    with upstream_stub(traceparents) as upstream_a, upstream_stub(traceparents) as upstream_b:
        env = uv_environment(
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver_port}",
                "OTEL_BSP_SCHEDULE_DELAY": "100",  # milliseconds between exports
                "UPSTREAM_A_URL": upstream_a,
                "UPSTREAM_B_URL": upstream_b,
                "LOG_FORMAT": "json",
                "SENTRY_DSN": "",
                "HTTP_RETRIES": "0",
            }
        )
        venv_python = str(project / ".venv" / "bin" / "python")
        receiver = [venv_python, str(tmp_path / "receiver.py"), str(receiver_port)]
        # The README's command, with a route added for the metrics check.
        server = [
            *("uv", "run", "--no-sync", "uvicorn", "--factory", "items_app:create_app"),
            *("--app-dir", str(tmp_path), "--port", str(api_port), "--no-access-log"),
        ]
        with (
            process(receiver, project, env, spans_out),
            process(server, project, env, server_out),
        ):
            base = f"http://127.0.0.1:{api_port}"
            wait_for(base + "/health")
            aggregate = httpx.get(base + "/aggregate", timeout=10)
            item = httpx.get(base + "/items/42", timeout=10)
            metrics = httpx.get(base + "/metrics", timeout=10).text
            request_id = aggregate.headers["X-Request-ID"]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and "GET /aggregate" not in spans_out.read_text():
                time.sleep(0.1)

    assert (aggregate.status_code, item.status_code) == (200, 200), server_out.read_text()
    [access] = [
        line
        for line in json_lines(server_out)
        if line.get("logger") == "access" and line.get("request_id") == request_id
    ]
    trace_id = access["trace_id"]
    spans = [span for span in json_lines(spans_out) if span["trace_id"] == trace_id]
    assert {span["path"] for span in spans} == {"/v1/traces"}
    [server_span] = [span for span in spans if span["name"] == "GET /aggregate"]
    children = [span for span in spans if span["parent_span_id"] == server_span["span_id"]]
    calls = [span for span in children if span["kind"] == SPAN_KIND_CLIENT]
    assert len(calls) == 2  # one per upstream
    assert sorted(header.split("-")[1] for header in traceparents) == [trace_id, trace_id]
    assert {header.split("-")[2] for header in traceparents} == {c["span_id"] for c in calls}
    assert 'route="/items/{item_id}"' in metrics
    assert "/items/42" not in metrics
    assert 'route="/aggregate",status="2xx"' in metrics


def readme_block(readme: str, first_line: str) -> str:
    """The ```bash block of the README that starts with `first_line`."""
    for block in readme.split("```bash\n")[1:]:
        body = block.split("```", 1)[0]
        if body.startswith(first_line):
            return body
    raise AssertionError(f"no bash block starting with {first_line!r} in the README")


@pytest.mark.slow
def test_the_readmes_multiprocess_command_serves_one_metrics_for_all_workers(
    tmp_path: Path,
) -> None:
    project = render(
        tmp_path / "svc", observability=["prometheus"], python_version=running_python_version()
    )
    sync = run_step(
        project, "uv", "sync", "--python", str(find_interpreter(running_python_version()))
    )
    assert sync.returncode == 0, describe_failures([sync])
    readme = (project / "README.md").read_text(encoding="utf-8")
    script = readme_block(readme, "export PROMETHEUS_MULTIPROC_DIR=")
    port = free_port()
    # The README's lines as they are; uvicorn takes its port from UVICORN_PORT.
    env = uv_environment({"UVICORN_PORT": str(port), "TMPDIR": str(tmp_path)})
    base = f"http://127.0.0.1:{port}"

    with process(["bash", "-euc", script], project, env, tmp_path / "server.log"):
        wait_for(base + "/health")
        # A new connection per request: any of the workers may answer each.
        statuses = {
            httpx.get(f"{base}/no-such-route/{n}", timeout=10).status_code for n in range(40)
        }
        scrapes = [httpx.get(base + "/metrics", timeout=10).text for _ in range(4)]

    assert statuses == {404}
    unmatched = 'http_request_duration_seconds_count{method="GET",route="UNMATCHED",status="4xx"}'
    # Every scrape, whichever worker answers it, counts the requests of all of them.
    assert [
        float(line.split()[-1])
        for s in scrapes
        for line in s.splitlines()
        if line.startswith(unmatched)
    ] == [40.0] * 4
