"""The `scaffold` command line, run in-process with Typer's CliRunner.

Most tests render a small fixture template (the real copier.yml, a few files) that stands in for the
bundled one; a few render the real bundled template, and some replace copier.run_copy to see exactly
what the CLI asks of copier.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import copier
import pytest
import typer.main
from copier.errors import UserMessageError

import generator
from generator import cli, template
from generator.questions import load_questions
from tests.cli import error_line, scaffold
from tests.projects import recorded_answers

REAL_TEMPLATE = template.bundled_template()
QUESTIONS = load_questions(REAL_TEMPLATE / "copier.yml")
ANSWERS_FILE = ".copier-answers.yml"
# Options of `scaffold new` that are not questions.
STATIC_OPTIONS = {
    "--defaults",
    "--data",
    "--data-file",
    "--template",
    "--vcs-ref",
    "--force",
    "--dry-run",
    "--git",
    "--install",
    "--quiet",
    "--help",
}

FIXTURE_FILES = {
    "{{ _copier_conf.answers_file }}.jinja": (
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n"
    ),
    "README.md.jinja": "# {{ project_name }}\n\n{{ description }}\n",
    "src/{{ package_name }}/__init__.py.jinja": '"""{{ description }}"""\n',
    "{% if task_queue != 'none' %}worker.py{% endif %}.jinja": "QUEUE = {{ task_queue|tojson }}\n",
    "settings.toml.jinja": (
        'python = "{{ python_version }}"\ndocker = {{ docker | lower }}\n'
        'author = "{{ author_name }}"\n'
    ),
}


def files_under(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def make_fixture_template(root: Path, extra_questions: str = "") -> Path:
    """A template with the real copier.yml (plus `extra_questions`) and a handful of files."""
    root.mkdir(parents=True)
    copier_yml = (REAL_TEMPLATE / "copier.yml").read_text(encoding="utf-8")
    (root / "copier.yml").write_text(copier_yml + extra_questions, encoding="utf-8")
    for name, text in FIXTURE_FILES.items():
        path = root / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def fixture_template(tmp_path: Path) -> Path:
    return make_fixture_template(tmp_path / "fixture-template")


@pytest.fixture
def bundled(fixture_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the fixture template the bundled one, so the CLI applies all of its own checks."""
    monkeypatch.setattr(template, "bundled_template", lambda: fixture_template)
    return fixture_template


@pytest.fixture
def copier_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace copier.run_copy with a recorder that writes nothing."""
    calls: list[dict[str, Any]] = []

    def fake_run_copy(src_path: str, dst_path: Path, data: dict[str, Any], **kwargs: Any) -> Any:
        calls.append({"src_path": src_path, "dst_path": dst_path, "data": data, **kwargs})
        return SimpleNamespace(answers_relpath=Path(ANSWERS_FILE))

    monkeypatch.setattr(copier, "run_copy", fake_run_copy)
    return calls


# --- scaffold options, --help, --version ---------------------------------------------------------


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


def test_new_has_exactly_one_option_per_question() -> None:
    command = typer.main.get_command(cli.app).commands["new"]  # type: ignore[attr-defined]
    options = [param for param in command.params if param.param_type_name == "option"]
    long_flags = {flag for param in options for flag in param.opts if flag.startswith("--")}
    negations = {flag for param in options for flag in param.secondary_opts}

    expected = {question.flag for question in QUESTIONS}
    assert long_flags - STATIC_OPTIONS == expected
    bool_flags = {question.flag for question in QUESTIONS if question.type == "bool"}
    assert negations == {"--no-" + flag.removeprefix("--") for flag in bool_flags}


def test_new_help_shows_each_question_with_its_help_and_default() -> None:
    result = scaffold("new", "--help")

    assert result.exit_code == 0, result.output
    text = _unwrapped(result.stdout)
    for question in QUESTIONS:
        assert question.flag in text
        assert _unwrapped(question.help) in text
    assert "--task-queue [none|taskiq|celery]" in text
    assert "--background-tasks / --no-background-tasks" in text
    assert "[default: 3.12]" in text
    assert "--project-name TEXT" in text


def _unwrapped(text: str) -> str:
    """Help text with click's line wrapping undone (it also breaks lines after hyphens)."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def test_top_level_help_lists_commands_and_completion() -> None:
    result = scaffold("--help")

    assert result.exit_code == 0, result.output
    for word in ("new", "options", "--version", "--debug", "--install-completion"):
        assert word in result.stdout


