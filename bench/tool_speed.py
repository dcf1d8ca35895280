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

from common import REPO_ROOT, machine_line, markdown_table, median

BIN = Path(sys.executable).parent


def timed(command: list[str], runs: int, before: Callable[[int], None] | None = None) -> float:
    """Median wall seconds of `command` over `runs` runs (after one warm-up run)."""
    samples = []
    for run in range(runs + 1):
        if before:
            before(run)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        if run:  # the first run only warms the file cache
            samples.append(time.perf_counter() - started)
    return median(samples)


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

        def fresh_out(run: int) -> None:
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
    main()
