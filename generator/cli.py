"""`scaffold`: the Typer app. The commands live in `generator.commands`, one module per group.

Start-up stays fast (`scaffold --help` well under copier's): copier and rich are imported only
by the work a command does, never when the app is built.
"""

from typing import Annotated

import typer

from generator.commands import add, change, compare, create
from generator.commands.failures import FlagAwareCommand, OneLineErrorsGroup

app = typer.Typer(
    cls=OneLineErrorsGroup,
    no_args_is_help=True,
    # Plain help: rich help imports ~100 ms of modules, more than `scaffold --help` may take.
    rich_markup_mode=None,
    # --debug shows the plain Python traceback, without local variables.
    pretty_exceptions_enable=False,
)


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


# `new` and `options` explain a value given to an on/off flag (FlagAwareCommand).
app.command("new", cls=FlagAwareCommand)(create.new)
app.command("options", cls=FlagAwareCommand)(create.options)
app.command("update")(change.update_project)
app.command("set")(change.set_answers)
app.command("enable")(change.enable_features)
app.command("check")(compare.check_for_update)
app.command("drift")(compare.report_drift)
app.add_typer(add.app, name="add")


def main() -> None:
    """Entry point of the `scaffold` console script."""
    app(prog_name="scaffold")
