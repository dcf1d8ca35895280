"""What `scaffold` prints: one-line errors, the options table, the file tree and the summary.

The CLI imports this module only when it has something to print: `scaffold --help` never loads rich.
Rich leaves out colour when the stream is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from generator.questions import Question, format_value


def print_error(message: str) -> None:
    """`error: <message>` on stderr, on one line whatever the terminal width."""
    line = Text("error: ", style="bold red") + Text(" ".join(message.split()))
    Console(stderr=True, highlight=False).print(line, soft_wrap=True)


def print_aborted() -> None:
    Console(stderr=True, highlight=False).print("aborted", style="yellow", soft_wrap=True)


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
    Console(highlight=False).print(table)


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
    tree = Tree(Text(f"{dest}/", style="bold"))
    branches: dict[Path, Tree] = {Path(): tree}
    for file in sorted(files):
        for directory in reversed(file.parents[:-1]):
            if directory not in branches:
                branches[directory] = branches[directory.parent].add(f"{directory.name}/")
        label = Text(file.name)
        if (dest / file).exists():
            label.append("  (overwrite)", style="yellow")
        branches[file.parent].add(label)
    console = Console(highlight=False)
    console.print(tree)
    console.print(f"dry run: {len(files)} files, nothing written", style="dim")


def print_summary(dest: Path, answers: Mapping[str, object]) -> None:
    """What was created and the commands to run next."""
    console = Console(highlight=False)
    name = answers.get("project_name") or dest.name
    console.print(Text.assemble("Created ", (str(name), "bold"), f" in {dest}"))
    console.print("\nNext steps:", style="bold")
    steps = [f"cd {shlex.quote(str(dest))}", "uv sync", "uv run pytest"]
    package = answers.get("package_name")
    if isinstance(package, str) and package:
        steps.append(f"uv run uvicorn {package}.main:app --reload")
    for step in steps:
        console.print(f"  {step}", soft_wrap=True)