def test_choice_options_complete_their_choices() -> None:
    result = scaffold(
        env={
            "_SCAFFOLD_COMPLETE": "complete_bash",
            "COMP_WORDS": "scaffold new svc --task-queue t",
            "COMP_CWORD": "4",
        }
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["taskiq"]


def test_version() -> None:
    result = scaffold("--version")

    assert result.exit_code == 0
    assert result.stdout.strip() == f"scaffold {generator.__version__}"
    assert generator.__version__ != "0+unknown", "the package metadata is installed"


def test_python_dash_m_generator() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("scaffold ")


def test_help_and_version_of_every_command_import_neither_copier_nor_rich() -> None:
    """Start-up speed: they cost hundreds of milliseconds to import; only rendering needs them."""
    probe = textwrap.dedent(
        """
        import sys
        from generator.cli import main
        commands = ("new", "options", "update", "set", "enable", "check", "drift")
        for args in (["--help"], ["--version"], *([command, "--help"] for command in commands)):
            sys.argv = ["scaffold", *args]
            try:
                main()
            except SystemExit:
                pass
        print(sorted({name.split(".")[0] for name in sys.modules} & {"copier", "jinja2", "rich"}))
        """
    )

    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert completed.stdout.splitlines()[-1] == "[]"


# --- refused before anything is written ----------------------------------------------------------


def test_bad_choice_is_one_line_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--project-name", "X", "--task-queue", "rq")

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: invalid value for --task-queue: 'rq' (choose from none, taskiq, celery)"
    )
    assert not dest.exists()


def test_bad_bool_in_data_is_exit_2(tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"), "--project-name", "X", "-d", "docker=maybe")

    assert result.exit_code == 2
    assert "--data docker: 'maybe'" in error_line(result)
    assert not (tmp_path / "svc").exists()


def test_unknown_data_key_is_exit_2_naming_valid_keys(tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"), "--project-name", "X", "--data", "colour=red")

    assert result.exit_code == 2
    line = error_line(result)
    assert "unknown question 'colour' in --data" in line
    assert all(question.name in line for question in QUESTIONS)
    assert result.stderr.count("\n") == 1, "a long message stays on one line"


def test_data_without_equals_is_exit_2(tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"), "--data", "project_name")

    assert result.exit_code == 2
    assert "--data expects KEY=VALUE" in error_line(result)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read --data-file"),
        ("task_queue: [celery\n", "is not valid YAML"),
        ("- celery\n", "must be a YAML mapping"),
        ("colour: red\n", "unknown question 'colour' in --data-file"),
        ("python_version: 3.12\n", "is not text (quote it in YAML)"),
        ("task_queue: rq\n", "choose from none, taskiq, celery"),
    ],
)
def test_bad_data_file_is_exit_2(tmp_path: Path, content: str | None, message: str) -> None:
    preset = tmp_path / "preset.yml"
    if content is not None:
        preset.write_text(content, encoding="utf-8")

    result = scaffold(
        "new", str(tmp_path / "svc"), "--project-name", "X", "--data-file", str(preset)
    )

    assert result.exit_code == 2
    assert message in error_line(result)
    assert not (tmp_path / "svc").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--project-name", "X", "--package-name", "class"],
            "Validation error for question 'package_name': "
            'Package name "class" is a Python keyword.',
        ),
        (
            ["--project-name", "1abc"],
            "Validation error for question 'project_name': "
            "Project name must start with a letter (A-Z).",
        ),
        (
            ["--project-name", "Orders", "--data", "author_email=nobody"],
            "Author e-mail must look like name@example.com.",
        ),
    ],
)
def test_copier_validator_failure_is_exit_2_and_dest_is_not_created(
    bundled: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    dest = tmp_path / "deep" / "svc"

    result = scaffold("new", str(dest), *args)

    assert result.exit_code == 2
    assert message in error_line(result)
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "deep").exists()


