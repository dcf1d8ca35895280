"""generator.console, what `scaffold` prints: the file tree, --quiet, colour only on a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ESCAPE, add_template_files, run_in_terminal, scaffold

# Deeper than the summary lists: counted under their directory two levels down.
DEEP_FILES = {
    "src/{{ package_name }}/api/routes/health.py.jinja": "",
    "src/{{ package_name }}/api/routes/items.py.jinja": "",
    "src/{{ package_name }}/api/deps.py.jinja": "",
}


@pytest.fixture
def bundled(bundled: Path) -> Path:
    """The shared fixture template as the bundled one, with files deeper than the summary lists."""
    add_template_files(bundled, DEEP_FILES)
    return bundled


def test_summary_is_a_tree_folded_below_two_directories(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"

    result = scaffold("new", str(dest), "--project-name", "Billing", "--task-queue", "celery")

    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == f"Created Billing in {dest}: 8 files"
    assert lines[1 : lines.index("")] == [
        "svc/",
        "├── .copier-answers.yml",
        "├── README.md",
        "├── settings.toml",
        "├── src/",
        "│   └── billing/",
        "│       ├── __init__.py",
        "│       └── api/  (3 files)",
        "└── worker.py",
    ]
    assert result.stdout.split("Next steps:")[1].split("\n")[1:4] == [
        f"  cd {dest}",
        "  uv sync",
        "  uv run pytest",
    ]


def test_force_summary_lists_only_what_was_written(bundled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n", encoding="utf-8")

    result = scaffold("new", str(dest), "--project-name", "Billing", "--force")

    assert result.exit_code == 0, result.output
    assert "notes.txt" not in result.stdout
    assert "README.md" in result.stdout


def test_quiet_prints_nothing(bundled: Path, tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"), "--project-name", "Billing", "--quiet")

    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")
    assert (tmp_path / "svc" / "README.md").is_file()


def test_no_escape_sequences_when_not_a_terminal(bundled: Path, tmp_path: Path) -> None:
    results = [
        scaffold("options"),
        scaffold("new", str(tmp_path / "svc"), "--project-name", "Billing"),
        scaffold("new", str(tmp_path / "dry"), "--project-name", "Billing", "--dry-run"),
        scaffold("new", str(tmp_path / "other"), "--task-queue", "rq"),
    ]

    assert [result.exit_code for result in results] == [0, 0, 0, 2]
    for result in results:
        assert ESCAPE not in result.stdout + result.stderr


def test_control_characters_in_an_error_are_escaped(tmp_path: Path) -> None:
    result = scaffold("new", str(tmp_path / "svc"), "--template", "evil\x1b[2J\ttemplate")

    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: template not found: evil\\x1b[2J template (No such file or directory)\n"
    )


@pytest.mark.parametrize(
    "args", [("options",), ("new", "svc", "--project-name", "X", "--task-queue", "rq")]
)
def test_styles_on_a_terminal_and_none_with_no_color(args: tuple[str, ...], tmp_path: Path) -> None:
    styled = run_in_terminal(*args, cwd=tmp_path)
    plain = run_in_terminal(*args, cwd=tmp_path, no_color=True)

    assert ESCAPE in styled
    assert ESCAPE not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == plain, "the same text, without its styles"
