"""generator.commands.params: the shared declarations, and what they promise every command."""

from __future__ import annotations

import pytest
import typer.main

from generator import cli
from generator.commands import params
from generator.questions import load_questions
from tests.helpers import REAL_TEMPLATE

COMMANDS = typer.main.get_command(cli.app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_argument_and_option_is_explained(name: str) -> None:
    command = COMMANDS[name]

    unexplained = [
        param.name
        for param in command.params
        if not (getattr(param, "help", None) or param.name == "help")
    ]

    assert command.help
    assert unexplained == []


def test_the_questions_are_those_of_the_bundled_copier_yml() -> None:
    assert load_questions(REAL_TEMPLATE / "copier.yml") == params.QUESTIONS


def test_commands_on_a_project_share_one_template_option() -> None:
    helps = {
        name: next(p for p in COMMANDS[name].params if p.name == "template").help
        for name in ("update", "set", "enable", "check", "drift")
    }

    assert len(set(helps.values())) == 1, helps
