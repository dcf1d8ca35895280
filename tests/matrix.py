"""The option matrix: every pair of option values appears in at least one generated project.

Derived from copier.yml (bool questions and questions with choices), so a new option or choice
joins the matrix by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations, product

from generator.questions import load_questions
from tests.projects import DEFAULT_NAME, REPO_ROOT

Row = dict[str, object]
Pair = tuple[tuple[str, object], tuple[str, object]]


def option_domains() -> dict[str, tuple[object, ...]]:
    """Every question with a finite set of answers, in copier.yml's order."""
    domains: dict[str, tuple[object, ...]] = {}
    for question in load_questions(REPO_ROOT / "copier.yml"):
        if question.type == "bool":
            domains[question.name] = (True, False)
        elif question.multiselect:
            # None, each choice alone, and all: tuples, so that rows stay hashable.
            singles = tuple((choice,) for choice in question.choices)
            domains[question.name] = ((), *singles, question.choices)
        elif question.choices:
            domains[question.name] = question.choices
    return domains


def pairs_of(row: Mapping[str, object]) -> set[Pair]:
    return set(combinations(sorted(row.items(), key=lambda item: item[0]), 2))


def covering_array(
    domains: Mapping[str, tuple[object, ...]], given: list[Row] | None = None
) -> list[Row]:
    """Rows that, with the `given` ones, cover every pair of values (greedy, deterministic).

    Each step takes the full combination that covers most still-uncovered pairs; with a few
    hundred combinations, trying them all is cheap and needs no random seed.
    """
    names = list(domains)
    candidates = [dict(zip(names, values, strict=True)) for values in product(*domains.values())]
    uncovered = set().union(*(pairs_of(row) for row in candidates))
    for row in given or []:
        uncovered -= pairs_of(row)
    rows: list[Row] = []
    while uncovered:
        best = max(candidates, key=lambda row: len(pairs_of(row) & uncovered))
        rows.append(best)
        uncovered -= pairs_of(best)
    return rows


def extreme_rows(domains: Mapping[str, tuple[object, ...]]) -> dict[str, Row]:
    """All features on (the first non-"none" choice, every choice of a multiselect) and all off
    (false, "none", no choice, else the last)."""

    def on(values: tuple[object, ...]) -> object:
        if values == (True, False):
            return True
        if values[0] == ():  # a multiselect: its last value holds every choice
            return values[-1]
        return next(v for v in values if v != "none")

    def off(values: tuple[object, ...]) -> object:
        if values == (True, False):
            return False
        if values[0] == ():
            return ()
        return "none" if "none" in values else values[-1]

    return {
        "all-on": {name: on(values) for name, values in domains.items()},
        "all-off": {name: off(values) for name, values in domains.items()},
    }


# The longest realistic name (a 52-character package): every line whose length depends on a name
# must still fit. Given to the all-on project and to every Celery project.
LONG_PROJECT_NAME = "Customer Subscription Billing Reconciliation Service"


def project_name_of(name: str, row: Row) -> str:
    """The project name the matrix project `name` is generated with."""
    return LONG_PROJECT_NAME if name == "all-on" or row["task_queue"] == "celery" else DEFAULT_NAME


def matrix() -> dict[str, Row]:
    """Named projects: all-on, all-off and the covering array's rows."""
    domains = option_domains()
    named = extreme_rows(domains)
    for number, row in enumerate(covering_array(domains, list(named.values())), start=1):
        named[f"pairwise-{number:02d}"] = row
    return named
