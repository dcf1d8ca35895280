"""The built wheel carries the template: an installed `scaffold` works outside this repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import copier
import pytest
import yaml

from generator.questions import load_questions
from generator.template import bundled_template
from tests.projects import project_files
from tests.template_repo import NEWEST, V2_NEW_FILE, commit_all, make_template_repo

pytestmark = pytest.mark.slow

REPO = bundled_template()


def run(
    args: Sequence[str | Path], cwd: Path, returncode: int = 0
) -> subprocess.CompletedProcess[str]:
    # The shared uv cache (UV_CACHE_DIR when set) keeps installs offline-fast; never fetch Pythons.
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    completed = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == returncode, f"{args}\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build the wheel, install it in a clean venv; return (wheel, the venv's bin directory)."""
    uv = shutil.which("uv")
    assert uv, "uv is needed to build and install the wheel"
    work = tmp_path_factory.mktemp("wheel")
    run([uv, "build", "--wheel", "--out-dir", work / "dist", REPO], cwd=work)
    [wheel] = (work / "dist").glob("fastapi_scaffold-*.whl")
    run([uv, "venv", "--python", sys.executable, work / "venv"], cwd=work)
    # Compiled, as pip does: the bundled template then holds bytecode that must not be copied.
    python = work / "venv" / "bin" / "python"
    run([uv, "pip", "install", "--compile-bytecode", "--python", python, wheel], cwd=work)
    return wheel, work / "venv" / "bin"


def test_wheel_bundles_copier_yml_and_the_template(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())

    assert "generator/_bundled/copier.yml" in names
    assert "generator/cli.py" in names
    template_files = project_files(REPO / "template")
    assert template_files
    assert {f"generator/_bundled/template/{name}" for name in template_files} <= names


def test_installed_scaffold_new_renders_outside_the_repository(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    run(
        [bin_dir / "scaffold", "new", "svc", "--defaults", "--project-name", "Wheel Service"],
        cwd=elsewhere,
    )

    dest = elsewhere / "svc"
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "wheel-service"
    assert "/generator/_bundled" in answers["_src_path"], "rendered from the wheel's copy"
    # Same files as rendering the checkout's template directly.
    reference = tmp_path / "reference"
    copier.run_copy(
        str(REPO), reference, {"project_name": "Wheel Service"}, defaults=True, quiet=True
    )
    assert project_files(dest) == project_files(reference)


def test_installed_scaffold_add_renders_its_parts_from_the_wheel(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    scaffold = bin_dir / "scaffold"
    run([scaffold, "new", "svc", "--defaults", "--project-name", "Wheel Service"], cwd=tmp_path)

    run([scaffold, "add", "resource", "order", "total:decimal", "-C", "svc"], cwd=tmp_path)
    run([scaffold, "add", "task", "send_receipt"], cwd=tmp_path / "svc")

    dest = tmp_path / "svc"
    assert (dest / "src/wheel_service/orders/models.py").is_file()
    assert (dest / "src/wheel_service/tasks/send_receipt.py").is_file()
    recorded = yaml.safe_load((dest / ".copier-answers.task-send_receipt.yml").read_text())
    assert "/generator/_bundled/template/_parts/task" in recorded["_src_path"]


def test_installed_scaffold_options(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed

    table = run([bin_dir / "scaffold", "options"], cwd=tmp_path)
    rows = json.loads(run([bin_dir / "scaffold", "options", "--json"], cwd=tmp_path).stdout)

    assert "task_queue" in table.stdout
    questions = load_questions(REPO / "copier.yml")  # computed values (`when: false`) are no option
    assert [row["name"] for row in rows] == [question.name for question in questions]


def test_installed_scaffold_checks_and_updates_from_a_tagged_template_repository(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    scaffold = bin_dir / "scaffold"
    repo = make_template_repo(tmp_path / "template")
    project = tmp_path / "svc"
    new: list[str | Path] = [
        scaffold,
        "new",
        project,
        "--template",
        repo,
        "--vcs-ref",
        "v1",
        "--defaults",
        "-q",
    ]
    run([*new, "--project-name", "Wheel Service"], cwd=tmp_path)
    commit_all(project, "generated")

    outdated = run([scaffold, "check", project], cwd=tmp_path, returncode=1)
    run([scaffold, "update", project], cwd=tmp_path)
    commit_all(project, "updated")

    assert f"v1 → {NEWEST}" in outdated.stdout
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == NEWEST
    assert (project / V2_NEW_FILE).is_file()
    run([scaffold, "check", project], cwd=tmp_path)
    run([scaffold, "drift", project], cwd=tmp_path)