def test_missing_project_name_without_a_terminal_is_exit_2(bundled: Path, tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"))

    assert result.exit_code == 2
    line = error_line(result)
    assert "project_name has no default and stdin is not a terminal" in line
    assert "--project-name" in line
    assert "--defaults" in line
    assert not (tmp_path / "svc").exists()


def test_missing_project_name_with_defaults_in_a_terminal_is_exit_2(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)

    result = scaffold("new", str(tmp_path / "svc"), "--defaults")

    assert result.exit_code == 2
    assert "pass --project-name, or leave out --defaults to be asked" in error_line(result)


def test_in_a_terminal_copier_asks_the_remaining_questions(
    bundled: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    copier_calls: list[dict[str, Any]],
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)

    result = scaffold("new", str(tmp_path / "svc"), "--docker")

    assert result.exit_code == 0, result.output
    [call] = copier_calls
    assert call["defaults"] is False
    assert call["data"] == {"docker": True}


def test_non_empty_dest_is_refused_and_left_alone(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n", encoding="utf-8")

    result = scaffold("new", str(dest), "--defaults", "--project-name", "X")

    assert result.exit_code == 1
    assert "is not empty; pass --force" in error_line(result)
    assert files_under(dest) == {"notes.txt": "mine\n"}


def test_dest_that_is_a_file_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.write_text("a file\n", encoding="utf-8")

    result = scaffold("new", str(dest), "--defaults", "--project-name", "X", "--force")

    assert result.exit_code == 1
    assert "exists and is not a directory" in error_line(result)
    assert dest.read_text(encoding="utf-8") == "a file\n"


@pytest.mark.parametrize("kind", ["missing", "no copier.yml"])
def test_bad_template_path_is_an_error_and_writes_nothing(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "not-a-template"
    if kind == "no copier.yml":
        source.mkdir()
        (source / "README.md").write_text("hello\n", encoding="utf-8")
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--project-name", "X", "--template", str(source))

    assert result.exit_code == 1
    assert str(source) in error_line(result)
    assert not dest.exists()


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


def test_ctrl_c_while_rendering_removes_what_was_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "new-parent" / "svc"

    def interrupted(src_path: str, dst_path: Path, data: dict[str, Any], **kwargs: Any) -> Any:
        dst_path.mkdir(parents=True, exist_ok=True)
        (dst_path / "half-written.py").write_text("x = \n", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_copy", interrupted)

    result = scaffold("new", str(dest), "--project-name", "X")

    assert result.exit_code == 130
    assert result.stderr == "error: interrupted\n"
    assert not (tmp_path / "new-parent").exists()


def test_failed_render_into_an_empty_dest_empties_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()

    def failing(src_path: str, dst_path: Path, data: dict[str, Any], **kwargs: Any) -> Any:
        (dst_path / "pkg").mkdir()
        (dst_path / "pkg" / "a.py").write_text("", encoding="utf-8")
        raise UserMessageError("Template render failed:\nboom")

    monkeypatch.setattr(copier, "run_copy", failing)

    result = scaffold("new", str(dest), "--project-name", "X")

    assert result.exit_code == 1
    assert error_line(result) == "error: Template render failed: boom"
    assert dest.is_dir()
    assert list(dest.iterdir()) == []


def test_debug_lets_the_error_propagate(tmp_path: Path) -> None:
    args = ["new", str(tmp_path / "svc"), "--project-name", "X", "--task-queue", "rq"]

    for result in (scaffold("--debug", *args), scaffold(*args, env={"SCAFFOLD_DEBUG": "1"})):
        assert result.exit_code == 1
        assert isinstance(result.exception, generator.ScaffoldError)
        assert result.exception.exit_code == 2


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
    assert f"cd {dest} uv sync uv run pytest" in summary
    assert "uv run uvicorn orders_service.main:app --reload" in summary


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
    files = files_under(dest)
    assert sorted(files) == [
        ANSWERS_FILE,
        "README.md",
        "settings.toml",
        "src/billing/__init__.py",
        "worker.py",
    ]
    assert files["README.md"] == "# Billing\n\nBilling: a FastAPI service.\n"
    assert files["worker.py"] == 'QUEUE = "celery"\n'
    assert files["settings.toml"] == 'python = "3.13"\ndocker = false\nauthor = "Platform Team"\n'


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


def test_custom_template_choices_are_checked_by_copier(tmp_path: Path) -> None:
    custom = make_fixture_template(tmp_path / "custom")
    dest = tmp_path / "svc"

    result = scaffold(
        "new", str(dest), "--template", str(custom), "--project-name", "C", "--task-queue", "rq"
    )

    assert result.exit_code == 2
    assert "Invalid choice for 'task_queue'" in error_line(result)
    assert not dest.exists()


def test_template_syntax_error_names_the_file(tmp_path: Path) -> None:
    broken = make_fixture_template(tmp_path / "broken")
    (broken / "template" / "broken.txt.jinja").write_text("{{ project_name }\n", encoding="utf-8")
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--template", str(broken), "--project-name", "B", "-q")

    assert result.exit_code == 1
    assert error_line(result) == "error: template/broken.txt.jinja, line 1: unexpected '}'"
    assert not dest.exists()


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
    ours_files, theirs_files = files_under(ours), files_under(theirs)
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


def _without_source_lines(answers_text: str) -> str:
    return "".join(
        line
        for line in answers_text.splitlines(keepends=True)
        if not line.startswith(("_src_path:", "_commit:"))
    )


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
