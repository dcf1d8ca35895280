"""What `scaffold` prints: one-line errors, the options table, the file tree and the summary.

The CLI imports this module only when it has something to print: `scaffold --help` never loads rich.
Rich leaves out styles when the stream is not a terminal; with NO_COLOR set they are left out too.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from generator.questions import Question, format_value
from generator.text import INSTALL_UV, one_line, plural

# Files of a generated project deeper than this many directories are counted, not listed.
_SUMMARY_DEPTH = 2


def new_console(*, stderr: bool = False, markup: bool = True, soft_wrap: bool = False) -> Console:
    """A console for `scaffold`'s output: no highlighting; no styles at all when NO_COLOR is set.

    Rich's own NO_COLOR support drops colours but keeps bold and the like (https://no-color.org
    asks only for colour): without a colour system, no escape sequence is written at all.
    """
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        highlight=False,
        markup=markup,
        soft_wrap=soft_wrap,
        color_system=None if plain else "auto",
    )


def print_error(message: str) -> None:
    """`error: <message>` on stderr, on one line whatever the terminal width.

    Whitespace runs become one space and other control characters are escaped (`\\x1b`): a name
    quoted in the message can neither break the line nor send escape sequences to the terminal.
    """
    line = one_line(message)
    printable = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in line
    )
    new_console(stderr=True).print(
        Text("error: ", style="bold red") + Text(printable), soft_wrap=True
    )


def print_aborted() -> None:
    """The line for Ctrl-C: an error like the others."""
    print_error("interrupted")


def print_options(questions: Sequence[Question]) -> None:
    """A table of the questions, one row each, in copier.yml order."""
    table = Table(
        title="Questions of copier.yml",
        title_justify="left",
        caption="Answer with `scaffold new --NAME` (hyphens for underscores) or --data NAME=VALUE.",
        caption_justify="left",
    )
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("default", overflow="fold")
    table.add_column("choices", overflow="fold")
    table.add_column("help", overflow="fold", ratio=1)
    for question in questions:
        table.add_row(
            question.name,
            question.type,
            question.default_label() or Text("(required)", style="yellow"),
            "|".join(format_value(choice) for choice in question.choices),
            question.help,
        )
    new_console().print(table)


def options_json(questions: Iterable[Question]) -> str:
    """The questions as a JSON list: the machine-readable form of `scaffold options`."""
    return json.dumps(
        [
            {
                "name": question.name,
                "flag": question.flag,
                "type": question.type,
                "required": question.required,
                "default": None if question.required else question.default,
                "derived": question.derived,
                "choices": list(question.choices),
                "help": question.help,
                "has_validator": question.has_validator,
            }
            for question in questions
        ],
        indent=2,
    )


def print_tree(dest: Path, files: Sequence[Path]) -> None:
    """The files a dry run would write, as a tree under DEST; files that exist are marked."""
    console = new_console()
    console.print(_file_tree(dest, files, mark_existing=True))
    console.print(f"dry run: {len(files)} files, nothing written", style="dim")


def print_summary(
    dest: Path,
    answers: Mapping[str, object],
    files: Sequence[Path],
    *,
    installed: bool,
    committed: bool,
) -> None:
    """What was created (a tree folded below two directories), the optional steps, what to run."""
    console = new_console()
    name = answers.get("project_name") or dest.name
    count = plural(len(files), "file")
    console.print(
        Text.assemble("Created ", (str(name), "bold"), f" in {dest}: {count}"), soft_wrap=True
    )
    console.print(_file_tree(dest, files, depth=_SUMMARY_DEPTH))
    if installed:
        console.print("Installed its environment with uv sync")
    if committed:
        console.print("Made a git repository with a first commit")
    console.print("\nNext steps:", style="bold")
    for step in next_steps(dest, answers, installed=installed):
        console.print(f"  {step}", soft_wrap=True)


def next_steps(dest: Path, answers: Mapping[str, object], *, installed: bool) -> list[str]:
    """Shell commands, run as printed: install uv if missing, set up, test, serve (and work)."""
    steps = [
        *([] if installed or shutil.which("uv") else [f"{INSTALL_UV}  # uv runs everything below"]),
        f"cd {shlex.quote(str(dest))}",
        *([] if installed else ["uv sync"]),
        "uv run pytest",
    ]
    package = answers.get("package_name")
    if isinstance(package, str) and package:
        if answers.get("database", "none") != "none":
            steps.append("uv run alembic upgrade head  # create the database's tables")
        brokers = {"taskiq": "Redis", "celery": "RabbitMQ and Redis"}
        if broker := brokers.get(str(answers.get("task_queue"))):
            steps.append(
                f"uv run python -m {package}.worker  # in another terminal; needs {broker}"
            )
        # The generated README's run command; its Dockerfile's CMD is the same without `uv run`.
        steps.append(
            f"uv run uvicorn {package}.asgi:app --no-access-log --timeout-graceful-shutdown 15"
        )
    return steps


@contextmanager
def status(message: str, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr while a step runs; the function it yields shows the step's latest line.

    Transient: in a terminal it is erased when the step ends; elsewhere, or `quiet`, nothing shows.
    """
    if quiet:
        yield lambda line: None
        return
    with new_console(stderr=True).status(message) as spinner:

        def show(line: str) -> None:
            text = Text.assemble(message, ("  " + line, "dim"))
            text.no_wrap, text.overflow = True, "ellipsis"
            spinner.update(text)

        yield show


def _file_tree(
    dest: Path, files: Sequence[Path], *, depth: int | None = None, mark_existing: bool = False
) -> Tree:
    """`files` (relative to `dest`) as a tree; directories `depth` levels down show a count."""
    folded: Counter[Path] = Counter()
    entries: list[Path] = []  # files and folded directories, in path order
    for file in sorted(files):
        directories = list(reversed(file.parents[:-1]))
        if depth is None or len(directories) <= depth:
            entries.append(file)
            continue
        if directories[depth] not in folded:
            entries.append(directories[depth])
        folded[directories[depth]] += 1

    tree = Tree(Text(f"{dest.name or dest}/", style="bold"))
    branches: dict[Path, Tree] = {Path(): tree}
    for entry in entries:
        for directory in reversed(entry.parents[:-1]):
            if directory not in branches:
                branches[directory] = branches[directory.parent].add(f"{directory.name}/")
        if entry in folded:
            label = Text(f"{entry.name}/") + Text(
                f"  ({plural(folded[entry], 'file')})", style="dim"
            )
        else:
            label = Text(entry.name)
            if mark_existing and (dest / entry).exists():
                label.append("  (overwrite)", style="yellow")
        branches[entry.parent].add(label)
    return tree
