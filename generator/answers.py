"""The answers `scaffold new` passes to copier: flags over --data over --data-file, checked first.

Only answers the user gave are collected. Copier computes every default itself, so what it records
in the answers file is what `copier copy --data ...` would record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import yaml

from generator.errors import UsageError
from generator.questions import Question


def parse_data_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """Split `--data KEY=VALUE` arguments; a later KEY wins."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            raise UsageError(f"--data expects KEY=VALUE, got {pair!r}")
        data[key.strip()] = value
    return data


def load_data_file(path: Path) -> dict[str, object]:
    """Read a preset: a YAML mapping of question names to answers (an empty file is no answers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read --data-file {path}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(
            f"--data-file {path} is not valid YAML: {' '.join(str(error).split())}"
        ) from None
    if document is None:
        return {}
    if not isinstance(document, Mapping) or not all(isinstance(key, str) for key in document):
        raise UsageError(f"--data-file {path} must be a YAML mapping of question names to answers")
    return dict(document)


def collect_answers(
    questions: Sequence[Question],
    *,
    flags: Mapping[str, object | None],
    data: Mapping[str, str],
    preset: Mapping[str, object],
    allow_unknown: bool = False,
) -> dict[str, object]:
    """Merge the answers of flags (None: not given), --data and a preset, each parsed by its type.

    Keys that no question names are refused, unless `allow_unknown` (a custom template may ask other
    questions): then they pass through for copier to parse.
    """
    by_name = {question.name: question for question in questions}
    if not allow_unknown:
        for source, keys in (("--data", data.keys()), ("--data-file", preset.keys())):
            unknown = [key for key in keys if key not in by_name]
            if unknown:
                valid = ", ".join(by_name)
                raise UsageError(f"unknown question {unknown[0]!r} in {source} (valid: {valid})")

    answers: dict[str, object] = {}
    # Lowest precedence first: each later source overwrites what an earlier one set.
    for key, value in preset.items():
        answers[key] = _parse(by_name.get(key), value, f"--data-file {key}")
    for key, value in data.items():
        answers[key] = _parse(by_name.get(key), value, f"--data {key}")
    for key, value in flags.items():
        if value is not None:
            answers[key] = by_name[key].parse(value, by_name[key].flag)
    return answers


def _parse(question: Question | None, value: object, label: str) -> object:
    return value if question is None else question.parse(value, label)


def check_required(
    questions: Iterable[Question], answers: Mapping[str, object], *, terminal: bool
) -> None:
    """Refuse to go on without an answer to a question that has no default when none will ask it.

    `terminal`: stdin is a terminal, so leaving out --defaults would have the question asked.
    """
    for question in questions:
        if not question.required or question.name in answers:
            continue
        if terminal:
            raise UsageError(
                f"{question.name} has no default: pass {question.flag},"
                " or leave out --defaults to be asked"
            )
        raise UsageError(
            f"{question.name} has no default and stdin is not a terminal to ask it:"
            f" pass {question.flag} (other questions then take their defaults, as with --defaults)"
        )
