"""The questions of a Copier template, read straight from its copier.yml.

PyYAML rather than copier reads the file: importing copier costs about half a second, and
`scaffold --help` and `scaffold options` need only names, types, defaults, choices and help.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import yaml

from generator.errors import ScaffoldError, UsageError
from generator.text import one_line

# The C loader is ten times faster on copier.yml; only a PyYAML built without libyaml lacks it.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TRUE_WORDS: Final = frozenset({"true", "yes", "1", "on"})
_FALSE_WORDS: Final = frozenset({"false", "no", "0", "off"})

# Copier infers a question's type from its default when `type` is absent; other defaults: "yaml".
_INFERRED_TYPES: Final = {bool: "bool", int: "int", float: "float", str: "str"}


class _Missing(enum.Enum):
    MISSING = "MISSING"


MISSING: Final = _Missing.MISSING
"""The default of a question that has none: the user must answer it."""


@dataclass(frozen=True)
class Question:
    """One question of copier.yml, as `scaffold new` exposes it.

    >>> queue = Question("task_queue", "str", default="none", choices=("none", "taskiq"))
    >>> queue.flag, queue.parse("taskiq", "--task-queue")
    ('--task-queue', 'taskiq')
    """

    name: str
    type: str
    default: object = MISSING
    choices: tuple[object, ...] = ()
    help: str = ""
    has_validator: bool = False
    multiselect: bool = False
    """The answer is a list of choices (copier's `multiselect: true`), given as `otel,sentry`."""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def required(self) -> bool:
        return self.default is MISSING

    @property
    def derived(self) -> bool:
        """The default is a Jinja expression over earlier answers."""
        return _is_template(self.default)

    def default_label(self) -> str:
        """The default as people read it: `true`, `3.12`, `(derived)`; "" when required."""
        if self.default is MISSING:
            return ""
        if self.derived:
            return "(derived)"
        if self.multiselect and self.default == []:
            return "(none)"
        return format_value(self.default)

    def without_choices(self) -> Question:
        """The same question, its choices left to copier: a custom template's may differ."""
        return replace(self, choices=())

    def parse(self, value: object, label: str) -> object:
        """Convert `value` (text from the command line, or a YAML value) to this question's type.

        `label` names where the value came from (`--task-queue`, `--data task_queue`) in the error.
        A multiselect answer is a YAML list or comma-separated text ("" is none); each item is
        checked as a single answer would be.
        """
        if self.multiselect:
            return list(
                dict.fromkeys(self._parse_one(item, label) for item in _items(value, label))
            )
        return self._parse_one(value, label)

    def _parse_one(self, value: object, label: str) -> object:
        parsed = self._parse_type(value, label)
        if self.choices and parsed not in self.choices:
            valid = ", ".join(format_value(choice) for choice in self.choices)
            raise UsageError(f"invalid value for {label}: {value!r} (choose from {valid})")
        return parsed

    def _parse_type(self, value: object, label: str) -> object:
        if self.type == "bool":
            return parse_bool(value, label)
        if self.type in {"str", "path"}:
            if isinstance(value, str):
                return value
            # YAML reads `3.10` as the float 3.1: refuse rather than guess what was meant.
            raise UsageError(f"invalid value for {label}: {value!r} is not text (quote it in YAML)")
        if self.type in {"int", "float"}:
            return _parse_number(value, self.type, label)
        # json and yaml answers: copier parses them itself.
        return value


def _items(value: object, label: str) -> list[object]:
    """The items of a multiselect answer: a list as it is, text split at commas."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    raise UsageError(
        f"invalid value for {label}: {value!r} (expected a list, e.g. otel,sentry; empty for none)"
    )


def joined_items(texts: Iterable[str]) -> str:
    """The texts of a multiselect question given more than once, as one answer.

    >>> joined_items(["otel", "prometheus,sentry"])
    'otel,prometheus,sentry'
    """
    return ",".join(texts)


def parse_bool(value: object, label: str) -> bool:
    """Accept true/false, yes/no, 1/0 and on/off in any case (or a YAML boolean)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise UsageError(
        f"invalid value for {label}: {value!r} (expected true/false, yes/no, 1/0 or on/off)"
    )


def _parse_number(value: object, type_name: str, label: str) -> object:
    number_type = int if type_name == "int" else float
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return number_type(value)
        except ValueError:
            pass
    raise UsageError(
        f"invalid value for {label}: {value!r} (expected a number of type {type_name})"
    )


def format_value(value: object) -> str:
    """A YAML-like rendering of a scalar: booleans as true/false, None as null; a list as a,b."""
    if isinstance(value, list):
        return ",".join(format_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def load_questions(config: Path) -> tuple[Question, ...]:
    """Read the questions of a copier.yml in file order.

    Left out: `_settings`, and computed values (`when: false`), which copier derives and never asks.
    """
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as error:
        raise ScaffoldError(f"cannot read {config}: {error.strerror}") from error
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or pure Python
    except yaml.YAMLError as error:
        raise ScaffoldError(f"{config} is not valid YAML: {one_line(error)}") from error
    if not isinstance(document, Mapping):
        raise ScaffoldError(f"{config} must be a YAML mapping of questions and settings")
    return tuple(
        _question(config, str(name), spec)
        for name, spec in document.items()
        if not str(name).startswith("_") and not _is_computed(spec)
    )


def _is_computed(spec: object) -> bool:
    return isinstance(spec, Mapping) and spec.get("when") is False


def _question(config: Path, name: str, spec: object) -> Question:
    if not name.isidentifier():
        raise ScaffoldError(f"{config}: question name {name!r} is not a Python identifier")
    # Copier's short form `name: default` is a question with only a default.
    details = spec if isinstance(spec, Mapping) else {"default": spec}
    default = details.get("default", MISSING)
    type_name = details.get("type") or _INFERRED_TYPES.get(type(default), "yaml")
    return Question(
        name=name,
        type=str(type_name),
        default=default,
        choices=_choice_values(details.get("choices")),
        help=str(details.get("help", "")).strip(),
        has_validator=bool(details.get("validator")),
        multiselect=details.get("multiselect") is True,
    )


def _choice_values(choices: object) -> tuple[object, ...]:
    """The values of a list of choices or of a `{label: value}` mapping.

    Templated choices are copier's to check, after it has rendered them: they yield no values here.
    """
    if isinstance(choices, Mapping):
        values = [
            value["value"] if isinstance(value, Mapping) and "value" in value else value
            for value in choices.values()
        ]
    elif isinstance(choices, list):
        values = [
            choice[1] if isinstance(choice, list) and len(choice) == 2 else choice
            for choice in choices
        ]
    else:
        return ()
    if any(_is_template(value) for value in values):
        return ()
    return tuple(values)


def _is_template(value: object) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)
