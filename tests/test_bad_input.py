"""Bad input to `scaffold`: one `error:` line on stderr, the right exit code, no traceback, and
nothing written or overwritten.

Every case runs with the current directory in a workspace that holds a user's files, a fixture
template (the real copier.yml) standing in for the bundled one, presets, a generated project's
answers file and a file or two; the whole workspace is compared, byte for byte, before and after.
Usage errors and rejected values exit 2, failures (the file system, a template that is not one)
exit 1, Ctrl-C exits 130. `check` and `drift` exit 2 on any failure: their 1 means "behind".

This table is the one home of bad input; the command tests hold what needs more set-up (a tagged
template repository, a terminal).
"""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.questions import load_questions
from tests.helpers import ANSWERS_FILE, REAL_TEMPLATE, make_fixture_template, scaffold, snapshot

NAME = ("--project-name", "Orders")
QUESTION_NAMES = ", ".join(
    question.name for question in load_questions(REAL_TEMPLATE / "copier.yml")
)
LONG = "a" * 256
# procfs refuses new entries to everyone, root included: DEST cannot be created there.
UNWRITABLE = "/proc/scaffold-bad-input/svc"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    exit_code: int
    message: str
    """Part of the error line."""
    env: dict[str, str] = field(default_factory=dict)
    interrupt: bool = False
    """Ctrl-C during the render, once copier has written two files."""


def new(*args: str, dest: str = "svc") -> tuple[str, ...]:
    return ("new", dest, *args)


def on_project(command: str, *args: str) -> tuple[str, ...]:
    """`scaffold set/enable ... -C project`: the workspace's generated project."""
    return (command, *args, "-C", "project")


