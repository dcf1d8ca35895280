"""End to end: generated projects pass their own lint, strict type checks and tests."""

from pathlib import Path

import pytest

from tests.projects import check_project, describe_failures, render, running_python_version

pytestmark = pytest.mark.slow


def test_default_project_passes_its_own_checks(tmp_path: Path) -> None:
    project = render(tmp_path / "orders-service", python_version=running_python_version())

    failures = check_project(project)

    assert not failures, describe_failures(failures)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            {"background_tasks": False, "http_client": False, "log_format": "console"},
            id="all-off",
        ),
        pytest.param({"background_tasks": False}, id="http-without-background-tasks"),
    ],
)
def test_option_combinations_pass_their_own_checks(tmp_path: Path, answers: dict[str, object]) -> None:
    project = render(tmp_path / "svc", python_version=running_python_version(), **answers)

    failures = check_project(project)

    assert not failures, describe_failures(failures)
