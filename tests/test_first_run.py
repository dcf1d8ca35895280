"""A new user's first run, as printed and documented, executed rather than compared.

The slow scenarios start from what a new user has: a clean clone of this repository and the
top-level README's quick start (`python3 -m pip install .` into a fresh virtual environment, on a
machine without uv), then run every next step `scaffold new` prints, verbatim, each in a shell:
the servers in the background until they answer, then stopped with SIGTERM. They also run the
generated README's commands, and hold the Dockerfile and compose.yaml to the same run command.
Printed servers listen on a free port through uvicorn's own `UVICORN_PORT`, so the printed line
is run unchanged. The quick start clones this repository: it sees committed changes only.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import yaml

from generator.text import INSTALL_UV
from tests.helpers import error_line, scaffold
from tests.projects import REPO_ROOT, find_interpreter, free_port, recorded_answers, uv_environment

Env = Mapping[str, str]
# The README's quick start makes this project; its answers are the defaults but for the name.
QUICK_START_PROJECT = "orders-service"
STOP_TIMEOUT_SECONDS = 30
START_TIMEOUT_SECONDS = 90
# The generated README's commands that are not next steps, run by the scenarios below.
RUN_HERE = frozenset(
    {
        "cp .env.example .env",
        "uv run ruff check . && uv run ruff format --check . && uv run mypy .",
    }
)


# --- running what is printed ---------------------------------------------------------------------


def shell(command: str, cwd: Path, env: Env, timeout: float = 900) -> str:
    """Run `command` as written in bash; fail with its output unless it exits 0; return stdout."""
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, (
        f"$ {command}  (in {cwd}, exit {completed.returncode})\n"
        f"{completed.stdout[-6000:]}\n{completed.stderr[-6000:]}"
    )
    return completed.stdout


def printed_steps(output: str) -> list[str]:
    """The commands under "Next steps:" in `scaffold new`'s output."""
    assert "Next steps:\n" in output, output
    return [line.strip() for line in output.split("Next steps:\n")[1].splitlines() if line.strip()]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http to localhost)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def background(command: str, cwd: Path, env: Env, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`command` in bash, in a session of its own; on leaving, SIGTERM to it all, bounded wait.

    It must then have stopped within STOP_TIMEOUT_SECONDS, either on its own (exit 0) or by the
    signal (uv passes the signal's status on: 128 + SIGTERM).
    """
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                returncode = process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                pytest.fail(f"$ {command} did not stop on SIGTERM\n{read_log(log)}")
    stopped = {0, 128 + signal.SIGTERM, -signal.SIGTERM}
    assert returncode in stopped, f"$ {command} exited {returncode} on SIGTERM\n{read_log(log)}"


def read_log(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-6000:]


@contextmanager
def serving(command: str, cwd: Path, env: Env, log: Path, port: int) -> Iterator[str]:
    """`command` started in the background until GET /health answers 200; yields the base URL."""
    url = f"http://127.0.0.1:{port}"
    with background(command, cwd, env, log) as process:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            assert process.poll() is None, f"$ {command} exited early\n{read_log(log)}"
            assert time.monotonic() < deadline, f"$ {command}: no /health\n{read_log(log)}"
            try:
                if get(f"{url}/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        yield url


class Steps:
    """Runs printed steps one after the other, each in its own shell, where the last `cd` went."""

    def __init__(self, cwd: Path, env: Env) -> None:
        self.cwd = cwd
        self.env = env

    def run(self, step: str) -> None:
        if step.startswith("cd "):
            self.cwd = Path(shell(f"{step} && pwd", self.cwd, self.env).strip())
        else:
            shell(step, self.cwd, self.env)

    def serve(self, step: str, log: Path) -> AbstractContextManager[str]:
        port = free_port()
        return serving(step, self.cwd, {**self.env, "UVICORN_PORT": str(port)}, log, port)


def environment(bin_dir: Path | None = None, *, without_uv: bool = False) -> dict[str, str]:
    """The test run's environment for uv (shared cache, no Python downloads), `bin_dir` first on
    PATH, and with `without_uv` none of the directories that hold a `uv`."""
    env = uv_environment({"PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    directories = env["PATH"].split(os.pathsep)
    if without_uv:
        directories = [d for d in directories if not (Path(d) / "uv").exists()]
    env["PATH"] = os.pathsep.join([str(bin_dir)] * (bin_dir is not None) + directories)
    return env


def for_project(env: Env, project: Path) -> dict[str, str]:
    """`env` plus the interpreter uv is to use for `project` (this machine's, never a download)."""
    python_version = str(recorded_answers(project)["python_version"])
    return {**env, "UV_PYTHON": str(find_interpreter(python_version))}


# --- what the READMEs, the Dockerfile and compose.yaml say ---------------------------------------


def quick_start_command() -> str:
    """The line of the top-level README's quick start that installs `scaffold` and runs it."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    [line] = [line for line in block.splitlines() if "scaffold new" in line]
    assert "python3 -m pip install ." in line
    return line


def readme_commands(readme: str) -> list[str]:
    """Every command of the README's bash blocks: continuations joined, comments dropped."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(" ".join(command.split()))
    return commands


def argv(step: str) -> list[str]:
    return shlex.split(step, comments=True)


def dockerfile_cmd(dockerfile: str) -> list[str]:
    [line] = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    command = json.loads(line.removeprefix("CMD "))
    assert isinstance(command, list)
    return [str(part) for part in command]


def dockerfile_env(dockerfile: str) -> dict[str, str]:
    """The final image's ENV values (PATH aside: the image's venv is the project's .venv here)."""
    final_stage = dockerfile.split("\nFROM ")[-1]
    values: dict[str, str] = {}
    for line in final_stage.splitlines():
        if line.startswith("ENV "):
            for assignment in shlex.split(line.removeprefix("ENV ")):
                name, value = assignment.split("=", 1)
                values[name] = value
    values.pop("PATH", None)
    return values


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` and its bytes; of the answers file, what does not name the source."""
    files = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    answers = yaml.safe_load(files.pop(".copier-answers.yml"))
    source = {key: answers.pop(key, None) for key in ("_src_path", "_commit")}
    assert source["_src_path"], "the answers file records the template"
    files[".copier-answers.yml (without _src_path, _commit)"] = yaml.safe_dump(answers).encode()
    return files


def check_readme_commands(
    project: Path, env: Env, ran: list[str], run_here: frozenset[str]
) -> None:
    """Each command of the generated README was run (`ran`), is run now (`run_here`), or names
    where it is exercised; a command none of these covers fails the test."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    # Commands that the generator's own tests run on generated projects, by how they start.
    elsewhere = {
        "scaffold check": "tests/test_compare.py",
        "scaffold update": "tests/test_change.py",
        "uv run alembic ": "tests/test_database.py",  # the README's migration commands, each
        "uv run pytest tests/test_contract.py": "tests/test_contract.py",  # "API contract"
        "uv run uvicorn --factory": "tests/test_contract.py",  # the server schemathesis runs on
        "uv run schemathesis run": "tests/test_contract.py",
    }
    ran_commands = {" ".join(argv(step)) for step in ran}
    for command in readme_commands(readme):
        if command in ran_commands or command.startswith(tuple(elsewhere)):
            continue
        if command in run_here:
            shell(command, project, env)
        elif command.startswith("curl "):
            # The README's port (8000) may be taken here; the project's own test makes the calls.
            assert "`tests/integration/test_worker.py` makes these two calls" in readme
        elif command.startswith("docker compose up -d "):
            # No Docker daemon: the services it names exist (check_compose checks what they run).
            compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
            named = command.removeprefix("docker compose up -d ").split()
            assert set(named) <= set(compose["services"]), command
        else:
            pytest.fail(f"no test runs the generated README's command: {command}")


def check_dockerfile(project: Path, env: Env, run_step: str) -> None:
    """The image runs the printed run command (without `uv run`); run that CMD as the image would:
    the project's venv first on PATH, the image's ENV set, until /health answers."""
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    command = dockerfile_cmd(dockerfile)
    assert ["uv", "run", *command] == argv(run_step)
    image_env = {
        **env,
        **dockerfile_env(dockerfile),
        "PATH": f"{project / '.venv' / 'bin'}{os.pathsep}{env['PATH']}",
    }
    port = free_port()
    image_env["UVICORN_PORT"] = str(port)
    with serving(shlex.join(command), project, image_env, project.parent / "image.log", port):
        pass


def check_compose(project: Path, env: Env, worker_step: str | None) -> None:
    """compose.yaml's API runs the image's CMD (the run command); its worker runs the printed
    worker command, and its health check (`--check`) passes against the local broker."""
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert "command" not in services["api"], "the API runs the Dockerfile's CMD"
    if worker_step is None:
        assert "worker" not in services
        return
    worker = argv(worker_step)[2:]  # without `uv run`
    assert services["worker"]["command"] == worker
    health_check = services["worker"]["healthcheck"]["test"]
    assert health_check == ["CMD", *worker, "--check"]
    shell(shlex.join(["uv", "run", *health_check[1:]]), project, env, timeout=60)


def check_fastapi_cli(project: Path, env: Env) -> None:
    """`fastapi dev` and `fastapi run` find the app through pyproject.toml and serve it."""
    for mode in ("dev", "run"):
        port = free_port()
        command = f"uv run fastapi {mode} --port {port}"
        with serving(command, project, env, project.parent / f"fastapi-{mode}.log", port):
            pass


# --- the scenarios -------------------------------------------------------------------------------


def test_without_uv_the_first_step_installs_it_and_install_says_how(tmp_path: Path) -> None:
    """Fast: the uv check itself, on a PATH with git and no uv, then with a uv added."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git
    (bin_dir / "git").symlink_to(git)
    path = {"PATH": str(bin_dir)}

    created = scaffold("new", tmp_path / "svc", "--project-name", "Orders", env=path)
    refused = scaffold("new", tmp_path / "other", "--project-name", "Orders", "--install", env=path)
    (bin_dir / "uv").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "uv").chmod(0o755)
    with_uv = scaffold("new", tmp_path / "third", "--project-name", "Orders", env=path)

    assert created.exit_code == 0, created.output
    assert printed_steps(created.stdout)[:2] == [
        f"{INSTALL_UV}  # uv runs everything below",
        f"cd {tmp_path / 'svc'}",
    ]
    assert refused.exit_code == 1
    assert error_line(refused) == (
        f"error: --install needs uv, which is not on PATH; install it with `{INSTALL_UV}`"
    )
    assert not (tmp_path / "other").exists()
    assert with_uv.exit_code == 0, with_uv.output
    assert printed_steps(with_uv.stdout)[0] == f"cd {tmp_path / 'third'}"


@pytest.mark.slow
def test_quick_start_from_a_clean_clone_on_a_machine_without_uv(tmp_path: Path) -> None:
    """README's quick start in a fresh venv: the files `copier copy` makes from git; every printed
    step, the README's commands, the Dockerfile's CMD and the FastAPI CLI, run."""
    import copier  # slow import; only the tests that render pay for it

    clone = tmp_path / "fastapi-scaffold"
    shell(f"git clone --quiet {shlex.quote(str(REPO_ROOT))} fastapi-scaffold", tmp_path, os.environ)
    reference = tmp_path / "reference"
    copier.run_copy(
        str(clone),
        reference,
        data={"project_name": "Orders Service"},
        defaults=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    venv = tmp_path / "venv"
    shell(f"{shlex.quote(sys.executable)} -m venv venv", tmp_path, os.environ)
    env = environment(venv / "bin", without_uv=True)
    assert shutil.which("uv", path=env["PATH"]) is None

    output = shell(quick_start_command(), clone, env)

    project = clone / QUICK_START_PROJECT
    bundled = venv.glob("lib/python*/site-packages/generator/_bundled/template")
    assert [cache for template in bundled for cache in template.rglob("__pycache__")], (
        "pip compiled the bundled template's modules: the bytecode _exclude keeps out"
    )
    assert tree(project) == tree(reference)
    steps = printed_steps(output)
    assert steps[0] == f"{INSTALL_UV}  # uv runs everything below"
    assert steps[1] == f"cd {QUICK_START_PROJECT}"
    assert steps[2:4] == ["uv sync", "uv run pytest"]
    assert f"`{steps[-1]}`" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    env = for_project(env, project)
    runner = Steps(clone, env)
    for step in steps[:-1]:
        runner.run(step)
    assert runner.cwd == project
    assert shutil.which("uv", path=env["PATH"]) == str(venv / "bin" / "uv")
    with runner.serve(steps[-1], tmp_path / "server.log") as url:
        assert get(f"{url}/health") == (200, b'{"status":"ok"}')

    check_readme_commands(project, env, ran=steps, run_here=RUN_HERE)
    check_dockerfile(project, env, steps[-1])
    check_compose(project, env, worker_step=None)
    check_fastapi_cli(project, env)


def run_job(url: str, body: dict[str, object]) -> dict[str, object]:
    """POST /jobs, then GET /jobs/{id} until it is done or failed; the job's last state."""
    posted = urllib.request.Request(  # noqa: S310 (http to localhost)
        f"{url}/jobs", data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(posted, timeout=10) as response:  # noqa: S310
        assert response.status == 202
        job_id = json.load(response)["id"]
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        job: dict[str, object] = json.loads(get(f"{url}/jobs/{job_id}")[1])
        if job["status"] in {"done", "failed"} or time.monotonic() > deadline:
            return job
        time.sleep(0.3)


def require_redis() -> None:
    """Skip, saying why, when the local Redis is unreachable; with REQUIRE_SERVICES=1, fail."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError as error:
        reason = f"Redis at 127.0.0.1:6379 is unreachable ({error})"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.mark.slow
@pytest.mark.services
def test_next_steps_of_a_task_queue_project_run_as_printed(tmp_path: Path) -> None:
    """taskiq: the printed worker and server run together until a job posted to the API is done."""
    require_redis()
    # A queue of this run's own, so no other worker on the same Redis takes its job.
    env = {**environment(), "QUEUE_NAME": f"first-run-{uuid.uuid4().hex}"}
    new = [sys.executable, "-m", "generator", "new", "billing", "--project-name", "Billing"]
    output = shell(shlex.join([*new, "--task-queue", "taskiq", "--defaults"]), tmp_path, env)

    project = tmp_path / "billing"
    env = for_project(env, project)
    steps = printed_steps(output)
    assert steps[:3] == ["cd billing", "uv sync", "uv run pytest"]
    migrate_step, worker_step, run_step = steps[3:]  # the default database is SQLite
    assert argv(migrate_step) == ["uv", "run", "alembic", "upgrade", "head"]
    assert argv(worker_step) == ["uv", "run", "python", "-m", "billing.worker"]
    runner = Steps(tmp_path, env)
    for step in steps[:4]:
        runner.run(step)
    worker_log = tmp_path / "worker.log"
    with (
        background(worker_step, runner.cwd, env, worker_log),
        runner.serve(run_step, tmp_path / "server.log") as url,
    ):
        job = run_job(url, {"size": 1000})
        assert job["status"] == "done", f"{job}\n{read_log(worker_log)}"

    check_readme_commands(project, env, ran=steps, run_here=RUN_HERE)
    check_dockerfile(project, env, run_step)
    check_compose(project, env, worker_step)
