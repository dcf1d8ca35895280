"""generator.commands.failures: every failure as one `error:` line and its exit code.

The table of refused input (tests/test_bad_input.py) runs these through every command; here each
piece is shown on a one-command app.
"""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from generator.commands.failures import (
    FlagAwareCommand,
    OneLineErrorsGroup,
    cannot_tell,
    reported_errors,
)
from generator.errors import ScaffoldError, UsageError

app = typer.Typer(cls=OneLineErrorsGroup)


@app.callback()
def root(debug: Annotated[bool, typer.Option("--debug")] = False) -> None:
    """An app like scaffold's: --debug on the root."""


@app.command(cls=FlagAwareCommand)
def fail(
    ctx: typer.Context,
    code: int = 1,
    interrupt: bool = False,
    judge: Annotated[bool, typer.Option("--judge")] = False,
) -> None:
    """Raise a ScaffoldError with exit `code`, or Ctrl-C; with --judge, as check does."""
    with reported_errors(ctx):
        if interrupt:
            raise KeyboardInterrupt
        if judge:
            with cannot_tell():
                raise ScaffoldError("cannot\nread it", exit_code=code)
        raise ScaffoldError("cannot\nread it", exit_code=code)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["fail"], 1, "cannot read it"),
        (["fail", "--code", "2"], 2, "cannot read it"),
        (["fail", "--judge"], 2, "cannot read it"),
        (["fail", "--judge", "--code", "3"], 3, "cannot read it"),
        (["fail", "--interrupt"], 130, "interrupted"),
        (["fail", "--code", "x"], 2, "Invalid value for '--code'"),
        (["nope"], 2, "No such command 'nope'."),
        (["fail", "--judge", "yes"], 2, "--judge is an on/off flag and takes no value"),
    ],
)
def test_each_failure_is_one_line_with_its_exit_code(
    args: list[str], exit_code: int, message: str
) -> None:
    code, stderr = run(*args)

    assert code == exit_code
    assert stderr.startswith("error: ")
    assert message in stderr
    assert stderr.count("\n") == 1


def test_debug_lets_the_error_through() -> None:
    result = CliRunner().invoke(app, ["--debug", "fail", "--code", "2"])

    assert isinstance(result.exception, ScaffoldError)
    assert result.exception.exit_code == 2
    assert not isinstance(result.exception, UsageError)
