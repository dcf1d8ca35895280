"""`scaffold check` and `drift` against a tagged template repository (tests/conftest.py).

check: exit 0 on the newest tag, 1 behind it; drift: exit 1 when files differ from a fresh render
at the project's version. PATH that is no project: tests/test_bad_input.py.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers import ANSWERS_FILE, ESCAPE, error_line, run_in_terminal, scaffold
from tests.projects import recorded_answers
from tests.template_repo import NEWEST, PROJECT_NAME, edit_like_a_user, git

# --- check ---------------------------------------------------------------------------------------


def test_check_exits_1_when_an_update_exists(project: Path) -> None:
    outdated = scaffold("check", project)

    assert outdated.exit_code == 1
    assert outdated.stdout == (
        f"{project}: template update available: v1 → {NEWEST} (run scaffold update)\n"
    )


def test_check_a_project_a_few_commits_past_the_newest_tag(
    project: Path, template_repo: Path
) -> None:
    """`_commit: v3-2-gabc1234` is newer than v3: nothing to update to."""
    answers = recorded_answers(project)
    answers["_commit"] = f"{NEWEST}-2-g{git(template_repo, 'rev-parse', '--short', 'HEAD').strip()}"
    (project / ANSWERS_FILE).write_text(yaml.safe_dump(answers), encoding="utf-8")

    result = scaffold("check", project)

    assert result.exit_code == 0, result.output


def test_a_template_that_moved_is_found_with_template(
    project: Path, template_repo: Path, tmp_path: Path
) -> None:
    answers = recorded_answers(project)
    answers["_src_path"] = str(tmp_path / "gone")
    (project / ANSWERS_FILE).write_text(yaml.safe_dump(answers), encoding="utf-8")

    lost = scaffold("check", project)
    found = scaffold("check", project, "--template", template_repo)

    assert lost.exit_code == 2
    assert f"{tmp_path / 'gone'}, is not found: pass --template" in error_line(lost)
    assert found.exit_code == 1, found.output


# --- drift ---------------------------------------------------------------------------------------


def test_drift_lists_added_removed_and_changed_files(project: Path) -> None:
    edit_like_a_user(project)
    (project / "Dockerfile").unlink()
    (project / "notes [draft].txt").write_text("ours\n", encoding="utf-8")

    result = scaffold("drift", project, "--diff")

    assert result.exit_code == 1
    assert "changed (1):\n  README.md\n" in result.stdout
    assert "removed (1):\n  Dockerfile\n" in result.stdout
    assert "added (1):\n  notes [draft].txt\n" in result.stdout, "new files under src/ are own code"
    assert f"-# {PROJECT_NAME}\n+# {PROJECT_NAME} (ours)\n" in result.stdout


def test_drift_styles_on_a_terminal_and_none_with_no_color(project: Path) -> None:
    edit_like_a_user(project)

    styled = run_in_terminal("drift", project, "--diff", cwd=project)
    plain = run_in_terminal("drift", project, "--diff", cwd=project, no_color=True)

    assert ESCAPE in styled
    assert ESCAPE not in plain
    assert "README.md" in plain


def test_drift_ignores_globs_from_the_command_line_and_pyproject(project: Path) -> None:
    edit_like_a_user(project)
    (project / "notes.txt").write_text("ours\n", encoding="utf-8")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8")
        + '\n[tool.scaffold]\ndrift-ignore = ["README.md", "pyproject.toml"]\n',
        encoding="utf-8",
    )

    without = scaffold("drift", project)
    ignored = scaffold("drift", project, "--ignore", "notes.*")

    assert without.exit_code == 1
    assert "added (1):\n  notes.txt\n" in without.stdout
    assert "changed" not in without.stdout
    assert ignored.exit_code == 0, ignored.output
    assert "no drift" in ignored.stdout


def test_no_drift_is_exit_0(project: Path) -> None:
    none = scaffold("drift", project)

    assert none.exit_code == 0, none.output
    assert "matches the template v1 with its answers: no drift" in none.stdout
