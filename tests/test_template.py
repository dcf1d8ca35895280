"""generator.template: where the bundled template is, and checks of a `--template` source."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator
from generator import template
from generator.errors import ScaffoldError, UsageError
from tests.helpers import REAL_TEMPLATE
from tests.template_repo import commit_all, git


def test_bundled_template_is_the_wheel_copy_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_dir = tmp_path / "site-packages" / "generator"
    (package_dir / "_bundled").mkdir(parents=True)
    monkeypatch.setattr(template, "_PACKAGE_DIR", package_dir)

    with pytest.raises(generator.ScaffoldError, match="bundled template is missing"):
        template.bundled_template()
    (package_dir / "_bundled" / "copier.yml").write_text("project_name: x\n", encoding="utf-8")
    assert template.bundled_template() == package_dir / "_bundled"


def test_in_a_checkout_the_bundled_template_is_the_repository() -> None:
    assert Path(template.__file__).resolve().parent.parent == REAL_TEMPLATE
    assert (REAL_TEMPLATE / "template").is_dir()


def test_a_git_bundle_and_a_remote_source_are_templates(
    fixture_template: Path, tmp_path: Path
) -> None:
    commit_all(fixture_template, "v1")
    bundle = tmp_path / "template.bundle"
    git(fixture_template, "bundle", "create", str(bundle), "--all")

    template.check_source(str(fixture_template))
    template.check_source(str(bundle))
    template.check_source("gh:org/template")
    template.check_source("https://git.example.com/template.git")


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        ("", UsageError, "--template must not be empty"),
        ("no-such-template", ScaffoldError, "template not found: no-such-template"),
    ],
)
def test_a_source_that_is_no_template_is_refused(
    source: str, error: type[ScaffoldError], message: str
) -> None:
    with pytest.raises(error, match=message):
        template.check_source(source)


def test_a_local_source_is_made_absolute_and_a_url_is_kept(
    fixture_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fixture_template.parent)

    assert template.absolute_source(fixture_template.name) == str(fixture_template)
    assert template.absolute_source("gh:org/template") == "gh:org/template"
