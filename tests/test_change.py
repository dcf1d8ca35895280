"""`scaffold update`, `set` and `enable` against a tagged template repository.

The repository (tests/template_repo.py) holds this checkout's copier.yml and template/ tagged v1;
v2 and v3 change it. A project generated at v1 and committed (tests/conftest.py) is shared by the
tests, each of which works on its own copy. `check` and `drift`: tests/test_compare.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import copier
import pytest

from generator import template
from tests.helpers import error_line, scaffold, tree
from tests.projects import recorded_answers
from tests.template_repo import (
    FOLDER,
    NEWEST,
    PACKAGE,
    PROJECT_NAME,
    TAGS,
    USER_FILE,
    USER_FILE_TEXT,
    V2_NEW_FILE,
    V2_README_SECTION,
    V3_GITIGNORE_LINE,
    V3_REMOVED_FILE,
    commit_all,
    edit_like_a_user,
    git,
)


def generate(template_repo: Path, dest: Path, ref: str, **answers: object) -> Path:
    """Render `ref` of the template like `copier copy` would, and commit it."""
    copier.run_copy(
        str(template_repo),
        dest,
        {"project_name": PROJECT_NAME, **answers},
        vcs_ref=ref,
        defaults=True,
        unsafe=False,
        quiet=True,
    )
    commit_all(dest, f"generated at {ref}")
    return dest


def head_and_status(project: Path) -> tuple[str, str]:
    return git(project, "rev-parse", "HEAD"), git(project, "status", "--porcelain")


# --- versions recorded by scaffold new -----------------------------------------------------------


def test_new_records_the_template_source_and_tag(v1_project: Path, template_repo: Path) -> None:
    answers = recorded_answers(v1_project)

    assert answers["_commit"] == "v1"
    assert answers["_src_path"] == str(template_repo)


# --- update --------------------------------------------------------------------------------------


def test_update_applies_the_template_changes_and_keeps_the_users_edits(project: Path) -> None:
    edit_like_a_user(project)
    commit_all(project, "our edits")
    before = tree(project)
    assert scaffold("check", project).exit_code == 1

    result = scaffold("update", project)

    assert result.exit_code == 0, result.output
    assert f"template v1 → {NEWEST}" in result.stdout
    after = tree(project)
    readme = after["README.md"].decode()
    assert readme.startswith(f"# {PROJECT_NAME} (ours)\n"), "the user's edit is kept"
    assert readme.endswith(V2_README_SECTION), "the template's change is applied"
    assert after[USER_FILE] == USER_FILE_TEXT.encode()
    assert after[V2_NEW_FILE] == f"# Operating {PROJECT_NAME}\n".encode()
    assert after[".gitignore"].decode().endswith(V3_GITIGNORE_LINE)
    removed = V3_REMOVED_FILE.format(package=PACKAGE)
    assert removed in before
    assert removed not in after
    assert recorded_answers(project)["_commit"] == NEWEST
    assert git(project, "ls-files", "--unmerged") == ""
    # The result is left for review: nothing is committed.
    assert git(project, "log", "--format=%s", "-1").strip() == "our edits"
    assert scaffold("check", project).exit_code == 0
    drift = scaffold("drift", project)
    assert drift.exit_code == 1
    assert drift.stdout.endswith(
        f"from the template {NEWEST} with its answers:\nchanged (1):\n  README.md\n"
    )


def test_conflicting_edit_is_listed_with_exit_1_and_left_unmerged(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own last line.\n", "utf-8")
    commit_all(project, "our last line")

    result = scaffold("update", project)

    assert result.exit_code == 1
    assert "has conflicts in 1 file:\n  README.md\n" in result.stdout
    text = readme.read_text(encoding="utf-8")
    assert "<<<<<<< before updating" in text
    assert "Our own last line." in text
    assert "## Operations" in text
    assert "README.md" in git(project, "diff", "--name-only", "--diff-filter=U")
    assert (project / V2_NEW_FILE).is_file(), "the rest of the update is applied"


def test_conflict_rej_leaves_a_rej_file_and_lists_it(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own last line.\n", "utf-8")
    commit_all(project, "our last line")

    result = scaffold("update", project, "--conflict", "rej")

    assert result.exit_code == 1
    assert "has conflicts in 1 file:\n  README.md.rej\n" in result.stdout
    # The template's version is written; the user's hunk that did not apply is in the .rej file.
    assert "## Operations" in (project / "README.md").read_text(encoding="utf-8")
    assert "+Our own last line." in (project / "README.md.rej").read_text(encoding="utf-8")


def test_update_of_a_project_in_a_subdirectory_of_a_repository(
    v1_project: Path, tmp_path: Path
) -> None:
    """A monorepo: only the project's directory must be clean, and only it is updated."""
    monorepo = tmp_path / "monorepo"
    project = Path(shutil.copytree(v1_project, monorepo / "services" / FOLDER, ignore=_dot_git))
    (monorepo / "other.txt").write_text("committed\n", encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own last line.\n", "utf-8")
    commit_all(monorepo, "a monorepo")
    (monorepo / "other.txt").write_text("work in progress\n", encoding="utf-8")

    result = scaffold("update", project)

    assert result.exit_code == 1
    assert "has conflicts in 1 file:\n  README.md\n" in result.stdout
    unmerged = git(monorepo, "diff", "--name-only", "--diff-filter=U").split()
    assert unmerged == [f"services/{FOLDER}/README.md"]
    assert (project / V2_NEW_FILE).is_file()
    assert (monorepo / "other.txt").read_text(encoding="utf-8") == "work in progress\n"
    assert git(monorepo, "status", "--porcelain", "--", "other.txt").startswith(" M")


def _dot_git(directory: str, names: list[str]) -> list[str]:
    return [".git"] if ".git" in names else []


def test_pretend_reports_conflicts_with_exit_1_and_writes_nothing(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own last line.\n", "utf-8")
    commit_all(project, "our last line")
    before = tree(project), head_and_status(project)

    result = scaffold("update", project, "--pretend")

    assert result.exit_code == 1
    assert "would have conflicts in 1 file:\n  README.md\n" in result.stdout
    assert (tree(project), head_and_status(project)) == before


def test_pretend_lists_the_changes_and_writes_nothing(project: Path) -> None:
    before = tree(project), head_and_status(project)

    result = scaffold("update", project, "--pretend")

    assert result.exit_code == 0, result.output
    assert f"template v1 → {NEWEST}; would change" in result.stdout
    assert re.search(rf"added +{re.escape(V2_NEW_FILE)}", result.stdout)
    assert re.search(r"modified +README\.md", result.stdout)
    assert re.search(
        rf"deleted +{re.escape(V3_REMOVED_FILE.format(package=PACKAGE))}", result.stdout
    )
    assert (tree(project), head_and_status(project)) == before


def test_update_to_a_given_tag(project: Path) -> None:
    result = scaffold("update", project, "--vcs-ref", "v2")

    assert result.exit_code == 0, result.output
    assert recorded_answers(project)["_commit"] == "v2"
    assert (project / V2_NEW_FILE).is_file()
    assert (project / V3_REMOVED_FILE.format(package=PACKAGE)).is_file()


@pytest.mark.parametrize("change", ["modified", "untracked", "staged"])
def test_update_refuses_uncommitted_changes(project: Path, change: str) -> None:
    if change == "untracked":
        (project / "notes.txt").write_text("draft\n", encoding="utf-8")
    else:
        (project / "README.md").write_text("draft\n", encoding="utf-8")
        if change == "staged":
            git(project, "add", "README.md")
    before = tree(project), head_and_status(project)

    result = scaffold("update", project)

    assert result.exit_code == 1
    assert "has uncommitted changes" in error_line(result)
    assert "commit or stash them first" in error_line(result)
    assert (tree(project), head_and_status(project)) == before


def test_update_refuses_a_project_outside_git(project: Path) -> None:
    shutil.rmtree(project / ".git")

    result = scaffold("update", project)

    assert result.exit_code == 1
    assert "is not in a git repository" in error_line(result)


def test_update_to_the_version_it_is_on_changes_nothing(project: Path) -> None:
    before = tree(project), head_and_status(project)

    result = scaffold("update", project, "--vcs-ref", "v1")

    assert result.exit_code == 0, result.output
    assert "nothing to change (template version v1)" in result.stdout
    assert (tree(project), head_and_status(project)) == before


def test_update_from_every_tag_equals_a_fresh_generation_at_the_newest(
    template_repo: Path, tmp_path: Path
) -> None:
    """fastapi-mvc's test: whatever release a project starts from, updating it lands on the same
    files as generating the newest release."""
    fresh = tree(generate(template_repo, tmp_path / "fresh" / FOLDER, NEWEST))

    for tag in TAGS:
        project = generate(template_repo, tmp_path / tag / FOLDER, tag)

        result = scaffold("update", project)

        assert result.exit_code == 0, f"from {tag}: {result.output}"
        assert tree(project) == fresh, f"updating from {tag}"
        assert scaffold("check", project).exit_code == 0
        assert scaffold("drift", project).exit_code == 0


# --- set / enable --------------------------------------------------------------------------------


def test_enable_task_queue_equals_a_fresh_generation_plus_the_users_edits(
    project: Path, template_repo: Path, tmp_path: Path
) -> None:
    edit_like_a_user(project)
    commit_all(project, "our edits")

    result = scaffold("enable", "task_queue=taskiq", "-C", project)

    assert result.exit_code == 0, result.output
    assert "template version v1" in result.stdout, "set keeps the project's template version"
    expected = generate(template_repo, tmp_path / "expected" / FOLDER, "v1", task_queue="taskiq")
    edit_like_a_user(expected)
    assert tree(project) == tree(expected)
    assert recorded_answers(project)["task_queue"] == "taskiq"
    assert recorded_answers(project)["_commit"] == "v1"


def test_set_changes_answers_and_keeps_the_users_edits(project: Path) -> None:
    edit_like_a_user(project)
    commit_all(project, "our edits")

    result = scaffold("set", "log_format=console", "docker=no", "--path", project)

    assert result.exit_code == 0, result.output
    answers = recorded_answers(project)
    assert (answers["log_format"], answers["docker"]) == ("console", False)
    assert "LOG_FORMAT=console" in (project / ".env.example").read_text(encoding="utf-8")
    assert not (project / "Dockerfile").exists()
    assert (
        (project / "README.md").read_text(encoding="utf-8").startswith(f"# {PROJECT_NAME} (ours)\n")
    )
    assert (project / USER_FILE).read_text(encoding="utf-8") == USER_FILE_TEXT


def test_set_database_postgres_on_a_sqlite_project_keeps_the_users_models_and_migrations(
    project: Path, template_repo: Path, tmp_path: Path
) -> None:
    def edit_the_database_code(root: Path) -> None:
        models = root / f"src/{PACKAGE}/items/models.py"
        models.write_text(models.read_text(encoding="utf-8") + "# ours\n", encoding="utf-8")
        (root / "migrations/versions/0002_ours.py").write_text('"""Ours."""\n', encoding="utf-8")

    assert recorded_answers(project)["database"] == "sqlite"
    edit_like_a_user(project)
    edit_the_database_code(project)
    commit_all(project, "our edits")

    result = scaffold("set", "database=postgres", "-C", project)

    assert result.exit_code == 0, result.output
    expected = generate(template_repo, tmp_path / "expected" / FOLDER, "v1", database="postgres")
    edit_like_a_user(expected)
    edit_the_database_code(expected)
    assert tree(project) == tree(expected)
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert '"asyncpg>=' in pyproject
    assert '"aiosqlite>=' not in pyproject


def test_set_takes_a_multiselect_answer_as_comma_separated_choices(project: Path) -> None:
    result = scaffold("set", "observability=sentry,otel", "--path", project)

    assert result.exit_code == 0, result.output
    assert recorded_answers(project)["observability"] == ["otel", "sentry"]  # copier's order
    package = project / "src" / "orders_service"
    assert (package / "core" / "tracing.py").is_file()
    assert (package / "core" / "sentry.py").is_file()
    assert not (package / "core" / "metrics.py").exists()
    commit_all(project, "observability on")

    result = scaffold("set", "observability=", "--path", project)

    assert result.exit_code == 0, result.output
    assert recorded_answers(project)["observability"] == []
    assert not (package / "core" / "tracing.py").exists()


def test_set_and_enable_keep_every_value_of_a_repeated_multiselect_answer(
    project: Path,
) -> None:
    result = scaffold("set", "observability=otel", "observability=sentry", "-C", project)

    assert result.exit_code == 0, result.output
    assert recorded_answers(project)["observability"] == ["otel", "sentry"]
    commit_all(project, "otel and sentry")

    result = scaffold("enable", "observability=prometheus", "observability=otel", "-C", project)

    assert result.exit_code == 0, result.output
    assert recorded_answers(project)["observability"] == ["otel", "prometheus"]


def test_set_takes_a_preset_data_file(project: Path, tmp_path: Path) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text("ci: gitlab\nauthor_name: Payments Team\n", encoding="utf-8")

    result = scaffold("set", "--data-file", preset, "author_name=Ledger Team", "-C", project)

    assert result.exit_code == 0, result.output
    answers = recorded_answers(project)
    assert (answers["ci"], answers["author_name"]) == ("gitlab", "Ledger Team")
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()


def test_a_choice_only_copier_knows_is_refused_before_the_project_is_touched(
    project: Path,
) -> None:
    """Choices are the template's (a team's may offer others): copier checks them, in the clone.

    Refused answers that scaffold itself checks are in tests/test_bad_input.py.
    """
    before = tree(project), head_and_status(project)

    result = scaffold("set", "task_queue=rq", "-C", project)

    assert result.exit_code == 2
    assert "Invalid choice for 'task_queue'" in error_line(result)
    assert (tree(project), head_and_status(project)) == before


# --- a template without git history (the bundled one) --------------------------------------------


@pytest.fixture
def bundled_v1(template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make v1 of the template, as a plain directory like the wheel's copy, the bundled one."""
    plain = tmp_path / "bundled"
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "v1"], cwd=template_repo, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(plain, filter="data")
    monkeypatch.setattr(template, "bundled_template", lambda: plain)
    return plain


def test_project_from_the_bundled_template_is_pointed_at_the_git_repository(
    bundled_v1: Path, template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / FOLDER
    assert (
        scaffold("new", project, "--project-name", PROJECT_NAME, "--defaults", "-q").exit_code == 0
    )
    commit_all(project, "generated from the bundled template")
    assert "_commit" not in recorded_answers(project)

    for command in ("update", "check", "drift"):
        result = scaffold(command, project)
        assert result.exit_code == 2, command
        assert error_line(result) == (
            f"error: {project} was generated from {bundled_v1}, which has no git history (the"
            " template bundled with scaffold, or a plain directory): pass --template with the"
            " template's git repository, and --from-ref with the tag it was generated from"
        )
    without_version = scaffold("check", project, "--template", template_repo)
    assert without_version.exit_code == 2
    assert "records no template version (_commit): pass --from-ref" in error_line(without_version)
    linked = ["--template", str(template_repo), "--from-ref", "v1"]
    assert scaffold("check", project, *linked).exit_code == 1
    assert scaffold("drift", project, *linked).exit_code == 0

    result = scaffold("update", project, *linked)

    assert result.exit_code == 0, result.output
    answers = recorded_answers(project)
    assert (answers["_src_path"], answers["_commit"]) == (str(template_repo), NEWEST)
    assert (project / V2_NEW_FILE).is_file()
    commit_all(project, "updated")
    assert scaffold("check", project).exit_code == 0
