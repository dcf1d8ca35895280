"""`scaffold check` and `drift`: compare a generated project with its template, changing nothing.

`check` compares versions (the project's and the template's newest tag), `drift` files (the
project's and a fresh render at its version). Exit 1 means "behind" or "drifted", so any failure
exits 2.
"""

from pathlib import Path

import typer

from generator import drift, project
from generator.commands.failures import cannot_tell, reported_errors
from generator.commands.params import (
    DiffOption,
    FromRefOption,
    IgnoreOption,
    ProjectPath,
    TemplateOption,
)


def check_for_update(
    ctx: typer.Context,
    path: ProjectPath = Path(),
    *,
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
) -> None:
    """Exit 0 when a project is on the newest template version, 1 when an update exists.

    Exit 2 when PATH is not a generated project, or its template or version cannot be read.
    A CI gate: the newest version is the highest release tag of the template's git repository.
    """
    with reported_errors(ctx), cannot_tell():
        from generator import report

        found = project.load_project(path, template=template, from_ref=from_ref)
        versions = project.check_version(found)
        report.print_check(path, versions)
        if versions.outdated:
            raise typer.Exit(1)


def report_drift(
    ctx: typer.Context,
    path: ProjectPath = Path(),
    *,
    diff: DiffOption = False,
    ignore: IgnoreOption = None,
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
) -> None:
    """Report how a project differs from the template at its version and answers.

    The template is rendered again, with the project's recorded answers at its recorded version,
    in a temporary directory; the files added, removed and changed are listed. New files under
    src/ and tests/ are the service's own code and not listed. Exit 1 when there is drift, 2
    when PATH is not a generated project or the template cannot be rendered.
    """
    with reported_errors(ctx), cannot_tell():
        from generator import report

        found = project.load_project(path, template=template, from_ref=from_ref)
        result = drift.compare(found, ignore=ignore or [])
        report.print_drift(path, found.version, result, diff=diff)
        if result.found:
            raise typer.Exit(1)
