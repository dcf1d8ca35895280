"""The answers the user gives on the command line and in a preset, parsed and checked.

`scaffold new` merges flags over --data over --data-file; `scaffold set` and `enable` take
KEY=VALUE arguments over --data-file. Either way each answer is parsed by its question's type and a
key no question names is refused, before anything is written. Only answers the user gave are
collected: copier computes every default itself, so what it records in the answers file is what
`copier copy --data ...` would record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import yaml

from generator.errors import UsageError
from generator.questions import Question, joined_items
from generator.text import one_line


def split_pairs(
    arguments: Iterable[str],
    *,
    option: str = "",
    bare_means_true: bool = False,
    multiselect: Collection[str] = (),
) -> dict[str, object]:
    """Split KEY=VALUE arguments (of `option`, e.g. --data, if any); a later KEY wins.

    The values of a KEY in `multiselect` (a multiple-choice question) add up instead:
    `observability=otel observability=sentry` is `observability=otel,sentry`.
    `bare_means_true`: a bare KEY is KEY=true (`scaffold enable docker`).
    """
    pairs: dict[str, object] = {}
    for argument in arguments:
        key, separator, value = argument.partition("=")
        key = key.strip()
        if not key or not (separator or bare_means_true):
            expects = f"{option} expects" if option else "expected"
            raise UsageError(f"{expects} KEY=VALUE, got {argument!r}")
        earlier = pairs.get(key)
        if separator and key in multiselect and isinstance(earlier, str):
            value = joined_items([earlier, value])
        pairs[key] = value if separator else True
    return pairs


def multiselect_names(questions: Iterable[Question]) -> frozenset[str]:
    """The questions whose answer is a list of choices: their repeated values add up."""
    return frozenset(question.name for question in questions if question.multiselect)


def load_data_file(path: Path) -> dict[str, object]:
    """Read a preset: a YAML mapping of question names to answers (an empty file is no answers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read --data-file {path}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"--data-file {path} is not valid YAML: {one_line(error)}") from None
    if document is None:
        return {}
    if not isinstance(document, Mapping) or not all(isinstance(key, str) for key in document):
        raise UsageError(f"--data-file {path} must be a YAML mapping of question names to answers")
    return dict(document)


def collect_answers(
    questions: Sequence[Question],
    *,
    flags: Mapping[str, object | None],
    data: Mapping[str, object],
    preset: Mapping[str, object],
    allow_unknown: bool = False,
) -> dict[str, object]:
    """Merge the answers of flags (None: not given), --data and a preset, each parsed by its type.

    Keys that no question names are refused, unless `allow_unknown` (a custom template may ask other
    questions): then they pass through for copier to parse.
    """
    if not allow_unknown:
        names = [question.name for question in questions]
        refuse_unknown(data, names, option="--data")
        refuse_unknown(preset, names, option="--data-file")
    by_name = {question.name: question for question in questions}
    # A multiselect flag is repeatable: its value is the list of the texts it was given.
    given = {
        key: joined_items(value) if isinstance(value, list) else value
        for key, value in flags.items()
        if value is not None
    }
    # Lowest precedence first: each later source overwrites what an earlier one set.
    return {
        **parse_answers(preset, questions, option="--data-file", also_known=None),
        **parse_answers(data, questions, option="--data", also_known=None),
        **{key: by_name[key].parse(value, by_name[key].flag) for key, value in given.items()},
    }


def parse_answers(
    given: Mapping[str, object],
    questions: Sequence[Question],
    *,
    option: str = "",
    also_known: Collection[str] | None = (),
) -> dict[str, object]:
    """Each answer parsed by its question's type; errors name it as `option KEY`.

    A key no question names is refused, unless it is in `also_known` (None: any key); such an
    answer passes through as it is, for copier to parse.
    """
    by_name = {question.name: question for question in questions}
    parsed: dict[str, object] = {}
    for key, value in given.items():
        question = by_name.get(key)
        if question is not None:
            parsed[key] = question.parse(value, f"{option} {key}".lstrip())
            continue
        if also_known is not None and key not in also_known:
            others = [name for name in also_known if name not in by_name]
            refuse_unknown([key], [*by_name, *others], option=option)
        parsed[key] = value
    return parsed


def refuse_unknown(keys: Iterable[str], known: Sequence[str], *, option: str = "") -> None:
    """A UsageError naming the first of `keys` not in `known`, and the valid names."""
    for key in keys:
        if key not in known:
            where = f" in {option}" if option else ""
            raise UsageError(f"unknown question {key!r}{where} (valid: {', '.join(known)})")


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