CASES = [
    # --- names: copier.yml's validators, through copier -----------------------------------------
    pytest.param(
        Case(new("--project-name", ""), 2, "Project name must not be empty."), id="name-empty"
    ),
    pytest.param(
        Case(new("--project-name", "   "), 2, "Project name must not be empty."),
        id="name-whitespace",
    ),
    pytest.param(
        Case(new("--project-name", "1st Service"), 2, "Project name must start with a letter"),
        id="name-starts-with-digit",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "1st-service"), 2, "Project slug must match"),
        id="slug-starts-with-digit",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "1st"), 2, "must be a valid ASCII Python identifier"),
        id="package-starts-with-digit",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "class"), 2, 'Package name "class" is a Python keyword'),
        id="package-keyword",
    ),
    pytest.param(
        Case(new("--project-name", "Import"), 2, 'Package name "import" is a Python keyword'),
        id="package-keyword-derived-from-name",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "fastapi"), 2, "would shadow a module"),
        id="package-shadows-fastapi",
    ),
    pytest.param(
        Case(new("--project-name", "Test"), 2, 'Package name "test" would shadow a module'),
        id="package-shadow-derived-from-name",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", ".."), 2, "Project slug must match"), id="slug-dotdot"
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "/etc/orders"), 2, "Project slug must match"),
        id="slug-absolute-path",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "orders/../evil"), 2, "Project slug must match"),
        id="slug-with-slashes",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "orders/evil"), 2, "valid ASCII Python identifier"),
        id="package-with-slash",
    ),
    pytest.param(
        Case(new("--project-name", "../Orders"), 2, "Project name must start with a letter"),
        id="name-dotdot",
    ),
    pytest.param(
        Case(new("--project-name", "Überdienst"), 2, "Project name must start with a letter"),
        id="name-non-ascii-first-letter",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "café"), 2, "valid ASCII Python identifier"),
        id="package-non-ascii",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "café-service"), 2, "Project slug must match"),
        id="slug-non-ascii",
    ),
    pytest.param(
        Case(new("--project-name", "Orders\x1b[31m"), 2, "must not contain control characters"),
        id="name-control-character",
    ),
    pytest.param(
        Case(new(*NAME, "--description", "one\ntwo"), 2, "Description must be one printable line"),
        id="description-newline",
    ),
    pytest.param(
        Case(new("--project-name", "A" * 65), 2, "Project name must be at most"),
        id="name-overlong",
    ),
    pytest.param(
        Case(new("--project-name", "Orders \U0001f680"), 2, "beyond U+FFFF"),
        id="name-emoji",
    ),
    pytest.param(
        Case(new("--project-name", "A\\N"), 2, "must not contain a backslash"),
        id="name-backslash",
    ),
    pytest.param(
        Case(new("--project-name", "Pty"), 2, 'Package name "pty" is a standard-library module'),
        id="package-stdlib-derived-from-name",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "fastapi"), 2, "a package the project depends on"),
        id="slug-is-a-dependency",
    ),
    pytest.param(
        Case(new(*NAME, "--project-slug", "a" * 64), 2, "(at most 63 characters)"),
        id="slug-overlong",
    ),
    pytest.param(
        Case(new(*NAME, "--package-name", "a" * 61), 2, "Package name must be at most 60"),
        id="package-overlong",
    ),
    pytest.param(
        Case(new(*NAME, "--data", "author_email=nobody"), 2, "must look like name@example.com"),
        id="author-email-invalid",
    ),
    pytest.param(
        Case(new(), 2, "project_name has no default and stdin is not a terminal to ask it: pass"),
        id="name-missing",
    ),
    # --- DEST ------------------------------------------------------------------------------------
    pytest.param(Case(new(*NAME, dest=""), 2, "DEST must not be empty"), id="dest-empty"),
    pytest.param(Case(new(*NAME, dest="   "), 2, "DEST must not be empty"), id="dest-blank"),
    pytest.param(
        Case(new(*NAME, dest="svc\x07"), 2, r"DEST 'svc\x07' contains control characters"),
        id="dest-control-character",
    ),
    pytest.param(
        Case(new(*NAME, dest="svc\n"), 2, r"DEST 'svc\n' contains control characters"),
        id="dest-newline",
    ),
    pytest.param(
        Case(new(*NAME, dest=f"parent/{LONG}"), 2, "file name longer than 255 bytes"),
        id="dest-overlong",
    ),
    pytest.param(
        Case(new(*NAME, dest="existing"), 1, "existing is not empty; pass --force"),
        id="dest-not-empty",
    ),
    pytest.param(
        Case(new(*NAME, dest="a-file.txt"), 1, "a-file.txt exists and is not a directory"),
        id="dest-is-a-file",
    ),
    pytest.param(
        Case(new(*NAME, "--force", dest="a-file.txt"), 1, "exists and is not a directory"),
        id="dest-is-a-file-with-force",
    ),
    pytest.param(
        Case(new(*NAME, dest="a-file.txt/svc"), 1, "a-file.txt is not a directory"),
        id="dest-under-a-file",
    ),
    pytest.param(
        Case(new(*NAME, dest=UNWRITABLE), 1, "cannot create /proc/scaffold-bad-input"),
        id="dest-unwritable",
        marks=pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs procfs"),
    ),
    # --- options ---------------------------------------------------------------------------------
    pytest.param(Case(new(*NAME, "--colour", "red"), 2, "No such option: --colour"), id="unknown"),
    pytest.param(
        Case(new("--project-nam", "Orders"), 2, "(Possible options: --project-name"),
        id="misspelt-option",
    ),
    pytest.param(Case(("create", "svc", *NAME), 2, "No such command 'create'"), id="no-command"),
    pytest.param(Case(("new", *NAME), 2, "Missing argument 'DEST'"), id="no-dest"),
    pytest.param(Case(new(*NAME, "other"), 2, "unexpected extra argument 'other'"), id="two-dests"),
    pytest.param(
        Case(
            new(*NAME, "-d", "colour=red"),
            2,
            f"unknown question 'colour' in --data (valid: {QUESTION_NAMES})",
        ),
        id="unknown-data-key",
    ),
    pytest.param(
        Case(new(*NAME, "-d", "project_name"), 2, "--data expects KEY=VALUE"),
        id="data-without-equals",
    ),
    pytest.param(
        Case(
            new(*NAME, "--docker", "maybe"),
            2,
            "--docker is an on/off flag and takes no value; write --docker or --no-docker",
        ),
        id="docker-maybe",
    ),
    pytest.param(
        Case(("new", "--docker", "maybe", "svc", *NAME), 2, "so 'maybe' was read as an argument"),
        id="docker-maybe-before-dest",
    ),
    pytest.param(
        Case(new(*NAME, "--docker=maybe"), 2, "Option '--docker' does not take a value"),
        id="docker-equals-maybe",
    ),
    pytest.param(
        Case(new(*NAME, "-d", "docker=maybe"), 2, "--data docker: 'maybe' (expected true/false"),
        id="data-docker-maybe",
    ),
    pytest.param(
        Case(
            new(*NAME, "--task-queue", "rq"),
            2,
            "invalid value for --task-queue: 'rq' (choose from none, taskiq, celery)",
        ),
        id="task-queue-rq",
    ),
    pytest.param(
        Case(
            new(*NAME, "--observability", "otel,jaeger"),
            2,
            "invalid value for --observability: 'jaeger' (choose from otel, prometheus, sentry)",
        ),
        id="observability-jaeger",
    ),
    pytest.param(
        Case(
            new(*NAME, "-d", "observability=otel,Sentry"),
            2,
            "invalid value for --data observability: 'Sentry' (choose from otel, prometheus,",
        ),
        id="data-observability-capitalised",
    ),
    pytest.param(
        Case(
            new(*NAME, "--data-file", "presets/observability.yml"),
            2,
            "invalid value for --data-file observability: {'otel': True} (expected a list",
        ),
        id="data-file-observability-mapping",
    ),
    pytest.param(
        Case(
            new(*NAME, "--data-file", "presets/observability-number.yml"),
            2,
            "--data-file observability: 1 is not text (quote it in YAML)",
        ),
        id="data-file-observability-number",
    ),
    pytest.param(
        Case(new(*NAME, "--python-version", "3.10"), 2, "(choose from 3.11, 3.12, 3.13)"),
        id="python-version-3.10",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file", "missing.yml"), 2, "cannot read --data-file missing.yml"),
        id="data-file-missing",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file", "presets/broken.yml"), 2, "is not valid YAML"),
        id="data-file-malformed",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file", "presets/list.yml"), 2, "must be a YAML mapping"),
        id="data-file-not-a-mapping",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file", "presets/maybe.yml"), 2, "--data-file docker: 'maybe'"),
        id="data-file-wrong-type",
    ),
    pytest.param(
        Case(
            new(*NAME, "--data-file", "presets/colour.yml"),
            2,
            "unknown question 'colour' in --data-file (valid: project_name,",
        ),
        id="data-file-unknown-question",
    ),
    pytest.param(
        Case(
            new(*NAME, "--data-file", "presets/unquoted.yml"), 2, "is not text (quote it in YAML)"
        ),
        id="data-file-unquoted-version",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file", "presets/rq.yml"), 2, "(choose from none, taskiq, celery)"),
        id="data-file-bad-choice",
    ),
    pytest.param(
        Case(new(*NAME, "--data-file"), 2, "Option '--data-file' requires an argument"),
        id="data-file-without-a-path",
    ),
    pytest.param(
        Case(new(*NAME, "--dry-run", "--git"), 2, "--dry-run writes nothing"),
        id="dry-run-with-git",
    ),
    # --- templates and tools ---------------------------------------------------------------------
    pytest.param(
        Case(new(*NAME, "--template", "no-such-template"), 1, "template not found"),
        id="template-missing",
    ),
    pytest.param(
        Case(new(*NAME, "--template", "not-a-template"), 1, "has no copier.yml"),
        id="template-without-copier-yml",
    ),
    pytest.param(
        Case(new(*NAME, "--template", "a-file.txt"), 1, "a file that is not a git bundle"),
        id="template-is-a-file",
    ),
    pytest.param(
        Case(
            new(*NAME, "--template", "fixture-template", "--task-queue", "rq"),
            2,
            "Invalid choice for 'task_queue'",
        ),
        id="template-choices-are-copiers",
    ),
    pytest.param(
        Case(
            new(*NAME, "--template", "broken-template"),
            1,
            "error: template/broken.txt.jinja, line 1: unexpected '}'\n",
        ),
        id="template-syntax-error",
    ),
    pytest.param(
        Case(new(*NAME, "--git"), 1, "--git needs git, which is not on PATH", env={"PATH": ""}),
        id="git-missing",
    ),
    pytest.param(
        Case(new(*NAME, "--install"), 1, "--install needs uv", env={"PATH": ""}),
        id="uv-missing",
    ),
    pytest.param(
        Case(new(*NAME, "--force", "--git", dest="repo"), 1, "repo is already a git repository"),
        id="git-into-a-repository",
    ),
    # --- set, enable: refused before the project is touched ------------------------------------
    pytest.param(
        Case(on_project("set", "nope=1"), 2, "unknown question 'nope' (valid: project_name,"),
        id="set-unknown-question",
    ),
    pytest.param(
        Case(on_project("set", "docker=maybe"), 2, "invalid value for docker: 'maybe'"),
        id="set-docker-maybe",
    ),
    pytest.param(
        Case(on_project("set", "task_queue"), 2, "expected KEY=VALUE, got 'task_queue'"),
        id="set-without-equals",
    ),
    pytest.param(
        Case(on_project("set"), 2, "give at least one answer: KEY=VALUE, or --data-file"),
        id="set-nothing",
    ),
    pytest.param(
        Case(
            on_project("set", "--data-file", "presets/maybe.yml"),
            2,
            "invalid value for docker: 'maybe'",
        ),
        id="set-data-file-wrong-type",
    ),
    pytest.param(
        Case(on_project("enable", "task_queue"), 2, "task_queue is not a yes/no question"),
        id="enable-a-choice",
    ),
    # --- PATH that is no generated project ------------------------------------------------------
    pytest.param(
        Case(
            ("check", "existing"),
            2,
            f"existing is not a generated project: it has no {ANSWERS_FILE}",
        ),
        id="check-not-a-project",
    ),
    pytest.param(
        Case(("drift", "existing"), 2, "existing is not a generated project"),
        id="drift-not-a-project",
    ),
    pytest.param(
        Case(("update", "a-file.txt"), 2, "a-file.txt is not a directory"),
        id="update-a-file",
    ),
    # --- Ctrl-C ----------------------------------------------------------------------------------
    pytest.param(Case(new(*NAME), 130, "interrupted", interrupt=True), id="ctrl-c"),
    pytest.param(
        Case(new(*NAME, dest="empty"), 130, "interrupted", interrupt=True),
        id="ctrl-c-into-an-empty-dest",
    ),
    pytest.param(
        Case(new(*NAME, dest="deep/er/svc"), 130, "interrupted", interrupt=True),
        id="ctrl-c-with-new-parents",
    ),
]


