"""What "accepted" survives, and what it costs: the notifications outbox against SIGKILL.

    uv run python bench/outbox_durability.py [--notifications 20] [--shared 100] [--posts 300]
        [--wait 60] [--lease SECONDS]

1. Crash: a project renders, installs and migrates; 20 notifications are accepted under uvicorn
   with `NOTIFICATION_DELAY_SECONDS=2`, the server is SIGKILLed a second later and started again.
   Counted: distinct ids in the outbox file, and seconds from the restart until the last one. On
   SQLite (the default project), and on a project without a database, whose notifications live in
   memory only.
2. Two processes on one PostgreSQL database (the local server; a database is created for the run):
   100 notifications spread over both, then the same with one process SIGKILLed midway. Counted:
   lines in the outbox file, distinct ids, duplicate lines, and rows sent on a second attempt.
3. Cost: `POST /notifications` p50/p99 over 300 sequential requests, without a database, on
   SQLite and on PostgreSQL.
The options shrink a run: notifications in 1. and 2., requests in 3., the longest wait for the
outbox to fill, and the outbox lease (NOTIFICATION_LEASE_SECONDS; default the project's, 15 s),
which sets how soon rows a crash left leased are sent again.
Prints markdown tables; never passes or fails on speed. Every wait is bounded. A POST answered
other than 202 ends the run without a table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
from common import (  # sets sys.path for `tests`, so it comes first
    Broken,
    check_statuses,
    free_port,
    machine_line,
    markdown_table,
    named,
    package_name,
    percentile,
    run,
    serve_process,
    synced_project,
    uvicorn_command,
)

from tests.projects import run_step

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
PAYLOAD = {"email": "ada@example.com", "message": "Your report is ready."}


@contextmanager
def server(project: Path, env: Mapping[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn on a free port until the block exits; yields its URL and its process."""
    port = free_port()
    command = uvicorn_command(
        project, f"{package_name(project)}.main:create_app", port, "--factory"
    )
    with serve_process(command, port, project, env, startup_timeout=60) as running:
        yield running


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def accept(url: str, count: int) -> list[str]:
    with httpx.Client(base_url=url, timeout=10) as client:
        responses = [client.post("/notifications", json=PAYLOAD) for _ in range(count)]
    check_statuses("POST /notifications", [r.status_code for r in responses], {202})
    return [r.json()["id"] for r in responses]


