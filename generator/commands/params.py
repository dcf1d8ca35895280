"""The arguments and options the commands share, declared once as `Annotated` aliases.

Also the questions of the bundled copier.yml: `scaffold new` has one flag per question (see
`generator.commands.flags`), and `set` and `enable` take answers to them.
"""

import enum
from pathlib import Path
from typing import Annotated, Final

import typer

from generator import template

QUESTIONS: Final = template.bundled_questions()


class ConflictStyle(enum.StrEnum):
    inline = "inline"
    rej = "rej"


# --- scaffold new ---------------------------------------------------------------------------------

Destination = Annotated[
    str,
    typer.Argument(metavar="DEST", help="Directory to create the service in.", show_default=False),
]
DefaultsOption = Annotated[
    bool,
    typer.Option(
        "--defaults",
        help="Ask nothing: unanswered questions take their defaults."
        " Implied when stdin is not a terminal.",
    ),
]
DataOption = Annotated[
    list[str] | None,
    typer.Option(
        "--data",
        "-d",
        metavar="KEY=VALUE",
        help="Answer a question by name (repeatable); the value is parsed by its type. A"
        " multiple-choice question given again adds its choices: -d observability=otel"
        " -d observability=sentry.",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--template",
        metavar="SRC",
        help="Copier template to render instead of the bundled one: a path, git URL or"
        " gh:owner/repo. The option flags still come from the bundled copier.yml; answer the"
        " template's other questions with --data.",
    ),
]
VcsRefOption = Annotated[
    str | None,
    typer.Option("--vcs-ref", metavar="REF", help="Git tag, branch or commit of the template."),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Render into a non-empty DEST: files the template writes are overwritten,"
        " others are kept.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the files it would write; write nothing.")
]
GitOption = Annotated[
    bool,
    typer.Option(
        "--git", help="Make DEST a git repository with the generated files as first commit."
    ),
]
InstallOption = Annotated[
    bool,
    typer.Option(
        "--install", help="Create the environment with `uv sync` (downloads packages); needs uv."
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

# --- scaffold new and set -------------------------------------------------------------------------

DataFileOption = Annotated[
    Path | None,
    typer.Option(
        "--data-file",
        metavar="FILE",
        help="YAML mapping of answers, e.g. a team's preset; answers given on the command line"
        " override it.",
    ),
]

# --- commands on a generated project: update, set, enable, check, drift ---------------------------

ProjectPath = Annotated[
    Path,
    typer.Argument(
        metavar="PATH",
        help="The generated project: a directory with .copier-answers.yml.",
        show_default=False,
    ),
]
ProjectOption = Annotated[
    Path,
    typer.Option("--path", "-C", metavar="PATH", help="The generated project.", show_default="."),
]
TemplateOption = Annotated[
    str | None,
    typer.Option(
        "--template",
        metavar="SRC",
        help="The template's git repository (path, URL or gh:owner/repo), instead of the"
        " _src_path recorded in .copier-answers.yml: for a template that moved, or a project"
        " made from the bundled template.",
    ),
]
FromRefOption = Annotated[
    str | None,
    typer.Option(
        "--from-ref",
        metavar="REF",
        help="The template version (tag) the project was generated from, when"
        " .copier-answers.yml records none (_commit), as with the bundled template.",
    ),
]
ConflictOption = Annotated[
    ConflictStyle,
    typer.Option("--conflict", help="Leave conflicts as inline <<<<<<< markers or as .rej files."),
]
PretendOption = Annotated[
    bool, typer.Option("--pretend", help="Show the files it would change; write nothing.")
]
UpdateRefOption = Annotated[
    str | None,
    typer.Option(
        "--vcs-ref",
        metavar="REF",
        help="Template version to update to: a tag, branch or commit.  [default: the newest tag]",
    ),
]
Assignments = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="KEY=VALUE...",
        help="New answers, e.g. task_queue=taskiq log_format=console; a multiple-choice"
        " question given twice keeps both (observability=otel observability=sentry).",
        show_default=False,
    ),
]
Features = Annotated[
    list[str],
    typer.Argument(
        metavar="NAME[=VALUE]...",
        help="Features to turn on: a yes/no question by name (docker), or NAME=VALUE"
        " (task_queue=taskiq); a multiple-choice question given twice keeps both.",
        show_default=False,
    ),
]
DiffOption = Annotated[bool, typer.Option("--diff", help="Show the diff of each changed file.")]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="GLOB",
        help="Leave matching paths out (repeatable; * also matches /). Adds to drift-ignore"
        " under [tool.scaffold] in the project's pyproject.toml.",
    ),
]
