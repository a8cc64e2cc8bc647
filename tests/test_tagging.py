"""Planning and applying tag changes (no CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.changes.tagging import TagChange
from mlsd_cli.changes.tagging import TagEdit
from mlsd_cli.changes.tagging import TagNote
from mlsd_cli.changes.tagging import TagRename
from mlsd_cli.changes.tagging import apply
from mlsd_cli.changes.tagging import check
from mlsd_cli.changes.tagging import is_merge
from mlsd_cli.changes.tagging import make_rename
from mlsd_cli.changes.tagging import parse_tag_args
from mlsd_cli.changes.tagging import plan
from mlsd_cli.changes.tagging import select
from mlsd_cli.errors import InputError
from mlsd_cli.errors import NotFoundError
from mlsd_cli.lookup.filters import make_filter
from mlsd_cli.lookup.tags import tag_counts

from . import ondisk


def _catalogue() -> Catalogue:
    return Catalogue(
        resources=[
            Resource(id="a", title="Alpha", kind="blog", tags=["streaming", "kafka"]),
            Resource(id="b", title="Beta", kind="paper", tags=["feature-store"]),
            Resource(id="c", title="Gamma", kind="paper", tags=["feature-stores", "feature-store"]),
            Resource(id="d", title="Delta", kind="blog", tags=["feature-stores", "mlops"]),
            Resource(id="e", title="Epsilon", kind="talk"),
        ]
    )


# ----------------------------------------------------------------- parsing


def test_parse_ref_and_tags_in_any_spelling() -> None:
    ref, edit = parse_tag_args(["ubers-michelangelo", "+Streaming", "-Kafka", "+Feature Store"])
    assert ref == "ubers-michelangelo"
    assert edit == TagEdit(add=("streaming", "feature-store"), remove=("kafka",))
    assert edit.describe() == "+streaming +feature-store -kafka"


def test_parse_without_ref_and_repeated_tags() -> None:
    assert parse_tag_args(["+x", "+X", "-y"]) == (None, TagEdit(("x",), ("y",)))
    assert parse_tag_args([]) == (None, TagEdit())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a", "streaming"], "needs + (add) or - (remove)"),
        (["+"], "no letters or digits"),
        (["-!!"], "no letters or digits"),
        (["+kafka", "-Kafka"], "both added and removed"),
    ],
)
def test_parse_errors(args: list[str], message: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_tag_args(args)
    assert message in str(exc.value)


# ----------------------------------------------------------------- edits


def test_edit_keeps_order_appends_new_and_drops_repeats() -> None:
    edit = TagEdit(add=("mlops", "streaming"), remove=("kafka",))
    assert edit.apply_to(["streaming", "kafka", "nlp", "nlp"]) == ["streaming", "nlp", "mlops"]
    assert TagEdit().apply_to(["x"]) == ["x"]


def test_plan_lists_only_entries_that_change() -> None:
    catalogue = _catalogue()
    changes = plan(catalogue.resources, TagEdit(add=("streaming",)))
    assert [c.id for c in changes] == ["b", "c", "d", "e"]  # "a" already has it
    assert changes[0] == TagChange("b", "Beta", ("feature-store",), ("feature-store", "streaming"))
    assert changes[0].added == ("streaming",) and changes[0].removed == ()
    assert changes[0].describe() == "+streaming"
    assert catalogue.resources[1].tags == ["feature-store"]  # planning changes nothing


def test_apply_on_one_entry() -> None:
    catalogue = _catalogue()
    changes = apply(catalogue, TagEdit(add=("flink",), remove=("kafka",)), ["a"])
    assert [(c.id, c.added, c.removed) for c in changes] == [("a", ("flink",), ("kafka",))]
    assert catalogue.resource("a").tags == ["streaming", "flink"]  # type: ignore[union-attr]
    assert catalogue.resource("b").tags == ["feature-store"]  # type: ignore[union-attr]


def test_apply_no_op_returns_nothing() -> None:
    catalogue = _catalogue()
    assert apply(catalogue, TagEdit(add=("kafka",), remove=("nlp",)), ["a"]) == []
    assert catalogue.resource("a").tags == ["streaming", "kafka"]  # type: ignore[union-attr]


def test_apply_to_a_vanished_entry_changes_nothing() -> None:
    catalogue = _catalogue()
    with pytest.raises(NotFoundError, match="'zz' is no longer in the catalogue"):
        apply(catalogue, TagEdit(add=("x",)), ["a", "zz"])
    assert all("x" not in r.tags for r in catalogue.resources)


def test_apply_by_filter_selection() -> None:
    catalogue = _catalogue()
    papers = select(catalogue, selection=make_filter(catalogue, kinds=["paper"]))
    assert [r.id for r in papers] == ["b", "c"]
    changes = apply(catalogue, TagEdit(add=("research",)), [r.id for r in papers])
    assert [c.id for c in changes] == ["b", "c"]
    assert dict(tag_counts(catalogue))["research"] == 2


def test_select_by_query_takes_entries_with_every_word(sample_catalogue: Path) -> None:
    from mlsd_cli.lookup.search import search

    catalogue = store.load(sample_catalogue)
    loose = [h.resource.id for h in search(catalogue, "michelangelo log")]
    assert set(loose) == {"ubers-michelangelo", "the-log"}  # search alone returns partial hits
    assert select(catalogue, query="michelangelo log") == []
    assert [r.id for r in select(catalogue, query="uber michelangelo")] == ["ubers-michelangelo"]
    assert [r.id for r in select(catalogue, query="software engineer")] == ["the-log"]
    within = make_filter(catalogue, kinds=["paper"])
    assert select(catalogue, query="software engineer", selection=within) == []


def test_select_rejects_an_empty_query() -> None:
    with pytest.raises(InputError, match="the search is empty") as info:
        select(_catalogue(), query="  ")
    assert info.value.field == "query"


# ----------------------------------------------------------------- rename and merge


def test_rename_across_the_catalogue() -> None:
    catalogue = _catalogue()
    rename = make_rename(catalogue, "Streaming", "stream_processing")
    assert rename == TagRename("streaming", "stream-processing")
    assert not is_merge(catalogue, rename)
    changes = apply(catalogue, rename)
    assert [(c.id, c.after) for c in changes] == [("a", ("stream-processing", "kafka"))]
    assert "streaming" not in dict(tag_counts(catalogue))


def test_rename_onto_an_existing_tag_merges_without_duplicates() -> None:
    catalogue = _catalogue()
    before = dict(tag_counts(catalogue))
    rename = make_rename(catalogue, "feature-stores", "feature-store")
    assert is_merge(catalogue, rename)
    changes = apply(catalogue, rename)
    assert [c.id for c in changes] == ["c", "d"]
    assert catalogue.resource("c").tags == ["feature-store"]  # type: ignore[union-attr]
    assert catalogue.resource("d").tags == ["feature-store", "mlops"]  # type: ignore[union-attr]
    after = dict(tag_counts(catalogue))
    assert "feature-stores" not in after
    assert after["feature-store"] == 3 == len({"b", "c", "d"})
    assert before["feature-store"] + before["feature-stores"] - 1 == after["feature-store"]
    for r in catalogue.resources:
        assert len(r.tags) == len(set(r.tags))


def test_rename_errors() -> None:
    catalogue = _catalogue()
    with pytest.raises(NotFoundError, match="no entry has the tag 'feature-stor'") as exc:
        make_rename(catalogue, "feature-stor", "x")
    assert exc.value.hint and "feature-store" in exc.value.hint
    with pytest.raises(InputError, match="same tag"):
        make_rename(catalogue, "mlops", "MLOps")
    with pytest.raises(InputError, match="no letters or digits"):
        make_rename(catalogue, "mlops", "???")


# ----------------------------------------------------------------- warnings


def test_new_near_spelling_is_noted_with_the_suggestion() -> None:
    catalogue = _catalogue()
    catalogue.resources[2].tags = ["feature-store"]
    catalogue.resources[3].tags = ["mlops"]
    notes = check(catalogue, TagEdit(add=("feature-stores", "ml-ops", "brand-new")))
    assert notes == [
        TagNote("feature-stores", "near-spelling", ("feature-store",)),
        TagNote("ml-ops", "near-spelling", ("mlops",)),
    ]
    assert notes[0].message == "new tag 'feature-stores' looks like existing 'feature-store'"
    assert "'feature-store'" in notes[0].hint


def test_existing_tags_and_tags_being_replaced_are_not_noted() -> None:
    catalogue = _catalogue()
    # Both spellings exist already: adding either is not "new".
    assert check(catalogue, TagEdit(add=("feature-stores",))) == []
    catalogue.resources[1].tags = []
    catalogue.resources[2].tags = []
    # feature-store is gone now, feature-stores is being removed in the same edit.
    assert check(catalogue, TagEdit(add=("feature-store",), remove=("feature-stores",))) == []


def test_removing_an_unused_tag_is_noted() -> None:
    notes = check(_catalogue(), TagEdit(remove=("kafak", "zzz")))
    assert notes == [TagNote("kafak", "unused", ("kafka",)), TagNote("zzz", "unused", ())]
    assert notes[0].message == "no entry has the tag 'kafak'; did you mean 'kafka'?"


def test_rename_to_a_near_spelling_of_another_tag_is_noted() -> None:
    catalogue = _catalogue()
    notes = check(catalogue, make_rename(catalogue, "kafka", "ml-ops"))
    assert notes == [TagNote("ml-ops", "near-spelling", ("mlops",))]
    # Renaming feature-stores -> featurestore: only the tag being renamed away looks alike.
    catalogue.resources[1].tags = []
    catalogue.resources[2].tags = ["feature-stores"]
    assert check(catalogue, make_rename(catalogue, "feature-stores", "featurestores")) == []


# ----------------------------------------------------------------- with the store


def test_applied_under_store_editing_is_saved_canonically(sample_catalogue: Path) -> None:
    with ondisk.editing(sample_catalogue) as catalogue:
        changes = apply(catalogue, TagEdit(add=("real-time",)), ["the-log", "ubers-michelangelo"])
    assert len(changes) == 2
    text = sample_catalogue.read_text(encoding="utf-8")
    again = store.load(sample_catalogue)
    assert again.resource("the-log").tags == ["streaming", "real-time"]  # type: ignore[union-attr]
    assert store.dumps(again) == text


def test_no_op_under_store_editing_leaves_the_file_alone(sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    stat = sample_catalogue.stat()
    with ondisk.editing(sample_catalogue) as catalogue:
        assert apply(catalogue, TagEdit(add=("streaming",)), ["the-log"]) == []
    assert sample_catalogue.read_bytes() == before
    assert sample_catalogue.stat().st_ino == stat.st_ino  # not even rewritten


def test_apply_finds_entries_by_old_ids_too() -> None:
    catalogue = _catalogue()
    catalogue.resources[1].aliases = ["beta-old"]
    changes = apply(catalogue, TagEdit(add=("x",)), ["beta-old", "a", "b"])
    assert [c.id for c in changes] == ["b", "a"]  # each entry once
    assert catalogue.resource("b").tags == ["feature-store", "x"]  # type: ignore[union-attr]
