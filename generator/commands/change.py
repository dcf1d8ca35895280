"""`scaffold update`, `set` and `enable`: change a generated project, keeping the user's edits.

All three are Copier's three-way update (`generator.update`): `update` moves the project to
another template version, `set` and `enable` give it other answers at the version it is on.
"""

from collections.abc import Mapping
from pathlib import Path

import typer

from generator import answers, project, update
from generator.commands.failures import reported_errors
from generator.commands.params import (
    QUESTIONS,
    Assignments,
    ConflictOption,
    ConflictStyle,
    DataFileOption,
    Features,
    FromRefOption,
    PretendOption,
    ProjectOption,
    ProjectPath,
    TemplateOption,
    UpdateRefOption,
)
from generator.errors import UsageError


def update_project(
    ctx: typer.Context,
    path: ProjectPath = Path(),
    *,
    vcs_ref: UpdateRefOption = None,
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
    with reported_errors(ctx):
        found = project.load_project(path, template=template, from_ref=from_ref)
        _apply(found, vcs_ref, {}, keep_version=False, conflict=conflict, pretend=pretend)


def set_answers(
    ctx: typer.Context,
    assignments: Assignments = None,
    *,
    path: ProjectOption = Path(),
    data_file: DataFileOption = None,
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
    with reported_errors(ctx):
        given = answers.split_pairs(
            assignments or [], multiselect=answers.multiselect_names(QUESTIONS)
        )
        preset = {} if data_file is None else answers.load_data_file(data_file)
        _set(path, template, from_ref, {**preset, **given}, conflict=conflict, pretend=pretend)


def enable_features(
    ctx: typer.Context,
    features: Features,
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
    with reported_errors(ctx):
        given = answers.split_pairs(
            features, bare_means_true=True, multiselect=answers.multiselect_names(QUESTIONS)
        )
        bools = {question.name for question in QUESTIONS if question.type == "bool"}
        for name in (feature for feature in features if "=" not in feature):
            if name.strip() not in bools:
                raise UsageError(f"{name} is not a yes/no question: enable it with {name}=VALUE")
        _set(path, template, from_ref, given, conflict=conflict, pretend=pretend)


def _set(
    path: Path,
    template: str | None,
    from_ref: str | None,
    given: Mapping[str, object],
    *,
    conflict: ConflictStyle,
    pretend: bool,
) -> None:
    """New answers, at the project's template version.

    A question is known when the bundled copier.yml asks it or the project records an answer to
    it (a team's template may ask more). Choices and validators are left to copier: a team's
    template may offer other choices.
    """
    if not given:
        raise UsageError("give at least one answer: KEY=VALUE, or --data-file")
    recorded = [key for key in project.read_answers(path) if not key.startswith("_")]
    questions = [question.without_choices() for question in QUESTIONS]
    data = answers.parse_answers(given, questions, also_known=recorded)
    found = project.load_project(path, template=template, from_ref=from_ref)
    _apply(found, None, data, keep_version=True, conflict=conflict, pretend=pretend)


def _apply(
    found: project.Project,
    vcs_ref: str | None,
    data: Mapping[str, object],
    *,
    keep_version: bool,
    conflict: ConflictStyle,
    pretend: bool,
) -> None:
    """Run the update (see `update.run`), print what it did; exit 1 on conflicts."""
    from generator import report

    result = update.run(
        found,
        vcs_ref=vcs_ref,
        data=data,
        keep_version=keep_version,
        conflict="rej" if conflict is ConflictStyle.rej else "inline",
        pretend=pretend,
    )
    report.print_update(found.path, result, pretend=pretend)
    if result.conflicts:
        raise typer.Exit(1)
