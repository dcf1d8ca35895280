"""Rendering with copier: into DEST for `scaffold new`, or into a scratch directory for
`--dry-run` and `scaffold drift`; copier's errors as ScaffoldError.

copier is imported inside the functions that render: it costs about half a second, which
`scaffold --help` and `scaffold options` must not pay.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from generator.errors import ScaffoldError, UsageError
from generator.files import files_under
from generator.text import one_line

# The longest file name, in bytes, on ext4, XFS, Btrfs, tmpfs and APFS.
_NAME_MAX: Final = 255


def destination(text: str, *, force: bool) -> Path:
    """DEST as a path, once it is known to be renderable into; nothing is created here.

    Refused as usage errors: an empty DEST, control characters (tabs and newlines included), a file
    name with whitespace at either end, and a name longer than the file system allows. Refused as
    failures: a DEST that is a file or lies under one, and a non-empty DEST without `force`.
    """
    if not text.strip():
        raise UsageError("DEST must not be empty or blank")
    if not text.isprintable():
        raise UsageError(f"DEST {text!r} contains control characters")
    dest = Path(text)
    if any(part != part.strip() for part in dest.parts):
        raise UsageError(f"DEST {text!r} has a file name that starts or ends with whitespace")
    if any(len(os.fsencode(part)) > _NAME_MAX for part in dest.parts):
        raise UsageError(f"DEST has a file name longer than {_NAME_MAX} bytes")
    try:
        is_dir = stat.S_ISDIR(dest.stat().st_mode)
        non_empty = is_dir and any(dest.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        if not (ancestor := _first_existing(dest)).is_dir():
            raise ScaffoldError(f"cannot create {dest}: {ancestor} is not a directory") from None
        return dest
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise UsageError(f"DEST is too long: {error.strerror}") from None
        raise ScaffoldError(f"cannot use {dest}: {error.strerror}") from None
    if not is_dir:
        raise ScaffoldError(f"{dest} exists and is not a directory")
    if non_empty and not force:
        raise ScaffoldError(
            f"{dest} is not empty; pass --force to render into it"
            " (files the template writes are overwritten, other files are kept)"
        )
    return dest


@dataclass(frozen=True)
class Rendered:
    """What a render left in DEST."""

    answers: dict[str, object]
    """The answers copier recorded in the answers file (empty if the template records none)."""
    files: list[Path]
    """The files copier wrote, relative to DEST: all of them, or with --force the new or changed."""


def render(
    source: str,
    dest: Path,
    data: Mapping[str, object],
    *,
    vcs_ref: str | None,
    defaults: bool,
    overwrite: bool,
) -> Rendered:
    """Render `source` into `dest` with copier, creating `dest` first.

    Copier parses and validates every answer before it writes a file. On a failure or Ctrl-C, a
    DEST this call created is removed (with the parents it created) and a DEST that was empty is
    emptied again; a non-empty DEST (--force) keeps what was written, nothing else is deleted.
    """
    import copier

    before = _file_states(dest)
    with _removed_on_failure(dest):
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ScaffoldError(
                f"cannot create {error.filename or dest}: {error.strerror}"
            ) from None
        with copier_errors():
            worker = copier.run_copy(
                source,
                dest,
                dict(data),
                vcs_ref=vcs_ref,
                defaults=defaults,
                overwrite=overwrite,
                # Copier's file log goes to stderr, coloured even off a terminal; `scaffold new`
                # prints the files itself. Questions are still asked.
                quiet=True,
                unsafe=False,
                # DEST exists by now: _removed_on_failure undoes a failed render, not copier.
                cleanup_on_error=False,
            )
    after = _file_states(dest)
    written = sorted(path for path, state in after.items() if before.get(path) != state)
    return Rendered(_read_answers(dest / worker.answers_relpath), written)


@contextmanager
def rendered_in_scratch(
    source: str,
    like: Path,
    data: Mapping[str, object],
    *,
    vcs_ref: str | None,
    defaults: bool,
) -> Iterator[tuple[Path, Rendered]]:
    """Render into a temporary directory, removed on leaving; yields it and what was rendered.

    The directory has the final name of `like` (DEST, or the project): a template may use its
    destination's folder name.
    """
    with tempfile.TemporaryDirectory(prefix="scaffold-") as scratch:
        target = Path(scratch) / (like.resolve().name or "project")
        rendered = render(source, target, data, vcs_ref=vcs_ref, defaults=defaults, overwrite=False)
        yield target, rendered


def _read_answers(answers_file: Path) -> dict[str, object]:
    try:
        recorded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        # A custom template need not record answers; the summary then has less to say.
        return {}
    return dict(recorded) if isinstance(recorded, Mapping) else {}


@contextmanager
def copier_errors() -> Iterator[None]:
    """Turn copier's exceptions into ScaffoldError; Ctrl-C (CopierAnswersInterrupt) goes through."""
    from copier.errors import CopierError, InteractiveSessionError
    from jinja2 import TemplateError, TemplateSyntaxError

    try:
        yield
    except KeyboardInterrupt:
        raise  # CopierAnswersInterrupt is a CopierError too: keep it a Ctrl-C
    except InteractiveSessionError as error:
        raise UsageError(one_line(error)) from error
    except TemplateSyntaxError as error:
        where = f"{error.name or error.filename or 'template'}, line {error.lineno}"
        raise ScaffoldError(f"{where}: {one_line(error)}") from error
    except (CopierError, TemplateError, OSError) as error:
        raise ScaffoldError(one_line(error)) from error
    except ValueError as error:
        # Copier reports a rejected answer (validator, choice, required question) as a bare
        # ValueError, raised while it asks, before it writes anything.
        raise UsageError(one_line(error)) from error


@contextmanager
def _removed_on_failure(dest: Path) -> Iterator[None]:
    """Undo a failed render: remove the directories it created, or empty a DEST that was empty.

    copier's own cleanup covers only a DEST it created and only on Exception, not on Ctrl-C.
    """
    created = _first_missing(dest)
    was_empty = dest.is_dir() and not any(dest.iterdir())
    try:
        yield
    except BaseException:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        elif was_empty:
            for child in dest.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise


def _file_states(root: Path) -> dict[Path, tuple[int, int, int]]:
    """Each file under `root` (relative to it) with its inode, size and modification time."""
    states: dict[Path, tuple[int, int, int]] = {}
    for relative in files_under(root):
        status = (root / relative).lstat()
        states[relative] = (status.st_ino, status.st_size, status.st_mtime_ns)
    return states


def _first_existing(path: Path) -> Path:
    """The nearest of `path` and its ancestors that exists (as anything, a file included)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _first_missing(path: Path) -> Path | None:
    """The outermost directory of `path` that does not exist yet (the one a render would create)."""
    path = path.absolute()
    if path.exists():
        return None
    while not path.parent.exists():
        path = path.parent
    return path
