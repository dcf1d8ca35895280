"""generator.report: what update, set, check and drift print."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import report
from generator.drift import Drift
from generator.project import VersionCheck
from generator.update import Change, UpdateResult


def printed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_an_update_lists_its_changes_and_conflicts(capsys: pytest.CaptureFixture[str]) -> None:
    result = UpdateResult(
        "v1",
        "v2",
        {},
        changes=[Change("README.md", "modified"), Change("docs/ops.md", "added")],
        conflicts=["README.md"],
    )

    report.print_update(Path("svc"), result, pretend=False)

    assert printed(capsys) == [
        "svc: template v1 → v2; changed 2 files:",
        "  modified README.md",
        "  added    docs/ops.md",
        "svc has conflicts in 1 file:",
        "  README.md",
        "Resolve the <<<<<<< markers (or apply the .rej hunks and delete the .rej files), then git"
        " add and commit.",
    ]


def test_an_update_that_changes_nothing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    report.print_update(Path("svc"), UpdateResult("v1", "v1", {}), pretend=True)

    assert printed(capsys) == ["svc: nothing to change (template version v1)"]


def test_check_names_both_versions_and_the_project_by_its_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    report.print_check(Path(), VersionCheck("v1", "v3"))
    report.print_check(Path("svc"), VersionCheck("v3", "v3"))

    assert printed(capsys) == [
        f"{tmp_path.name}: template update available: v1 → v3 (run scaffold update)",
        "svc is on the newest template version (v3)",
    ]


def test_drift_lists_each_kind_and_the_diffs_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = Drift(["notes.txt"], [], ["README.md"], {"README.md": "--- a\n+++ b\n-x\n+y"})

    report.print_drift(Path("svc"), "v1", found, diff=True)

    assert printed(capsys) == [
        "svc drifts from the template v1 with its answers:",
        "changed (1):",
        "  README.md",
        "added (1):",
        "  notes.txt",
        "",
        "--- a",
        "+++ b",
        "-x",
        "+y",
    ]
