"""The one-pass check of a resource table accepts only what the checked path accepts."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import quickcheck
from mlsd_cli.catalogue import schema
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.errors import CatalogueError

from .test_store_properties import _normalised
from .test_store_properties import catalogues

ODD_VALUES: list[Any] = [
    None,
    "",
    "  ",
    "x",
    "x\x1b[31m",
    "a\nb",
    "a\tb",
    "\u202e",
    "javascript:alert(1)",
    "https://ok.example/",
    "blog",
    "s1",
    "Bad Tag",
    "good-tag",
    0,
    999,
    2020,
    10000,
    True,
    1.5,
    [],
    [""],
    ["a", 1],
    ["x\x07"],
    ["good-tag"],
    ["Bad Tag"],
    ["no-such-section"],
    date(2024, 5, 1),
    datetime(2024, 5, 1, 12, 0),
    {"a": 1},
]


@settings(max_examples=150, deadline=None)
@given(
    start=catalogues(),
    changes=st.lists(
        st.tuples(st.sampled_from([*RESOURCE_KEYS, "unknown"]), st.sampled_from(ODD_VALUES)),
        max_size=3,
    ),
    drop=st.lists(st.sampled_from(RESOURCE_KEYS), max_size=2),
)
def test_quick_check_agrees_with_the_checked_path(
    start: Catalogue, changes: list[tuple[str, Any]], drop: list[str]
) -> None:
    if not start.resources:
        return
    sections = {s.id for s in start.sections}
    raw = schema.resource_to_dict(start.resources[0])
    for key, value in changes:
        raw[key] = value
    for key in drop:
        raw.pop(key, None)
    raw = {k: v for k, v in raw.items() if v is not None}  # TOML has no null
    quick = quickcheck.quick_resource(raw, sections)
    check = schema._Checker("x", schema._no_locator)
    try:
        checked = schema._resource_from_dict(raw, 0, check, sections)
    except CatalogueError:
        assert quick is None
    else:
        assert quick is None or quick == checked


def test_quick_check_takes_the_usual_entry(sample_catalogue: Any) -> None:
    from mlsd_cli.catalogue import store

    catalogue = store.load(sample_catalogue)
    sections = {s.id for s in catalogue.sections}
    for r in catalogue.resources:
        assert quickcheck.quick_resource(schema.resource_to_dict(r), sections) == r


def _odd_tables(
    start: Catalogue, changes: list[tuple[int, str, Any]], drop: list[int]
) -> list[Any]:
    """The tables of ``start``'s resources with ``changes`` (entry, key, value) applied and the
    ``drop`` keys removed (TOML has no null: a None value removes the key)."""
    tables: list[Any] = [schema.resource_to_dict(r) for r in start.resources]
    for n, key, value in changes:
        tables[n % len(tables)][key] = value
    for n in drop:
        tables[n % len(tables)].pop(RESOURCE_KEYS[n % len(RESOURCE_KEYS)], None)
    return [{k: v for k, v in t.items() if v is not None} for t in tables]


@settings(max_examples=150, deadline=None)
@given(
    start=catalogues(),
    changes=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from([*RESOURCE_KEYS, "unknown"]),
            st.sampled_from(ODD_VALUES),
        ),
        max_size=3,
    ),
    drop=st.lists(st.integers(0, 100), max_size=2),
    not_a_table=st.booleans(),
)
def test_the_chunk_check_agrees_with_the_checked_path(
    start: Catalogue, changes: list[tuple[int, str, Any]], drop: list[int], not_a_table: bool
) -> None:
    if not start.resources:
        assert quickcheck.quick_chunk([], set()) == []
        return
    sections = {s.id for s in start.sections}
    tables = _odd_tables(start, changes, drop)
    if not_a_table:
        tables.append(["not", "a", "table"])
    quick = quickcheck.quick_chunk(tables, sections)
    # The chunk is taken exactly when each of its tables is taken one at a time...
    one_by_one = [quickcheck.quick_resource(t, sections) for t in tables]
    assert quick == (None if None in one_by_one else one_by_one)
    if quick is None:
        return
    # ...and then every table is valid on the checked path, and gives the same resource.
    check = schema._Checker("x", schema._no_locator)
    assert quick == [
        schema._resource_from_dict(t, i, check, sections) for i, t in enumerate(tables)
    ]


@settings(max_examples=60, deadline=None)
@given(start=catalogues())
def test_the_chunk_check_takes_a_chunk_of_valid_entries(start: Catalogue) -> None:
    sections = {s.id for s in start.sections}
    tables = [schema.resource_to_dict(r) for r in start.resources]
    one_by_one = [quickcheck.quick_resource(t, sections) for t in tables]
    quick = quickcheck.quick_chunk(tables, sections)
    # Printable text throughout (the usual entry): taken, and the resources are the same.
    printable = all(_all_printable(r) for r in start.resources)
    assert quick == (None if None in one_by_one else one_by_one)
    assert quick is not None or not printable
    if quick is not None:
        assert quick == _normalised(start).resources


def _all_printable(r: Any) -> bool:
    texts = [r.title, r.org or "", r.venue or "", *r.authors]
    return all(t.isprintable() for t in texts)


def test_the_chunk_check_gives_each_entry_its_own_empty_lists() -> None:
    tables = [{"id": f"r{i}", "title": "T", "kind": "blog", "sections": ["s"]} for i in range(3)]
    quick = quickcheck.quick_chunk(tables, {"s"})
    assert quick is not None
    lists = [id(getattr(r, name)) for r in quick for name in ("authors", "tags", "aliases")]
    assert len(set(lists)) == len(lists)  # a tag added to one entry is in no other
    assert [r.description for r in quick] == ["", "", ""]


def test_the_chunk_check_leaves_each_odd_value_to_the_checked_path(sample_catalogue: Any) -> None:
    from mlsd_cli.catalogue import store

    catalogue = store.load(sample_catalogue)
    sections = {s.id for s in catalogue.sections}
    tables = [schema.resource_to_dict(r) for r in catalogue.resources]
    assert quickcheck.quick_chunk(tables, sections) == catalogue.resources
    for key in [*RESOURCE_KEYS, "unknown"]:
        for value in ODD_VALUES:
            odd = [dict(t) for t in tables]
            odd[-1][key] = value
            odd = [{k: v for k, v in t.items() if v is not None} for t in odd]
            check = schema._Checker("x", schema._no_locator)
            try:
                checked = [
                    schema._resource_from_dict(t, i, check, sections) for i, t in enumerate(odd)
                ]
            except CatalogueError:
                assert quickcheck.quick_chunk(odd, sections) is None, (key, value)
            else:
                assert quickcheck.quick_chunk(odd, sections) in (None, checked), (key, value)
