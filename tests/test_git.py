"""generator.git: the one git runner, its fallback identity, and template repository URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import git
from generator.errors import ScaffoldError
from tests import template_repo


@pytest.fixture
def no_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git sees an empty global configuration and no identity from the environment."""
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("NAME", "EMAIL"):
        monkeypatch.delenv(f"GIT_AUTHOR_{name}", raising=False)
        monkeypatch.delenv(f"GIT_COMMITTER_{name}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    return config


def test_run_returns_the_output_and_a_failure_is_one_line(tmp_path: Path) -> None:
    assert git.run("--version", cwd=tmp_path).startswith("git version")

    with pytest.raises(git.GitError) as caught:
        git.run("rev-parse", "--verify", "HEAD", cwd=tmp_path)

    assert caught.value.command == "rev-parse"
    assert caught.value.message.startswith("git rev-parse failed: fatal: not a git repository")
    assert "\n" not in caught.value.message


def test_a_missing_git_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="git is not installed"):
        git.run("status", cwd=tmp_path, program=str(tmp_path / "no-git"))


def test_commit_falls_back_to_scaffold_only_without_an_identity(
    tmp_path: Path, no_identity: Path
) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    git.run("init", "--quiet", cwd=repository)
    (repository / "a.txt").write_text("a\n", encoding="utf-8")
    git.run("add", "a.txt", cwd=repository)

    git.commit("--quiet", "--no-gpg-sign", "-m", "first", cwd=repository)
    no_identity.write_text("[user]\n\tname = Ada\n\temail = ada@example.com\n", encoding="utf-8")
    git.commit("--quiet", "--no-gpg-sign", "--allow-empty", "-m", "second", cwd=repository)

    authors = git.run("log", "--format=%an <%ae> %s", cwd=repository).splitlines()
    assert authors == ["Ada <ada@example.com> second", "scaffold <scaffold@localhost> first"]
    assert "[user]" not in (repository / ".git" / "config").read_text(encoding="utf-8")


def test_toplevel_and_split_z(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    template_repo.git(tmp_path / "repo", "init", "--quiet")

    assert git.toplevel(tmp_path / "repo" / "sub") == (tmp_path / "repo").resolve()
    assert git.toplevel(outside) is None
    assert git.split_z("a\0b c\0\0") == ["a", "b c"]


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("gh:org/template", "https://github.com/org/template.git"),
        ("gl:/org/template.git", "https://gitlab.com/org/template.git"),
        ("git+https://git.example.com/t.git", "https://git.example.com/t.git"),
        ("git@example.com:org/t.git", "git@example.com:org/t.git"),
    ],
)
def test_remote_sources_are_git_urls(source: str, url: str) -> None:
    assert git.repository_url(source) == url


def test_a_local_source_must_be_the_root_of_a_work_tree(tmp_path: Path) -> None:
    repository = tmp_path / "template"
    repository.mkdir()
    (repository / "copier.yml").write_text("name: x\n", encoding="utf-8")
    plain = git.repository_url(str(repository))
    template_repo.commit_all(repository, "v1")
    (repository / "sub").mkdir()

    assert plain is None
    assert git.repository_url(str(repository)) == str(repository.resolve())
    assert git.repository_url(str(repository / "sub")) is None


def test_tags_lists_the_tag_names_of_a_repository(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("name: x\n", encoding="utf-8")
    template_repo.commit_all(tmp_path, "v1")
    template_repo.git(tmp_path, "tag", "v1.0.0")
    template_repo.git(tmp_path, "tag", "release/2")

    assert sorted(git.tags(str(tmp_path))) == ["release/2", "v1.0.0"]
