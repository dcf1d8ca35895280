"""End to end: the default project passes its own lint, strict type checks and tests.

It runs on the interpreter running this suite; tests/test_matrix.py covers the option combinations
on the other supported Pythons.
"""

from pathlib import Path

import pytest

from tests.projects import check_project, describe_failures, render, running_python_version

pytestmark = pytest.mark.slow


def test_default_project_passes_its_own_checks(tmp_path: Path) -> None:
    project = render(tmp_path / "orders-service", python_version=running_python_version())

    failures = check_project(project)

    assert not failures, describe_failures(failures)
