"""generator.project: a generated project's answers file, template version and newest tag."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from generator import project
from generator.errors import ScaffoldError, UsageError
from tests import template_repo
from tests.helpers import ANSWERS_FILE


def write_answers(path: Path, answers: dict[str, object]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / ANSWERS_FILE).write_text(yaml.safe_dump(answers), encoding="utf-8")
    return path


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """A template repository tagged v1.0.0, v1.2.0, v2.0.0rc1 and not-a-version."""
    root = tmp_path / "template"
    root.mkdir()
    (root / "copier.yml").write_text("project_name: x\n", encoding="utf-8")
    template_repo.commit_all(root, "first")
    for tag in ("v1.0.0", "v1.2.0", "v2.0.0rc1", "not-a-version"):
        template_repo.git(root, "tag", tag)
    return root


@pytest.mark.parametrize(
    ("ref", "version"),
    [
        ("v1.2.0", Version("1.2.0")),
        ("v1.2.0-3-gabc1234", Version("1.2.0.post3+abc1234")),
        ("main", None),
    ],
)
def test_version_of_a_tag_or_git_describe(ref: str, version: Version | None) -> None:
    assert project.version_of(ref) == version


@pytest.mark.parametrize(
    ("current", "newest", "outdated"),
    [
        ("v1.2.0", "v1.2.0", False),
        ("v1.2.0-3-gabc1234", "v1.2.0", False),
        ("v1.0.0", "v1.2.0", True),
        ("abc1234", "v1.2.0", True),
    ],
)
def test_a_version_check_is_outdated_below_the_newest_tag(
    current: str, newest: str, outdated: bool
) -> None:
    assert project.VersionCheck(current, newest).outdated is outdated


def test_the_newest_tag_leaves_out_pre_releases_and_other_tags(tagged: Path) -> None:
    assert project.newest_tag(str(tagged)) == "v1.2.0"


def test_a_template_without_version_tags_is_an_error(tagged: Path) -> None:
    for tag in ("v1.0.0", "v1.2.0", "v2.0.0rc1"):
        template_repo.git(tagged, "tag", "-d", tag)

    with pytest.raises(ScaffoldError, match="has no version tags: tag its releases"):
        project.newest_tag(str(tagged))


def test_load_project_reads_the_recorded_source_and_version(tagged: Path, tmp_path: Path) -> None:
    path = write_answers(
        tmp_path / "svc", {"_src_path": str(tagged), "_commit": "v1.0.0", "docker": True}
    )

    found = project.load_project(path, template=None, from_ref=None)
    moved = project.load_project(path, template=str(tagged), from_ref="v1.2.0")

    assert (found.source, found.version, found.answers) == (str(tagged), "v1.0.0", {"docker": True})
    assert not found.relinked
    assert (moved.version, moved.relinked) == ("v1.2.0", True)
    assert project.check_version(found) == project.VersionCheck("v1.0.0", "v1.2.0")


@pytest.mark.parametrize(
    ("answers", "template", "message"),
    [
        ({"_commit": "v1"}, None, "records no template (_src_path): pass --template"),
        ({"_src_path": "{tagged}"}, None, "records no template version (_commit): pass --from-ref"),
        ({"_src_path": "{plain}", "_commit": "v1"}, None, "which has no git history"),
        ({"_src_path": "{tagged}", "_commit": "v1"}, "{plain}", "is not a git repository"),
    ],
)
def test_a_project_that_cannot_be_updated_is_a_usage_error(
    tagged: Path, tmp_path: Path, answers: dict[str, str], template: str | None, message: str
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    places = {"tagged": tagged, "plain": plain}
    path = write_answers(
        tmp_path / "svc", {key: value.format(**places) for key, value in answers.items()}
    )

    with pytest.raises(UsageError) as caught:
        project.load_project(
            path, template=None if template is None else template.format(**places), from_ref=None
        )

    assert message in caught.value.message


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "is not a generated project"), ("- a list\n", "is not a mapping of answers")],
)
def test_read_answers_needs_a_mapping(tmp_path: Path, content: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / ANSWERS_FILE).write_text(content, encoding="utf-8")

    with pytest.raises(UsageError, match=message):
        project.read_answers(tmp_path)
