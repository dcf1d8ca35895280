"""Every option combination that matters is generated and green.

The fast tier proves the matrix covers every pair of option values and that each of its projects
renders without template residue; the slow tier installs each one and runs its own checks.
"""

from pathlib import Path

import pytest

from tests.helpers import scaffold
from tests.matrix import (
    LONG_PROJECT_NAME,
    covering_array,
    matrix,
    option_domains,
    pairs_of,
    project_name_of,
)
from tests.projects import check_project, describe_failures, render, template_residue

MATRIX = matrix()
# Every field type, on each row with a database: SQLite and PostgreSQL, short and long names.
INVOICE = (
    "invoice",
    "number:str:unique",
    "total:decimal",
    "paid:bool",
    "issued_on:date",
    "due_at:datetime?",
    "line_count:int",
    "weight:float?",
    "reference:uuid:unique",
    "note:text?",
)


def test_the_matrix_covers_every_pair_of_option_values() -> None:
    domains = option_domains()
    every_pair = set().union(*(pairs_of(row) for row in covering_array(domains)))
    covered = set().union(*(pairs_of(row) for row in MATRIX.values()))

    assert every_pair == covered
    assert {"python_version", "task_queue", "background_tasks", "http_client"} <= set(domains)


def test_the_matrix_runs_the_oldest_and_newest_python() -> None:
    versions = {row["python_version"] for row in MATRIX.values()}

    assert {"3.11", "3.13"} <= versions


def test_the_longest_name_meets_celery_and_every_observability_tool() -> None:
    named = {(name, project_name_of(name, row)): row for name, row in MATRIX.items()}
    long_rows = [row for (_, project), row in named.items() if project == LONG_PROJECT_NAME]

    assert len(LONG_PROJECT_NAME.lower().replace(" ", "_")) == 52
    assert any(
        row["task_queue"] == "celery" and len(row["observability"]) == 3  # type: ignore[arg-type]
        for row in long_rows
    )
    assert MATRIX["all-on"] in long_rows


@pytest.mark.parametrize("name", MATRIX)
def test_each_matrix_project_renders_without_residue(tmp_path: Path, name: str) -> None:
    project = render(
        tmp_path / "svc", **MATRIX[name], project_name=project_name_of(name, MATRIX[name])
    )

    assert template_residue(project) == []


def _needs_services(row: dict[str, object]) -> list[pytest.MarkDecorator]:
    needs = row["task_queue"] != "none" or row["database"] == "postgres"
    return [pytest.mark.services] if needs else []


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=_needs_services(row)) for name, row in MATRIX.items()]
)
def test_each_matrix_project_passes_its_own_checks_after_scaffold_add(
    tmp_path: Path, name: str
) -> None:
    project = render(
        tmp_path / "svc", **MATRIX[name], project_name=project_name_of(name, MATRIX[name])
    )

    grow(project, MATRIX[name])
    failures = check_project(project)

    assert not failures, describe_failures(failures)


def grow(project: Path, row: dict[str, object]) -> None:
    """Add with `scaffold add` what the row's options allow, as a team would on day two."""
    additions = []
    if row["database"] != "none":
        additions.append(["resource", *INVOICE])
    if row["http_client"]:
        additions.append(["client", "inventory", "--base-url", "https://inventory.internal/v1/"])
    if row["background_tasks"]:
        additions.append(["task", "send_welcome_email"])
    if row["task_queue"] != "none":
        additions.append(["job", "rebuild_index"])
    for addition in additions:
        result = scaffold("add", *addition, "--path", project)
        assert result.exit_code == 0, result.output
