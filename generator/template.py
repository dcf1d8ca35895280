"""Where the bundled template lives, and the calls into copier.

copier is imported inside the functions that render: it costs about half a second, which
`scaffold --help` and `scaffold options` must not pay.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import yaml

from generator.errors import ScaffoldError, UsageError
from generator.questions import Question, load_questions

CONFIG_NAMES: Final = ("copier.yml", "copier.yaml")
_PACKAGE_DIR: Final = Path(__file__).resolve().parent
# Sources copier fetches with git: gh:/gl: shorthands, scp-like git@host:..., git+ and URL schemes.
_REMOTE_SOURCE: Final = re.compile(r"^(gh:|gl:|git@|git\+|[A-Za-z][A-Za-z0-9+.-]*://)")


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
    """Refuse a local template path that does not exist or has no copier.yml, before copier runs."""
    path = Path(source).expanduser()
    if not path.exists():
        if _REMOTE_SOURCE.match(source):
            return
        raise ScaffoldError(f"template not found: {source}")
    if path.is_dir() and not any((path / name).is_file() for name in CONFIG_NAMES):
        raise ScaffoldError(
            f"{source} is not a Copier template: it has no copier.yml or copier.yaml"
        )


def absolute_source(source: str) -> str:
    """A local template path made absolute; other sources unchanged.

    Copier records the source as given (`_src_path`), and later updates read it from wherever
    they run: a relative path would point elsewhere.
    """
    path = Path(source).expanduser()
    return str(path.absolute()) if path.exists() else source


def check_destination(dest: Path, *, force: bool) -> None:
    """Refuse a DEST that is a file, or a non-empty directory unless `force`."""
    if dest.exists() and not dest.is_dir():
        raise ScaffoldError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise ScaffoldError(
            f"{dest} is not empty; pass --force to render into it"
            " (files the template writes are overwritten, other files are kept)"
        )


def render(
    source: str,
    dest: Path,
    data: Mapping[str, object],
    *,
    vcs_ref: str | None,
    defaults: bool,
    overwrite: bool,
    quiet: bool,
) -> dict[str, object]:
    """Render `source` into `dest` with copier; return the answers it recorded in the answers file.

    Copier parses and validates every answer before it writes a file. On a failure or Ctrl-C, a
    DEST this call created is removed (with the parents it created) and a DEST that was empty is
    emptied again; a non-empty DEST (--force) keeps what was written, nothing else is deleted.
    """
    import copier

    with _removed_on_failure(dest), _copier_errors():
        worker = copier.run_copy(
            source,
            dest,
            dict(data),
            vcs_ref=vcs_ref,
            defaults=defaults,
            overwrite=overwrite,
            quiet=quiet,
            unsafe=False,
            cleanup_on_error=True,
        )
        answers_file = dest / worker.answers_relpath
    return _read_answers(answers_file)


def preview(
    source: str,
    dest: Path,
    data: Mapping[str, object],
    *,
    vcs_ref: str | None,
    defaults: bool,
) -> list[Path]:
    """Render into a temporary directory and list the files it would write, relative to `dest`."""
    with tempfile.TemporaryDirectory(prefix="scaffold-") as scratch:
        # Same final name as DEST: a template may use the destination's folder name.
        target = Path(scratch) / (dest.resolve().name or "project")
        render(
            source, target, data, vcs_ref=vcs_ref, defaults=defaults, overwrite=False, quiet=True
        )
        return sorted(path.relative_to(target) for path in target.rglob("*") if not path.is_dir())


def _read_answers(answers_file: Path) -> dict[str, object]:
    try:
        recorded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        # A custom template need not record answers; the summary then has less to say.
        return {}
    return dict(recorded) if isinstance(recorded, Mapping) else {}


@contextmanager
def _copier_errors() -> Iterator[None]:
    """Turn copier's exceptions into ScaffoldError; Ctrl-C (CopierAnswersInterrupt) goes through."""
    from copier.errors import CopierError, InteractiveSessionError
    from jinja2 import TemplateError, TemplateSyntaxError

    try:
        yield
    except KeyboardInterrupt:
        raise  # CopierAnswersInterrupt is a CopierError too: keep it a Ctrl-C
    except InteractiveSessionError as error:
        raise UsageError(_one_line(error)) from error
    except TemplateSyntaxError as error:
        where = f"{error.name or error.filename or 'template'}, line {error.lineno}"
        raise ScaffoldError(f"{where}: {_one_line(error)}") from error
    except (CopierError, TemplateError, OSError) as error:
        raise ScaffoldError(_one_line(error)) from error
    except ValueError as error:
        # Copier reports a rejected answer (validator, choice, required question) as a bare
        # ValueError, raised while it asks, before it writes anything.
        raise UsageError(_one_line(error)) from error


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


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


def _first_missing(path: Path) -> Path | None:
    """The outermost directory of `path` that does not exist yet (the one a render would create)."""
    path = path.absolute()
    if path.exists():
        return None
    while not path.parent.exists():
        path = path.parent
    return path
