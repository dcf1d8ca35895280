"""How `scaffold` fails: one `error: ...` line on stderr and an exit code, whatever went wrong.

A ScaffoldError raised by the work a command calls is printed by `reported_errors`, around each
command's body. Click (which Typer vendors) prints a usage error as the command's usage block, a
hint and the message, over several lines; the root group of `scaffold` catches those errors, its
own and its commands', and prints only the message. `--help` and `scaffold` alone still print the
help.

Typer exposes click's exceptions only through their public base class, `typer.TyperException`, and
no public types for click's context and parameters: the overrides below take them as `Any`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from generator.errors import ScaffoldError


class OneLineErrorsGroup(TyperGroup):
    """The root group: parsing errors of the group and of its commands are one line, exit 2."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        with _one_line_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        # A command's own arguments are parsed here, when the group invokes it.
        with _one_line_errors():
            return super().invoke(ctx)


class FlagAwareCommand(TyperCommand):
    """A command whose stray arguments are explained: `--docker maybe` gives a flag a value.

    Click reads `--docker maybe` as the flag `--docker` and an extra argument `maybe`, and reports
    only the extra argument. This command points at the on/off flag the value was meant for.
    """

    # Click lets extra arguments through; parse_args refuses them with a better message.
    allow_extra_args = True

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        given = list(args)
        extra: list[str] = super().parse_args(ctx, args)
        if extra and not ctx.resilient_parsing:
            ctx.fail(self._extra_arguments_message(given, extra))
        return extra

    def _extra_arguments_message(self, given: Sequence[str], extra: Sequence[str]) -> str:
        message = f"unexpected extra argument {extra[0]!r}"
        spellings = {
            opt: " or ".join((*param.opts[:1], *param.secondary_opts[:1]))
            for param in self.params
            if getattr(param, "is_flag", False)
            for opt in (*param.opts, *param.secondary_opts)
        }
        for flag, value in itertools.pairwise(given):
            if flag in spellings and not value.startswith("-"):
                read_as = "" if value == extra[0] else f", so {value!r} was read as an argument"
                return (
                    f"{message}: {flag} is an on/off flag and takes no value{read_as};"
                    f" write {spellings[flag]}"
                )
        return message


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except typer.TyperException as error:
        # `scaffold` alone raises NoArgsIsHelpError to print the help; Typer too tells it by name.
        if type(error).__name__ == "NoArgsIsHelpError":
            raise
        from generator.console import print_error

        print_error(error.format_message())
        raise typer.Exit(error.exit_code) from None


@contextmanager
def reported_errors(ctx: typer.Context) -> Iterator[None]:
    """Print a ScaffoldError as one line and exit with its code; with --debug, let it propagate.

    Ctrl-C is an error too: `error: interrupted`, exit 130.
    """
    try:
        yield
    except KeyboardInterrupt:
        from generator.console import print_aborted

        print_aborted()
        raise typer.Exit(130) from None
    except ScaffoldError as error:
        if ctx.find_root().params.get("debug"):
            raise
        from generator.console import print_error

        print_error(error.message)
        raise typer.Exit(error.exit_code) from None


@contextmanager
def cannot_tell() -> Iterator[None]:
    """For check and drift, whose exit code 1 has a meaning: any failure exits 2."""
    try:
        yield
    except ScaffoldError as error:
        if error.exit_code != 1:
            raise
        raise ScaffoldError(error.message, exit_code=2) from error
