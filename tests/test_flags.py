"""One `scaffold new` option per copier.yml question (generator.commands.flags)."""

from __future__ import annotations

import re

import pytest
import typer.core
import typer.main

from generator import cli
from generator.commands.flags import with_question_options
from generator.errors import ScaffoldError
from generator.questions import Question, load_questions
from tests.helpers import REAL_TEMPLATE, scaffold

QUESTIONS = load_questions(REAL_TEMPLATE / "copier.yml")
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


def test_a_bool_question_is_an_on_off_flag_and_the_others_take_a_value() -> None:
    questions = [
        Question("docker", "bool", default=True, help="Docker files"),
        Question("task_queue", "str", default="none", choices=("none", "rq")),
    ]
    app = typer.Typer()

    @app.command()
    @with_question_options(questions)
    def command(**question_flags: object) -> None:
        """Takes one option per question."""

    params = typer.main.get_command(app).params
    options = {p.name: p for p in params if isinstance(p, typer.core.TyperOption)}
    docker, queue = options["docker"], options["task_queue"]
    assert (docker.opts, docker.secondary_opts) == (["--docker"], ["--no-docker"])
    assert docker.help == "Docker files  [default: true]"
    assert (queue.opts, queue.metavar) == (["--task-queue"], "[none|rq]")
    assert (docker.default, queue.default) == (None, None), "an option not given is no answer"


def test_a_multiselect_question_is_a_repeatable_option_and_its_help_says_so() -> None:
    questions = [
        Question("observability", "str", default=[], choices=("otel", "sentry"), multiselect=True)
    ]
    app = typer.Typer()

    @app.command()
    @with_question_options(questions)
    def command(**question_flags: object) -> None:
        """Takes one option per question."""

    [option] = [p for p in typer.main.get_command(app).params if p.name == "observability"]
    assert isinstance(option, typer.core.TyperOption)
    assert option.multiple
    assert (option.opts, option.metavar) == (["--observability"], "[otel|sentry],...")
    assert "Repeatable: each use adds its choices" in (option.help or "")
    assert option.default is None, "an option not given is no answer"


def test_new_help_says_a_multiselect_flag_is_repeatable() -> None:
    result = scaffold("new", "--help")

    assert result.exit_code == 0, result.output
    text = _unwrapped(result.stdout)
    assert "--observability [otel|prometheus|sentry],..." in text
    assert "Repeatable: each use adds its choices ('' for none)" in text
    assert "A multiple-choice question given again adds its choices" in text


def test_a_repeated_multiselect_flag_completes_its_choices() -> None:
    result = scaffold(
        env={
            "_SCAFFOLD_COMPLETE": "complete_bash",
            "COMP_WORDS": "scaffold new svc --observability otel --observability otel,s",
            "COMP_CWORD": "6",
        }
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["otel,sentry"]


def test_a_question_named_like_an_option_of_the_command_is_refused() -> None:
    def command(*, force: bool = False, **question_flags: object) -> None:
        """A command with its own --force."""

    with pytest.raises(ScaffoldError, match=r"clash with options of the command: \['force'\]"):
        with_question_options([Question("force", "bool")])(command)
