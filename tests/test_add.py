"""`scaffold add`: parts added to a generated project, refused inputs, dry runs, drift, update.

The fast tier adds to copies of the default project (`project`, tests/conftest.py) or to projects
rendered with other options; the slow tier installs the project after an add and runs its own
checks, its migrations and the service itself. Every matrix row adds what its options allow
(tests/test_matrix.py).
"""

from __future__ import annotations

import json
import shlex
import urllib.request
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from generator import resources
from tests import template_repo
from tests.helpers import error_line, scaffold, snapshot
from tests.projects import REPO_ROOT, check_project, describe_failures, render

PACKAGE = "orders_service"
ORDER = ["order", "customer:str:unique", "total:decimal", "paid:bool", "note:text?"]


def unchanged_by(project: Path, *arguments: str) -> Result:
    """`scaffold ARGUMENTS --path PROJECT`; fails the test if it changed anything in the project."""
    before = snapshot(project)
    result = scaffold(*arguments, "--path", project)
    assert snapshot(project) == before, result.output
    return result


def readme_add_commands() -> list[str]:
    """The `scaffold add` commands of the README's "Growing a service", comments dropped."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Growing a service", 1)[1].split("```bash\n", 1)[1].split("```")[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readmes_add_commands_run_as_written(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", task_queue="taskiq")
    commands = readme_add_commands()
    assert len(commands) == 5

    for command in commands:
        program, *arguments = shlex.split(command)
        assert program == "scaffold"
        result = scaffold(*arguments, "--path", project)
        assert result.exit_code == 0, f"$ {command}\n{result.output}"
    for added in ("orders", "services/http/inventory.py", "tasks/send_welcome_email.py"):
        assert (project / f"src/{PACKAGE}" / added).exists()


def test_help_lists_the_kinds_and_the_field_types() -> None:
    kinds = scaffold("add", "--help")
    resource = scaffold("add", "resource", "--help")

    assert kinds.exit_code == 0
    assert "resource" in kinds.output
    assert resource.exit_code == 0
    for kind in ("str", "text", "int", "bool", "float", "decimal", "date", "datetime", "uuid"):
        assert kind in resource.output


def test_a_resource_writes_its_files_and_one_line_at_each_place(project: Path) -> None:
    head_before = resources.migration_head(project)

    result = scaffold("add", "resource", *ORDER, "--path", project)

    assert result.exit_code == 0, result.output
    for path in (
        f"src/{PACKAGE}/orders/models.py",
        f"src/{PACKAGE}/orders/schemas.py",
        f"src/{PACKAGE}/orders/repository.py",
        f"src/{PACKAGE}/api/routes/orders.py",
        f"src/{PACKAGE}/db/types.py",
        "tests/orders/test_repository.py",
        "tests/api/routes/test_orders.py",
    ):
        assert (project / path).is_file(), path
        assert path in result.output
    router = (project / f"src/{PACKAGE}/api/router.py").read_text()
    assert router.count("    orders,\n") == 1
    assert router.count("api_router.include_router(orders.router)\n") == 1
    env = (project / "migrations/env.py").read_text()
    assert env.count(f"import {PACKAGE}.orders.models\n") == 1
    assert resources.migration_head(project) == resources.revision_id(PACKAGE, "orders")
    (migration,) = (project / "migrations/versions").glob("*_create_orders.py")
    assert f'down_revision: str | Sequence[str] | None = "{head_before}"' in migration.read_text()
    recorded = yaml.safe_load((project / ".copier-answers.resource-orders.yml").read_text())
    assert recorded["fields"][0] == {
        "name": "customer",
        "type": "str",
        "unique": True,
        "optional": False,
    }
    assert recorded["fields"][3]["optional"] is True


def test_a_second_resource_follows_the_first_migration_and_keeps_the_shared_module(
    project: Path,
) -> None:
    assert scaffold("add", "resource", *ORDER, "--path", project).exit_code == 0
    types = project / f"src/{PACKAGE}/db/types.py"
    types.write_text(types.read_text() + "# ours\n")

    result = scaffold("add", "resource", "refund", "amount:decimal", "--path", project)

    assert result.exit_code == 0, result.output
    assert types.read_text().endswith("# ours\n")
    (first,) = (project / "migrations/versions").glob("*_create_orders.py")
    (second,) = (project / "migrations/versions").glob("*_create_refunds.py")
    assert f'down_revision: str | Sequence[str] | None = "{first.name[:12]}"' in second.read_text()
    router = (project / f"src/{PACKAGE}/api/router.py").read_text()
    assert "    orders,\n    ready,\n    refunds,\n)" in router


def test_dry_run_lists_what_it_would_do_and_writes_nothing(project: Path) -> None:
    result = unchanged_by(project, "add", "resource", *ORDER, "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"src/{PACKAGE}/orders/models.py" in result.output
    assert f"change  src/{PACKAGE}/api/router.py" in result.output
    assert "uv run alembic upgrade head" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Order", "a:str"], "must be snake_case"),
        (["class", "a:str"], "is a Python keyword"),
        (["session", "a:str"], "taken by the generated code"),
        (["core", "a:str"], "clashes with a module of the project: src/orders_service/core"),
        (["item", "a:str"], "clashes with a module of the project: src/orders_service/items"),
        (["order", "a:str", "--plural", "order"], "must differ from it"),
        (["order", "a:money"], "unknown type 'money'"),
        (["order", "Total:int"], "must be snake_case"),
        (["order", "id:int"], "taken by the generated code"),
        (["order", "total"], "write NAME:TYPE"),
        (["order", "a:str:primary"], "the only flag after the type is :unique"),
        (["order", "paid:bool:unique"], "a bool cannot be unique"),
        (["order", "a:str", "a:int"], "given twice"),
        (["order"], "at least one field"),
        (["a_very_long_resource_name", "a:str"], "longer than 20 characters"),
    ],
)
def test_a_bad_resource_is_refused_in_one_line_and_nothing_changes(
    project: Path, arguments: list[str], message: str
) -> None:
    result = unchanged_by(project, "add", "resource", *arguments)

    assert result.exit_code != 0
    assert message in error_line(result)
    assert len(result.output.splitlines()) <= 3


def test_a_resource_named_as_a_module_of_the_users_is_refused(project: Path) -> None:
    (project / f"src/{PACKAGE}/invoices.py").write_text('"""Ours."""\n')
    result = unchanged_by(project, "add", "resource", "invoice", "total:decimal")

    assert result.exit_code == 2
    assert f"src/{PACKAGE}/invoices.py" in error_line(result)


def test_adding_the_same_resource_twice_is_refused(project: Path) -> None:
    assert scaffold("add", "resource", *ORDER, "--path", project).exit_code == 0
    result = unchanged_by(project, "add", "resource", *ORDER)

    assert result.exit_code != 0
    assert "already has a resource 'orders'" in error_line(result)


def test_an_unknown_kind_is_refused_in_one_line(project: Path) -> None:
    result = unchanged_by(project, "add", "widget", "gadget")

    assert result.exit_code == 2
    assert "widget" in error_line(result)


def test_outside_a_generated_project_nothing_is_added(tmp_path: Path) -> None:
    result = scaffold("add", "resource", *ORDER, "--path", tmp_path)

    assert result.exit_code == 2
    assert "is not a generated project" in error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_a_project_without_a_database_gets_no_resource(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", database="none")
    result = unchanged_by(project, "add", "resource", *ORDER)

    assert result.exit_code == 2
    assert "a resource needs a database" in error_line(result)


def test_a_rewritten_router_gets_the_line_printed_instead(project: Path) -> None:
    router = project / f"src/{PACKAGE}/api/router.py"
    rewritten = router.read_text().replace("from .routes import (", "from .routes import (  # ours")
    router.write_text(rewritten)

    result = scaffold("add", "resource", *ORDER, "--path", project)

    assert result.exit_code == 0, result.output
    assert "Add by hand" in result.output
    assert f"src/{PACKAGE}/api/router.py: from .routes import orders" in result.output
    # The other place was found: the include line went in, the import did not.
    assert "    orders,\n" not in router.read_text()
    assert "api_router.include_router(orders.router)" in router.read_text()


def test_added_parts_are_not_drift(project: Path) -> None:
    for addition in (
        ["resource", *ORDER],
        ["client", "inventory", "--base-url", "https://inventory.internal/v1/"],
        ["task", "send_welcome_email"],
    ):
        added = scaffold("add", *addition, "--path", project)
        assert added.exit_code == 0, added.output

    result = scaffold("drift", project)

    assert result.exit_code == 0, result.output


def test_a_client_adds_its_module_its_setting_and_its_dependency(project: Path) -> None:
    result = scaffold(
        "add", "client", "inventory", "--base-url", "https://inventory.internal/v1", "-C", project
    )

    assert result.exit_code == 0, result.output
    assert (project / f"src/{PACKAGE}/services/http/inventory.py").is_file()
    assert (project / "tests/services/http/test_inventory.py").is_file()
    config = (project / f"src/{PACKAGE}/core/config.py").read_text()
    assert '    inventory_url: HttpUrl = HttpUrl("https://inventory.internal/v1/")\n' in config
    assert (
        "INVENTORY_URL=https://inventory.internal/v1/\n" in (project / ".env.example").read_text()
    )
    deps = (project / f"src/{PACKAGE}/api/deps.py").read_text()
    assert deps.endswith(
        "InventoryClientDep = Annotated[InventoryClient, Depends(get_inventory_client)]\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["inventory", "--base-url", "ftp://inventory/"], "must be an http:// or https:// URL"),
        (["inventory", "--base-url", "https:///v1/"], "with a host"),
        (["inventory", "--base-url", 'https://x/"'], "must not hold spaces, quotes"),
        (["upstreams", "--base-url", "https://x/"], "taken by the generated code"),
        (["upstream_a", "--base-url", "https://x/"], "already has a setting upstream_a_url"),
        (["Inventory", "--base-url", "https://x/"], "must be snake_case"),
    ],
)
def test_a_bad_client_is_refused_in_one_line_and_nothing_changes(
    project: Path, arguments: list[str], message: str
) -> None:
    result = unchanged_by(project, "add", "client", *arguments)

    assert result.exit_code != 0
    assert message in error_line(result)


def test_a_task_adds_its_module_and_its_tests(project: Path) -> None:
    result = scaffold("add", "task", "send_welcome_email", "--path", project)

    assert result.exit_code == 0, result.output
    assert (project / f"src/{PACKAGE}/tasks/send_welcome_email.py").is_file()
    assert (project / "tests/tasks/test_send_welcome_email.py").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["runner"], "taken by the generated code"),
        (["audit"], "taken by the generated code"),
        (["import"], "is a Python keyword"),
        (["send-email"], "must be snake_case"),
    ],
)
def test_a_bad_task_is_refused_in_one_line_and_nothing_changes(
    project: Path, arguments: list[str], message: str
) -> None:
    result = unchanged_by(project, "add", "task", *arguments)

    assert result.exit_code != 0
    assert message in error_line(result)


@pytest.mark.parametrize(
    ("kind", "arguments", "answers", "message"),
    [
        ("client", ["api", "--base-url", "https://x/"], {"http_client": False}, "needs the http"),
        ("task", ["send_email"], {"background_tasks": False}, "needs background tasks"),
    ],
)  # fmt: skip
def test_a_kind_the_options_do_not_support_is_refused(
    tmp_path: Path, kind: str, arguments: list[str], answers: dict[str, object], message: str
) -> None:
    project = render(tmp_path / "svc", **answers)
    result = unchanged_by(project, "add", kind, *arguments)

    assert result.exit_code == 2
    assert message in error_line(result)


def test_a_job_adds_its_module_its_tests_and_its_line_in_register_jobs(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", task_queue="taskiq")

    result = scaffold("add", "job", "rebuild_index", "--path", project)

    assert result.exit_code == 0, result.output
    assert (project / f"src/{PACKAGE}/services/queue/rebuild_index.py").is_file()
    assert (project / "tests/services/queue/test_rebuild_index.py").is_file()
    assert (project / "tests/integration/test_rebuild_index.py").is_file()
    jobs = (project / f"src/{PACKAGE}/services/queue/jobs.py").read_text()
    assert "from .rebuild_index import register_rebuild_index\n" in jobs
    assert "    register_rebuild_index(broker)\n    return broker.register_task(" in jobs


def test_a_celery_job_is_registered_in_register_jobs_too(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", task_queue="celery")

    result = scaffold("add", "job", "rebuild_index", "--path", project)

    assert result.exit_code == 0, result.output
    jobs = (project / f"src/{PACKAGE}/services/queue/jobs.py").read_text()
    assert "    register_rebuild_index(app, settings)\n    return report\n" in jobs


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["report"], "taken by the generated code"),
        (["broker"], "taken by the generated code"),
        (["RebuildIndex"], "must be snake_case"),
    ],
)
def test_a_bad_job_is_refused_in_one_line_and_nothing_changes(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    project = render(tmp_path / "svc", task_queue="taskiq")
    result = unchanged_by(project, "add", "job", *arguments)

    assert result.exit_code != 0
    assert message in error_line(result)


def test_a_job_needs_a_task_queue(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", task_queue="none")
    result = unchanged_by(project, "add", "job", "rebuild_index")

    assert result.exit_code == 2
    assert "a job needs a task queue" in error_line(result)


# --- the project's own checks, its migrations and the running service -------------------------


def request(method: str, url: str, body: object = None) -> tuple[int, dict[str, str], object]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if data else {}
    call = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=10) as response:  # noqa: S310 (localhost)
            content = response.read()
            return response.status, dict(response.headers), json.loads(content or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def printed_next(output: str) -> list[str]:
    """The commands under "Next:" in `scaffold add`'s output."""
    assert "Next:\n" in output, output
    return [line.strip() for line in output.split("Next:\n")[1].splitlines() if line.strip()]


