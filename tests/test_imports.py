"""generator/ imports one way, as pyproject.toml's import-linter contracts say, with no cycle and
no private name taken from another module."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the generator package and the contracts in `root`."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_generator_keeps_its_import_contracts() -> None:
    completed = lint_imports(REPO_ROOT)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 broken" in completed.stdout


@pytest.mark.parametrize(
    ("module", "added_import", "broken"),
    [
        pytest.param(
            "errors.py",
            "from generator.commands import create",
            "The app over the commands over the work over the foundation BROKEN",
            id="foundation-imports-a-command",
        ),
        pytest.param(
            "git.py",
            "from generator import project",
            "No import cycles, at any depth BROKEN",
            id="cycle-between-work-modules",
        ),
        pytest.param(
            "commands/change.py",
            "from generator.commands import create",
            "Command groups are independent; they share params, flags and failures BROKEN",
            id="one-command-group-imports-another",
        ),
    ],
)
def test_a_broken_layer_or_a_cycle_fails(
    tmp_path: Path, module: str, added_import: str, broken: str
) -> None:
    shutil.copytree(REPO_ROOT / "generator", tmp_path / "generator")
    shutil.copy2(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "generator" / module).open("a", encoding="utf-8") as file:
        file.write(f"\n{added_import}\n")

    completed = lint_imports(tmp_path)

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert broken in completed.stdout


def private_names_from_elsewhere(path: Path) -> list[str]:
    """`from generator.x import _y` and `x._y` on an imported generator module, in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator")
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
            found += [f"{node.module}.{a.name}" for a in node.names if _is_private(a.name)]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _is_private(node.attr)
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_uses_another_modules_private_names(tmp_path: Path) -> None:
    sources = sorted((REPO_ROOT / "generator").rglob("*.py"))
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from generator import console\n\nconsole._SUMMARY_DEPTH\n", encoding="utf-8")

    used = {
        path.relative_to(REPO_ROOT).as_posix(): private_names_from_elsewhere(path)
        for path in sources
    }

    assert {name: names for name, names in used.items() if names} == {}
    assert private_names_from_elsewhere(leaky) == ["console._SUMMARY_DEPTH"], "the check can fail"
