"""`scaffold new` and `scaffold options` (generator.commands.create), run in-process.

Most tests render a small fixture template (the real copier.yml, a few files) that stands in for the
bundled one; a few render the real bundled template, and some replace copier.run_copy to see exactly
what the CLI asks of copier. Refused input: tests/test_bad_input.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import copier
import pytest

from generator.commands import create
from generator.questions import load_questions
from tests.helpers import (
    ANSWERS_FILE,
    REAL_TEMPLATE,
    error_line,
    make_fixture_template,
    scaffold,
    tree,
)
from tests.projects import recorded_answers

QUESTIONS = load_questions(REAL_TEMPLATE / "copier.yml")


@pytest.fixture
def copier_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace copier.run_copy with a recorder that writes nothing."""
    calls: list[dict[str, Any]] = []

    def fake_run_copy(src_path: str, dst_path: Path, data: dict[str, Any], **kwargs: Any) -> Any:
        calls.append({"src_path": src_path, "dst_path": dst_path, "data": data, **kwargs})
        return SimpleNamespace(answers_relpath=Path(ANSWERS_FILE))

    monkeypatch.setattr(copier, "run_copy", fake_run_copy)
    return calls


# --- scaffold options -----------------------------------------------------------------------------


def test_options_table_lists_every_question() -> None:
    result = scaffold("options", env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert list(rows) == [question.name for question in QUESTIONS]
    assert "(required)" in rows["project_name"]
    assert "(derived)" in rows["package_name"]
    assert "none|taskiq|celery" in rows["task_queue"]
    assert rows["task_queue"].split("│")[3].strip() == "none"
    assert "Distributed task queue for heavy work on workers" in rows["task_queue"]
    assert "otel|prometheus|sentry" in rows["observability"]
    assert rows["observability"].split("│")[3].strip() == "(none)"


def test_options_json_is_the_questions_of_copier_yml() -> None:
    result = scaffold("options", "--json")

    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert list(rows) == [question.name for question in QUESTIONS]
    assert rows["task_queue"] == {
        "name": "task_queue",
        "flag": "--task-queue",
        "type": "str",
        "required": False,
        "default": "none",
        "derived": False,
        "choices": ["none", "taskiq", "celery"],
        "help": "Distributed task queue for heavy work on workers",
        "has_validator": False,
    }
    assert rows["project_name"]["required"] is True
    assert rows["project_name"]["default"] is None
    assert rows["package_name"]["derived"] is True
    assert rows["package_name"]["default"] == "{{ project_slug.replace('-', '_') }}"
    assert rows["docker"]["default"] is True


# --- in a terminal -------------------------------------------------------------------------------


def test_missing_project_name_with_defaults_in_a_terminal_is_exit_2(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(create, "stdin_is_terminal", lambda: True)

    result = scaffold("new", str(tmp_path / "svc"), "--defaults")

    assert result.exit_code == 2
    assert "pass --project-name, or leave out --defaults to be asked" in error_line(result)


def test_in_a_terminal_copier_asks_the_remaining_questions(
    bundled: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    copier_calls: list[dict[str, Any]],
) -> None:
    monkeypatch.setattr(create, "stdin_is_terminal", lambda: True)

    result = scaffold("new", str(tmp_path / "svc"), "--docker")

    assert result.exit_code == 0, result.output
    [call] = copier_calls
    assert call["defaults"] is False
    assert call["data"] == {"docker": True}


# --- what the CLI asks of copier -----------------------------------------------------------------


def test_only_the_given_answers_reach_copier(
    tmp_path: Path, copier_calls: list[dict[str, Any]]
) -> None:
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--defaults", "--project-name", "Orders", "--no-docker")

    assert result.exit_code == 0, result.output
    assert copier_calls == [
        {
            "src_path": str(REAL_TEMPLATE),
            "dst_path": dest,
            "data": {"project_name": "Orders", "docker": False},
            "vcs_ref": None,
            "defaults": True,
            "overwrite": False,
            "quiet": True,
            "unsafe": False,
            "cleanup_on_error": False,
        }
    ]


def test_force_template_and_vcs_ref_are_passed_on_and_quiet_prints_nothing(
    tmp_path: Path, fixture_template: Path, copier_calls: list[dict[str, Any]]
) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n", encoding="utf-8")

    result = scaffold(
        "new",
        str(dest),
        "--project-name",
        "X",
        "--template",
        str(fixture_template),
        "--vcs-ref",
        "v1.2.0",
        "--force",
        "--quiet",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    [call] = copier_calls
    assert call["src_path"] == str(fixture_template)
    assert (call["vcs_ref"], call["overwrite"], call["quiet"]) == ("v1.2.0", True, True)


def test_precedence_flags_over_data_over_data_file(
    tmp_path: Path, copier_calls: list[dict[str, Any]]
) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text(
        "task_queue: celery\nauthor_name: Team A\ndocker: false\nci: gitlab\n", encoding="utf-8"
    )

    result = scaffold(
        "new",
        str(tmp_path / "svc"),
        "--project-name",
        "X",
        "--data-file",
        str(preset),
        "--data",
        "author_name=Team B",
        "--data",
        "task_queue=none",
        "--task-queue",
        "taskiq",
        "--data",
        "background_tasks=OFF",
    )

    assert result.exit_code == 0, result.output
    assert copier_calls[0]["data"] == {
        "task_queue": "taskiq",
        "author_name": "Team B",
        "docker": False,
        "ci": "gitlab",
        "background_tasks": False,
        "project_name": "X",
    }


def test_multiselect_answers_are_lists_from_flag_data_and_preset(
    tmp_path: Path, copier_calls: list[dict[str, Any]]
) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text("observability: [sentry]\n", encoding="utf-8")
    base = ("new", "--project-name", "X", "--data-file", str(preset))

    from_preset = scaffold(*base[:1], str(tmp_path / "a"), *base[1:])
    from_data = scaffold(*base[:1], str(tmp_path / "b"), *base[1:], "-d", "observability=")
    from_flag = scaffold(
        *base[:1], str(tmp_path / "c"), *base[1:], "--observability", "prometheus,otel"
    )

    assert [from_preset.exit_code, from_data.exit_code, from_flag.exit_code] == [0, 0, 0]
    assert [call["data"]["observability"] for call in copier_calls] == [
        ["sentry"],
        [],
        ["prometheus", "otel"],
    ]


def test_a_repeated_multiselect_flag_or_data_key_keeps_every_value(
    tmp_path: Path, copier_calls: list[dict[str, Any]]
) -> None:
    base = ("--project-name", "X", "--defaults")

    results = [
        scaffold("new", str(tmp_path / "a"), *base, "--observability", "otel,sentry"),
        scaffold(
            "new",
            str(tmp_path / "b"),
            *base,
            "--observability",
            "otel",
            "--observability",
            "sentry",
        ),
        scaffold(
            "new",
            str(tmp_path / "c"),
            *base,
            "-d",
            "observability=otel",
            "-d",
            "observability=sentry",
        ),
        scaffold(
            "new", str(tmp_path / "d"), *base, "--observability", "otel", "--observability", ""
        ),
    ]

    assert [result.exit_code for result in results] == [0, 0, 0, 0], results[-1].output
    assert [call["data"]["observability"] for call in copier_calls] == [
        ["otel", "sentry"],
        ["otel", "sentry"],
        ["otel", "sentry"],
        ["otel"],
    ]


def test_a_bad_choice_in_any_use_of_a_repeated_multiselect_flag_is_refused() -> None:
    result = scaffold(
        "new", "x", "--project-name", "X", "--observability", "jaeger", "--observability", "otel"
    )

    assert result.exit_code == 2
    assert error_line(result) == (
        "error: invalid value for --observability: 'jaeger' (choose from otel, prometheus, sentry)"
    )


# --- rendering -----------------------------------------------------------------------------------


def test_new_with_defaults_renders_the_bundled_template(tmp_path: Path) -> None:
    dest = tmp_path / "orders"

    result = scaffold("new", str(dest), "--defaults", "--project-name", "Orders Service")

    assert result.exit_code == 0, result.output
    answers = recorded_answers(dest)
    assert answers["project_name"] == "Orders Service"
    assert answers["project_slug"] == "orders-service"
    assert answers["package_name"] == "orders_service"
    assert answers["python_version"] == "3.12"
    assert answers["task_queue"] == "none"
    summary = " ".join(result.stdout.split())
    assert "Created Orders Service" in summary
    assert "Next steps:" in summary  # tests/test_first_run.py runs them


def test_new_renders_the_fixture_files(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"

    result = scaffold(
        "new",
        str(dest),
        "--project-name",
        "Billing",
        "--task-queue",
        "celery",
        "--no-docker",
        "--python-version",
        "3.13",
    )

    assert result.exit_code == 0, result.output
    files = tree(dest)
    assert sorted(files) == [
        ANSWERS_FILE,
        "README.md",
        "settings.toml",
        "src/billing/__init__.py",
        "worker.py",
    ]
    assert files["README.md"] == b"# Billing\n\nBilling: a FastAPI service.\n"
    assert files["worker.py"] == b'QUEUE = "celery"\n'
    assert files["settings.toml"] == b'python = "3.13"\ndocker = false\nauthor = "Platform Team"\n'


def test_data_file_preset_is_applied_and_a_flag_overrides_it(bundled: Path, tmp_path: Path) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text(
        "author_name: Payments Team\ntask_queue: taskiq\ndocker: no\n", encoding="utf-8"
    )
    dest = tmp_path / "svc"

    result = scaffold(
        "new",
        str(dest),
        "--project-name",
        "Ledger",
        "--data-file",
        str(preset),
        "--task-queue",
        "celery",
    )

    assert result.exit_code == 0, result.output
    answers = recorded_answers(dest)
    assert answers["author_name"] == "Payments Team"
    assert answers["docker"] is False
    assert answers["task_queue"] == "celery"
    assert (dest / "worker.py").read_text(encoding="utf-8") == 'QUEUE = "celery"\n'


def test_force_keeps_the_users_other_files(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n", encoding="utf-8")
    (dest / "README.md").write_text("old readme\n", encoding="utf-8")

    result = scaffold("new", str(dest), "--project-name", "Kept", "--force")

    assert result.exit_code == 0, result.output
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (dest / "README.md").read_text(encoding="utf-8").startswith("# Kept\n")


def test_dry_run_lists_the_files_and_writes_nothing(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--project-name", "Preview", "--dry-run")

    assert result.exit_code == 0, result.output
    assert not dest.exists()
    for name in (ANSWERS_FILE, "README.md", "settings.toml", "src/", "preview/", "__init__.py"):
        assert name in result.stdout
    assert "worker.py" not in result.stdout
    assert "dry run: 4 files, nothing written" in result.stdout


def test_dry_run_with_force_marks_files_it_would_overwrite(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "README.md").write_text("old\n", encoding="utf-8")

    result = scaffold("new", str(dest), "--project-name", "P", "--dry-run", "--force")

    assert result.exit_code == 0, result.output
    assert "README.md  (overwrite)" in result.stdout
    assert (dest / "README.md").read_text(encoding="utf-8") == "old\n"


def test_custom_template_takes_its_own_questions_through_data(tmp_path: Path) -> None:
    custom = make_fixture_template(
        tmp_path / "custom",
        extra_questions="\nteam_size:\n  type: int\n  default: 3\n",
    )
    dest = tmp_path / "svc"

    result = scaffold(
        "new",
        str(dest),
        "--template",
        str(custom),
        "--project-name",
        "Custom",
        "--data",
        "team_size=7",
    )

    assert result.exit_code == 0, result.output
    assert recorded_answers(dest)["team_size"] == 7


def test_relative_template_path_is_recorded_absolute(
    fixture_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Updates read `_src_path` from wherever they run: a relative path would point elsewhere."""
    monkeypatch.chdir(fixture_template.parent)
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--template", fixture_template.name, "--project-name", "R")

    assert result.exit_code == 0, result.output
    assert recorded_answers(dest)["_src_path"] == str(fixture_template)


@pytest.mark.parametrize("source", ["bundled", "fixture"])
def test_same_files_as_copier_run_copy(tmp_path: Path, source: str) -> None:
    """`scaffold new DEST --defaults --project-name X` renders what `copier copy` renders."""
    if source == "bundled":
        src = str(REAL_TEMPLATE)
        extra: list[str] = []
    else:
        src = str(make_fixture_template(tmp_path / "fixture"))
        extra = ["--template", src]
    ours, theirs = tmp_path / "ours" / "svc", tmp_path / "theirs" / "svc"

    result = scaffold("new", str(ours), "--defaults", "--project-name", "Same Service", *extra)
    copier.run_copy(
        src,
        theirs,
        {"project_name": "Same Service"},
        defaults=True,
        unsafe=False,
        quiet=True,
    )

    assert result.exit_code == 0, result.output
    ours_files, theirs_files = tree(ours), tree(theirs)
    assert sorted(ours_files) == sorted(theirs_files)
    for name, text in ours_files.items():
        if name == ANSWERS_FILE:
            text, other = (
                _without_source_lines(text),
                _without_source_lines(theirs_files[name]),
            )
        else:
            other = theirs_files[name]
        assert text == other, name


def _without_source_lines(answers_text: bytes) -> bytes:
    return b"".join(
        line
        for line in answers_text.splitlines(keepends=True)
        if not line.startswith((b"_src_path:", b"_commit:"))
    )
