"""One `scaffold new` option per copier.yml question, built when the CLI module is imported.

Typer reads a command's parameters with inspect.signature(), which honours `__signature__`: the
command is written with a `**kwargs` catch-all, and this module gives it a signature listing one
`Annotated[..., typer.Option(...)]` keyword parameter per question. Typer then makes the options,
their help and their shell completion as for any hand-written parameter.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import typer

from generator.errors import ScaffoldError
from generator.questions import Question, format_value

# click's names for the values of options that are neither flags nor choices.
_METAVARS = {"int": "INTEGER", "float": "FLOAT", "path": "PATH", "json": "JSON", "yaml": "YAML"}

_Command = TypeVar("_Command", bound=Callable[..., None])


def with_question_options(questions: Sequence[Question]) -> Callable[[_Command], _Command]:
    """Give a command taking `**kwargs` one option per question, after its positional arguments.

    Each option's value is None when it is not given, so only the user's answers reach copier.
    """

    def decorate(command: _Command) -> _Command:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        clashes = sorted({p.name for p in own} & {question.name for question in questions})
        if clashes:
            raise ScaffoldError(
                f"copier.yml questions clash with options of the command: {clashes}"
            )
        positional = [p for p in own if p.kind is p.POSITIONAL_OR_KEYWORD]
        keyword = [p for p in own if p.kind is p.KEYWORD_ONLY]
        options = [question_option(question) for question in questions]
        command.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*positional, *options, *keyword]
        )
        return command

    return decorate


def question_option(question: Question) -> inspect.Parameter:
    """The parameter of one question: `--name/--no-name` for a bool, else `--name VALUE`.

    A multiselect question is repeatable and takes its choices comma-separated too:
    `--observability otel --observability sentry` is `--observability otel,sentry`.
    """
    default = question.default_label()
    help_text = question.help
    if question.multiselect:
        help_text += " Repeatable: each use adds its choices ('' for none)."
    if default:
        help_text += f"  [default: {default}]"
    annotation: object
    if question.type == "bool":
        flags = f"{question.flag}/--no-{question.flag.removeprefix('--')}"
        annotation = Annotated[bool | None, typer.Option(flags, help=help_text, show_default=False)]
    else:
        # Text, not click.Choice: values are checked with --data's, to give the same one-line error.
        choices = [format_value(choice) for choice in question.choices]
        metavar = f"[{'|'.join(choices)}]" if choices else _METAVARS.get(question.type, "TEXT")
        if question.multiselect:
            metavar += ",..."  # comma-separated, repeatable; "" for none

        def complete(incomplete: str) -> list[str]:
            # A multiselect value completes its last comma-separated item.
            done, _, last = (
                incomplete.rpartition(",") if question.multiselect else ("", "", incomplete)
            )
            prefix = f"{done}," if done else ""
            return [prefix + choice for choice in choices if choice.startswith(last)]

        annotation = Annotated[
            list[str] | None if question.multiselect else str | None,
            typer.Option(
                question.flag,
                help=help_text,
                metavar=metavar,
                show_default=False,
                autocompletion=complete if choices else None,
            ),
        ]
    return inspect.Parameter(
        question.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )
