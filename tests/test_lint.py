"""The generator's own code meets the bar it sets for generated projects."""

import subprocess
import sys

import pytest

from tests.projects import REPO_ROOT

CHECKS = {
    "ruff check": ["-m", "ruff", "check", "."],
    "ruff format": ["-m", "ruff", "format", "--check", "."],
    "mypy --strict": ["-m", "mypy"],
}


@pytest.mark.parametrize("check", CHECKS)
def test_repository_is_clean(check: str) -> None:
    completed = subprocess.run(
        [sys.executable, *CHECKS[check]],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
