"""generator.text: a message on one line, a count with its noun."""

from __future__ import annotations

import pytest

from generator.text import one_line, plural


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Template render failed:\n  boom\t now", "Template render failed: boom now"),
        (ValueError("line one\nline two"), "line one line two"),
        (KeyboardInterrupt(), "KeyboardInterrupt"),
        ("", ""),
    ],
)
def test_one_line(text: object, expected: str) -> None:
    assert one_line(text) == expected


@pytest.mark.parametrize(("number", "expected"), [(0, "0 files"), (1, "1 file"), (2, "2 files")])
def test_plural(number: int, expected: str) -> None:
    assert plural(number, "file") == expected
