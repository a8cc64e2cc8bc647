"""Resources read from the load cache on demand (catalogue/lazy.py).

- the contract other packages rely on (/work/tools/s3/contract.md): ``len``, ``rows[i]`` (the
  same object each time), ``tokens()`` (equal iff the blocks are, stable across a reload,
  RuntimeError once the sequence changed), ``path``, ``decoded()``;
- the questions a write asks (:class:`Catalogue` positions, taken ids, first sections, ids,
  used tags) get the same answers from a lazy catalogue as from a plain list of the same
  entries, before and after changes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.blocks import block_token
from mlsd_cli.catalogue.blocks import render_block
from mlsd_cli.catalogue.lazy import LazyResources
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from .test_store_properties import catalogues
from .test_store_properties import tag


@pytest.fixture
def every_size_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)


def entries(n: int) -> Catalogue:
    sections = [Section(f"s{k}", f"Section {k}") for k in range(4)]
    resources = [
        Resource(
            id=f"r{i:03d}",
            title=f"Entry number {i}",
            kind="blog",
            sections=[f"s{i % 4}", *([f"s{(i + 1) % 4}"] if i % 5 == 0 else [])],
            url=f"https://example.org/{i}",
            tags=[f"t{i % 7}", *(["shared"] if i % 3 == 0 else [])],
            aliases=[f"old-{i}"] if i % 4 == 0 else [],
        )
        for i in range(n)
    ]
    return Catalogue(title="T", sections=sections, resources=resources)


def saved_and_loaded(tmp: Path, catalogue: Catalogue) -> tuple[Catalogue, Catalogue]:
    """The catalogue saved, then loaded from the cache (lazy) and parsed (a plain list)."""
    path = tmp / "resources.toml"
    store.save(catalogue, path)
    lazy = store.load(path)
    plain = store.parse_catalogue(path.read_bytes())
    assert isinstance(lazy.resources, LazyResources) and isinstance(plain.resources, list)
    return lazy, plain


@pytest.mark.usefixtures("every_size_cached")
def test_rows_are_decoded_on_demand_once(tmp_path: Path) -> None:
    lazy, plain = saved_and_loaded(tmp_path, entries(20))
    rows = lazy.resources
    assert isinstance(rows, LazyResources)
    assert rows.decoded() == 0 and len(rows) == 20
    assert rows.path == (tmp_path / "resources.toml").resolve()
    first = rows[3]
    assert rows[3] is first and rows[-17] is first and rows.decoded() == 1
    assert first == plain.resources[3]
    assert lazy.resource("r007") == plain.resources[7] and rows.decoded() == 2
    assert list(rows) == plain.resources and rows.decoded() == 20
    assert rows[3] is first  # iterating keeps the objects already handed out
    with pytest.raises(IndexError):
        rows[20]


@pytest.mark.usefixtures("every_size_cached")
def test_tokens_name_the_blocks_and_survive_a_reload(tmp_path: Path) -> None:
    catalogue = entries(12)
    catalogue.resources[5] = Resource(**{**vars(catalogue.resources[5]), "id": "same"})
    lazy, plain = saved_and_loaded(tmp_path, catalogue)
    rows = lazy.resources
    assert isinstance(rows, LazyResources)
    tokens = list(rows.tokens())
    assert rows.decoded() == 0  # the tokens are a column: nothing is decoded for them
    assert tokens == [block_token(render_block(r)) for r in plain.resources]
    assert all(0 <= t < 2**63 for t in tokens)
    assert len(set(tokens)) == len(tokens)  # no two entries are byte-identical here
    again = store.load(tmp_path / "resources.toml").resources
    assert isinstance(again, LazyResources) and list(again.tokens()) == tokens
    # One entry changed and saved: only its token changes.
    fresh, basis = store.load_for_write(tmp_path / "resources.toml")
    fresh.resources[4].title = "Changed"
    store.save(fresh, tmp_path / "resources.toml", basis=basis)
    if basis is not None:
        basis.close()
    after = store.load(tmp_path / "resources.toml").resources
    assert isinstance(after, LazyResources)
    changed = [n for n, (a, b) in enumerate(zip(tokens, after.tokens(), strict=True)) if a != b]
    assert changed == [4]


@pytest.mark.usefixtures("every_size_cached")
def test_tokens_of_a_file_not_known_canonical_are_those_of_its_blocks(tmp_path: Path) -> None:
    """A hand-edited file's cache has no token column: the tokens are rendered on demand and
    are those the canonical save gives (stable across the next write)."""
    path = tmp_path / "resources.toml"
    store.save(entries(6), path)
    path.write_text(path.read_text(encoding="utf-8").replace('kind = "blog"', 'kind =  "blog"'))
    store.load(path)  # parsed: the cache knows no layout
    rows = store.load(path).resources
    assert isinstance(rows, LazyResources)
    assert list(rows.tokens()) == [block_token(render_block(r)) for r in entries(6).resources]


@pytest.mark.usefixtures("every_size_cached")
@pytest.mark.parametrize(
    "change",
    [
        lambda rows: rows.insert(0, Resource("new", "New", "blog", ["s0"])),
        lambda rows: rows.pop(2),
        lambda rows: rows.__setitem__(1, Resource("new", "New", "blog", ["s0"])),
    ],
)
def test_tokens_refuse_once_the_sequence_changed(
    tmp_path: Path, change: Callable[[LazyResources], object]
) -> None:
    rows = saved_and_loaded(tmp_path, entries(5))[0].resources
    assert isinstance(rows, LazyResources)
    change(rows)
    with pytest.raises(RuntimeError):
        rows.tokens()


def with_aliases(catalogue: Catalogue) -> Catalogue:
    for n, r in enumerate(catalogue.resources):
        if n % 2:
            r.aliases = [f"was-{r.id}"]
    return catalogue


#: Changes a plan makes, applied alike to the lazy and the plain catalogue.
_CHANGES: list[Callable[[Catalogue, int, str], None]] = [
    lambda c, i, t: c.resources[i].tags.append(t) if t not in c.resources[i].tags else None,
    lambda c, i, t: setattr(c.resources[i], "tags", []),
    lambda c, i, t: setattr(c.resources[i], "sections", ["zz", *c.resources[i].sections]),
    lambda c, i, t: setattr(c.resources[i], "id", f"renamed-{t}"),
    lambda c, i, t: c.resources[i].aliases.append(f"alias-{t}"),
    lambda c, i, t: c.resources.insert(i, Resource(f"ins-{t}", "I", "blog", ["s"], tags=[t])),
    lambda c, i, t: c.resources.pop(i),
    lambda c, i, t: c.resources.__setitem__(i, Resource(f"set-{t}", "S", "blog", [], tags=[t])),
]


def _answers(c: Catalogue, refs: list[str]) -> tuple[object, ...]:
    return (
        c.positions(refs),
        c.positions(refs, aliases=False),
        [c.resource(ref) for ref in refs],
        c.taken_ids(),
        c.first_sections(),
        c.entry_ids(),
        c.used_tags(),
        c.resource_ids(),
    )


@pytest.mark.usefixtures("every_size_cached")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=catalogues().map(with_aliases), data=st.data())
def test_a_lazy_catalogue_answers_as_a_plain_list(start: Catalogue, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lazy, plain = saved_and_loaded(Path(tmp), start)
        for _ in range(data.draw(st.integers(0, 4))):
            if not plain.resources:
                break
            change = data.draw(st.sampled_from(_CHANGES))
            i = data.draw(st.integers(0, len(plain.resources) - 1))
            t = data.draw(tag)
            if data.draw(st.booleans()):
                lazy.resources[i]  # decoded before the change, or not
            change(lazy, i, t)
            change(plain, i, t)
        known = [x for r in start.resources for x in (r.id, *r.aliases)]
        refs = data.draw(st.lists(st.sampled_from([*known, "nothing", "ins-a"]), max_size=5))
        assert _answers(lazy, refs) == _answers(plain, refs)
        assert list(lazy.resources) == plain.resources
        assert _answers(lazy, refs) == _answers(plain, refs)  # all decoded now


def _no_key(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (store.cache_dir() / "cache.key").chmod(0o644)  # not private: no cache is trusted


def _no_cache(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSD_NO_CACHE", "1")


def _flipped(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [cache] = store.cache_dir().glob("catalogue-*.json")
    data = bytearray(cache.read_bytes())
    data[data.index(b"Entry number 3")] = ord("X")  # a row changed: the keyed digest fails
    cache.write_bytes(bytes(data))


def _truncated(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [cache] = store.cache_dir().glob("catalogue-*.json")
    cache.write_bytes(cache.read_bytes()[:-200])


def _hand_edited(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace('title = "T"', 'title =   "T"'))


@pytest.mark.usefixtures("every_size_cached")
@pytest.mark.parametrize("spoil", [_no_key, _no_cache, _flipped, _truncated, _hand_edited])
def test_without_a_usable_cache_the_full_path_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Callable[..., None]
) -> None:
    from mlsd_cli.changes.commit import commit
    from mlsd_cli.changes.tagging import TagEdit
    from mlsd_cli.changes.tagging import TagPlan

    path = tmp_path / "resources.toml"
    store.save(entries(30), path)
    spoil(path, monkeypatch)
    loaded = store.load(path)
    assert isinstance(loaded.resources, list)  # parsed and validated, as without a cache
    entry = loaded.resource("r011")
    assert entry is not None
    commit(path, TagPlan.of(loaded, [entry], TagEdit(add=("new",))))
    expected = entries(30)
    expected.resources[11].tags.append("new")
    assert path.read_bytes() == store.dumps(expected).encode()
