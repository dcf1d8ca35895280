"""generator.answers: KEY=VALUE arguments, presets, and the answers new, set and enable give."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.answers import (
    check_required,
    collect_answers,
    load_data_file,
    parse_answers,
    split_pairs,
)
from generator.errors import UsageError
from generator.questions import Question

QUESTIONS = (
    Question("project_name", "str"),
    Question("docker", "bool", default=True),
    Question("task_queue", "str", default="none", choices=("none", "taskiq")),
)


def test_pairs_split_at_the_first_equals_and_a_later_key_wins() -> None:
    pairs = split_pairs([" name =a=b", "docker=no", "docker=yes"], option="--data")

    assert pairs == {"name": "a=b", "docker": "yes"}


def test_a_repeated_multiselect_key_keeps_every_value_and_other_keys_keep_the_last() -> None:
    pairs = split_pairs(
        ["observability=otel", "docker=no", "observability=prometheus,sentry", "docker=yes"],
        option="--data",
        multiselect={"observability"},
    )

    assert pairs == {"observability": "otel,prometheus,sentry", "docker": "yes"}
    observability = Question(
        "observability", "str", default=[], choices=("otel", "sentry"), multiselect=True
    )
    flags = {"observability": ["otel", "sentry"]}  # a repeated flag: one text per use
    parsed = collect_answers([observability], flags=flags, data={}, preset={})
    assert parsed == {"observability": ["otel", "sentry"]}


def test_a_bare_key_is_true_only_where_enable_asks_for_it() -> None:
    assert split_pairs(["docker", "task_queue=taskiq"], bare_means_true=True) == {
        "docker": True,
        "task_queue": "taskiq",
    }
    with pytest.raises(UsageError, match=r"^--data expects KEY=VALUE, got 'docker'$"):
        split_pairs(["docker"], option="--data")
    with pytest.raises(UsageError, match=r"^expected KEY=VALUE, got '=x'$"):
        split_pairs(["=x"], bare_means_true=True)


def test_flags_win_over_data_over_the_preset_each_parsed_by_type() -> None:
    answers = collect_answers(
        QUESTIONS,
        flags={"task_queue": "taskiq", "docker": None},
        data={"task_queue": "none", "docker": "off"},
        preset={"docker": True, "project_name": "Orders"},
    )

    assert answers == {"docker": False, "project_name": "Orders", "task_queue": "taskiq"}


def test_unknown_keys_are_refused_naming_the_source_and_the_valid_names() -> None:
    with pytest.raises(UsageError) as caught:
        collect_answers(QUESTIONS, flags={}, data={"colour": "red"}, preset={"size": 1})

    assert caught.value.message == (
        "unknown question 'colour' in --data (valid: project_name, docker, task_queue)"
    )


def test_a_custom_template_takes_unknown_keys_unparsed() -> None:
    answers = collect_answers(
        QUESTIONS, flags={}, data={"team_size": "7"}, preset={}, allow_unknown=True
    )

    assert answers == {"team_size": "7"}


def test_set_knows_the_questions_the_project_records_and_names_values_by_key() -> None:
    parsed = parse_answers({"docker": "no", "region": "eu"}, QUESTIONS, also_known=["region"])

    assert parsed == {"docker": False, "region": "eu"}
    with pytest.raises(UsageError, match=r"^invalid value for docker: 'maybe'"):
        parse_answers({"docker": "maybe"}, QUESTIONS)
    with pytest.raises(UsageError) as caught:
        parse_answers({"nope": "1"}, QUESTIONS, also_known=["region", "docker"])
    assert caught.value.message == (
        "unknown question 'nope' (valid: project_name, docker, task_queue, region)"
    )


@pytest.mark.parametrize(("text", "expected"), [("", {}), ("docker: no\n", {"docker": False})])
def test_a_preset_is_a_mapping_and_an_empty_file_is_no_answers(
    tmp_path: Path, text: str, expected: dict[str, object]
) -> None:
    preset = tmp_path / "team.yml"
    preset.write_text(text, encoding="utf-8")

    assert load_data_file(preset) == expected


@pytest.mark.parametrize(
    ("terminal", "message"),
    [
        (True, "project_name has no default: pass --project-name, or leave out --defaults"),
        (False, "project_name has no default and stdin is not a terminal to ask it"),
    ],
)
def test_a_required_question_without_an_answer_is_refused(terminal: bool, message: str) -> None:
    check_required(QUESTIONS, {"project_name": "Orders"}, terminal=terminal)
    with pytest.raises(UsageError, match=message):
        check_required(QUESTIONS, {}, terminal=terminal)
