"""generator.drift: which files count, the ignore globs, the diffs (the command: test_compare)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import drift
from generator.errors import UsageError
from tests import template_repo


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_outside_git_every_file_but_caches_and_venvs_is_the_projects(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "", "src/b.py": "", ".venv/lib/c.py": "", "src/__pycache__/b.pyc": ""})

    assert drift.project_files(tmp_path) == {"a.py", "src/b.py"}


def test_in_git_ignored_and_deleted_files_are_left_out(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.log\n", "a.py": "", "gone.py": ""})
    template_repo.commit_all(tmp_path, "first")
    write(tmp_path, {"new.py": "", "debug.log": ""})
    (tmp_path / "gone.py").unlink()

    assert drift.project_files(tmp_path) == {".gitignore", "a.py", "new.py"}


def test_drift_ignore_is_read_from_pyproject(tmp_path: Path) -> None:
    assert drift.configured_ignore(tmp_path) == []
    write(tmp_path, {"pyproject.toml": '[tool.scaffold]\ndrift-ignore = ["README.md"]\n'})

    assert drift.configured_ignore(tmp_path) == ["README.md"]


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ('[tool.scaffold]\ndrift-ignore = "README.md"\n', "drift-ignore must be a list of globs"),
        ("[tool.scaffold\n", "cannot read"),
    ],
)
def test_a_bad_drift_ignore_is_a_usage_error(tmp_path: Path, pyproject: str, message: str) -> None:
    write(tmp_path, {"pyproject.toml": pyproject})

    with pytest.raises(UsageError, match=message):
        drift.configured_ignore(tmp_path)


def test_the_diff_goes_from_the_standard_to_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"standard/a": "one\ntwo\n", "mine/a": "one\n2\n", "mine/b": "one\ntwo"})

    diff = drift.unified_diff(tmp_path / "standard/a", tmp_path / "mine/a", "a")
    endings = drift.unified_diff(tmp_path / "standard/a", tmp_path / "mine/b", "a")

    assert diff.splitlines() == [
        "--- standard/a",
        "+++ project/a",
        "@@ -1,2 +1,2 @@",
        " one",
        "-two",
        "+2",
    ]
    assert endings == "a: only line endings or the final newline differ"


def test_binary_files_are_only_named(tmp_path: Path) -> None:
    (tmp_path / "standard.png").write_bytes(b"\x89PNG\xff")
    (tmp_path / "mine.png").write_bytes(b"\x89PNG\xfe")

    diff = drift.unified_diff(tmp_path / "standard.png", tmp_path / "mine.png", "logo.png")

    assert diff == "Binary files standard/logo.png and project/logo.png differ"
