"""`scaffold update`, `set`, `enable`, `check` and `drift`: keep generated services in step.

Thin commands, registered on the app in `generator.cli`; `project`, `update`, `drift` and `report`
do the work and are imported when a command runs, so `scaffold --help` stays fast.
"""

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from generator.errors import ScaffoldError, UsageError
from generator.questions import Question


class ConflictStyle(enum.StrEnum):
    inline = "inline"
    rej = "rej"


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


def update(
    ctx: typer.Context,
    path: ProjectPath = Path(),
    *,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref",
            metavar="REF",
            help="Template version to update to: a tag, branch or commit."
            "  [default: the newest tag]",
        ),
    ] = None,
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
    conflict: ConflictOption = ConflictStyle.inline,
    pretend: PretendOption = False,
) -> None:
    """Update a generated project to the newest template version, keeping your edits.

    Copier's three-way merge: the template's changes since the project's version are applied to
    your files. The project must be a clean git work tree; review the result with git diff.
    Conflicted files are listed, and make the exit code 1.
    """
    with _reported(ctx):
        _update(
            path,
            template,
            from_ref,
            vcs_ref=vcs_ref,
            data={},
            keep_version=False,
            conflict=conflict,
            pretend=pretend,
        )


def set_answers(
    ctx: typer.Context,
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEY=VALUE...",
            help="New answers, e.g. task_queue=taskiq log_format=console.",
            show_default=False,
        ),
    ] = None,
    *,
    path: ProjectOption = Path(),
    data_file: Annotated[
        Path | None,
        typer.Option(
            "--data-file",
            metavar="FILE",
            help="YAML mapping of answers, e.g. a team's preset; KEY=VALUE arguments override it.",
        ),
    ] = None,
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
    conflict: ConflictOption = ConflictStyle.inline,
    pretend: PretendOption = False,
) -> None:
    """Change answers of a generated project and apply them, keeping your edits.

    The project stays on its template version (scaffold update moves it); the files the new
    answers change are merged as in an update. Unknown questions and badly typed values are
    refused before anything is touched; choices and validators are checked by copier, also
    before the project is touched.
    """
    with _reported(ctx):
        from generator.answers import load_data_file

        given = _parse_assignments(assignments or [], bare_means_true=False)
        preset = {} if data_file is None else load_data_file(data_file)
        _set(path, template, from_ref, {**preset, **given}, conflict=conflict, pretend=pretend)


def enable(
    ctx: typer.Context,
    features: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME[=VALUE]...",
            help="Features to turn on: a yes/no question by name (docker), or NAME=VALUE"
            " (task_queue=taskiq).",
            show_default=False,
        ),
    ],
    *,
    path: ProjectOption = Path(),
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
    conflict: ConflictOption = ConflictStyle.inline,
    pretend: PretendOption = False,
) -> None:
    """Turn features on in a generated project, keeping your edits: scaffold set with NAME=true.

    `scaffold enable docker http_client task_queue=taskiq` is
    `scaffold set docker=true http_client=true task_queue=taskiq`.
    """
    with _reported(ctx):
        given = _parse_assignments(features, bare_means_true=True)
        bools = {question.name for question in _questions() if question.type == "bool"}
        for name in (feature for feature in features if "=" not in feature):
            if name.strip() not in bools:
                raise UsageError(f"{name} is not a yes/no question: enable it with {name}=VALUE")
        _set(path, template, from_ref, given, conflict=conflict, pretend=pretend)


