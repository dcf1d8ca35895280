"""generator.errors: the one exception type, and the exit codes it carries."""

from __future__ import annotations

import generator
from generator.errors import ScaffoldError, UsageError


def test_a_failure_exits_1_and_a_usage_error_2() -> None:
    failure = ScaffoldError("cannot create svc")
    usage = UsageError("DEST must not be empty")

    assert (failure.message, failure.exit_code) == ("cannot create svc", 1)
    assert (usage.message, usage.exit_code) == ("DEST must not be empty", 2)
    assert isinstance(usage, ScaffoldError)
    assert generator.ScaffoldError is ScaffoldError, "the package exports it"
