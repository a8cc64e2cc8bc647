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
