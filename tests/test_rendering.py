"""generator.rendering: copier into DEST or a scratch directory; what a failure leaves behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import pytest
from copier.errors import UserMessageError

from generator import rendering
from generator.errors import ScaffoldError, UsageError
from tests.helpers import ANSWERS_FILE, error_line, scaffold


def test_render_returns_the_files_written_and_the_recorded_answers(
    fixture_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "new" / "svc"

    rendered = rendering.render(
        str(fixture_template),
        dest,
        {"project_name": "Billing"},
        vcs_ref=None,
        defaults=True,
        overwrite=False,
    )

    assert sorted(rendered.files) == sorted(
        Path(name)
        for name in (ANSWERS_FILE, "README.md", "settings.toml", "src/billing/__init__.py")
    )
    assert rendered.answers["package_name"] == "billing"


def test_with_overwrite_only_new_or_changed_files_are_listed(
    fixture_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "svc"
    answers = {"project_name": "Billing"}
    rendering.render(
        str(fixture_template), dest, answers, vcs_ref=None, defaults=True, overwrite=False
    )
    (dest / "README.md").write_text("mine\n", encoding="utf-8")

    again = rendering.render(
        str(fixture_template), dest, answers, vcs_ref=None, defaults=True, overwrite=True
    )

    assert again.files == [Path("README.md")]


def test_a_scratch_render_borrows_the_folder_name_and_is_removed(
    fixture_template: Path, tmp_path: Path
) -> None:
    like = tmp_path / "orders-service"

    with rendering.rendered_in_scratch(
        str(fixture_template), like, {"project_name": "Orders"}, vcs_ref=None, defaults=True
    ) as (root, rendered):
        assert root.name == "orders-service"
        assert (root / "README.md").read_text(encoding="utf-8").startswith("# Orders\n")
        assert Path("README.md") in rendered.files

    assert not root.exists()
    assert not like.exists()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (ValueError("Validation error for question 'x':\n  bad"), UsageError),
        (UserMessageError("Template render failed:\nboom"), ScaffoldError),
        (OSError("disk full"), ScaffoldError),
    ],
)
def test_copier_errors_become_one_line_scaffold_errors(
    raised: Exception, expected: type[ScaffoldError]
) -> None:
    with pytest.raises(expected) as caught, rendering.copier_errors():
        raise raised

    assert "\n" not in caught.value.message
    assert caught.value.exit_code == (2 if expected is UsageError else 1)


def test_ctrl_c_goes_through() -> None:
    with pytest.raises(KeyboardInterrupt), rendering.copier_errors():
        raise KeyboardInterrupt


def test_failed_render_into_an_empty_dest_empties_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()

    def failing(src_path: str, dst_path: Path, data: dict[str, Any], **kwargs: Any) -> Any:
        (dst_path / "pkg").mkdir()
        (dst_path / "pkg" / "a.py").write_text("", encoding="utf-8")
        raise UserMessageError("Template render failed:\nboom")

    monkeypatch.setattr(copier, "run_copy", failing)

    result = scaffold("new", str(dest), "--project-name", "X")

    assert result.exit_code == 1
    assert error_line(result) == "error: Template render failed: boom"
    assert dest.is_dir()
    assert list(dest.iterdir()) == []
