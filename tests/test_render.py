"""What the template renders for each answer: files present or absent, and no template residue."""

import re
from pathlib import Path

import pytest
import yaml

from tests.projects import REPO_ROOT, project_files, render, template_residue

PKG = "src/orders_service"

# What either task_queue engine generates besides its own broker module.
QUEUE_FILES = {
    f"{PKG}/services/queue/jobs.py",
    f"{PKG}/services/queue/adapter.py",
    f"{PKG}/services/queue/report.py",
    f"{PKG}/worker.py",
    f"{PKG}/api/routes/jobs.py",
    "tests/queue_faults.py",
    "tests/api/routes/test_jobs.py",
    "tests/integration/test_worker.py",
    # With the default database: the jobs that use it, on workers.
    f"{PKG}/db/jobs.py",
    "tests/db/test_jobs.py",
}
# What either database generates.
DATABASE_FILES = {
    f"{PKG}/db/__init__.py",
    f"{PKG}/db/base.py",
    f"{PKG}/db/engine.py",
    f"{PKG}/items/__init__.py",
    f"{PKG}/items/models.py",
    f"{PKG}/items/schemas.py",
    f"{PKG}/items/repository.py",
    f"{PKG}/api/routes/items.py",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/6f1e0c2a9b3d_create_items.py",
    "tests/database.py",
    "tests/db/__init__.py",
    "tests/db/test_engine.py",
    "tests/db/test_migrations.py",
    "tests/items/__init__.py",
    "tests/items/test_repository.py",
    "tests/api/routes/test_items.py",
}
# Notifications kept in the database until sent: with background tasks and a database.
OUTBOX_FILES = {
    f"{PKG}/tasks/outbox.py",
    f"{PKG}/tasks/relay.py",
    "migrations/versions/2b7d4e9a1c05_create_notifications.py",
    "tests/tasks/test_relay.py",
}
# `/ready` checks the job broker and the database: it exists when either does.
READY_FILES = {f"{PKG}/api/routes/ready.py", "tests/api/routes/test_ready.py"}

# Files that exist only when an option has a given value: (question, value that makes them appear).
OPTIONAL_FILES: dict[tuple[str, object], set[str]] = {
    ("docker", True): {"Dockerfile", ".dockerignore", "compose.yaml"},
    ("ci", "github"): {".github/workflows/ci.yml"},
    ("ci", "gitlab"): {".gitlab-ci.yml"},
    ("background_tasks", True): {
        f"{PKG}/api/routes/notifications.py",
        f"{PKG}/tasks/__init__.py",
        f"{PKG}/tasks/runner.py",
        f"{PKG}/tasks/notifications.py",
        f"{PKG}/tasks/audit.py",
        "tests/api/routes/test_notifications.py",
        "tests/tasks/__init__.py",
        "tests/tasks/conftest.py",
        "tests/tasks/smtp_server.py",
        "tests/tasks/test_runner.py",
        "tests/tasks/test_notifications.py",
        "tests/tasks/test_audit.py",
    },
    ("admin_webhook", True): {f"{PKG}/tasks/webhook.py", "tests/tasks/test_webhook.py"},
    ("http_client", True): {
        f"{PKG}/services/__init__.py",
        f"{PKG}/services/http/__init__.py",
        f"{PKG}/services/http/client.py",
        f"{PKG}/services/http/problems.py",
        f"{PKG}/services/http/transport.py",
        f"{PKG}/services/http/upstreams.py",
        f"{PKG}/api/routes/aggregate.py",
        "tests/services/__init__.py",
        "tests/services/http/__init__.py",
        "tests/services/http/test_client.py",
        "tests/services/http/test_transport.py",
        "tests/services/http/test_upstreams.py",
        "tests/api/routes/test_aggregate.py",
    },
    ("task_queue", "taskiq"): {f"{PKG}/services/queue/broker.py", *QUEUE_FILES},
    ("task_queue", "celery"): {f"{PKG}/services/queue/celery_app.py", *QUEUE_FILES},
    ("database", "sqlite"): DATABASE_FILES,
    ("database", "postgres"): DATABASE_FILES,
    ("observability", ("otel",)): {
        f"{PKG}/core/tracing.py",
        "tests/core/test_tracing.py",
        "compose.observability.yaml",
    },
    ("observability", ("prometheus",)): {
        f"{PKG}/core/metrics.py",
        "tests/core/test_metrics.py",
        "compose.observability.yaml",
    },
    ("observability", ("sentry",)): {f"{PKG}/core/sentry.py", "tests/core/test_sentry.py"},
}
# For each option, a value under which none of its optional files exist.
OFF_VALUES: dict[str, object] = {
    "docker": False,
    "ci": "none",
    "background_tasks": False,
    "admin_webhook": False,
    "http_client": False,
    "task_queue": "none",
    "database": "none",
    "observability": (),
}


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("default") / "orders-service")


