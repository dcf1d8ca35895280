"""A generated project as `update`, `set`, `check` and `drift` see it: its answers file.

Copier records in `.copier-answers.yml` the answers, the template source (`_src_path`) and the
template version (`_commit`, a tag or a `git describe` string such as `v1.2.0-3-gabc1234`).
The template is versioned by git tags, ordered by PEP 440 as copier orders them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import yaml

from generator import git
from generator.errors import ScaffoldError, UsageError

if TYPE_CHECKING:
    from packaging.version import Version

ANSWERS_FILE: Final = ".copier-answers.yml"
_DESCRIBE: Final = re.compile(r"^(?P<tag>.+)-(?P<count>\d+)-g(?P<hash>[0-9a-f]+)$")


@dataclass(frozen=True)
class Project:
    """A generated project and the template version it is on.

    `source` and `version` are the recorded `_src_path` and `_commit`, unless --template or
    --from-ref gave others.
    """

    path: Path
    answers: dict[str, object]
    source: str
    version: str
    recorded_source: str | None
    recorded_version: str | None

    @property
    def relinked(self) -> bool:
        """The template source or version differ from what the answers file records."""
        return (self.source, self.version) != (self.recorded_source, self.recorded_version)


def load_project(path: Path, *, template: str | None, from_ref: str | None) -> Project:
    """Read the answers file of the project at `path`; UsageError when it cannot be updated.

    `template` and `from_ref` replace the recorded template source and version: a template that
    moved, or a project made from the bundled template, which has no git history.
    """
    recorded = read_answers(path)
    raw_source = recorded.get("_src_path")
    raw_version = recorded.get("_commit")
    recorded_source = raw_source if isinstance(raw_source, str) and raw_source else None
    recorded_version = raw_version if isinstance(raw_version, str) and raw_version else None
    source = template or recorded_source
    if source is None:
        raise UsageError(
            f"{path / ANSWERS_FILE} records no template (_src_path):"
            " pass --template with the template's git repository"
        )
    if git.repository_url(source) is None:
        if template is not None:
            raise UsageError(
                f"--template {template} is not a git repository; update, check and drift need"
                " the template's versions (git tags)"
            )
        if not Path(source).expanduser().exists():
            raise UsageError(
                f"the template of {path}, {source}, is not found: pass --template with the"
                " template's git repository"
            )
        raise UsageError(
            f"{path} was generated from {source}, which has no git history (the template"
            " bundled with scaffold, or a plain directory): pass --template with the template's"
            " git repository, and --from-ref with the tag it was generated from"
        )
    version = from_ref or recorded_version
    if version is None:
        raise UsageError(
            f"{path / ANSWERS_FILE} records no template version (_commit): pass --from-ref with"
            " the tag of the template it was generated from"
        )
    answers = {key: value for key, value in recorded.items() if not key.startswith("_")}
    return Project(path, answers, source, version, recorded_source, recorded_version)


def read_answers(path: Path) -> dict[str, object]:
    """The answers file of the project at `path` as a mapping; UsageError when there is none."""
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory")
    answers_file = path / ANSWERS_FILE
    try:
        text = answers_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path} is not a generated project: it has no {ANSWERS_FILE}") from None
    except OSError as error:
        raise UsageError(f"cannot read {answers_file}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        document = None
    if not isinstance(document, Mapping) or not all(isinstance(key, str) for key in document):
        raise UsageError(f"{answers_file} is not a mapping of answers")
    return dict(document)


def version_of(ref: str) -> Version | None:
    """The PEP 440 version of a tag or `git describe` string, as copier reads it; None if none.

    `v1.2.0-3-gabc1234` (three commits after v1.2.0) is 1.2.0.post3+abc1234: newer than v1.2.0,
    older than v1.2.1.
    """
    # Imported here: the commands import this module, and `scaffold --help` must not pay for it.
    from packaging.version import InvalidVersion, Version

    match = _DESCRIBE.match(ref)
    text = f"{match['tag']}.post{match['count']}+{match['hash']}" if match else ref
    try:
        return Version(text)
    except InvalidVersion:
        return None


def newest_tag(source: str) -> str:
    """The newest release tag of the template: the highest PEP 440 version, pre-releases left out.

    A ScaffoldError when the template cannot be reached or has no version tags.
    """
    url = git.repository_url(source)
    if url is None:
        raise ScaffoldError(f"{source} is not a git repository")
    releases: dict[str, Version] = {}
    for tag in git.tags(url):
        version = version_of(tag)
        if version is not None and not version.is_prerelease:
            releases[tag] = version
    if not releases:
        raise ScaffoldError(
            f"the template {source} has no version tags: tag its releases (git tag v1.0.0)"
        )
    return max(releases, key=releases.__getitem__)


@dataclass(frozen=True)
class VersionCheck:
    """Where a project stands: its template version and the newest one."""

    current: str
    newest: str

    @property
    def outdated(self) -> bool:
        current = version_of(self.current)
        newest = version_of(self.newest)
        # A recorded commit that is no version (from before the first tag) is older than any tag.
        return current is None or (newest is not None and current < newest)


def check_version(project: Project) -> VersionCheck:
    """Compare the project's template version with the newest tag of its template."""
    return VersionCheck(project.version, newest_tag(project.source))
