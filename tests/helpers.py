"""Running `scaffold` in-process, as the CLI tests do."""

import os
import pty
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from generator import cli

ESCAPE = "\x1b["  # how every terminal style starts


def scaffold(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """`scaffold ARGS...` in-process; `env` entries set (or, as None, unset) variables."""
    return CliRunner().invoke(cli.app, [str(arg) for arg in args], env=env, prog_name="scaffold")


def error_line(result: Result) -> str:
    """The one `error:` line on stderr; fails if there is none, several, or a traceback."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def run_in_terminal(*args: str | Path, cwd: Path, no_color: bool = False) -> str:
    """Run `scaffold` with a pseudo-terminal as stdin, stdout and stderr; return what it showed.

    The terminal takes styles; the caller's colour settings are dropped, NO_COLOR set if asked.
    """
    ignored = {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env["TERM"] = "xterm-256color"
    if no_color:
        env["NO_COLOR"] = "1"
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=cwd,
    ) as process:
        os.close(secondary)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the program has exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        process.wait()
    os.close(primary)
    return shown.decode()
