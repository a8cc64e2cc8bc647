"""``mlsd merge-driver``: catalogues merged entry by entry (issue 12), with real git too."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.changes.merge3 import merge_bytes
from mlsd_cli.errors import CatalogueError
from tests import gitmerge
from tests.conftest import SAMPLE_TOML

Cli = Callable[..., Result]
BASE = store.parse_catalogue(SAMPLE_TOML.encode())


def _text(catalogue: Catalogue) -> bytes:
    return store.dumps(catalogue).encode()


def _changed(fn: Callable[[Catalogue], object]) -> bytes:
    catalogue = store.parse_catalogue(SAMPLE_TOML.encode())
    fn(catalogue)
    return _text(catalogue)


def _merge(ours: Callable[[Catalogue], object], theirs: Callable[[Catalogue], object]) -> Any:
    result = merge_bytes(SAMPLE_TOML.encode(), _changed(ours), _changed(theirs))
    tomli.loads(result.text)  # always valid TOML
    return result


def _entry(catalogue: Catalogue, rid: str) -> Resource:
    found = catalogue.resource(rid)
    assert found is not None
    return found


def _add(rid: str) -> Callable[[Catalogue], object]:
    return lambda c: c.resources.append(
        Resource(id=rid, title=rid.title(), kind="blog", sections=["platforms"])
    )


def test_both_sides_new_entries_are_kept() -> None:
    result = _merge(_add("from-ours"), _add("from-theirs"))
    assert result.conflicts == []
    ids = [r.id for r in store.parse_catalogue(result.text.encode()).resources]
    assert ids == [
        "ubers-michelangelo",
        "the-log",
        "facebook-ads-clicks",
        "from-ours",
        "from-theirs",
    ]


def test_different_fields_of_one_entry_are_merged_and_tags_as_sets() -> None:
    def ours(c: Catalogue) -> None:
        _entry(c, "the-log").year = 2014
        _entry(c, "the-log").tags.append("logs")

    def theirs(c: Catalogue) -> None:
        _entry(c, "the-log").org = "Confluent"
        _entry(c, "the-log").tags[:] = ["kafka"]  # removes streaming, adds kafka

    result = _merge(ours, theirs)
    assert result.conflicts == []
    log = _entry(store.parse_catalogue(result.text.encode()), "the-log")
    assert (log.year, log.org, log.tags) == (2014, "Confluent", ["logs", "kafka"])


def test_sections_and_catalogue_fields_are_merged() -> None:
    def ours(c: Catalogue) -> None:
        c.title = "Renamed"

    def theirs(c: Catalogue) -> None:
        c.sections.append(Section("serving", "Serving"))
        c.description = "About serving too."

    result = _merge(ours, theirs)
    assert result.conflicts == []
    merged = store.parse_catalogue(result.text.encode())
    assert (merged.title, merged.description) == ("Renamed", "About serving too.")
    assert [s.id for s in merged.sections] == ["platforms", "streaming", "serving"]


def test_the_same_field_changed_both_ways_is_a_conflict_mlsd_refuses_to_load(
    tmp_path: Path, cli: Cli
) -> None:
    result = _merge(
        lambda c: setattr(_entry(c, "the-log"), "year", 2014),
        lambda c: setattr(_entry(c, "the-log"), "year", 2015),
    )
    assert result.lines() == [
        "resource 'the-log', field 'year' was changed on both sides (the file keeps ours)"
    ]
    conflict = tomli.loads(result.text)["conflicts"]
    assert conflict == [
        {
            "resource": "the-log",
            "field": "year",
            "ours": 2014,
            "theirs": 2015,
            "base": 2013,
        }
    ]
    path = tmp_path / "resources.toml"
    path.write_text(result.text, encoding="utf-8")
    listed = cli("list", "--catalogue", str(path))
    assert listed.exit_code == 2
    line = listed.stderr.strip()
    assert (
        "\n" not in line and "unresolved merge conflict: resource 'the-log', field 'year'" in line
    )
    assert re.search(r"resources\.toml:\d+", line) and "delete its [[conflicts]] block" in line
    resolved = re.sub(r"\n# Merge conflict.*", "\n", result.text, flags=re.S)
    path.write_text(resolved, encoding="utf-8")
    assert cli("list", "--catalogue", str(path)).exit_code == 0


def test_removed_on_one_side_edited_on_the_other_keeps_the_edited_entry() -> None:
    def ours(c: Catalogue) -> None:
        c.resources = [r for r in c.resources if r.id != "the-log"]

    result = _merge(ours, lambda c: setattr(_entry(c, "the-log"), "year", 2015))
    assert result.lines() == [
        "resource 'the-log' was removed on ours side and edited on theirs (the file keeps it)"
    ]
    assert tomli.loads(result.text)["resources"][1]["year"] == 2015


def test_removed_on_one_side_unchanged_on_the_other_is_removed() -> None:
    def theirs(c: Catalogue) -> None:
        c.resources = [r for r in c.resources if r.id != "the-log"]

    result = _merge(_add("new-one"), theirs)
    assert result.conflicts == []
    ids = [r.id for r in store.parse_catalogue(result.text.encode()).resources]
    assert "the-log" not in ids and "new-one" in ids


def test_a_merge_that_would_not_validate_is_recorded_not_written_broken() -> None:
    def ours(c: Catalogue) -> None:
        c.resources.append(Resource(id="new", title="New", kind="blog", sections=["streaming"]))

    def theirs(c: Catalogue) -> None:
        c.sections = [s for s in c.sections if s.id != "streaming"]
        c.resources = [r for r in c.resources if r.id != "the-log"]

    result = _merge(ours, theirs)
    assert len(result.conflicts) == 1 and "streaming" in result.lines()[0]
    assert result.lines()[0].startswith("the merged catalogue does not validate")


def test_the_driver_leaves_ours_as_it_was_when_a_version_does_not_load(
    tmp_path: Path, cli: Cli
) -> None:
    base, ours, theirs = (tmp_path / n for n in ("o", "a", "b"))
    base.write_text(SAMPLE_TOML, encoding="utf-8")
    ours.write_text(SAMPLE_TOML, encoding="utf-8")
    theirs.write_text("<<<<<<< HEAD\n", encoding="utf-8")
    result = cli("merge-driver", str(base), str(ours), str(theirs), "resources.toml")
    assert result.exit_code == 2 and "resources.toml (theirs)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert ours.read_text(encoding="utf-8") == SAMPLE_TOML
    with pytest.raises(CatalogueError):
        merge_bytes(b"", SAMPLE_TOML.encode(), b"[[resources]]\n")


# ----------------------------------------------------------------- real git


def _branches(repo: Path, ours: list[str], theirs: list[str], cli: Cli) -> Result:
    """Commands on branch a and on branch b (`mlsd ARGS`), then `git merge b` on a."""
    path = str(repo / "resources.toml")
    gitmerge.git(repo, "branch", "a")
    gitmerge.git(repo, "branch", "b")
    for branch, commands in (("a", ours), ("b", theirs)):
        gitmerge.git(repo, "checkout", "-q", branch)
        for command in commands:
            args = [*command.split("|"), "--catalogue", path]
            result = cli(*args)
            assert result.exit_code == 0, (args, result.stderr)
        gitmerge.git(repo, "commit", "-q", "-am", branch)
    gitmerge.git(repo, "checkout", "-q", "a")
    merged = gitmerge.git(repo, "merge", "--no-edit", "b", check=False)
    return merged  # type: ignore[return-value]


@pytest.fixture
def repo(tmp_path: Path, sample_catalogue: Path) -> Path:
    repo = gitmerge.new_repo(tmp_path / "repo", sample_catalogue)
    gitmerge.use_driver(repo)
    gitmerge.git(repo, "add", ".gitattributes")
    gitmerge.git(repo, "commit", "-q", "-m", "driver")
    return repo


def _add_cmd(title: str) -> str:
    return f"add|--no-fetch|--yes|--force|--title|{title}|--kind|blog|--section|platforms"


def test_git_merges_adds_and_edits_on_both_sides(repo: Path, cli: Cli) -> None:
    merged = _branches(
        repo,
        [
            _add_cmd("Ours one"),
            _add_cmd("Ours two"),
            "edit|the-log|--year|2014",
            "tag|the-log|+a",
        ],
        [_add_cmd("Theirs one"), "edit|the-log|--org|Confluent", "tag|the-log|+b"],
        cli,
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    catalogue = store.load(repo / "resources.toml")
    ids = {r.id for r in catalogue.resources}
    assert {"ours-one", "ours-two", "theirs-one"} <= ids
    log = _entry(catalogue, "the-log")
    assert (log.year, log.org, log.tags) == (2014, "Confluent", ["streaming", "a", "b"])


def test_git_marks_a_true_conflict_and_the_file_stays_valid(repo: Path, cli: Cli) -> None:
    merged = _branches(repo, ["edit|the-log|--year|2014"], ["edit|the-log|--year|2015"], cli)
    assert merged.returncode != 0
    status = gitmerge.git(repo, "status", "--porcelain").stdout
    assert "UU resources.toml" in status
    text = (repo / "resources.toml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and tomli.loads(text)["conflicts"][0]["field"] == "year"
    listed = cli("list", "--catalogue", str(repo / "resources.toml"))
    assert listed.exit_code == 2 and "resource 'the-log', field 'year'" in listed.stderr


def test_git_merge_where_one_branch_removes_and_the_other_edits(repo: Path, cli: Cli) -> None:
    merged = _branches(
        repo,
        ["remove|the-log|--yes"],
        ["edit|the-log|--year|2015", _add_cmd("Theirs one")],
        cli,
    )
    assert merged.returncode != 0
    text = (repo / "resources.toml").read_text(encoding="utf-8")
    data = tomli.loads(text)
    assert data["conflicts"] == [{"resource": "the-log", "removed_in": "ours"}]
    assert {r["id"] for r in data["resources"]} >= {"the-log", "theirs-one"}


@pytest.mark.slow
@pytest.mark.parametrize("ops", [gitmerge.ALL_OPS, ("add",)], ids=["mixed", "adds-only"])
def test_twenty_random_pairs_merge_with_the_driver(
    tmp_path: Path, cli: Cli, ops: tuple[str, ...]
) -> None:
    outcomes = []
    for seed in range(20):
        repo = gitmerge.new_repo(tmp_path / f"pair{seed}")
        outcomes.append(gitmerge.run_pair(cli, repo, 100 + seed, driver=True, ops=ops))
    assert [o.git_output for o in outcomes if o.conflicted] == []
    assert all(o.loads for o in outcomes)
    assert [o.missing for o in outcomes if o.missing] == []


# ----------------------------------------------------------------- mlsd init --git


def test_init_git_sets_up_the_driver_and_is_idempotent(tmp_path: Path, cli: Cli) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    gitmerge.git(repo, "init", "-q")
    path = str(repo / "resources.toml")
    first = cli("init", path, "--git")
    assert first.exit_code == 0, first.stderr
    again = cli("init", path, "--git")
    assert again.exit_code == 0, again.stderr
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "resources.toml merge=mlsd\n"
    driver = gitmerge.git(repo, "config", "merge.mlsd.driver").stdout.strip()
    assert driver == "mlsd merge-driver %O %A %B"
    store.load(repo / "resources.toml")


def test_init_git_outside_a_repository_says_so(tmp_path: Path, cli: Cli) -> None:
    result = cli("init", str(tmp_path / "resources.toml"), "--git")
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
