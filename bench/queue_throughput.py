"""Job queue benchmark: jobs per second for one worker, and what a SIGKILLed worker costs.

For each engine (taskiq on Redis, Celery on RabbitMQ + Redis) this generates a project (or takes
one with --project ENGINE=PATH), starts the API under uvicorn and one worker
(`python -m <package>.worker`, default settings), all on loopback against the local services, then:

1. throughput: posts --jobs report jobs through the API (timed: enqueued/s), then starts the
   worker and times it from its first job done to its last (jobs/s for one worker);
2. worker loss: posts --kill-jobs jobs, SIGKILLs the worker (its whole process group) while jobs
   are running, starts a new worker, and times until every job is "done" (at most --deadline s);
   jobs not done by then are counted lost. taskiq hands a dead worker's jobs to another after
   JOB_REDELIVERY_TIMEOUT (the project's default, 15 s, unless --redelivery says otherwise);
   RabbitMQ requeues Celery's as soon as the connection drops.

Prints a markdown table; never passes or fails on speed. Each run uses queues of its own, deleted
afterwards. An API that does not start or answers an error, or a worker that finishes no job, ends
the run without a table (jobs lost to the SIGKILL are a figure, not a failure).

    uv run python bench/queue_throughput.py [--engines taskiq celery] [--jobs 200] [--size 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common import Broken, free_port, named, run, synced_project

PACKAGE = "orders_service"
BROKERS = {"taskiq": "Redis stream", "celery": "RabbitMQ"}


@dataclass
class Row:
    engine: str
    concurrency: int
    jobs: int
    size: int
    enqueued_per_second: float
    jobs_per_second: float | None
    kill_jobs: int
    done_before_kill: int
    running_at_kill: int
    done_after: int
    recovery_seconds: float | None


def request(method: str, url: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (loopback http only)
    req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def api(method: str, url: str, body: dict[str, object] | None = None) -> dict[str, object]:
    """`request` to the API under test, whose error answers break the measurement."""
    try:
        return request(method, url, body)
    except urllib.error.HTTPError as error:
        raise Broken(f"{method} {url} answered {error.code}") from None


def statuses(base: str, ids: list[str]) -> dict[str, str]:
    return {job_id: str(api("GET", f"{base}/jobs/{job_id}")["status"]) for job_id in ids}


def post_job(base: str, size: int) -> str:
    return str(api("POST", f"{base}/jobs", {"size": size})["id"])


def wait_done(base: str, job_id: str, deadline: float) -> float | None:
    """When (monotonic) the job was first seen done, or None if not by `deadline`."""
    while time.monotonic() < deadline:
        if api("GET", f"{base}/jobs/{job_id}")["status"] == "done":
            return time.monotonic()
        time.sleep(0.02)
    return None


def drain_rate(base: str, ids: list[str], timeout: float) -> float | None:
    """Jobs per second from the first job done to the last (None: not all done in `timeout`).

    Workers take jobs in order, so only the first and the last are polled: polling every job
    would take CPU from the worker being measured. All are checked once at the end.
    """
    deadline = time.monotonic() + timeout
    first = wait_done(base, ids[0], deadline)
    if first is None:
        raise Broken(f"the worker finished not even the first of {len(ids)} jobs in {timeout:g} s")
    last = wait_done(base, ids[-1], deadline)
    if last is None or last <= first:
        return None
    if wait_all_done(base, ids, deadline) is None:
        return None
    return (len(ids) - 1) / (last - first)


def wait_all_done(base: str, ids: list[str], deadline: float) -> float | None:
    """Seconds until every job is done, or None if some are not done by `deadline` (monotonic)."""
    started = time.monotonic()
    pending = list(ids)
    while pending and time.monotonic() < deadline:
        pending = [job_id for job_id, state in statuses(base, pending).items() if state != "done"]
        if pending:
            time.sleep(0.1)
    return None if pending else time.monotonic() - started


@contextmanager
def process(
    command: list[str], project: Path, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def wait_http(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if request("GET", f"{base}/ready")["status"] == "ready":
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise Broken(f"API at {base} did not become ready within {timeout} s")


def bench_engine(engine: str, project: Path, args: argparse.Namespace, logs: Path) -> Row:
    with named(f"{engine} (logs in {logs})"):
        return measure_engine(engine, project, args, logs)


def measure_engine(engine: str, project: Path, args: argparse.Namespace, logs: Path) -> Row:
    venv_bin = project / ".venv" / "bin"
    queue_name = f"bench-{engine}-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")},
        "QUEUE_NAME": queue_name,
        "LOG_LEVEL": "WARNING",
        "JOB_RESULT_TTL": "600",  # Celery result keys lack the queue prefix: let them expire
        **({"JOB_REDELIVERY_TIMEOUT": str(args.redelivery)} if args.redelivery else {}),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api = [
        str(venv_bin / "uvicorn"),
        "--factory",
        f"{PACKAGE}.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    worker = [str(venv_bin / "python"), "-m", f"{PACKAGE}.worker"]
    concurrency = int(env.get("WORKER_CONCURRENCY", "2"))
    try:
        with process(api, project, env, logs / f"{engine}-api.log"):
            wait_http(base, 30)
            # Throughput: a backlog of jobs, then one worker drains it.
            started = time.monotonic()
            ids = [post_job(base, args.size) for _ in range(args.jobs)]
            enqueue_rate = args.jobs / (time.monotonic() - started)
            with process(worker, project, env, logs / f"{engine}-worker-1.log"):
                rate = drain_rate(base, ids, args.deadline)

            # Worker loss: a fresh worker, a batch of slower jobs, SIGKILL mid-batch.
            with process(worker, project, env, logs / f"{engine}-worker-2.log") as doomed:
                ids = [post_job(base, args.kill_size) for _ in range(args.kill_jobs)]
                kill_deadline = time.monotonic() + 60
                while time.monotonic() < kill_deadline:
                    seen = statuses(base, ids)
                    done_before = sum(state == "done" for state in seen.values())
                    running = sum(state == "running" for state in seen.values())
                    if done_before >= 1 and running >= 1:
                        break
                    time.sleep(0.05)
                if done_before == 0:
                    raise Broken("the second worker finished none of its jobs in 60 s")
                os.killpg(doomed.pid, signal.SIGKILL)
                doomed.wait(timeout=10)
            with process(worker, project, env, logs / f"{engine}-worker-3.log"):
                recovery = wait_all_done(base, ids, time.monotonic() + args.deadline)
                done_after = sum(state == "done" for state in statuses(base, ids).values())
    finally:
        cleanup = [
            str(venv_bin / "python"),
            "-c",
            "from tests.queue_faults import discard_queue;"
            f"from {PACKAGE}.core.config import Settings; discard_queue(Settings())",
        ]
        subprocess.run(cleanup, cwd=project, env=env, capture_output=True, timeout=60, check=False)
    return Row(
        engine,
        concurrency,
        args.jobs,
        args.size,
        enqueue_rate,
        rate,
        args.kill_jobs,
        done_before,
        running,
        done_after,
        recovery,
    )


COLUMNS = (
    "engine",
    "broker",
    "worker",
    "jobs x size",
    "enqueued/s (API)",
    "jobs/s (1 worker)",
    "SIGKILL batch",
    "done / running at kill",
    "done after restart",
    "lost",
    "all done after restart",
)


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in rows:
        recovery = f"{r.recovery_seconds:.1f} s" if r.recovery_seconds is not None else "timeout"
        cells = (
            r.engine,
            BROKERS[r.engine],
            f"1 process x {r.concurrency}",
            f"{r.jobs} x {r.size:,} B",
            f"{r.enqueued_per_second:.0f}",
            f"{r.jobs_per_second:.1f}" if r.jobs_per_second is not None else "timeout",
            str(r.kill_jobs),
            f"{r.done_before_kill} / {r.running_at_kill}",
            str(r.done_after),
            str(r.kill_jobs - r.done_after),
            recovery,
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--engines", nargs="+", default=["taskiq", "celery"], choices=sorted(BROKERS)
    )
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="ENGINE=PATH",
        help="use an already generated and synced project for ENGINE",
    )
    parser.add_argument("--jobs", type=int, default=200, help="jobs in the throughput run")
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes per throughput job")
    parser.add_argument("--kill-jobs", type=int, default=50, help="jobs in the SIGKILL run")
    parser.add_argument(
        "--kill-size", type=int, default=4_000_000, help="bytes per SIGKILL-run job"
    )
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds to wait for all done"
    )
    parser.add_argument(
        "--redelivery", type=float, help="JOB_REDELIVERY_TIMEOUT (default: the project's)"
    )
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.project)

    root = Path(tempfile.mkdtemp(prefix="queue-bench-"))  # kept: the projects and their logs
    rows = []
    for engine in args.engines:
        project = (
            Path(given[engine])
            if engine in given
            else synced_project(root / f"bench-{engine}", task_queue=engine)
        )
        print(f"{engine}: benchmarking {project} (logs in {root})", file=sys.stderr)
        rows.append(bench_engine(engine, project, args, root))
    print(table(rows))


if __name__ == "__main__":
    run(main)
