"""Running `scaffold` in-process, as the CLI tests do."""

from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from generator import cli


def scaffold(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """`scaffold ARGS...` in-process; `env` entries set (or, as None, unset) variables."""
    return CliRunner().invoke(cli.app, [str(arg) for arg in args], env=env, prog_name="scaffold")


def error_line(result: Result) -> str:
    """The one `error:` line on stderr; fails if there is none, several, or a traceback."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]
