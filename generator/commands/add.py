"""`scaffold add KIND NAME`: grow a generated project in the template's shape.

Each kind is a sub-template of the bundled template (`generator.parts`); its inputs are checked
before anything renders, and nothing is written unless every file it creates is new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated

import typer

from generator.commands.failures import reported_errors
from generator.errors import UsageError

FIELD_HELP = (
    "NAME:TYPE[:unique][?]: TYPE is str, text, int, bool, float, decimal, date, datetime or uuid;"
    " :unique answers a duplicate with 409; a final ? makes the field optional."
)

app = typer.Typer(
    name="add",
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Add a resource, an upstream client, a background task or a job to a generated project.",
)

PathOption = Annotated[
    Path,
    typer.Option(
        "--path", "-C", "--project", metavar="PATH", help="The generated project.", show_default="."
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="List the files it would create and change; write nothing."),
]


@app.command("resource")
def add_resource(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="Singular, snake_case: order.")],
    fields: Annotated[
        list[str] | None, typer.Argument(metavar="FIELD...", help=FIELD_HELP, show_default=False)
    ] = None,
    *,
    plural: Annotated[
        str | None,
        typer.Option(help="The table's and the URL's name; derived from NAME (order → orders)."),
    ] = None,
    path: PathOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """A database resource: model, schemas, repository, routes, migration and their tests.

    scaffold add resource order customer:str:unique total:decimal paid:bool note:text?
    """
    with reported_errors(ctx):
        from generator import resources

        recorded = _project(
            path, "database", "none", "a resource needs a database: scaffold enable database=sqlite"
        )
        package = str(recorded["package_name"])
        parsed = resources.parse_fields(fields or [])
        plural_name = plural or resources.plural_of(name)
        resources.check_names(path, package, name, plural_name)
        data = resources.answers(path, package, name, plural_name, parsed)
        _add(path, "resource", data, ["uv run alembic upgrade head", "uv run pytest"], dry_run)


@app.command("client")
def add_client(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The upstream, snake_case: inventory.")
    ],
    *,
    base_url: Annotated[
        str, typer.Option("--base-url", metavar="URL", help="Where the upstream answers.")
    ],
    path: PathOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """An upstream's client on the shared AsyncClient: its module, NAME_URL setting and tests.

    scaffold add client inventory --base-url https://inventory.internal/v1/
    """
    with reported_errors(ctx):
        from generator import clients

        recorded = _project(
            path,
            "http_client",
            False,
            "a client needs the http client: scaffold enable http_client",
        )
        package = str(recorded["package_name"])
        url = clients.check(path, package, name, base_url)
        _add(path, "client", clients.answers(package, name, url), ["uv run pytest"], dry_run)


@app.command("task")
def add_task(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="What it does, snake_case: send_welcome_email.")
    ],
    *,
    path: PathOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """A background task the app's task runner runs after the response, and its tests.

    scaffold add task send_welcome_email
    """
    with reported_errors(ctx):
        from generator import workers

        recorded = _project(
            path,
            "background_tasks",
            False,
            "a task needs background tasks: scaffold enable background_tasks",
        )
        package = str(recorded["package_name"])
        workers.check_task(path, package, name)
        _add(path, "task", workers.task_answers(package, name), ["uv run pytest"], dry_run)


@app.command("job")
def add_job(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="What it does, snake_case: rebuild_index.")
    ],
    *,
    path: PathOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """A job of the project's task queue, run by its workers, with its enqueue helper and tests.

    scaffold add job rebuild_index
    """
    with reported_errors(ctx):
        from generator import workers

        recorded = _project(
            path,
            "task_queue",
            "none",
            "a job needs a task queue: scaffold enable task_queue=taskiq",
        )
        package = str(recorded["package_name"])
        workers.check_job(path, package, name)
        data = workers.job_answers(package, name, str(recorded["task_queue"]))
        _add(path, "job", data, ["uv run pytest"], dry_run)


def _project(path: Path, question: str, off: object, message: str) -> dict[str, object]:
    """The project's recorded answers; UsageError(`message`) when `question` is answered `off`."""
    from generator import project

    recorded = project.read_answers(path)
    if recorded.get(question, off) == off:
        raise UsageError(message)
    return recorded


def _add(
    path: Path, kind: str, data: Mapping[str, object], next_commands: Sequence[str], dry_run: bool
) -> None:
    """Render the part, write it unless `dry_run`, and print what it did and what to run next.

    Its name and its lines come from `generator.additions`, as `drift` sees them again.
    """
    from generator import additions, parts
    from generator.console import new_console

    name = additions.name_of(kind, data)
    edits = additions.edits_for(kind, data)
    with parts.plan(kind, path, data, name, edits) as (root, plan):
        if not dry_run:
            parts.write(root, path, plan)
    console = new_console(markup=False)
    verb = "Would add" if dry_run else "Added"
    console.print(f"{verb} {kind} {name}:")
    for created in plan.created:
        console.print(f"  create  {created}")
    for edited in plan.edited:
        console.print(f"  change  {edited}")
    if plan.manual:
        console.print("Add by hand (the place for it was rewritten):")
        for edit in plan.manual:
            console.print(f"  {edit.path}: {edit.line}")
    console.print("Next:")
    for command in next_commands:
        console.print(f"  {command}")