def check(
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
    with _reported(ctx), _cannot_tell():
        from generator import project, report

        found = project.check(project.load_project(path, template=template, from_ref=from_ref))
        report.print_check(path, found)
        if found.outdated:
            raise typer.Exit(1)


def drift(
    ctx: typer.Context,
    path: ProjectPath = Path(),
    *,
    diff: Annotated[
        bool, typer.Option("--diff", help="Show the diff of each changed file.")
    ] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="GLOB",
            help="Leave matching paths out (repeatable; * also matches /). Adds to drift-ignore"
            " under [tool.scaffold] in the project's pyproject.toml.",
        ),
    ] = None,
    template: TemplateOption = None,
    from_ref: FromRefOption = None,
) -> None:
    """Report how a project differs from the template at its version and answers.

    The template is rendered again, with the project's recorded answers at its recorded version,
    in a temporary directory; the files added, removed and changed are listed. New files under
    src/ and tests/ are the service's own code and not listed. Exit 1 when there is drift, 2
    when PATH is not a generated project or the template cannot be rendered.
    """
    with _reported(ctx), _cannot_tell():
        from generator import drift as drifting
        from generator import project, report

        found = project.load_project(path, template=template, from_ref=from_ref)
        result = drifting.drift(found, ignore=ignore or [])
        report.print_drift(path, found.version, result, diff=diff)
        if result.found:
            raise typer.Exit(1)


def register_commands(app: typer.Typer) -> None:
    """Add update, set, enable, check and drift to the `scaffold` app."""
    commands: dict[str, Callable[..., None]] = {
        "update": update,
        "set": set_answers,
        "enable": enable,
        "check": check,
        "drift": drift,
    }
    for name, command in commands.items():
        app.command(name)(command)


def _update(
    path: Path,
    template: str | None,
    from_ref: str | None,
    *,
    vcs_ref: str | None,
    data: Mapping[str, object],
    keep_version: bool,
    conflict: ConflictStyle,
    pretend: bool,
) -> None:
    from generator import project, report
    from generator import update as updating

    found = project.load_project(path, template=template, from_ref=from_ref)
    result = updating.update(
        found,
        vcs_ref=vcs_ref,
        data=data,
        keep_version=keep_version,
        conflict="rej" if conflict is ConflictStyle.rej else "inline",
        pretend=pretend,
    )
    report.print_update(path, result, pretend=pretend)
    if result.conflicts:
        raise typer.Exit(1)


def _set(
    path: Path,
    template: str | None,
    from_ref: str | None,
    given: Mapping[str, object],
    *,
    conflict: ConflictStyle,
    pretend: bool,
) -> None:
    from generator.project import read_answers

    if not given:
        raise UsageError("give at least one answer: KEY=VALUE, or --data-file")
    recorded = read_answers(path)
    data = _checked_answers(given, _questions(), recorded)
    _update(
        path,
        template,
        from_ref,
        vcs_ref=None,
        data=data,
        keep_version=True,
        conflict=conflict,
        pretend=pretend,
    )


def _parse_assignments(arguments: Sequence[str], *, bare_means_true: bool) -> dict[str, object]:
    given: dict[str, object] = {}
    for argument in arguments:
        key, separator, value = argument.partition("=")
        key = key.strip()
        if not key or not (separator or bare_means_true):
            raise UsageError(f"expected KEY=VALUE, got {argument!r}")
        given[key] = value if separator else True
    return given


def _checked_answers(
    given: Mapping[str, object], questions: Sequence[Question], recorded: Mapping[str, object]
) -> dict[str, object]:
    """Each answer parsed by its question's type; unknown questions refused.

    A question is known when the bundled copier.yml asks it or the project records an answer to
    it (a team's template may ask more). Choices and validators are left to copier: a team's
    template may offer other choices.
    """
    by_name = {question.name: question.without_choices() for question in questions}
    known = [*by_name, *(key for key in recorded if not key.startswith("_") and key not in by_name)]
    checked: dict[str, object] = {}
    for key, value in given.items():
        if key not in known:
            raise UsageError(f"unknown question {key!r} (valid: {', '.join(known)})")
        question = by_name.get(key)
        checked[key] = value if question is None else question.parse(value, key)
    return checked


def _questions() -> tuple[Question, ...]:
    from generator.cli import QUESTIONS

    return QUESTIONS


@contextmanager
def _reported(ctx: typer.Context) -> Iterator[None]:
    from generator.cli import _reported_errors

    with _reported_errors(ctx):
        yield


@contextmanager
def _cannot_tell() -> Iterator[None]:
    """For check and drift, whose exit code 1 has a meaning: any failure exits 2."""
    try:
        yield
    except ScaffoldError as error:
        if error.exit_code != 1:
            raise
        raise ScaffoldError(error.message, exit_code=2) from error
