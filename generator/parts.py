"""`scaffold add`: render a sub-template of the bundled template (a part) into a generated project.

A part (`template/_parts/<kind>/`) is a small Copier template: a resource, an upstream client, a
background task or a job. It renders into a scratch directory first, so that nothing is written
until every file is known to be new; then its files are copied in and the project learns about
them by a line inserted at a place made for it (`Edit`). When that place was rewritten, the line
is printed for the user to add instead.

Copier keeps the part's answers in `.copier-answers.<kind>-<name>.yml`: `replay` renders every
recorded part again onto the standard `scaffold drift` compares with, so added parts are not drift.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml

from generator import template
from generator.errors import ScaffoldError, UsageError
from generator.files import files_under
from generator.text import one_line

PART_ANSWERS: Final = re.compile(r"^\.copier-answers\.(?P<kind>[a-z]+)-(?P<name>[a-z0-9_]+)\.yml$")


# Modules several parts render the same: written by the first, then left alone.
SHARED: Final = ("/db/types.py", "/core/json_types.py")


def part_source(kind: str) -> Path:
    return template.bundled_template() / "template" / "_parts" / kind


def answers_file(kind: str, name: str) -> str:
    return f".copier-answers.{kind}-{name}.yml"


@dataclass(frozen=True)
class Edit:
    """One line the project needs in `path` so that it uses the new part.

    `apply` returns the file's new text, or None when the place it belongs is not there.
    """

    path: str
    line: str
    apply: Callable[[str], str | None]


@dataclass
class Plan:
    """What adding a part writes: new files, edited files, and the edits that could not be made."""

    created: list[str] = field(default_factory=list)
    edited: dict[str, str] = field(default_factory=dict)  # path -> new text
    manual: list[Edit] = field(default_factory=list)


@contextmanager
def plan(
    kind: str, project: Path, data: Mapping[str, object], name: str, edits: Sequence[Edit]
) -> Iterator[tuple[Path, Plan]]:
    """Render the part into scratch; yields the scratch root and the plan. Writes nothing.

    Refuses (ScaffoldError) when a file the part renders already exists in the project.
    """
    with tempfile.TemporaryDirectory(prefix="scaffold-add-") as scratch:
        root = Path(scratch) / project.resolve().name
        _render(kind, root, data, name, overwrite=False)
        created = sorted(path.as_posix() for path in files_under(root))
        existing = [path for path in created if (project / path).exists()]
        clashes = [path for path in existing if not path.endswith(SHARED)]
        if clashes:
            raise ScaffoldError(f"{clashes[0]} already exists: nothing was written")
        # A shared module an earlier part wrote is kept as it is, with the user's changes.
        result = Plan(created=[path for path in created if path not in existing])
        for edit in edits:
            current = result.edited.get(edit.path)
            if current is None:
                current = _read(project / edit.path)
            changed = None if current is None else edit.apply(current)
            if changed is None:
                result.manual.append(edit)
            else:
                result.edited[edit.path] = changed
        yield root, result


def write(root: Path, project: Path, result: Plan) -> None:
    """Copy the rendered files in, then write the edited ones."""
    for path in result.created:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / path, target)
    for path, text in result.edited.items():
        (project / path).write_text(text, encoding="utf-8")


def recorded_parts(project: Path) -> list[tuple[str, dict[str, object]]]:
    """Each part added to `project` and its recorded answers, in file-name order."""
    found = []
    for entry in sorted(project.glob(".copier-answers.*-*.yml")):
        match = PART_ANSWERS.match(entry.name)
        if match is None:
            continue
        try:
            answers = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise UsageError(f"cannot read {entry}: {one_line(error)}") from None
        if isinstance(answers, dict):
            found.append((match["kind"], answers))
    return found


def replay(
    standard: Path,
    project: Path,
    *,
    named_by: Mapping[str, str],
    edits_for: Callable[[str, Mapping[str, object]], Sequence[Edit]],
) -> None:
    """Render each part recorded in `project` onto `standard`, with its lines, as `add` did.

    `named_by[kind]` is the answer that names a part of that kind; `edits_for` its lines.
    """
    for kind, recorded in recorded_parts(project):
        data = {key: value for key, value in recorded.items() if not key.startswith("_")}
        if kind not in named_by:
            raise UsageError(f"{project}: a part of unknown kind {kind!r} was added")
        _render(kind, standard, data, str(data.get(named_by[kind], "")), overwrite=True)
        for edit in edits_for(kind, data):
            target = standard / edit.path
            current = _read(target)
            changed = None if current is None else edit.apply(current)
            if changed is not None:
                target.write_text(changed, encoding="utf-8")


def _render(
    kind: str, dest: Path, data: Mapping[str, object], name: str, *, overwrite: bool
) -> None:
    """The part of `kind` rendered into `dest`, its answers kept in its own answers file."""
    import copier

    from generator.rendering import copier_errors

    with copier_errors():
        copier.run_copy(
            str(part_source(kind)),
            dest,
            data=dict(data),
            answers_file=answers_file(kind, name),
            defaults=True,
            overwrite=overwrite,
            unsafe=False,
            quiet=True,
        )


def is_part_answers(path: str) -> bool:
    return PART_ANSWERS.match(path) is not None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# --- the places made for a new line ----------------------------------------------------------


def into_parenthesized_import(module: str, name: str) -> Callable[[str], str | None]:
    """Add `name` to the one-per-line `from {module} import (...)`, in sorted place."""

    def apply(text: str) -> str | None:
        match = re.search(
            rf"^from {re.escape(module)} import \(\n((?:    \w+,\n)+)\)$", text, re.MULTILINE
        )
        if match is None:
            return None
        names = re.findall(r"^    (\w+),$", match[1], re.MULTILINE)
        if name in names:
            return text
        body = "".join(f"    {each},\n" for each in sorted([*names, name]))
        return text[: match.start(1)] + body + text[match.end(1) :]

    return apply


def sorted_import(module: str) -> Callable[[str], str | None]:
    """Add `import {module}` among the other imports of the package's modules, in sorted place."""
    package = module.split(".")[0]
    line = f"import {module}"
    pattern = re.compile(rf"^import ({re.escape(package)}\.[\w.]+)$")

    def apply(text: str) -> str | None:
        lines = text.splitlines(keepends=True)
        if line + "\n" in lines:
            return text
        places = [(n, m[1]) for n, each in enumerate(lines) if (m := pattern.match(each))]
        if not places:
            return None
        later = [number for number, name in places if name > module]
        lines.insert(later[0] if later else places[-1][0] + 1, line + "\n")
        return "".join(lines)

    return apply