def check_orders_api(url: str) -> None:
    """The Done-when walk through /orders on the running service."""
    body = {"customer": "ada", "total": "12345678.10", "paid": False, "note": "first"}
    status, headers, created = request("POST", f"{url}/orders", body)
    assert status == 201, created
    assert isinstance(created, dict)
    assert created == {"id": created["id"], **body}  # the decimal kept exactly, as a string
    location = f"{url}{headers['location']}"

    status, headers, problem = request("POST", f"{url}/orders", {**body, "total": "1.00"})
    assert status == 409, problem
    assert headers["content-type"] == "application/problem+json"
    assert request("POST", f"{url}/orders", {"customer": "bob"})[0] == 422

    assert request("GET", location)[2] == created
    assert request("GET", f"{url}/orders")[2] == {"orders": [created], "limit": 50, "offset": 0}
    status, _, changed = request("PATCH", location, {"paid": True, "note": None})
    assert status == 200
    assert changed == {**created, "paid": True, "note": None}
    assert request("DELETE", location)[0] == 204
    assert request("GET", location)[0] == 404


@pytest.mark.slow
def test_the_default_project_with_a_resource_is_green_migrates_and_serves_it(
    project: Path, tmp_path: Path
) -> None:
    from tests.test_first_run import Steps, environment, for_project

    added = scaffold("add", "resource", *ORDER, "--path", project)
    assert added.exit_code == 0, added.output

    failures = check_project(project)
    assert not failures, describe_failures(failures)

    steps = Steps(project, for_project(environment(), project))
    for step in printed_next(added.output):
        steps.run(step)
    steps.run("uv run alembic check")  # the models and the migrations agree
    with steps.serve(f"uv run uvicorn {PACKAGE}.asgi:app", tmp_path / "server.log") as url:
        check_orders_api(url)


@pytest.mark.slow
def test_after_an_update_the_resource_is_there_and_the_project_green(project: Path) -> None:
    assert scaffold("add", "resource", *ORDER, "--path", project).exit_code == 0
    template_repo.commit_all(project, "an orders resource")

    updated = scaffold("update", project)

    assert updated.exit_code == 0, updated.output
    assert (project / template_repo.V2_NEW_FILE).is_file()  # the update did happen
    assert "orders.router" in (project / f"src/{PACKAGE}/api/router.py").read_text()
    drift = scaffold("drift", project)
    assert drift.exit_code == 0, drift.output
    failures = check_project(project)
    assert not failures, describe_failures(failures)
