"""``mlsd section``: the tree with counts; add, rename, move, remove, each one safe write."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.changes.commit import commit
from mlsd_cli.changes.sections import plan_remove
from mlsd_cli.changes.sections import plan_rename
from mlsd_cli.errors import StaleError

Run = Callable[..., Result]


def _tree(cli: Run, cat: Path) -> list[dict[str, object]]:
    result = cli("section", "list", "--json", "-c", str(cat))
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def _order(cli: Run, cat: Path) -> list[tuple[str, object, object]]:
    return [(r["id"], r["parent"], r["depth"]) for r in _tree(cli, cat)]  # type: ignore[misc]


def test_list_is_the_tree_with_counts(cli: Run, sample_catalogue: Path) -> None:
    rows = _tree(cli, sample_catalogue)
    assert [(r["id"], r["depth"]) for r in rows] == [("platforms", 0), ("streaming", 1)]
    platforms, streaming = rows
    assert streaming["entries"] >= 1  # type: ignore[operator]
    assert platforms["total"] >= platforms["entries"]  # type: ignore[operator]
    text = cli("section", "list", "-c", str(sample_catalogue)).stdout.splitlines()
    assert text[0].startswith("ML platforms  [platforms]  (")
    assert text[1].startswith("  Streaming systems  [streaming]  (")


def test_list_through_the_global_catalogue_option(cli: Run, sample_catalogue: Path) -> None:
    result = cli("-c", str(sample_catalogue), "section", "list", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["platforms", "streaming"]


def test_add_under_a_parent_by_title_and_at_a_position(cli: Run, sample_catalogue: Path) -> None:
    cat = str(sample_catalogue)
    added = cli("section", "add", "Feature stores", "--parent", "ML platforms", "-c", cat)
    assert added.exit_code == 0, added.stderr
    assert added.stdout == "Added section 'feature-stores' (Feature stores) under 'platforms'.\n"
    first = cli("section", "add", "Search", "--position", "1", "--json", "-c", cat)
    assert json.loads(first.stdout)["section"] == {
        "id": "search",
        "title": "Search",
        "parent": None,
    }
    assert _order(cli, sample_catalogue) == [
        ("search", None, 0),
        ("platforms", None, 0),
        ("feature-stores", "platforms", 1),  # by id among its siblings (docs/merging.md)
        ("streaming", "platforms", 1),
    ]
    # The written file loads again and `add --section` now finds it.
    assert store.load(sample_catalogue).section("feature-stores") is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Streaming systems", "--parent", "platforms"], "exists under 'platforms' already"),
        (["Other", "--id", "streaming"], "the id 'streaming' exists already"),
        (["Other", "--id", "Not An Id"], "is not a usable section id"),
        (["Other", "--parent", "nowhere"], "--parent: no section named 'nowhere'"),
        (["Other", "--position", "0"], "--position: position 0 is not a place"),
        (["   "], "a section needs a title"),
    ],
)
def test_add_refusals_write_nothing(
    cli: Run, sample_catalogue: Path, args: list[str], message: str
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("section", "add", *args, "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_rename_title_and_id_moves_entries_and_children(cli: Run, sample_catalogue: Path) -> None:
    cat = str(sample_catalogue)
    holding = [r.id for r in store.load(sample_catalogue).resources if "platforms" in r.sections]
    result = cli("section", "rename", "ML plat", "Platforms", "--id", "ml-platforms", "-c", cat)
    assert result.exit_code == 0, result.stderr
    loaded = store.load(sample_catalogue)
    assert loaded.section("ml-platforms") is not None and loaded.section("platforms") is None
    assert loaded.section("streaming").parent == "ml-platforms"  # type: ignore[union-attr]
    assert [r.id for r in loaded.resources if "ml-platforms" in r.sections] == holding


def test_move_to_the_top_and_back_under_a_parent(cli: Run, sample_catalogue: Path) -> None:
    cat = str(sample_catalogue)
    assert cli("section", "move", "streaming", "--top", "--position", "1", "-c", cat).exit_code == 0
    assert _order(cli, sample_catalogue) == [("streaming", None, 0), ("platforms", None, 0)]
    assert cli("section", "move", "streaming", "--parent", "platforms", "-c", cat).exit_code == 0
    assert _order(cli, sample_catalogue) == [("platforms", None, 0), ("streaming", "platforms", 1)]


def test_move_refuses_a_cycle(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "section", "move", "platforms", "--parent", "streaming", "-c", str(sample_catalogue)
    )
    assert result.exit_code == 2 and "--parent: 'platforms' cannot go under" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_remove_refuses_while_it_holds_entries(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("section", "remove", "streaming", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "holds" in result.stderr and "--into" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_remove_into_another_section(cli: Run, sample_catalogue: Path) -> None:
    moved = [r.id for r in store.load(sample_catalogue).resources if "streaming" in r.sections]
    result = cli(
        "section",
        "remove",
        "streaming",
        "--into",
        "platforms",
        "--json",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["action"] == "removed" and data["entries"] == moved and data["into"] == "platforms"
    loaded = store.load(sample_catalogue)
    assert loaded.section("streaming") is None
    for r in loaded.resources:
        assert "streaming" not in r.sections
        if r.id in moved:
            assert r.sections.count("platforms") == 1


def test_remove_an_empty_section_lifts_its_children(cli: Run, sample_catalogue: Path) -> None:
    cat = str(sample_catalogue)
    assert cli("section", "add", "Holder", "--position", "2", "-c", cat).exit_code == 0
    assert cli("section", "move", "streaming", "--parent", "holder", "-c", cat).exit_code == 0
    result = cli("section", "remove", "holder", "-c", cat)
    assert result.exit_code == 0, result.stderr
    assert _order(cli, sample_catalogue) == [("platforms", None, 0), ("streaming", None, 0)]


def test_a_plan_on_a_section_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    planned = plan_rename(store.load(sample_catalogue), "streaming", "Streams")
    commit(sample_catalogue, plan_rename(store.load(sample_catalogue), "streaming", "Logs"))
    before = sample_catalogue.read_bytes()
    with pytest.raises(StaleError):
        commit(sample_catalogue, planned)
    assert sample_catalogue.read_bytes() == before


def test_a_removal_planned_before_an_entry_moved_in_is_refused(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    planned = plan_remove(cat, "platforms", into="streaming")
    fresh = store.load(sample_catalogue)
    fresh.resources[0].tags.append("changed")
    store.save(fresh, sample_catalogue)
    with pytest.raises(StaleError):
        commit(sample_catalogue, planned)


def test_the_shipped_catalogue_is_read_only(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources.toml here or above: the shipped one is used
    result = cli("section", "add", "Anything")
    assert result.exit_code == 2 and "read-only" in result.stderr