@pytest.fixture
def workspace(bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory of each case: a user's files, presets, a generated project's answers
    and the fixture template (`fixture-template`, also the bundled one)."""
    files = {
        "existing/notes.txt": "mine\n",
        "existing/src/app.py": "print('mine')\n",
        "repo/.git/HEAD": "ref: refs/heads/main\n",
        "repo/notes.txt": "mine\n",
        "a-file.txt": "a file\n",
        "presets/broken.yml": "task_queue: [celery\n",
        "presets/observability.yml": "observability:\n  otel: true\n",
        "presets/observability-number.yml": "observability: [otel, 1]\n",
        "presets/list.yml": "- celery\n",
        "presets/maybe.yml": "docker: maybe\n",
        "presets/colour.yml": "colour: red\n",
        "presets/unquoted.yml": "python_version: 3.12\n",
        "presets/rq.yml": "task_queue: rq\n",
        "not-a-template/README.md": "hello\n",
        f"project/{ANSWERS_FILE}": "_commit: v1\n_src_path: gh:org/t\nproject_name: Orders\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    broken = make_fixture_template(tmp_path / "broken-template")
    (broken / "template" / "broken.txt.jinja").write_text("{{ project_name }\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def interrupt_after_two_files(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Ctrl-C inside copier, once it has written two files of the project (the list returned)."""
    write_bytes = pathlib.Path.write_bytes
    written: list[Path] = []

    def write_then_interrupt(self: Path, data: bytes) -> int:
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(self)
        return write_bytes(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_then_interrupt)
    return written


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_error_line_and_writes_nothing(
    case: Case, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(workspace)
    written = interrupt_after_two_files(monkeypatch) if case.interrupt else []

    result = scaffold(*case.args, env=case.env)

    assert result.exit_code == case.exit_code, result.output
    assert result.exc_info is None or result.exc_info[0] is SystemExit, result.exc_info
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert case.message in result.stderr
    assert snapshot(workspace) == before
    if case.interrupt:
        assert len(written) == 2, "interrupted mid-render"


# Cases run as a real process. The bundled template is this checkout, a git repository, on which
# copier notes its tags on stderr: the one case that reaches copier renders the plain fixture.
SUBPROCESS_CASES = {
    "name-empty": ["--template", "fixture-template"],
    "dest-overlong": [],
    "dest-not-empty": [],
    "dest-under-a-file": [],
    "dest-unwritable": [],
    "unknown": [],
    "no-dest": [],
    "docker-maybe": [],
    "task-queue-rq": [],
    "data-file-malformed": [],
    "template-without-copier-yml": [],
}


@pytest.mark.parametrize("launcher", ["console-script", "python-m"])
@pytest.mark.parametrize(
    ("case", "extra"),
    [
        pytest.param(*param.values, SUBPROCESS_CASES[str(param.id)], id=param.id, marks=param.marks)
        for param in CASES
        if param.id in SUBPROCESS_CASES
    ],
)
def test_bad_input_as_a_process(
    case: Case, extra: list[str], launcher: str, workspace: Path
) -> None:
    """The same, through the real entry points: nothing on stderr but the line, no traceback."""
    command = (
        [str(Path(sys.executable).with_name("scaffold"))]
        if launcher == "console-script"
        else [sys.executable, "-m", "generator"]
    )
    args = [*case.args, *extra]
    before = snapshot(workspace)

    completed = subprocess.run(
        [*command, *args],
        cwd=workspace,
        env={**os.environ, **case.env},
        stdin=subprocess.DEVNULL,  # not a terminal: nothing is asked
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == case.exit_code, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.startswith("error: "), completed.stderr
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert case.message in completed.stderr
    assert snapshot(workspace) == before


INTERRUPTED_SCAFFOLD = textwrap.dedent(
    """
    import pathlib, signal, sys
    from generator.cli import main

    # A runner may start its children with SIGINT ignored: restore Python's Ctrl-C.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    write_bytes = pathlib.Path.write_bytes
    written = []

    def write_then_wait(self, data):
        result = write_bytes(self, data)
        written.append(self)
        if len(written) == 2:
            print("two files written", flush=True)
            sys.stdin.readline()  # the test sends SIGINT while this waits
        return result

    pathlib.Path.write_bytes = write_then_wait
    sys.argv = ["scaffold", *sys.argv[1:]]
    main()
    """
)


def test_sigint_during_generation_leaves_nothing(workspace: Path) -> None:
    """A real Ctrl-C (SIGINT) while copier writes: exit 130, one line, no half-written project."""
    before = snapshot(workspace)
    args = ["new", "deep/svc", *NAME, "--template", str(workspace / "fixture-template"), "-q"]

    with subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_SCAFFOLD, *args],
        cwd=workspace,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline() == "two files written\n"
        assert (workspace / "deep" / "svc").is_dir(), "interrupted mid-render"
        process.send_signal(signal.SIGINT)
        returncode = process.wait()
        stderr = process.stderr.read()

    assert returncode == 130, stderr
    assert stderr == "error: interrupted\n"
    assert snapshot(workspace) == before


def test_force_never_deletes_or_changes_the_users_other_files(workspace: Path) -> None:
    """--force into a project-like directory: only the files the template writes change."""
    existing = workspace / "existing"
    (existing / "src" / "orders").mkdir(parents=True)
    (existing / "src" / "orders" / "mine.py").write_text("MINE = 1\n", encoding="utf-8")
    (existing / "README.md").write_text("my readme\n", encoding="utf-8")
    before = snapshot(existing)

    result = scaffold("new", "existing", *NAME, "--force")

    assert result.exit_code == 0, result.output
    after = snapshot(existing)
    written = {"README.md", ".copier-answers.yml", "settings.toml", "src/orders/__init__.py"}
    assert {name for name in after if after[name] != before.get(name)} == written
    assert {name for name in before if name not in after} == set()


def test_scaffold_alone_still_prints_the_help() -> None:
    """`scaffold` without a command is no one-line error: it shows the commands, as click does."""
    result = scaffold()

    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: scaffold [OPTIONS] COMMAND [ARGS]...")
    assert "new" in result.stderr.split("Commands:")[1]
