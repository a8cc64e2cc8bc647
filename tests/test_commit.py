"""The one write path (``mlsd_cli.changes.commit``): every plan is refused as stale when an entry
it touches changed on disk after it was planned (nothing written), and rebased on the fresh
catalogue when only other entries changed (both changes kept).

Each test plans on the catalogue as loaded, then another "command" changes the file on disk
(through the same commit step), then the plan is committed. Every test runs twice: on the small
catalogue as it is (parsed, a plain list), and with the load cache on for it (the catalogue's
entries decoded on demand, a write spliced into the file), where the same rules must hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.changes import adding
from mlsd_cli.changes import editing
from mlsd_cli.changes import merge
from mlsd_cli.changes import tagging
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.commit import commit
from mlsd_cli.changes.commit import interrupted_note
from mlsd_cli.changes.redirects import RedirectPlan
from mlsd_cli.errors import ReadOnlyCatalogueError
from mlsd_cli.errors import StaleError

from . import ondisk


@pytest.fixture(autouse=True, params=["parsed", "cached"])
def cache_size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "cached":
        monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)


def _year(path: Path, rid: str, year: int) -> None:
    """Another command changes one field of ``rid`` on disk."""

    def change(c: Catalogue) -> None:
        found = c.resource(rid)
        assert found is not None
        found.year = year

    ondisk.change(path, change)


def _add_other(path: Path) -> None:
    """Another command adds an unrelated entry."""
    ondisk.change(
        path,
        lambda c: c.resources.append(
            Resource("meanwhile", "Added meanwhile", "blog", ["platforms"])
        ),
    )


def _refused(path: Path, plan: Plan[object], rid: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StaleError) as info:
        commit(path, plan)
    assert str(info.value) == (
        f"'{rid}' was changed by another command meanwhile; nothing was written; "
        "run the command again"
    )
    assert path.read_bytes() == before


def _resource(path: Path, rid: str) -> Resource:
    found = store.load(path).resource(rid)
    assert found is not None
    return found


# ----------------------------------------------------------------- edit


def _edit_plan(cat: Catalogue, rid: str, **changes: object) -> editing.EditPlan:
    original = cat.resource(rid)
    assert original is not None
    new = editing.apply_changes(cat, original, editing.FieldChanges(**changes))  # type: ignore[arg-type]
    return editing.EditPlan(original, new)


def test_edit_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    plan = _edit_plan(store.load(sample_catalogue), "the-log", venue="Confluent")
    _year(sample_catalogue, "the-log", 1999)
    _refused(sample_catalogue, plan, "the-log")


def test_edit_is_rebased_over_a_change_to_another_entry(sample_catalogue: Path) -> None:
    plan = _edit_plan(store.load(sample_catalogue), "the-log", venue="Confluent")
    _year(sample_catalogue, "ubers-michelangelo", 1999)
    _add_other(sample_catalogue)
    commit(sample_catalogue, plan)
    assert _resource(sample_catalogue, "the-log").venue == "Confluent"
    assert _resource(sample_catalogue, "ubers-michelangelo").year == 1999
    assert _resource(sample_catalogue, "meanwhile").title == "Added meanwhile"


def test_edit_of_an_entry_removed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    plan = _edit_plan(store.load(sample_catalogue), "the-log", venue="Confluent")
    ondisk.change(sample_catalogue, lambda c: c.resources.pop(1))
    before = sample_catalogue.read_bytes()
    with pytest.raises(StaleError, match="'the-log' was removed by another command meanwhile"):
        commit(sample_catalogue, plan)
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- remove


def test_remove_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    plan = editing.RemovePlan(_resource(sample_catalogue, "the-log"))
    _year(sample_catalogue, "the-log", 1999)
    _refused(sample_catalogue, plan, "the-log")


def test_remove_is_rebased_over_a_change_to_another_entry(sample_catalogue: Path) -> None:
    plan = editing.RemovePlan(_resource(sample_catalogue, "the-log"))
    _year(sample_catalogue, "facebook-ads-clicks", 2014)
    assert commit(sample_catalogue, plan).id == "the-log"
    after = store.load(sample_catalogue)
    assert "the-log" not in after.resource_ids()
    assert _resource(sample_catalogue, "facebook-ads-clicks").year == 2014


# ----------------------------------------------------------------- tag


def _tag_plan(cat: Catalogue, rids: list[str], op: tagging.TagOperation) -> tagging.TagPlan:
    targets = [r for r in cat.resources if r.id in rids]
    return tagging.TagPlan.of(cat, targets, op)


def test_tag_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    plan = _tag_plan(store.load(sample_catalogue), ["the-log"], tagging.TagEdit(add=("logs",)))
    _year(sample_catalogue, "the-log", 1999)
    _refused(sample_catalogue, plan, "the-log")


def test_tag_is_rebased_over_a_change_to_another_entry(sample_catalogue: Path) -> None:
    plan = _tag_plan(
        store.load(sample_catalogue),
        ["the-log", "ubers-michelangelo"],
        tagging.TagEdit(add=("logs",)),
    )
    _year(sample_catalogue, "facebook-ads-clicks", 2014)
    applied = commit(sample_catalogue, plan)
    assert [c.id for c in applied] == ["ubers-michelangelo", "the-log"]
    assert _resource(sample_catalogue, "the-log").tags == ["streaming", "logs"]
    assert _resource(sample_catalogue, "facebook-ads-clicks").year == 2014


def test_rename_is_refused_when_another_entry_got_the_old_tag_meanwhile(
    sample_catalogue: Path,
) -> None:
    cat = store.load(sample_catalogue)
    plan = _tag_plan(cat, cat.resource_ids(), tagging.make_rename(cat, "streaming", "streams"))
    ondisk.change(sample_catalogue, lambda c: c.resources[2].tags.append("streaming"))
    _refused(sample_catalogue, plan, "facebook-ads-clicks")


# ----------------------------------------------------------------- dedupe --merge


def _twin(c: Catalogue) -> None:
    """A second entry for the-log (same URL in another shape)."""
    log = c.resources[1]
    c.resources.append(
        Resource("the-log-2", "The Log", "blog", ["platforms"], url=f"{log.url}?utm_source=x")
    )


def _merge_plan(path: Path) -> merge.MergePlan:
    ondisk.change(path, _twin)
    plan = merge.MergePlan(merges=[("the-log", ["the-log-2"])])
    plan.based_on(store.load(path))
    return plan


def test_merge_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    plan = _merge_plan(sample_catalogue)
    _year(sample_catalogue, "the-log-2", 2013)
    _refused(sample_catalogue, plan, "the-log-2")


def test_merge_is_rebased_over_a_change_to_another_entry(sample_catalogue: Path) -> None:
    plan = _merge_plan(sample_catalogue)
    _year(sample_catalogue, "facebook-ads-clicks", 2014)
    commit(sample_catalogue, plan)
    after = store.load(sample_catalogue)
    assert "the-log-2" not in after.resource_ids()
    assert _resource(sample_catalogue, "the-log").aliases == ["the-log-2"]
    assert _resource(sample_catalogue, "facebook-ads-clicks").year == 2014


def test_not_duplicates_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    ondisk.change(sample_catalogue, _twin)
    plan = merge.MergePlan(distinct=[["the-log", "the-log-2"]])
    plan.based_on(store.load(sample_catalogue))
    _year(sample_catalogue, "the-log", 2014)
    _refused(sample_catalogue, plan, "the-log")


# ----------------------------------------------------------------- add, check --fix-redirects


def test_add_is_rebased_over_other_changes_and_its_id_made_unique(sample_catalogue: Path) -> None:
    fields = adding.NewFields(title="Added meanwhile", kind="blog", sections=["platforms"])
    plan = adding.AddPlan(fields, force=True)
    assert adding.preview(store.load(sample_catalogue), plan).id == "added-meanwhile"
    taken = Resource("added-meanwhile", "Something else", "blog", ["platforms"])
    ondisk.change(sample_catalogue, lambda c: c.resources.append(taken))  # the previewed id
    _year(sample_catalogue, "the-log", 1999)
    added = commit(sample_catalogue, plan)
    assert added.id == "added-meanwhile-2"
    assert {"added-meanwhile", "added-meanwhile-2"} <= store.load(sample_catalogue).resource_ids()
    assert _resource(sample_catalogue, "the-log").year == 1999


def test_redirect_fix_of_an_entry_changed_meanwhile_is_refused(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    old = cat.resources[1].url or ""
    plan = RedirectPlan.of(cat, {old: "https://example.org/the-log"})
    assert plan.moves == [("the-log", old, "https://example.org/the-log")]
    _year(sample_catalogue, "the-log", 1999)
    _refused(sample_catalogue, plan, "the-log")


# ----------------------------------------------------------------- the step itself


def test_nothing_is_planned_on_the_shipped_catalogue(tmp_path: Path) -> None:
    shipped = store.find_catalogue(cwd=tmp_path, env={})
    with pytest.raises(ReadOnlyCatalogueError):
        commit(shipped, ondisk.Change(lambda c: None))


def test_the_interrupt_note_says_whether_something_was_written(sample_catalogue: Path) -> None:
    from mlsd_cli.changes import commit as commit_module

    commit_module.reset()
    assert interrupted_note() == "interrupted; nothing was written"
    _year(sample_catalogue, "the-log", 1999)
    assert interrupted_note() == "interrupted; the changes made before were saved"
    commit_module.reset()
    assert interrupted_note() == "interrupted; nothing was written"