def test_default_project_has_the_core_layout(default_project: Path) -> None:
    files = project_files(default_project)

    assert {
        ".copier-answers.yml",
        ".env.example",
        ".gitignore",
        "README.md",
        "pyproject.toml",
        f"{PKG}/main.py",
        f"{PKG}/core/config.py",
        f"{PKG}/core/logging.py",
        f"{PKG}/core/middleware.py",
        f"{PKG}/core/limits.py",
        f"{PKG}/api/router.py",
        f"{PKG}/api/deps.py",
        f"{PKG}/api/health.py",
        "tests/conftest.py",
        "tests/api/test_health.py",
        "tests/core/test_config.py",
        "tests/core/test_limits.py",
        "tests/test_main.py",
        "tests/test_repository.py",
    } <= files


def test_no_template_residue_in_names_or_contents(default_project: Path) -> None:
    assert template_residue(default_project) == []


def test_answers_file_records_every_answer(default_project: Path) -> None:
    answers = yaml.safe_load((default_project / ".copier-answers.yml").read_text())

    assert answers["project_name"] == "Orders Service"
    assert answers["project_slug"] == "orders-service"
    assert answers["package_name"] == "orders_service"
    assert answers["_src_path"]


def test_project_metadata_comes_from_the_answers(tmp_path: Path) -> None:
    project = render(
        tmp_path / "svc",
        project_name='Billing "API"',
        author_name="Ops",
        author_email="ops@example.org",
        python_version="3.13",
    )
    pyproject = (project / "pyproject.toml").read_text()

    assert 'name = "billing-api"' in pyproject
    assert 'requires-python = ">=3.13"' in pyproject
    assert 'target-version = "py313"' in pyproject
    assert 'authors = [{ name = "Ops", email = "ops@example.org" }]' in pyproject
    assert (project / "src/billing_api/main.py").is_file()


@pytest.mark.parametrize(("option", "value"), sorted(OPTIONAL_FILES, key=str))
def test_optional_files_follow_their_option(tmp_path: Path, option: str, value: object) -> None:
    expected = OPTIONAL_FILES[(option, value)]

    with_option = project_files(render(tmp_path / "on", **{option: value}))
    without_option = project_files(render(tmp_path / "off", **{option: OFF_VALUES[option]}))

    assert expected <= with_option
    assert not expected & without_option


@pytest.mark.parametrize(
    ("background_tasks", "database", "present"),
    [(True, "sqlite", True), (True, "none", False), (False, "postgres", False)],
)
def test_the_outbox_exists_with_background_tasks_and_a_database(
    tmp_path: Path, background_tasks: bool, database: str, present: bool
) -> None:
    files = project_files(render(tmp_path, background_tasks=background_tasks, database=database))

    assert (files >= OUTBOX_FILES) is present
    assert (not OUTBOX_FILES & files) is not present


@pytest.mark.parametrize(
    ("task_queue", "database", "present"),
    [("none", "none", False), ("taskiq", "none", True), ("none", "sqlite", True)],
)
def test_ready_exists_with_a_task_queue_or_a_database(
    tmp_path: Path, task_queue: str, database: str, present: bool
) -> None:
    files = project_files(render(tmp_path / "svc", task_queue=task_queue, database=database))

    assert (files >= READY_FILES) is present
    assert (not READY_FILES & files) is not present


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_each_database_brings_only_its_own_driver(tmp_path: Path, database: str) -> None:
    project = render(tmp_path / "svc", database=database)
    pyproject = (project / "pyproject.toml").read_text()

    assert ('"aiosqlite>=' in pyproject) is (database == "sqlite")
    assert ('"asyncpg>=' in pyproject) is (database == "postgres")
    assert '"sqlalchemy[asyncio]>=' in pyproject
    assert '"alembic>=' in pyproject


