"""`scaffold add resource`: a database resource in the shape of the template's `/items`.

Everything is checked here, before Copier renders: the names (snake_case, not a keyword, not a
name the generated code or the project already uses), the fields (`NAME:TYPE[:unique][?]`), and
the migration the new one follows (the single head of `migrations/versions`).
"""

from __future__ import annotations

import hashlib
import keyword
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from generator import parts
from generator.errors import ScaffoldError, UsageError

FIELD_TYPES: Final = {
    "str": "a line of text, at most 255 characters",
    "text": "text, at most 10,000 characters",
    "int": "a 32-bit integer",
    "bool": "true or false",
    "float": "a floating-point number",
    "decimal": "an exact number, 18 digits with 2 after the point; a string in JSON",
    "date": "a calendar date",
    "datetime": "a moment, with its time zone; read back in UTC",
    "uuid": "a UUID",
}
SNAKE_CASE: Final = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
RESOURCE_MAX: Final = 20  # the longest generated line (a test's name) stays under 100 columns
FIELD_MAX: Final = 30

# Names the generated modules use for their own variables, parameters and fixtures.
_CODE_NAMES: Final = frozenset(
    {
        "added", "body", "change", "changed", "changes", "client", "database", "duplicate",
        "field", "first", "limit", "method", "offset", "page", "params", "read_back", "request",
        "required", "response", "router", "rows", "run", "second", "session", "status", "url",
        "values",
    }
)  # fmt: skip
# The project's own top-level modules (and those an option adds): a resource is a package beside.
_PROJECT_MODULES: Final = frozenset(
    {"api", "asgi", "core", "db", "items", "main", "services", "tasks", "worker", "tests"}
)
# Names a field cannot have: the primary key, SQLAlchemy's and pydantic's own attributes, and
# the types the schemas annotate with (a field named `date` would shadow the type in its class).
_FIELD_RESERVED: Final = frozenset(
    {
        "id", "metadata", "registry", "copy", "dict", "json", "schema", "schema_json",
        "construct", "validate", "fields", "parse_obj", "parse_raw", "parse_file", "from_orm",
        "update_forward_refs", "str", "int", "bool", "float", "date", "datetime", "decimal",
        "uuid", "mapped_column",
    }
)  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    unique: bool
    optional: bool

    def answer(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "unique": self.unique,
            "optional": self.optional,
        }


def parse_field(spec: str) -> FieldSpec:
    """`customer:str:unique`, `note:text?`: a field, or UsageError saying what is wrong."""
    text = spec.strip()
    optional = text.endswith("?")
    pieces = text.removesuffix("?").split(":")
    if len(pieces) < 2:
        raise UsageError(f"field {spec!r}: write NAME:TYPE[:unique][?], e.g. total:decimal")
    name, kind, *flags = pieces
    check_name(name, "field", limit=FIELD_MAX, reserved=_FIELD_RESERVED)
    if kind not in FIELD_TYPES:
        known = ", ".join(FIELD_TYPES)
        raise UsageError(f"field {name!r}: unknown type {kind!r} (the types: {known})")
    if any(flag != "unique" for flag in flags) or len(flags) > 1:
        raise UsageError(f"field {spec!r}: the only flag after the type is :unique")
    unique = bool(flags)
    if unique and kind in {"bool", "float"}:
        raise UsageError(f"field {name!r}: a {kind} cannot be unique")
    return FieldSpec(name, kind, unique, optional)


def parse_fields(specs: list[str]) -> list[FieldSpec]:
    if not specs:
        raise UsageError("give the resource at least one field: NAME:TYPE, e.g. title:str")
    fields = [parse_field(spec) for spec in specs]
    names = [each.name for each in fields]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise UsageError(f"field {duplicated[0]!r} is given twice")
    return fields


