"""`scaffold`: the command line. Thin commands; `answers`, `template` and `console` do the work.

`scaffold new` has one option per question of the bundled copier.yml (see `generator.flags`):
`--project-name TEXT`, `--docker/--no-docker`, `--task-queue [none|taskiq|celery]`, ...
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from generator import answers, postgen, template
from generator.errors import ScaffoldError, UsageError
from generator.commands.flags import with_question_options
from generator.commands.failures import FlagAwareCommand, OneLineErrorsGroup
from generator.commands.change import register_commands

app = typer.Typer(
    cls=OneLineErrorsGroup,
    no_args_is_help=True,
    # Plain help: rich help imports ~100 ms of modules, more than `scaffold --help` may take.
    rich_markup_mode=None,
    # --debug shows the plain Python traceback, without local variables.
    pretty_exceptions_enable=False,
)

QUESTIONS = template.bundled_questions()


def _print_version(value: bool) -> None:
    if value:
        import generator

        typer.echo(f"scaffold {generator.__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", envvar="SCAFFOLD_DEBUG", help="Show tracebacks instead of one-line errors."
        ),
    ] = False,
) -> None:
    """Generate FastAPI services from one Copier template."""


@contextmanager
def _reported_errors(ctx: typer.Context) -> Iterator[None]:
    """Print a ScaffoldError as one line and exit with its code; with --debug, let it propagate."""
    try:
        yield
    except KeyboardInterrupt:
        from generator.console import print_aborted

        print_aborted()
        raise typer.Exit(130) from None
    except ScaffoldError as error:
        if ctx.find_root().params.get("debug"):
            raise
        from generator.console import print_error

        print_error(error.message)
        raise typer.Exit(error.exit_code) from None


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@app.command(cls=FlagAwareCommand)
@with_question_options(QUESTIONS)
def new(
    ctx: typer.Context,
    dest: Annotated[
        str,
        typer.Argument(
            metavar="DEST", help="Directory to create the service in.", show_default=False
        ),
    ],
    *,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Ask nothing: unanswered questions take their defaults."
            " Implied when stdin is not a terminal.",
        ),
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="KEY=VALUE",
            help="Answer a question by name (repeatable); the value is parsed by its type.",
        ),
    ] = None,
    data_file: Annotated[
        Path | None,
        typer.Option(
            "--data-file",
            metavar="FILE",
            help="YAML mapping of answers, e.g. a team's preset; --data and flags override it.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--template",
            metavar="SRC",
            help="Copier template to render instead of the bundled one: a path, git URL or"
            " gh:owner/repo. The option flags still come from the bundled copier.yml; answer the"
            " template's other questions with --data.",
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option("--vcs-ref", metavar="REF", help="Git tag, branch or commit of the template."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Render into a non-empty DEST: files the template writes are overwritten,"
            " others are kept.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the files it would write; write nothing.")
    ] = False,
    git: Annotated[
        bool,
        typer.Option(
            "--git", help="Make DEST a git repository with the generated files as first commit."
        ),
    ] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Create the environment with `uv sync` (downloads packages); needs uv.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    **question_flags: Any,
) -> None:
    """Create a FastAPI service in DEST.

    Unanswered questions are asked in a terminal; with --defaults, or without a terminal, they take
    their defaults. `scaffold options` lists every question. Nothing but the rendering runs unless
    --install or --git asks for it.
    """
    with _reported_errors(ctx):
        if dry_run and (git or install):
            raise UsageError("--dry-run writes nothing: leave out --git and --install")
        bundled = source is None
        if source is None:
            source = str(template.bundled_template())
        else:
            template.check_source(source)
            source = template.absolute_source(source)
        # A custom template has its own choices and required questions: copier checks those.
        questions = QUESTIONS if bundled else tuple(q.without_choices() for q in QUESTIONS)
        given = answers.collect_answers(
            questions,
            flags=question_flags,
            data=answers.parse_data_pairs(data or []),
            preset={} if data_file is None else answers.load_data_file(data_file),
            allow_unknown=not bundled,
        )
        terminal = _stdin_is_terminal()
        ask = terminal and not defaults
        if bundled and not ask:
            answers.check_required(questions, given, terminal=terminal)
        target = template.destination(dest, force=force)
        tools = postgen.find_tools(target, git=git, install=install)

        from generator import console  # rich: only once there is something to show

        if dry_run:
            files = template.preview(source, target, given, vcs_ref=vcs_ref, defaults=not ask)
            console.print_tree(target, files)
            return
        rendered = template.render(
            source, target, given, vcs_ref=vcs_ref, defaults=not ask, overwrite=force
        )
        if tools.uv is not None:
            with console.status("Installing the environment with uv sync", quiet=quiet) as show:
                postgen.install(target, tools.uv, show)
        if tools.git is not None:
            postgen.init_repository(target, tools.git)
        if not quiet:
            console.print_summary(
                target, rendered.answers, rendered.files, installed=install, committed=git
            )


@app.command(cls=FlagAwareCommand)
def options(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the questions of the bundled template: the options of `scaffold new`."""
    with _reported_errors(ctx):
        from generator import console

        if as_json:
            typer.echo(console.options_json(QUESTIONS))
        else:
            console.print_options(QUESTIONS)


register_commands(app)  # update, set, enable, check, drift: generator/commands/change.py


def main() -> None:
    """Entry point of the `scaffold` console script."""
    app(prog_name="scaffold")