def test_background_tasks_settings_and_dependencies_follow_the_option(tmp_path: Path) -> None:
    on = render(tmp_path / "on", background_tasks=True)
    off = render(tmp_path / "off", background_tasks=False)

    for project, present in ((on, True), (off, False)):
        pyproject = (project / "pyproject.toml").read_text()
        env_example = (project / ".env.example").read_text()
        config = (project / PKG / "core/config.py").read_text()
        for dependency in ('"aiosmtplib>=', '"email-validator>=', '"aiosmtpd>='):
            assert (dependency in pyproject) is present
        for setting in ("BACKGROUND_MAX_PENDING=", "NOTIFICATIONS_OUTBOX=", "SMTP_SENDER="):
            assert (setting in env_example) is present
        assert ("background_drain_timeout_seconds" in config) is present


@pytest.mark.parametrize("engine", ["taskiq", "celery"])
def test_each_task_queue_renders_only_its_own_engine(tmp_path: Path, engine: str) -> None:
    project = render(tmp_path / "svc", task_queue=engine)
    other = {"taskiq": "celery", "celery": "taskiq"}[engine]

    pyproject = (project / "pyproject.toml").read_text()
    assert f'"{engine}' in pyproject
    assert f'"{other}' not in pyproject
    assert template_residue(project) == []
    settings = (project / f"{PKG}/core/config.py").read_text()
    assert ("broker_url" in settings) == (engine == "celery")
    assert ("job_redelivery_timeout" in settings) == (engine == "taskiq")


TEMPLATE_PATHS = sorted(
    path.relative_to(REPO_ROOT / "template").as_posix()
    for path in (REPO_ROOT / "template").rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)


def test_template_paths_stay_short() -> None:
    too_long = [path for path in TEMPLATE_PATHS if len(path) > 100]
    assert not too_long


def test_each_conditional_path_segment_tests_one_bare_variable() -> None:
    # `{{ 'queue' if with_queue }}`; a comparison or an `or` goes to copier.yml's computed values.
    conditional = re.compile(r"^\{\{ '[\w.-]+' if \w+ \}\}(\.jinja)?$")
    segments = {
        part
        for path in TEMPLATE_PATHS
        for part in path.split("/")
        if " if " in part or "{%" in part
    }
    assert segments
    assert sorted(s for s in segments if not conditional.match(s)) == []


@pytest.mark.parametrize(
    "answers",
    [
        {"background_tasks": False, "database": "none"},
        {},  # background tasks and the SQLite outbox
        {"database": "postgres", "observability": ["otel"]},
    ],
    ids=["no-tasks", "default", "outbox-and-traces"],
)
def test_compose_gives_the_api_longer_than_its_slowest_clean_stop(
    tmp_path: Path, answers: dict[str, object]
) -> None:
    """SIGKILL must not cut a clean stop short: the grace period outlasts the requests' grace,
    then the background tasks' drain and the outbox relay's (one after the other), then the
    last span export, each read from the files that set it."""
    project = render(tmp_path / "svc", **answers)
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    grace = compose["services"]["api"]["stop_grace_period"]
    package = project / "src" / "orders_service"

    def number(pattern: str, path: Path) -> float:
        found = re.search(pattern, path.read_text(encoding="utf-8")) if path.exists() else None
        return float(found[1]) if found else 0.0

    requests = number(r'"--timeout-graceful-shutdown", "(\d+)"', project / "Dockerfile")
    config = package / "core" / "config.py"
    drain = number(r"drain_timeout_seconds: float = Field\(default=(\d+)", config)
    drains = 2 if (package / "tasks" / "relay.py").exists() else 1
    spans = number(r"force_flush\(timeout_millis=([\d_]+)\)", package / "core/tracing.py") / 1000

    assert requests == 15
    assert (drain > 0) == (answers.get("background_tasks") is not False)
    assert re.fullmatch(r"\d+s", grace), grace
    assert int(grace[:-1]) > requests + drains * drain + spans
