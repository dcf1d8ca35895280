"""`/items` requests per second on SQLite and on PostgreSQL, beside `/health`, same run.

Usage: uv run python bench/items_throughput.py [--seconds 5] [--rounds 1]

For each database, a generated project (`database=sqlite`, `database=postgres`) is migrated with
`alembic upgrade head`; then, under uvicorn with one worker, rounds alternate:
- bare FastAPI + SQLAlchemy: apps/bare_sqlalchemy_items.py, the same SELECT and INSERT on the same
  table through one async engine, nothing else (the floor);
- generated: the service as it runs (JSON access line, request id, SessionDep, repository).
Each is loaded with GET /health, GET /items/1 and POST /items (a new name each time: every POST
inserts a row). PostgreSQL is the local server (tests/projects.py: POSTGRES_SERVER), in a database
created for the run and dropped after it. A server that does not start, or any answer but 2xx,
ends the run without a table.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from common import (
    check_statuses,
    free_port,
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
    wrk,
)

from tests.projects import postgres_database, run_step

BENCH_DIR = Path(__file__).resolve().parent
CONNECTIONS = 32
# One wrk thread, so the counter makes every name unique.
POST_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local body = '{"name": "bench-' .. counter .. '-' .. os.time() .. '"}'
  return wrk.format("POST", "/items", {["Content-Type"] = "application/json"}, body)
end
"""
LOADS = ("GET /health", "GET /items/1", "POST /items")


def posts_per_second(base_url: str, seconds: int, script: Path) -> float:
    if not shutil.which("wrk"):
        raise SystemExit("bench/items_throughput.py needs wrk for its POST load")
    return wrk(base_url, seconds, CONNECTIONS, script)


@contextmanager
def migrated_database(project: Path, database: str, tmp: Path) -> Iterator[str]:
    """An async-driver URL of a database migrated to head, for the run only."""
    if database == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        upgrade(project, url)
        yield url
        return
    with postgres_database() as plain:
        url = plain.replace("postgresql://", "postgresql+asyncpg://", 1)
        create = run_step(
            project, "uv", "run", "--no-sync", "python", "-c",
            "import asyncio, sys; from tests.database import create_database_if_missing as c; "
            "asyncio.run(c(sys.argv[1]))",
            url,
        )  # fmt: skip
        if create.returncode != 0:
            raise RuntimeError(create.output)
        upgrade(project, url)
        yield url


def upgrade(project: Path, url: str) -> None:
    step = run_step(project, "uv", "run", "--no-sync", "alembic", "upgrade", "head",
                    env={"DATABASE_URL": url})  # fmt: skip
    if step.returncode != 0:
        raise RuntimeError(step.output)


def measure(project: Path, target: list[str], env: dict[str, str], args: argparse.Namespace,
            script: Path) -> dict[str, float]:  # fmt: skip
    port = free_port()
    command = uvicorn_command(project, target[-1], port, *target[:-1])
    with serve(command, port, project, env) as url:
        first = httpx.post(url + "/items", json={"name": f"first-{port}"})
        check_statuses("POST /items", [first.status_code])
        item = f"/items/{first.json()['id']}"
        return {
            "GET /health": requests_per_second(url + "/health", args.seconds, CONNECTIONS),
            "GET /items/1": requests_per_second(url + item, args.seconds, CONNECTIONS),
            "POST /items": posts_per_second(url, args.seconds, script),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        script = tmp / "post.lua"
        script.write_text(POST_SCRIPT)
        for database in ("sqlite", "postgres"):
            project = synced_project(tmp / database / "svc", database=database)
            with migrated_database(project, database, tmp / database) as url:
                apps = {
                    "bare FastAPI + SQLAlchemy": (
                        ["bare_sqlalchemy_items:app"],
                        {"PYTHONPATH": str(BENCH_DIR / "apps"), "BENCH_DATABASE_URL": url},
                    ),
                    "generated (json logs)": (
                        ["--factory", f"{package_name(project)}.main:create_app"],
                        {"DATABASE_URL": url, "LOG_FORMAT": "json"},
                    ),
                }
                results: dict[str, dict[str, list[float]]] = {
                    name: {load: [] for load in LOADS} for name in apps
                }
                for _ in range(args.rounds):
                    for name, (target, env) in apps.items():
                        with named(f"{database}, {name}"):
                            measured = measure(project, target, env, args, script)
                        for load, value in measured.items():
                            results[name][load].append(value)
            floor = {load: median(results["bare FastAPI + SQLAlchemy"][load]) for load in LOADS}
            for name, by_load in results.items():
                cells: list[object] = [database, name]
                for load in LOADS:
                    value = median(by_load[load])
                    cells += [value, value / floor[load]]
                rows.append(cells)

    headers = ["database", "app"]
    for load in LOADS:
        headers += [f"{load} req/s", "ratio"]
    print(f"## /items throughput ({machine_line()}, uvicorn 1 worker, {CONNECTIONS} connections, "
          f"{args.seconds} s per load, {args.rounds} round(s))\n")  # fmt: skip
    print(markdown_table(headers, rows))


if __name__ == "__main__":
    run(main)
