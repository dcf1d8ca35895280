"""A git repository of this checkout's template, tagged v1, v2 and v3, to update projects across.

v2 adds a README section and a file; v3 removes a file and extends .gitignore. The changes are
made to whatever the template is, so they hold as the template evolves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.projects import REPO_ROOT

# The project the update, set, check and drift tests generate from it (tests/conftest.py).
PROJECT_NAME = "Orders Service"
FOLDER = "orders-service"
PACKAGE = "orders_service"

# A file of the service's own code, which updates and drift leave alone.
USER_FILE = f"src/{PACKAGE}/api/routes/orders.py"
USER_FILE_TEXT = '"""Orders: the service\'s own code."""\n'

TAGS = ("v1", "v2", "v3")
NEWEST = TAGS[-1]
V2_README_SECTION = "\n## Operations\n\nSee docs/operations.md.\n"
V2_NEW_FILE = "docs/operations.md"
V3_REMOVED_FILE = "src/{package}/py.typed"
V3_GITIGNORE_LINE = "*.log\n"

# CI has no git identity configured; signing hooks of a developer's config stay off.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}
_GIT_CONFIG = (
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
)


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *_GIT_CONFIG, *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, f"git {args}: {completed.stderr}"
    return completed.stdout


def commit_all(root: Path, message: str) -> None:
    """`git init` if needed, then commit every file under `root`."""
    if not (root / ".git").exists():
        git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "-m", message)


def make_template_repo(root: Path) -> Path:
    """copier.yml and template/ of this checkout as a git repository with the tags in TAGS."""
    root.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "copier.yml", root / "copier.yml")
    shutil.copytree(
        REPO_ROOT / "template",
        root / "template",
        ignore=shutil.ignore_patterns("__pycache__", ".*_cache"),
    )
    commit_all(root, "v1")
    git(root, "tag", "v1")

    template = root / "template"
    _append(template / "README.md.jinja", V2_README_SECTION)
    (template / "docs").mkdir()
    (template / "docs" / "operations.md.jinja").write_text(
        "# Operating {{ project_name }}\n", encoding="utf-8"
    )
    commit_all(root, "v2: an operations page")
    git(root, "tag", "v2")

    (template / V3_REMOVED_FILE.format(package="{{package_name}}")).unlink()
    _append(template / ".gitignore", V3_GITIGNORE_LINE)
    commit_all(root, "v3: no py.typed, log files ignored")
    git(root, "tag", "v3")
    return root


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def edit_like_a_user(project: Path) -> None:
    """Edit a generated file (its title, far from the template's changes) and add a file."""
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"# {PROJECT_NAME}\n")
    readme.write_text(
        text.replace(f"# {PROJECT_NAME}\n", f"# {PROJECT_NAME} (ours)\n", 1), encoding="utf-8"
    )
    (project / USER_FILE).write_text(USER_FILE_TEXT, encoding="utf-8")
