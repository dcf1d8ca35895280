"""`scaffold new` and `scaffold options`: create a service, and list the questions it answers.

`scaffold new` has one option per question of the bundled copier.yml (see `flags`):
`--project-name TEXT`, `--docker/--no-docker`, `--task-queue [none|taskiq|celery]`, ...
"""

import sys
from pathlib import Path
from typing import Any

import typer

from generator import answers, postgen, rendering, template
from generator.commands.failures import reported_errors
from generator.commands.flags import with_question_options
from generator.commands.params import (
    QUESTIONS,
    DataFileOption,
    DataOption,
    DefaultsOption,
    Destination,
    DryRunOption,
    ForceOption,
    GitOption,
    InstallOption,
    JsonOption,
    QuietOption,
    SourceOption,
    VcsRefOption,
)
from generator.errors import UsageError


def stdin_is_terminal() -> bool:
    """Whether copier can ask the unanswered questions (the tests replace this)."""
    return sys.stdin.isatty()


@with_question_options(QUESTIONS)
def new(
    ctx: typer.Context,
    dest: Destination,
    *,
    defaults: DefaultsOption = False,
    data: DataOption = None,
    data_file: DataFileOption = None,
    source: SourceOption = None,
    vcs_ref: VcsRefOption = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    git: GitOption = False,
    install: InstallOption = False,
    quiet: QuietOption = False,
    **question_flags: Any,
) -> None:
    """Create a FastAPI service in DEST.

    Unanswered questions are asked in a terminal; with --defaults, or without a terminal, they take
    their defaults. `scaffold options` lists every question. Nothing but the rendering runs unless
    --install or --git asks for it.
    """
    with reported_errors(ctx):
        if dry_run and (git or install):
            raise UsageError("--dry-run writes nothing: leave out --git and --install")
        bundled = source is None
        source = str(template.bundled_template()) if source is None else _checked_source(source)
        # A custom template has its own choices and required questions: copier checks those.
        questions = QUESTIONS if bundled else tuple(q.without_choices() for q in QUESTIONS)
        given = answers.collect_answers(
            questions,
            flags=question_flags,
            data=answers.split_pairs(
                data or [], option="--data", multiselect=answers.multiselect_names(questions)
            ),
            preset={} if data_file is None else answers.load_data_file(data_file),
            allow_unknown=not bundled,
        )
        terminal = stdin_is_terminal()
        ask = terminal and not defaults
        if bundled and not ask:
            answers.check_required(questions, given, terminal=terminal)
        target = rendering.destination(dest, force=force)
        tools = postgen.find_tools(target, commit=git, install=install)

        from generator import console  # rich: only once there is something to show

        if dry_run:
            with rendering.rendered_in_scratch(
                source, target, given, vcs_ref=vcs_ref, defaults=not ask
            ) as (_, preview):
                console.print_tree(target, preview.files)
            return
        rendered = rendering.render(
            source, target, given, vcs_ref=vcs_ref, defaults=not ask, overwrite=force
        )
        _run_steps(target, tools, quiet=quiet)
        if not quiet:
            console.print_summary(
                target, rendered.answers, rendered.files, installed=install, committed=git
            )


def _checked_source(source: str) -> str:
    template.check_source(source)
    return template.absolute_source(source)


def _run_steps(target: Path, tools: postgen.Tools, *, quiet: bool) -> None:
    """--install, then --git (so that the first commit holds uv.lock)."""
    from generator import console

    if tools.uv is not None:
        with console.status("Installing the environment with uv sync", quiet=quiet) as show:
            postgen.install(target, tools.uv, show)
    if tools.git is not None:
        postgen.init_repository(target, tools.git)


def options(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the questions of the bundled template: the options of `scaffold new`."""
    with reported_errors(ctx):
        from generator import console

        if as_json:
            typer.echo(console.options_json(QUESTIONS))
        else:
            console.print_options(QUESTIONS)
