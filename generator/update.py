"""Copier's three-way update, run in a scratch clone and then carried over to the project.

`copier.run_update` merges the template's changes between two versions (or two sets of answers)
into the project, keeping the user's edits. Here it runs in a clone of the project's repository at
HEAD, so that:

- nothing in the project is touched until copier has finished: a rejected answer, a template
  error or Ctrl-C leaves it as it was;
- `--pretend` reports exactly what an update would change (copier's own `pretend` skips the
  render but not the merge, so it cannot tell);
- `--template` and `--from-ref` can point the answers file at another source or version first
  (copier itself reads them only from the committed answers file).

The result (files written, files deleted, and for conflicts the index entries copier records:
base, ours and theirs) is then copied into the project's work tree and index.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from generator import git
from generator.errors import ScaffoldError, UsageError
from generator.files import files_under
from generator.project import ANSWERS_FILE, Project, read_answers
from generator.text import plural


@dataclass(frozen=True)
class Change:
    """One file the update writes or deletes, relative to the project."""

    path: str
    kind: str  # "added", "modified" or "deleted"


@dataclass(frozen=True)
class UpdateResult:
    old_version: str
    new_version: str
    answers: dict[str, object]
    changes: list[Change] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def run(
    project: Project,
    *,
    vcs_ref: str | None,
    data: Mapping[str, object],
    keep_version: bool,
    conflict: Literal["inline", "rej"],
    pretend: bool,
) -> UpdateResult:
    """Update `project` to `vcs_ref` (None: the newest tag) with `data` over its answers.

    `keep_version`: stay on the project's template version and only apply the new answers.
    With `pretend`, report the changes and write nothing.
    """
    path = project.path.resolve()
    top = _clean_work_tree(path)
    head = git.run("rev-parse", "--verify", "HEAD", cwd=top).strip()
    with tempfile.TemporaryDirectory(prefix="scaffold-update-") as scratch:
        clone = Path(scratch) / "repo"
        # --shared borrows the project's objects instead of copying them.
        git.run(
            "clone", "--quiet", "--shared", "--no-checkout", "--", str(top), str(clone), cwd=top
        )
        git.run("checkout", "--quiet", "--detach", head, cwd=clone)
        subproject = clone / path.relative_to(top)
        if project.relinked:
            _relink(subproject, project)
        _run_copier_update(
            subproject, vcs_ref=vcs_ref, data=data, keep_version=keep_version, conflict=conflict
        )
        answers = read_answers(subproject)
        unasked = [key for key in data if key not in answers]
        if unasked:
            raise UsageError(
                f"the template at {answers.get('_commit')} does not ask {unasked[0]!r}:"
                " update the project to a version that does first (scaffold update)"
            )
        changes = sorted(_changes(subproject, path), key=lambda change: change.path)
        unmerged = _unmerged_entries(subproject)
        conflicts = sorted(
            {_project_relative(entry[3], clone, subproject) for entry in unmerged}
            | {change.path for change in changes if change.path.endswith(".rej")}
        )
        if not pretend:
            _carry_over(subproject, path, changes)
            _record_unmerged(clone, top, unmerged)
    return UpdateResult(
        old_version=project.version,
        new_version=str(answers.get("_commit", "")),
        answers={key: value for key, value in answers.items() if not key.startswith("_")},
        changes=changes,
        conflicts=conflicts,
    )


def _clean_work_tree(path: Path) -> Path:
    """The repository root of `path`; refuse a project outside git or with uncommitted changes."""
    top = git.toplevel(path)
    if top is None:
        raise ScaffoldError(
            f"{path} is not in a git repository: an update merges the template's changes with"
            " yours through git; commit the project first (git init && git add -A &&"
            " git commit -m 'Generated')"
        )
    dirty = git.split_z(
        git.run("status", "--porcelain", "-z", "--untracked-files=all", "--", ".", cwd=path)
    )
    if dirty:
        count, example = plural(len(dirty), "path"), dirty[0][3:]
        raise ScaffoldError(
            f"{path} has uncommitted changes ({count}, e.g. {example}): commit or stash them"
            " first, so that the update can be reviewed and undone with git"
        )
    return top.resolve()


def _relink(subproject: Path, project: Project) -> None:
    """Record --template / --from-ref in the clone's answers file and commit it there."""
    answers = read_answers(subproject)
    answers.update(_src_path=project.source, _commit=project.version)
    (subproject / ANSWERS_FILE).write_text(
        yaml.safe_dump(answers, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    message = "scaffold: the template's source and version, from --template and --from-ref"
    git.commit(
        "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, "--", ANSWERS_FILE, cwd=subproject
    )


def _run_copier_update(
    subproject: Path,
    *,
    vcs_ref: str | None,
    data: Mapping[str, object],
    keep_version: bool,
    conflict: Literal["inline", "rej"],
) -> None:
    import copier
    from copier import VcsRef

    from generator.rendering import copier_errors

    with copier_errors():
        copier.run_update(
            subproject,
            data=dict(data),
            vcs_ref=VcsRef.CURRENT if keep_version else vcs_ref,
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=False,
            conflict=conflict,
        )


def _changes(subproject: Path, target: Path) -> Iterator[Change]:
    """What differs between the updated clone and the project (which is the clone's HEAD)."""
    tracked = set(git.split_z(git.run("ls-files", "-z", "--", ".", cwd=subproject)))
    present: set[str] = set()
    for path in files_under(subproject, skipped={".git"}):
        relative = path.as_posix()
        present.add(relative)
        destination = target / relative
        if not os.path.lexists(destination):
            yield Change(relative, "added")
        elif not _same_file(subproject / path, destination):
            yield Change(relative, "modified")
    for relative in sorted(tracked - present):
        yield Change(relative, "deleted")


def _same_file(a: Path, b: Path) -> bool:
    if a.is_symlink() or b.is_symlink():
        return a.is_symlink() and b.is_symlink() and os.readlink(a) == os.readlink(b)
    executable = stat.S_IXUSR
    return (a.stat().st_mode & executable) == (b.stat().st_mode & executable) and (
        a.read_bytes() == b.read_bytes()
    )


def _carry_over(subproject: Path, target: Path, changes: list[Change]) -> None:
    for change in changes:
        destination = target / change.path
        if change.kind == "deleted":
            destination.unlink(missing_ok=True)
            _remove_empty_parents(destination.parent, stop=target)
            continue
        source = subproject / change.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(destination) and (source.is_symlink() or destination.is_symlink()):
            destination.unlink()
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        else:
            destination.write_bytes(source.read_bytes())
            destination.chmod(source.stat().st_mode & 0o777)


def _remove_empty_parents(directory: Path, *, stop: Path) -> None:
    while directory != stop and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def _unmerged_entries(subproject: Path) -> list[tuple[str, str, str, str]]:
    """The conflict entries copier left in the clone's index: (mode, blob, stage, path)."""
    entries = []
    output = git.run("ls-files", "--unmerged", "-z", "--full-name", "--", ".", cwd=subproject)
    for entry in git.split_z(output):
        meta, entry_path = entry.split("\t", 1)
        mode, blob, stage = meta.split()
        entries.append((mode, blob, stage, entry_path))
    return entries


def _project_relative(entry_path: str, clone: Path, subproject: Path) -> str:
    return (clone / entry_path).relative_to(subproject).as_posix()


def _record_unmerged(clone: Path, top: Path, entries: list[tuple[str, str, str, str]]) -> None:
    """Mark the conflicted files unmerged in the project's index, as copier does in place.

    `git status` then lists them as conflicts, and `git commit` refuses them until resolved.
    """
    if not entries:
        return
    lines = []
    for entry_path in sorted({entry[3] for entry in entries}):
        lines.append(f"0 {'0' * 40}\t{entry_path}")
    for mode, blob, stage, entry_path in entries:
        content = git.run_bytes("cat-file", "blob", blob, cwd=clone)
        git.run("hash-object", "-w", "--stdin", cwd=top, input=content)
        lines.append(f"{mode} {blob} {stage}\t{entry_path}")
    git.run("update-index", "--index-info", cwd=top, input="\n".join(lines).encode() + b"\n")
