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
        # Their integration tiers run real workers against this machine's Redis (and RabbitMQ);
        # REQUIRE_SERVICES=1, inherited from the environment, makes them fail instead of skip.
        pytest.param({"task_queue": "taskiq"}, id="taskiq", marks=pytest.mark.services),
        pytest.param({"task_queue": "celery"}, id="celery", marks=pytest.mark.services),
    ],
)
def test_option_combinations_pass_their_own_checks(tmp_path: Path, answers: dict[str, object]) -> None:
    project = render(tmp_path / "svc", python_version=running_python_version(), **answers)

    failures = check_project(project)

    assert not failures, describe_failures(failures)
