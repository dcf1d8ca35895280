"""Which template renders: the bundled one, or a `--template` source checked before copier runs.

Rendering it is `generator.rendering`'s work; reading its questions is `generator.questions`'.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Final

from generator.errors import ScaffoldError, UsageError
from generator.git import REMOTE_SOURCE
from generator.questions import Question, load_questions

CONFIG_NAMES: Final = ("copier.yml", "copier.yaml")
_PACKAGE_DIR: Final = Path(__file__).resolve().parent


def bundled_template() -> Path:
    """The template `scaffold` ships: `generator/_bundled` in a wheel, else this source checkout."""
    for root in (_PACKAGE_DIR / "_bundled", _PACKAGE_DIR.parent):
        if (root / "copier.yml").is_file():
            return root
    raise ScaffoldError("the bundled template is missing; reinstall fastapi-scaffold")


def bundled_questions() -> tuple[Question, ...]:
    """The questions of the bundled copier.yml: the options of `scaffold new`."""
    return load_questions(bundled_template() / "copier.yml")


def check_source(source: str) -> None:
    """Refuse a local template that does not exist or is not a template, before copier runs.

    A local template is a directory with a copier.yml, or a git bundle (a file).
    """
    if not source:
        raise UsageError("--template must not be empty")
    path = Path(source).expanduser()
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except OSError as error:
        if REMOTE_SOURCE.match(source):
            return
        raise ScaffoldError(f"template not found: {source} ({error.strerror})") from None
    if is_dir and not any((path / name).is_file() for name in CONFIG_NAMES):
        raise ScaffoldError(
            f"{source} is not a Copier template: it has no copier.yml or copier.yaml"
        )
    if not is_dir and not _is_git_bundle(path):
        raise ScaffoldError(f"{source} is not a Copier template: a file that is not a git bundle")


def absolute_source(source: str) -> str:
    """A local template path made absolute; other sources unchanged.

    Copier records the source as given (`_src_path`), and later updates read it from wherever
    they run: a relative path would point elsewhere.
    """
    path = Path(source).expanduser()
    return str(path.absolute()) if path.exists() else source


def _is_git_bundle(path: Path) -> bool:
    """Whether `path` starts like a git bundle (`# v2 git bundle`, `# v3 git bundle`)."""
    try:
        with path.open("rb") as file:
            return file.read(16) in {b"# v2 git bundle\n", b"# v3 git bundle\n"}
    except OSError:
        return False