def check_name(name: str, what: str, *, limit: int, reserved: frozenset[str] = frozenset()) -> None:
    if not SNAKE_CASE.match(name):
        raise UsageError(
            f"{what} name {name!r} must be snake_case: lowercase letters, digits and single"
            " underscores, starting with a letter"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"{what} name {name!r} is a Python keyword")
    if len(name) > limit:
        raise UsageError(f"{what} name {name!r} is longer than {limit} characters")
    if name in reserved:
        raise UsageError(f"{what} name {name!r} is taken by the generated code; choose another")


def plural_of(word: str) -> str:
    """English plural of the last word: order → orders, category → categories, box → boxes."""
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def within(limit: int, line: str) -> int:
    """`limit`, or less when `line` (a generated line, without the name) leaves less of 100."""
    return min(limit, 100 - len(line))


def check_names(project: Path, package: str, resource: str, plural: str) -> None:
    check_name(resource, "resource", limit=RESOURCE_MAX, reserved=_CODE_NAMES)
    plural_max = within(RESOURCE_MAX + 4, f"from {package}..repository import (")
    check_name(plural, "plural", limit=plural_max, reserved=_CODE_NAMES)
    if plural == resource:
        raise UsageError(f"the plural of {resource!r} must differ from it: pass --plural")
    if (project / parts.answers_file("resource", plural)).exists():
        raise ScaffoldError(f"the project already has a resource {plural!r}")
    source = Path("src", package)
    for name in (resource, plural):
        for path in (
            source / name,
            source / f"{name}.py",
            source / "api" / "routes" / f"{name}.py",
        ):
            if name in _PROJECT_MODULES or (project / path).exists():
                raise UsageError(f"{name!r} clashes with a module of the project: {path}")


_REVISION: Final = re.compile(r'^revision(?:: str)? = ["\'](\w+)["\']', re.MULTILINE)
_DOWN: Final = re.compile(r"^down_revision(?:: [^=]+)? = (.+)$", re.MULTILINE)


def migration_head(project: Path) -> str:
    """The one revision of `migrations/versions` that no other follows."""
    versions = project / "migrations" / "versions"
    revisions: set[str] = set()
    followed: set[str] = set()
    for script in sorted(versions.glob("*.py")):
        text = script.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        if revision is None:
            continue
        revisions.add(revision[1])
        down = _DOWN.search(text)
        if down:
            followed.update(re.findall(r"[\"'](\w+)[\"']", down[1]))
    heads = sorted(revisions - followed)
    if len(heads) != 1:
        raise ScaffoldError(
            f"migrations/versions has {len(heads)} heads ({', '.join(heads) or 'none'}), not one:"
            " merge them first (uv run alembic merge heads)"
        )
    return heads[0]


def answers(
    project: Path, package: str, resource: str, plural: str, fields: list[FieldSpec]
) -> dict[str, object]:
    """The part's answers; the revision id comes from the names, the same on every run."""
    return {
        "package_name": package,
        "resource": resource,
        "plural": plural,
        "fields": [each.answer() for each in fields],
        "revision": revision_id(package, plural),
        "down_revision": migration_head(project),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00"),
    }


def revision_id(package: str, plural: str) -> str:
    digest = hashlib.sha1(f"{package}.{plural}".encode(), usedforsecurity=False)
    return digest.hexdigest()[:12]


def edits(package: str, plural: str) -> list[parts.Edit]:
    """Where the project learns about the resource: its router, and Alembic's list of models."""
    include = f"api_router.include_router({plural}.router)"
    models = f"import {package}.{plural}.models"
    return [
        parts.Edit(
            f"src/{package}/api/router.py",
            f"from .routes import {plural}",
            parts.into_parenthesized_import(".routes", plural),
        ),
        parts.Edit(
            f"src/{package}/api/router.py",
            include,
            parts.after_matching(r"^api_router\.include_router\(", include),
        ),
        parts.Edit("migrations/env.py", models, parts.sorted_import(f"{package}.{plural}.models")),
    ]
