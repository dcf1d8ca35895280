"""Fixtures shared by the generator's tests: a fixture template as the bundled one, and a tagged
template repository with a project generated from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import template
from tests.helpers import make_fixture_template, scaffold
from tests.template_repo import FOLDER, PROJECT_NAME, commit_all, make_template_repo


@pytest.fixture
def fixture_template(tmp_path: Path) -> Path:
    """The real copier.yml with a handful of files (tests.helpers.FIXTURE_FILES)."""
    return make_fixture_template(tmp_path / "fixture-template")


@pytest.fixture
def bundled(fixture_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the fixture template the bundled one, so the CLI applies all of its own checks."""
    monkeypatch.setattr(template, "bundled_template", lambda: fixture_template)
    return fixture_template


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's template as a git repository tagged v1, v2, v3 (tests/template_repo.py)."""
    return make_template_repo(tmp_path_factory.mktemp("template") / "fastapi-template")


@pytest.fixture(scope="session")
def v1_project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`scaffold new --template REPO --vcs-ref v1`, committed. Tests copy it; none changes it."""
    dest = tmp_path_factory.mktemp("v1") / FOLDER
    result = scaffold(
        "new",
        dest,
        "--template",
        template_repo,
        "--vcs-ref",
        "v1",
        "--project-name",
        PROJECT_NAME,
        "-q",
    )
    assert result.exit_code == 0, result.output
    commit_all(dest, "generated")
    return dest


@pytest.fixture
def project(v1_project: Path, tmp_path: Path) -> Path:
    """A copy of the v1 project (its git repository included) to work on."""
    return Path(shutil.copytree(v1_project, tmp_path / FOLDER, symlinks=True))
