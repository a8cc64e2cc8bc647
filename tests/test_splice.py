"""A write that splices the changed entries into the file writes the very bytes of a full save.

Every step below is a write as :func:`mlsd_cli.changes.commit.commit` does it: load for a
write (catalogue and basis from the load cache, which knows the file's layout), change the
catalogue, save with the basis. The bytes must equal ``store.dumps`` of the changed catalogue,
and the next load (from the spliced cache) must equal a fresh parse of the file.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import loadcache
from mlsd_cli.catalogue import splice
from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import slugify
from mlsd_cli.catalogue.model import unique_id
from mlsd_cli.catalogue.placement import place_appended
from mlsd_cli.catalogue.placement import place_resource
from mlsd_cli.errors import CatalogueError

from .test_store_properties import catalogues
from .test_store_properties import nonblank
from .test_store_properties import tag
from .test_store_properties import text
from .test_store_properties import url

Edit = Callable[[Catalogue], None]


@st.composite
def new_resource(draw: st.DrawFn, catalogue: Catalogue) -> Resource:
    title = draw(nonblank)
    section_ids = [s.id for s in catalogue.sections]
    taken = {i for r in catalogue.resources for i in (r.id, *r.aliases)}
    return Resource(
        id=unique_id(slugify(title), taken),
        title=title,
        kind=draw(st.sampled_from(KINDS)),
        sections=draw(st.lists(st.sampled_from(section_ids), min_size=1, max_size=2, unique=True)),
        url=draw(st.none() | url),
        tags=draw(st.lists(tag, max_size=2, unique=True)),
        description=draw(text),
    )


@st.composite
def edits(draw: st.DrawFn, catalogue: Catalogue) -> tuple[str, Edit]:
    """One change to ``catalogue`` as a command makes it (drawn from its current state)."""
    entries = catalogue.resources
    kinds = ["add", "import"] + (["edit", "tag", "untag", "remove", "tag-all"] if entries else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        r = draw(new_resource(catalogue))
        return kind, lambda c: place_resource(c, r)
    if kind == "import":
        count = draw(st.integers(1, 3))
        news: list[Resource] = []
        for _ in range(count):
            probe = Catalogue(sections=catalogue.sections, resources=[*entries, *news])
            news.append(draw(new_resource(probe)))

        def add_all(c: Catalogue) -> None:
            c.resources.extend(news)
            place_appended(c, len(news))

        return kind, add_all
    i = draw(st.integers(0, len(entries) - 1))
    if kind == "edit":
        name, value = draw(
            st.sampled_from(["title", "url", "year", "description", "org"]).flatmap(_field_value)
        )
        return kind, lambda c: setattr(c.resources[i], name, value)
    if kind == "tag":
        new = draw(tag)

        def add_tag(c: Catalogue) -> None:  # in place, as tag_cmd's plans do
            if new not in c.resources[i].tags:
                c.resources[i].tags.append(new)

        return kind, add_tag
    if kind == "untag":
        return kind, lambda c: setattr(c.resources[i], "tags", c.resources[i].tags[1:])
    if kind == "tag-all":
        new = draw(tag)
        return kind, lambda c: [r.tags.append(new) for r in c.resources if new not in r.tags]

    def remove(c: Catalogue) -> None:
        gone = c.resources.pop(i).id
        c.not_duplicates = [p for p in c.not_duplicates if gone not in p]

    return kind, remove


def _field_value(name: str) -> st.SearchStrategy[tuple[str, object]]:
    values: dict[str, st.SearchStrategy[object]] = {
        "title": nonblank,
        "url": st.none() | url,
        "year": st.none() | st.integers(1000, 9999),
        "description": text | text.map(lambda t: f"{t}\n\n{t}"),
        "org": st.none() | nonblank,
    }
    return values[name].map(lambda v: (name, v))


def _write_step(path: Path, edit: Edit) -> tuple[bytes, bool]:
    """One write; the bytes a full save would have written, and whether it was spliced."""
    fresh, basis = store.load_for_write(path)
    assert basis is not None  # the file was written by a save: the cache knows its layout
    edit(fresh)
    expected = store.dumps(fresh).encode("utf-8")
    spliced = splice.splice(basis.snapshot, fresh, str(path)) is not None
    store.save(fresh, path, basis=basis)
    basis.close()
    return expected, spliced


@pytest.fixture
def every_size_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)


@pytest.mark.usefixtures("every_size_cached")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), start=catalogues())
def test_spliced_writes_equal_full_saves(data: st.DataObject, start: Catalogue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resources.toml"
        store.save(start, path)
        for _ in range(data.draw(st.integers(1, 6))):
            kind, edit = data.draw(edits(store.load(path)))
            expected, spliced = _write_step(path, edit)
            assert path.read_bytes() == expected, kind
            on_disk = store.parse_catalogue(expected)
            assert store.load(path) == on_disk  # the spliced cache says what the file says
            if kind in ("add", "edit", "tag", "untag", "tag-all", "import"):
                assert spliced, kind  # entries only: no reason to fall back to the full save


@pytest.mark.usefixtures("every_size_cached")
def test_a_hand_edited_file_is_saved_whole_then_spliced(sample_catalogue: Path) -> None:
    text = sample_catalogue.read_text(encoding="utf-8")
    sample_catalogue.write_text(text.replace("year = 2013", "year    =   2013"), encoding="utf-8")
    fresh, basis = store.load_for_write(sample_catalogue)
    assert basis is None  # parsed, not known to be canonical: the full save
    fresh.resources[0].year = 2001
    store.save(fresh, sample_catalogue, basis=basis)
    assert sample_catalogue.read_bytes() == store.dumps(fresh).encode()
    assert "year    =" not in sample_catalogue.read_text(encoding="utf-8")
    basis = store.load_for_write(sample_catalogue)[1]
    assert basis is not None  # canonical now
    basis.close()


@pytest.mark.usefixtures("every_size_cached")
def test_a_layout_that_does_not_match_the_bytes_falls_back(sample_catalogue: Path) -> None:
    """A cache (this user's, so trusted to be what mlsd wrote) whose layout is wrong for the
    file: the splice sees the blocks are not where it says and declines; the save is whole."""
    catalogue = store.load(sample_catalogue)
    store.save(catalogue, sample_catalogue)
    fresh, basis = store.load_for_write(sample_catalogue)
    assert basis is not None
    layout = basis.snapshot.layout
    wrong = splice.Layout(
        layout.head, [layout.lengths[0] + 1, layout.lengths[1] - 1, *layout.lengths[2:]]
    )
    basis.snapshot.layout = wrong
    fresh.resources[1].title = "A new title"
    assert splice.splice(basis.snapshot, fresh, "x") is None
    store.save(fresh, sample_catalogue, basis=basis)
    basis.close()
    assert sample_catalogue.read_bytes() == store.dumps(fresh).encode()


@pytest.mark.usefixtures("every_size_cached")
def test_an_invalid_change_is_refused_and_nothing_is_written(sample_catalogue: Path) -> None:
    store.save(store.load(sample_catalogue), sample_catalogue)
    before = sample_catalogue.read_bytes()
    for change in (
        lambda c: setattr(c.resources[0], "url", "javascript:alert(1)"),
        lambda c: setattr(c.resources[1], "id", c.resources[0].id),  # an id taken twice
        lambda c: c.resources[2].aliases.append(c.resources[0].id),
        lambda c: setattr(c.resources[0], "sections", ["no-such-section"]),
    ):
        fresh, basis = store.load_for_write(sample_catalogue)
        assert basis is not None
        change(fresh)
        with pytest.raises(CatalogueError):
            store.save(fresh, sample_catalogue, basis=basis)
        basis.close()
        assert sample_catalogue.read_bytes() == before


@pytest.mark.usefixtures("every_size_cached")
def test_the_spliced_cache_holds_the_layout_of_the_new_file(sample_catalogue: Path) -> None:
    store.save(store.load(sample_catalogue), sample_catalogue)
    fresh, basis = store.load_for_write(sample_catalogue)
    assert basis is not None
    fresh.resources[0].tags.append("new-tag")
    assert store.save(fresh, sample_catalogue, basis=basis)
    basis.close()
    data = sample_catalogue.read_bytes()
    cached = loadcache.read(sample_catalogue, store._digest(data))
    assert cached is not None and cached.layout is not None
    offsets = list(itertools.accumulate(cached.layout.lengths, initial=cached.layout.head))
    blocks = [data[a:b] for a, b in itertools.pairwise(offsets)]
    assert blocks == [splice.render_block(r) for r in fresh.resources]


@given(
    st.lists(st.integers(0, 30), unique=True)
    .map(sorted)
    .flatmap(
        lambda olds: st.lists(st.booleans(), min_size=len(olds), max_size=len(olds) + 5).map(
            lambda marks: _interleave(olds, marks)
        )
    )
)
def test_runs_and_dropped_say_which_old_blocks_are_copied(kept: list[int | None]) -> None:
    """Each run is a maximal stretch of positions keeping consecutive old blocks; every old
    index is either in a run or dropped."""
    spans = splice.runs(kept)
    copied: list[int | None] = [None] * len(kept)
    for first, end, old in spans:
        assert all(kept[n] == old + n - first for n in range(first, end))
        copied[first:end] = range(old, old + end - first)
        assert end == len(kept) or kept[end] != old + end - first  # maximal
    assert copied == kept
    gone = splice.dropped(spans, 32)
    assert sorted(gone + [k for k in kept if k is not None]) == list(range(32))


def _interleave(olds: list[int], marks: list[bool]) -> list[int | None]:
    it = iter(olds)
    out: list[int | None] = [next(it, None) if m else None for m in marks]
    out.extend(it)
    return out