def after_matching(pattern: str, line: str) -> Callable[[str], str | None]:
    """Add `line` after the last line that matches the regular expression `pattern`."""
    return _beside_matching(pattern, line, after_last=True)


def before_matching(pattern: str, line: str) -> Callable[[str], str | None]:
    """Add `line` before the first line that matches the regular expression `pattern`."""
    return _beside_matching(pattern, line, after_last=False)


def _beside_matching(pattern: str, line: str, *, after_last: bool) -> Callable[[str], str | None]:
    compiled = re.compile(pattern)

    def apply(text: str) -> str | None:
        lines = text.splitlines(keepends=True)
        if line + "\n" in lines:
            return text
        places = [number for number, each in enumerate(lines) if compiled.match(each)]
        if not places:
            return None
        lines.insert(places[-1] + 1 if after_last else places[0], line + "\n")
        return "".join(lines)

    return apply


def at_the_end(block: str) -> Callable[[str], str | None]:
    """Add `block` at the end of the module, two blank lines after what is there."""

    def apply(text: str) -> str | None:
        if block in text:
            return text
        return text.rstrip("\n") + "\n\n\n" + block + "\n"

    return apply


_RELATIVE_IMPORT = re.compile(r"^from (\.+[\w.]*) import ")


def sorted_relative_import(statement: str) -> Callable[[str], str | None]:
    """Add the import `statement` among the module's `from ..x import` lines, sorted by module.

    As ruff's isort sorts them: the farther package first (`..` before `.`), then by name.
    """
    new = _RELATIVE_IMPORT.match(statement)
    assert new is not None, statement

    def key(module: str) -> tuple[int, str]:
        return (-(len(module) - len(module.lstrip("."))), module.lstrip("."))

    def apply(text: str) -> str | None:
        if statement in text:
            return text
        lines = text.splitlines(keepends=True)
        starts = [(n, m[1]) for n, each in enumerate(lines) if (m := _RELATIVE_IMPORT.match(each))]
        if not starts:
            return None
        later = [number for number, module in starts if key(module) > key(new[1])]
        if later:
            place = later[0]
        else:
            place = starts[-1][0] + 1
            if lines[starts[-1][0]].rstrip().endswith("("):
                while place < len(lines) and lines[place].strip() != ")":
                    place += 1
                place += 1
        lines.insert(place, statement + "\n")
        return "".join(lines)

    return apply
