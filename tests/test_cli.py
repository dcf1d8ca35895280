"""The `scaffold` app (generator.cli): its commands, --help, --version, --debug, and start-up.

Each command has its own test module (test_create, test_change, test_compare); refused input is in
tests/test_bad_input.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import generator
from tests.helpers import scaffold


def test_top_level_help_lists_commands_and_completion() -> None:
    result = scaffold("--help")

    assert result.exit_code == 0, result.output
    for word in ("new", "options", "--version", "--debug", "--install-completion"):
        assert word in result.stdout


def test_version() -> None:
    result = scaffold("--version")

    assert result.exit_code == 0
    assert result.stdout.strip() == f"scaffold {generator.__version__}"
    assert generator.__version__ != "0+unknown", "the package metadata is installed"


def test_python_dash_m_generator() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("scaffold ")


def test_help_and_version_of_every_command_import_none_of_the_slow_modules() -> None:
    """Start-up speed: copier, jinja2 and rich cost hundreds of milliseconds to import, packaging
    and tomllib tens; only the work of a command needs them."""
    probe = textwrap.dedent(
        """
        import sys
        from generator.cli import main
        commands = ("new", "options", "update", "set", "enable", "check", "drift")
        for args in (["--help"], ["--version"], *([command, "--help"] for command in commands)):
            sys.argv = ["scaffold", *args]
            try:
                main()
            except SystemExit:
                pass
        slow = {"copier", "jinja2", "rich", "packaging", "tomllib"}
        print(sorted({name.split(".")[0] for name in sys.modules} & slow))
        """
    )

    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert completed.stdout.splitlines()[-1] == "[]"


def test_debug_lets_the_error_propagate(tmp_path: Path) -> None:
    args = ["new", str(tmp_path / "svc"), "--project-name", "X", "--task-queue", "rq"]

    for result in (scaffold("--debug", *args), scaffold(*args, env={"SCAFFOLD_DEBUG": "1"})):
        assert result.exit_code == 1
        assert isinstance(result.exception, generator.ScaffoldError)
        assert result.exception.exit_code == 2