def outbox_ids(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    return [json.loads(line)["id"] for line in outbox.read_text().splitlines()]


def wait_for(outbox: Path, ids: set[str], timeout: float) -> float | None:
    """Seconds until every id is in the outbox file; None if some never came."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if ids <= set(outbox_ids(outbox)):
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def migrate(project: Path, env: Mapping[str, str]) -> None:
    step = run_step(project, ".venv/bin/alembic", "upgrade", "head", env=env)
    if step.returncode != 0:
        raise RuntimeError(f"alembic upgrade failed:\n{step.output}")


def fresh_postgres_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", POSTGRES + "/postgres", "-qc", sql], check=True)
    return f"{POSTGRES}/{name}"


def resent_rows(database_url: str) -> int:
    """Rows sent on a second attempt or later: deliveries a crash made the service repeat."""
    query = "SELECT count(*) FROM notifications WHERE status = 'sent' AND attempts > 1"
    out = subprocess.run(["psql", database_url, "-tAc", query], capture_output=True, text=True)
    if out.returncode != 0:
        raise Broken(f"psql could not count resent rows: {out.stderr.strip()}")
    return int(out.stdout)


def crash_row(
    label: str, project: Path, env: dict[str, str], args: argparse.Namespace
) -> list[object]:
    outbox = Path(env["NOTIFICATIONS_OUTBOX"])
    env = {**env, "NOTIFICATION_DELAY_SECONDS": "2"}
    with named(label), server(project, env) as (url, process):
        ids = accept(url, args.notifications)
        time.sleep(1)
        kill(process)
    before = len(set(outbox_ids(outbox)))
    with server(project, env):
        after = wait_for(outbox, set(ids), args.wait)
    delivered = len(set(ids) & set(outbox_ids(outbox)))
    seconds = f"{after:.1f}" if after is not None else f"> {args.wait:g} (gave up)"
    return [label, len(ids), before, delivered, seconds]


def two_processes_row(
    label: str, project: Path, env: dict[str, str], args: argparse.Namespace, *, kill_one: bool
) -> list[object]:
    outbox = Path(env["NOTIFICATIONS_OUTBOX"])
    env = {**env, "NOTIFICATION_DELAY_SECONDS": "0.5"}
    with (
        named(label),
        server(project, env) as (first, first_process),
        server(project, env) as (second, _),
    ):
        half = args.shared // 2
        ids = accept(first, half) + accept(second, args.shared - half)
        if kill_one:
            time.sleep(1)
            kill(first_process)
        seconds = wait_for(outbox, set(ids), args.wait)
    lines = outbox_ids(outbox)
    duplicates = len(lines) - len(set(lines))
    took = f"{seconds:.1f}" if seconds is not None else f"> {args.wait:g} (gave up)"
    return [label, len(ids), len(set(lines) & set(ids)), len(lines), duplicates,
            resent_rows(env["DATABASE_URL"]), took]  # fmt: skip


def post_latencies(project: Path, env: Mapping[str, str], count: int) -> tuple[float, float]:
    statuses = []
    with server(project, env) as (url, _), httpx.Client(base_url=url, timeout=10) as client:
        for _ in range(20):  # warm-up
            statuses.append(client.post("/notifications", json=PAYLOAD).status_code)
        latencies = []
        for _ in range(count):
            started = time.perf_counter()
            statuses.append(client.post("/notifications", json=PAYLOAD).status_code)
            latencies.append((time.perf_counter() - started) * 1000)
    check_statuses("POST /notifications", statuses, {202})
    return percentile(latencies, 0.5), percentile(latencies, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=20, help="accepted before the crash")
    parser.add_argument("--shared", type=int, default=100, help="notifications for two processes")
    parser.add_argument("--posts", type=int, default=300, help="timed POSTs per database")
    parser.add_argument("--wait", type=float, default=60.0, help="longest wait for the outbox")
    parser.add_argument("--lease", type=float, help="NOTIFICATION_LEASE_SECONDS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        root = Path(tmp)
        projects = {
            "none": synced_project(root / "memory", database="none"),
            "sqlite": synced_project(root / "sqlite", database="sqlite"),
            "postgres": synced_project(root / "postgres", database="postgres"),
        }
        base = {"LOG_LEVEL": "WARNING", "ENVIRONMENT": "development"}
        if args.lease is not None:
            base["NOTIFICATION_LEASE_SECONDS"] = str(args.lease)

        def env_for(name: str, run: str) -> dict[str, str]:
            env = {**base, "NOTIFICATIONS_OUTBOX": str(root / f"{name}-{run}.jsonl")}
            if name == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{root / f'{run}.db'}"
            elif name == "postgres":
                env["DATABASE_URL"] = fresh_postgres_database(f"outbox_bench_{run}")
            if name != "none":
                migrate(projects[name], env)
            return env

        crash = [
            crash_row("no database (in memory)", projects["none"], env_for("none", "crash"), args),
            crash_row("SQLite outbox", projects["sqlite"], env_for("sqlite", "crash"), args),
        ]
        shared = [
            two_processes_row(
                "both run", projects["postgres"], env_for("postgres", "two"), args, kill_one=False
            ),
            two_processes_row(
                "one SIGKILLed after 1 s", projects["postgres"], env_for("postgres", "kill"), args,
                kill_one=True,
            ),
        ]  # fmt: skip
        cost = []
        for name, project in projects.items():
            with named(f"{args.posts} POSTs, {name}"):
                cost.append([name, *post_latencies(project, env_for(name, "cost"), args.posts)])

    print(f"## Notifications outbox ({machine_line()})\n")
    lease = f"{args.lease:g} s" if args.lease is not None else "the default"
    print(
        f"{args.notifications} accepted with a 2 s delivery, SIGKILL 1 s later, then a restart "
        f"(lease {lease}):\n"
    )
    print(markdown_table(
        ["project", "accepted", "sent before the kill", "sent after the restart",
         "seconds from restart to the last"],
        crash,
    ))  # fmt: skip
    print(
        f"\nTwo uvicorn processes on one PostgreSQL database, {args.shared} notifications "
        "(0.5 s each):\n"
    )
    print(markdown_table(
        ["run", "accepted", "delivered", "outbox lines", "duplicate lines",
         "sent again after a crash", "seconds"],
        shared,
    ))  # fmt: skip
    print(f"\n`POST /notifications`, {args.posts} sequential requests, one uvicorn worker:\n")
    print(markdown_table(["database", "p50 ms", "p99 ms"], cost))


if __name__ == "__main__":
    run(main)
