"""The `database` option end to end: README migration commands, /items and /ready over HTTP.

Each project is rendered and installed once per module; the PostgreSQL one runs against a database
of its own on the local server (tests/projects.py: POSTGRES_SERVER).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.projects import (
    POSTGRES_SERVER,
    StepResult,
    find_interpreter,
    free_port,
    postgres_database,
    render,
    run_step,
    running_python_version,
    uv_environment,
)

pytestmark = pytest.mark.slow

PACKAGE = "orders_service"


@dataclass(frozen=True)
class Project:
    root: Path
    database: str
    env: dict[str, str]  # DATABASE_URL for the project's commands

    def run(self, command: str, **env: str) -> StepResult:
        return run_step(self.root, *shlex.split(command), env={**self.env, **env})


def require_postgres() -> None:
    host_port = re.search(r"@([^:/]+):(\d+)", POSTGRES_SERVER)
    assert host_port, POSTGRES_SERVER
    try:
        socket.create_connection((host_port[1], int(host_port[2])), timeout=2).close()
    except OSError as exc:
        reason = f"PostgreSQL at {host_port[1]}:{host_port[2]} is unreachable ({exc})"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)],
)
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    database: str = request.param
    if database == "postgres":
        require_postgres()
    python = running_python_version()
    root = render(
        tmp_path_factory.mktemp(database) / "orders-service",
        database=database,
        python_version=python,
    )
    sync = run_step(root, "uv", "sync", "--python", str(find_interpreter(python)))
    assert sync.returncode == 0, sync.output
    if database == "sqlite":
        # A plain sqlite:// URL, as a deployment would give it: the service adds the driver.
        yield Project(root, database, {"DATABASE_URL": f"sqlite:///{root / 'var' / 'app.db'}"})
        return
    with postgres_database() as url:
        create = run_step(
            root,
            "uv",
            "run",
            "--no-sync",
            "python",
            "-c",
            "import asyncio, sys; from tests.database import create_database_if_missing as c; "
            "asyncio.run(c(sys.argv[1].replace('postgresql://', 'postgresql+asyncpg://')))",
            url,
        )
        assert create.returncode == 0, create.output
        yield Project(root, database, {"DATABASE_URL": url})


def documented_migration_commands(readme: str) -> dict[str, str]:
    """The README's migration commands, by their first three words (`uv run alembic <verb>`)."""
    block = readme.split("### Migrations", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return {command.split()[3]: command for command in commands if command}


def test_the_readmes_migration_commands_work(project: Project) -> None:
    commands = documented_migration_commands((project.root / "README.md").read_text())
    assert set(commands) == {"upgrade", "revision", "check", "downgrade"}
    model = project.root / f"src/{PACKAGE}/items/models.py"

    model_text = model.read_text()

    upgrade = project.run(commands["upgrade"])
    in_step = project.run(commands["check"])
    # A team's change to a model: autogenerate writes the migration, ruff-clean through the hooks.
    model.write_text(model_text + '    price: Mapped[int] = mapped_column(server_default="0")\n')
    revision = project.run(commands["revision"])
    versions = project.root / "migrations/versions"
    new_files = [path for path in versions.glob("*.py") if "add_price" in path.name]
    lint = [project.run(f"uv run --no-sync ruff {args} .") for args in ("check", "format --check")]
    behind = project.run(commands["check"])
    upgrade_again = project.run(commands["upgrade"])
    in_step_again = project.run(commands["check"])
    downgrade = project.run(commands["downgrade"])
    behind_again = project.run(commands["check"])
    new_text = new_files[0].read_text() if new_files else ""
    # Back to the generated project (and its schema) for the tests that follow.
    model.write_text(model_text)
    for path in new_files:
        path.unlink()

    for step in (upgrade, in_step, revision, *lint, upgrade_again, in_step_again, downgrade):
        assert step.returncode == 0, f"$ {step.command}\n{step.output}"
    assert len(new_files) == 1
    assert ("batch_alter_table" in new_text) is (project.database == "sqlite")
    assert 'sa.Column("price"' in new_text, "ruff format did not run on the new revision"
    assert behind.returncode != 0
    assert behind_again.returncode != 0


Serve = Callable[..., httpx.Client]


@pytest.fixture
def serve(project: Project) -> Iterator[Serve]:
    """`serve(**env)`: the project under uvicorn, its database settings overridden by `env`."""
    servers: list[subprocess.Popen[bytes]] = []
    clients: list[httpx.Client] = []

    def start(**env: str) -> httpx.Client:
        port = free_port()
        server = subprocess.Popen(
            [
                "uv",
                "run",
                "--no-sync",
                "uvicorn",
                "--factory",
                f"{PACKAGE}.main:create_app",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=project.root,
            env=uv_environment({**project.env, **env}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        clients.append(client)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/health")
                return client
            except httpx.TransportError:
                assert server.poll() is None, "uvicorn exited"
                assert time.monotonic() < deadline, "uvicorn did not answer within 60 s"
                time.sleep(0.2)

    yield start
    for client in clients:
        client.close()
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


def test_uvicorn_serves_items_after_the_documented_upgrade(project: Project, serve: Serve) -> None:
    upgrade = documented_migration_commands((project.root / "README.md").read_text())["upgrade"]
    assert project.run(upgrade).returncode == 0
    client = serve()

    created = client.post("/items", json={"name": "widget", "description": "blue"})
    location = created.headers["location"]
    fetched = client.get(location)
    duplicate = client.post("/items", json={"name": "widget"})
    patched = client.patch(location, json={"description": "red"})
    listed = client.get("/items", params={"limit": 1000})
    deleted = client.delete(location)
    missing = client.get(location)
    ready = client.get("/ready")

    assert created.status_code == 201
    assert fetched.json() == created.json()
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert patched.json() == {**created.json(), "description": "red"}
    assert listed.json() == {"items": [patched.json()], "limit": 100, "offset": 0}
    assert deleted.status_code == 204
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    assert ready.status_code == 200


def test_ready_and_items_answer_503_in_time_while_the_database_is_down(
    project: Project, serve: Serve, tmp_path: Path
) -> None:
    if project.database == "postgres":
        down = f"postgresql://app:app@127.0.0.1:{free_port()}/absent"  # a closed port
    else:
        down = f"sqlite:///{tmp_path}"  # a directory: no database file can be opened there
    client = serve(DATABASE_URL=down, READY_TIMEOUT="2")

    # The client gives up after the timeout plus a margin: a /ready that hangs fails the test.
    ready = client.get("/ready", timeout=5)
    items = client.get("/items", timeout=5)

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["reasons"][0].startswith("database")
    assert items.status_code == 503
    assert items.headers["content-type"] == "application/problem+json"
    assert int(items.headers["retry-after"]) > 0
    assert client.get("/health").status_code == 200
