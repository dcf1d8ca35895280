"""generator.questions: the question specs read from copier.yml (the real one, and small ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.errors import ScaffoldError, UsageError
from generator.questions import MISSING, Question, load_questions, parse_bool
from generator.template import bundled_template

REAL_COPIER_YML = bundled_template() / "copier.yml"


@pytest.fixture(scope="module")
def real() -> dict[str, Question]:
    return {question.name: question for question in load_questions(REAL_COPIER_YML)}


def write_copier_yml(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "copier.yml"
    config.write_text(text, encoding="utf-8")
    return config


def test_names_are_the_questions_of_copier_yml_in_file_order(real: dict[str, Question]) -> None:
    document = yaml.safe_load(REAL_COPIER_YML.read_text(encoding="utf-8"))

    computed = {
        key
        for key, spec in document.items()
        if isinstance(spec, dict) and spec.get("when") is False
    }
    assert list(real) == [
        key for key in document if not key.startswith("_") and key not in computed
    ]
    assert "admin_webhook" in computed  # derived from two answers, never asked
    assert list(real)[:3] == ["project_name", "project_slug", "package_name"]
    assert list(real)[-1] == "ci"


def test_underscore_settings_are_not_questions(real: dict[str, Question]) -> None:
    assert not [name for name in real if name.startswith("_")]
    assert "_subdirectory" not in real
    assert "_answers_file" not in real


def test_types_match_copier_yml(real: dict[str, Question]) -> None:
    types = {name: question.type for name, question in real.items()}

    assert types["project_name"] == "str"
    assert types["python_version"] == "str"
    assert {name for name, kind in types.items() if kind == "bool"} == {
        "background_tasks",
        "http_client",
        "docker",
    }
    assert set(types.values()) == {"str", "bool"}


def test_defaults_and_choices(real: dict[str, Question]) -> None:
    assert real["python_version"].default == "3.12"
    assert real["python_version"].choices == ("3.11", "3.12", "3.13")
    assert real["task_queue"].choices == ("none", "taskiq", "celery")
    assert real["task_queue"].default == "none"
    assert real["log_format"].choices == ("json", "console")
    assert real["ci"].choices == ("github", "gitlab", "none")
    assert real["background_tasks"].default is True
    assert real["author_name"].default == "Platform Team"
    assert real["project_name"].choices == ()


def test_project_name_is_required_and_derived_defaults_are_marked(
    real: dict[str, Question],
) -> None:
    assert real["project_name"].default is MISSING
    assert real["project_name"].required
    assert real["project_name"].default_label() == ""
    assert not real["project_slug"].required
    assert real["project_slug"].derived
    assert real["package_name"].derived
    assert real["package_name"].default_label() == "(derived)"
    assert not real["python_version"].derived
    assert real["python_version"].default_label() == "3.12"
    assert real["docker"].default_label() == "true"


def test_help_and_validators(real: dict[str, Question]) -> None:
    assert real["task_queue"].help == "Distributed task queue for heavy work on workers"
    assert all(question.help for question in real.values())
    assert real["package_name"].has_validator
    assert not real["task_queue"].has_validator


def test_flags_use_hyphens(real: dict[str, Question]) -> None:
    assert real["project_name"].flag == "--project-name"
    assert real["ci"].flag == "--ci"


def test_short_form_inferred_types_and_computed_values(tmp_path: Path) -> None:
    config = write_copier_yml(
        tmp_path,
        """
_subdirectory: template
name: demo
workers: 4
ratio: 0.5
enabled: false
extras:
  default: [a, b]
size:
  type: str
  choices: {Small: s, Large: {value: l, validator: "{{ 'no' }}"}}
region:
  type: str
  choices: "{{ regions }}"
flavour:
  type: str
  choices: ["{{ base }}", plain]
computed:
  type: str
  default: "{{ name | upper }}"
  when: false
""",
    )

    questions = {question.name: question for question in load_questions(config)}

    assert list(questions) == [
        "name",
        "workers",
        "ratio",
        "enabled",
        "extras",
        "size",
        "region",
        "flavour",
    ]
    assert [questions[name].type for name in ("name", "workers", "ratio", "enabled", "extras")] == [
        "str",
        "int",
        "float",
        "bool",
        "yaml",
    ]
    assert questions["size"].choices == ("s", "l")
    # Templated choices are rendered by copier; there is nothing to check them against here.
    assert questions["region"].choices == ()
    assert questions["flavour"].choices == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("project_name: [unclosed\n", "is not valid YAML"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("not-an-identifier:\n  type: str\n", "is not a Python identifier"),
    ],
)
def test_bad_copier_yml_is_one_scaffold_error(tmp_path: Path, text: str, message: str) -> None:
    config = write_copier_yml(tmp_path, text)

    with pytest.raises(ScaffoldError, match=message):
        load_questions(config)


def test_missing_copier_yml_is_a_scaffold_error(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="cannot read"):
        load_questions(tmp_path / "copier.yml")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("YES", True),
        ("1", True),
        ("On", True),
        ("false", False),
        ("no", False),
        ("0", False),
        ("OFF", False),
        (True, True),
        (0, False),
    ],
)
def test_bool_words(value: object, expected: bool) -> None:
    assert parse_bool(value, "--data docker") is expected


@pytest.mark.parametrize("value", ["maybe", "", "2", "yep", 2, None])
def test_other_bool_values_are_usage_errors(value: object) -> None:
    with pytest.raises(UsageError, match=r"--data docker: .*expected true/false"):
        parse_bool(value, "--data docker")


def test_parse_checks_type_and_choices(real: dict[str, Question]) -> None:
    task_queue = real["task_queue"]

    assert task_queue.parse("taskiq", "--task-queue") == "taskiq"
    with pytest.raises(UsageError) as caught:
        task_queue.parse("rq", "--task-queue")
    assert caught.value.exit_code == 2
    assert caught.value.message == (
        "invalid value for --task-queue: 'rq' (choose from none, taskiq, celery)"
    )
    # YAML reads an unquoted 3.12 as a float: refused, not turned into "3.12" by luck.
    with pytest.raises(UsageError, match="is not text"):
        real["python_version"].parse(3.12, "--data-file python_version")
    assert task_queue.without_choices().parse("rq", "--task-queue") == "rq"


def test_multiselect_takes_a_list_or_comma_separated_choices(real: dict[str, Question]) -> None:
    observability = real["observability"]

    assert observability.multiselect
    assert observability.default == []
    assert observability.default_label() == "(none)"
    assert observability.parse("otel, sentry", "--observability") == ["otel", "sentry"]
    assert observability.parse("", "--observability") == []
    assert observability.parse(["prometheus", "prometheus"], "--data-file x") == ["prometheus"]
    with pytest.raises(UsageError) as caught:
        observability.parse("otel,jaeger", "--observability")
    assert caught.value.message == (
        "invalid value for --observability: 'jaeger' (choose from otel, prometheus, sentry)"
    )
    with pytest.raises(UsageError, match="expected a list"):
        observability.parse(True, "--data-file observability")
    # `scaffold set` leaves the choices to copier, but still splits the list.
    assert observability.without_choices().parse("otel,jaeger", "x") == ["otel", "jaeger"]
    assert not real["task_queue"].multiselect


def test_numbers_are_parsed_from_text() -> None:
    workers = Question("workers", "int", default=4)

    assert workers.parse("8", "--workers") == 8
    with pytest.raises(UsageError, match="expected a number of type int"):
        workers.parse("eight", "--workers")
    with pytest.raises(UsageError):
        workers.parse(True, "--workers")
