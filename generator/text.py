"""The wording every module shares: a message on one line, a count with its noun, how to get uv."""

from __future__ import annotations

# How to get uv where `scaffold` is: pip put scaffold on PATH, so it puts uv there too.
INSTALL_UV = "python3 -m pip install uv"


def one_line(text: object) -> str:
    """A message, or an exception's, on one line: each whitespace run becomes one space.

    An exception without a message is named by its type.
    """
    line = " ".join(str(text).split())
    if not line and isinstance(text, BaseException):
        return type(text).__name__
    return line


def plural(number: int, noun: str) -> str:
    """`1 file`, `3 files`: a count and its noun, in the plural unless the count is one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
