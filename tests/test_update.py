"""generator.update: the three-way update in a scratch clone (the commands: test_change)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import update
from generator.errors import UsageError
from generator.project import Project, load_project
from tests.helpers import tree
from tests.template_repo import V2_NEW_FILE, git


def test_pretend_reports_the_changes_and_touches_nothing(project: Path) -> None:
    found = project_at(project)
    before = tree(project), git(project, "status", "--porcelain")

    result = update.run(
        found, vcs_ref="v2", data={}, keep_version=False, conflict="inline", pretend=True
    )

    assert (result.old_version, result.new_version) == ("v1", "v2")
    assert update.Change(V2_NEW_FILE, "added") in result.changes
    assert result.conflicts == []
    assert result.answers["project_name"] == "Orders Service"
    assert (tree(project), git(project, "status", "--porcelain")) == before


def test_new_answers_keep_the_version(project: Path) -> None:
    result = update.run(
        project_at(project),
        vcs_ref=None,
        data={"docker": False},
        keep_version=True,
        conflict="inline",
        pretend=False,
    )

    assert result.new_version == "v1"
    assert update.Change("Dockerfile", "deleted") in result.changes
    assert not (project / "Dockerfile").exists()


def test_an_answer_the_templates_version_does_not_ask_is_refused(project: Path) -> None:
    with pytest.raises(UsageError, match="does not ask 'region'"):
        update.run(
            project_at(project),
            vcs_ref=None,
            data={"region": "eu"},
            keep_version=True,
            conflict="inline",
            pretend=True,
        )


def project_at(path: Path) -> Project:
    return load_project(path, template=None, from_ref=None)
