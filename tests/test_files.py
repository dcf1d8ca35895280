"""generator.files: the one walk over a directory's files."""

from __future__ import annotations

from pathlib import Path

from generator.files import files_under


def test_files_under_lists_every_file_relative_and_skips_named_directories(tmp_path: Path) -> None:
    for name in ("a.txt", "src/pkg/b.py", ".git/HEAD", "src/.git/x", "empty/.keep"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("a.txt")
    (tmp_path / "linked-dir").symlink_to("src", target_is_directory=True)

    everything = {path.as_posix() for path in files_under(tmp_path)}
    without_git = {path.as_posix() for path in files_under(tmp_path, skipped={".git"})}

    assert everything == {
        "a.txt",
        "link.txt",
        "src/pkg/b.py",
        ".git/HEAD",
        "src/.git/x",
        "empty/.keep",
    }, "a symlink to a file is listed, one to a directory neither listed nor followed"
    assert without_git == {"a.txt", "link.txt", "src/pkg/b.py", "empty/.keep"}
