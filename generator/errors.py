"""The one exception type the CLI catches and prints as a single line."""

from __future__ import annotations


class ScaffoldError(Exception):
    """A failure the user can act on: `message` is shown as one line, `exit_code` ends the run."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(ScaffoldError):
    """The command line asked for something invalid (a bad value, a missing answer): exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)
