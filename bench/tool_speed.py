"""Wall time of the CLI against plain Copier on the same template (median of N runs).

Usage: uv run python bench/tool_speed.py [--runs 7]

Both render a non-git copy of this repository's template (as the installed wheel carries it),
with the same answers, into fresh directories. Site-packages is byte-compiled first, as pip does
at install time (uv does not by default, and PYTHONDONTWRITEBYTECODE would otherwise make every
run compile every import from source).
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import REPO_ROOT, Broken, machine_line, markdown_table, median, run

BIN = Path(sys.executable).parent


def timed(command: list[str], runs: int, before: Callable[[int], None] | None = None) -> float:
    """Median wall seconds of `command` over `runs` runs (after one warm-up run)."""
    samples = []
    for index in range(runs + 1):
        if before:
            before(index)
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            raise Broken(f"{Path(command[0]).name} exited {completed.returncode}: {last}")
        if index:  # the first run only warms the file cache
            samples.append(time.perf_counter() - started)
    return median(samples)


def generated(out: Path) -> None:
    """Raise Broken unless the last run left a project in `out` (its answers file)."""
    if not (out / ".copier-answers.yml").is_file():
        raise Broken(f"no project was generated in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=2, workers=0)
    compileall.compile_dir(REPO_ROOT / "generator", quiet=2)

    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template-src"
        template.mkdir()
        shutil.copy(REPO_ROOT / "copier.yml", template)
        shutil.copytree(REPO_ROOT / "template", template / "template")
        out = Path(tmp) / "out"

        def fresh_out(index: int) -> None:
            shutil.rmtree(out, ignore_errors=True)

        answers = ["--data", "project_name=Orders Service"]
        help_scaffold = timed([str(BIN / "scaffold"), "--help"], args.runs)
        help_copier = timed([str(BIN / "copier"), "--help"], args.runs)
        new_scaffold = timed(
            [str(BIN / "scaffold"), "new", str(out), "--defaults", "--quiet",
             "--template", str(template), *answers],
            args.runs,
            fresh_out,
        )  # fmt: skip
        generated(out)
        copy_copier = timed(
            [
                str(BIN / "copier"),
                "copy",
                "--defaults",
                "--quiet",
                *answers,
                str(template),
                str(out),
            ],
            args.runs,
            fresh_out,
        )
        generated(out)

    print(f"## scaffold vs copier ({machine_line()}, median of {args.runs} runs)\n")
    print(
        markdown_table(
            ["task", "scaffold (s)", "copier (s)", "ratio", "target"],
            [
                ["--help", help_scaffold, help_copier, help_scaffold / help_copier, "≤ 0.15 s"],
                [
                    "generate, defaults",
                    new_scaffold,
                    copy_copier,
                    new_scaffold / copy_copier,
                    "≤ 1.10 x copier",
                ],
            ],
        )
    )


if __name__ == "__main__":
    run(main)
