"""The helpers of the CLI tests: running `scaffold`, a small fixture template, a tree's files.

(Rendering the real template and running a generated project's checks: tests/projects.py.)
"""

import os
import pty
import subprocess
import sys
from collections.abc import Collection, Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from generator import cli, template
from generator.files import files_under

ESCAPE = "\x1b["  # how every terminal style starts
ANSWERS_FILE = ".copier-answers.yml"
REAL_TEMPLATE = template.bundled_template()

FIXTURE_FILES = {
    "{{ _copier_conf.answers_file }}.jinja": (
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n"
    ),
    "README.md.jinja": "# {{ project_name }}\n\n{{ description }}\n",
    "src/{{ package_name }}/__init__.py.jinja": '"""{{ description }}"""\n',
    "{{ 'worker.py' if with_queue }}.jinja": "QUEUE = {{ task_queue|tojson }}\n",
    "settings.toml.jinja": (
        'python = "{{ python_version }}"\ndocker = {{ docker | lower }}\n'
        'author = "{{ author_name }}"\n'
    ),
}


def make_fixture_template(root: Path, extra_questions: str = "") -> Path:
    """A template with the real copier.yml (plus `extra_questions`) and a handful of files."""
    root.mkdir(parents=True)
    copier_yml = (REAL_TEMPLATE / "copier.yml").read_text(encoding="utf-8")
    (root / "copier.yml").write_text(copier_yml + extra_questions, encoding="utf-8")
    add_template_files(root, FIXTURE_FILES)
    return root


def add_template_files(root: Path, files: Mapping[str, str]) -> None:
    """Write `files` (names relative to template/, and their text) into the template at `root`."""
    for name, text in files.items():
        path = root / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(root: Path, *, skipped: Collection[str] = (".git",)) -> dict[str, bytes]:
    """Every file under `root`, by POSIX path, with its contents (a symlink: its target)."""
    contents: dict[str, bytes] = {}
    for relative in sorted(files_under(root, skipped=skipped)):
        path = root / relative
        contents[relative.as_posix()] = (
            f"symlink to {os.readlink(path)}".encode() if path.is_symlink() else path.read_bytes()
        )
    return contents


def snapshot(root: Path) -> dict[str, bytes | str]:
    """`tree` with .git included, and every directory: what a refused command must leave alone."""
    state: dict[str, bytes | str] = dict(tree(root, skipped=()))
    for path in root.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            state[path.relative_to(root).as_posix()] = "directory"
    return dict(sorted(state.items()))


def scaffold(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """`scaffold ARGS...` in-process; `env` entries set (or, as None, unset) variables."""
    return CliRunner().invoke(cli.app, [str(arg) for arg in args], env=env, prog_name="scaffold")


def error_line(result: Result) -> str:
    """The one `error:` line on stderr; fails if there is none, several, or a traceback."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def run_in_terminal(*args: str | Path, cwd: Path, no_color: bool = False) -> str:
    """Run `scaffold` with a pseudo-terminal as stdin, stdout and stderr; return what it showed.

    The terminal takes styles; the caller's colour settings are dropped, NO_COLOR set if asked.
    """
    ignored = {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env["TERM"] = "xterm-256color"
    if no_color:
        env["NO_COLOR"] = "1"
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=cwd,
    ) as process:
        os.close(secondary)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the program has exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        process.wait()
    os.close(primary)
    return shown.decode()
