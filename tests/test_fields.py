"""The field table (catalogue/fields.py) is the one list of a resource's fields.

The model and the table agree; every form (TOML keys, JSON, CSV, cache rows, editor template,
``show`` lines) follows the table; the load cache's version follows it too, so a new field
invalidates old caches on its own.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import MISSING
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from mlsd_cli.catalogue import fields as field_table
from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.fields import Field
from mlsd_cli.catalogue.fields import resource_to_json
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.schema import catalogue_to_dict
from mlsd_cli.catalogue.schema import resource_to_dict
from mlsd_cli.changes.editing import entry_to_toml
from mlsd_cli.cli.render import resource_details
from mlsd_cli.formats.csv_export import COLUMNS

#: The model's annotation of each field type (``required`` string fields are never None).
ANNOTATIONS = {
    ("string", True): "str",
    ("string", False): "str | None",
    ("text", False): "str",
    ("list", True): "list[str]",
    ("list", False): "list[str]",
    ("year", False): "int | None",
    ("date", False): "date | None",
}


def full_resource() -> Resource:
    """Every field set, each to a value no other field has (a swapped column shows)."""
    return Resource(
        id="every-field",
        title="Every field set",
        kind="paper",
        sections=["s1", "s2"],
        url="https://example.org/every",
        org="Example Org",
        authors=["Ada Lovelace", "Alan Turing"],
        venue="Example Conference",
        year=2019,
        tags=["alpha", "beta"],
        description="Line one.\n\nLine two.",
        added=date(2024, 5, 1),
        aliases=["old-id"],
    )


def catalogue_with(resource: Resource) -> Catalogue:
    return Catalogue(
        title="T",
        sections=[Section("s1", "Section one"), Section("s2", "Section two", parent="s1")],
        resources=[resource],
    )


def test_every_model_field_is_in_the_table_and_back() -> None:
    model = [f.name for f in fields(Resource)]
    assert sorted(model) == sorted(RESOURCE_KEYS)
    assert len(set(RESOURCE_KEYS)) == len(RESOURCE_KEYS)


def test_the_table_types_match_the_model() -> None:
    annotations = {f.name: f.type for f in fields(Resource)}
    for f in RESOURCE_FIELDS:
        assert annotations[f.name] == ANNOTATIONS[(f.type, f.required)], f.name


def test_every_type_has_a_reader_and_every_rule_exists() -> None:
    from typing import get_args

    from mlsd_cli.catalogue import schema

    assert set(get_args(field_table.FieldType)) == set(schema._READERS)
    assert {f.check for f in RESOURCE_FIELDS if f.check} <= set(schema._RULES)
    assert {f.display for f in RESOURCE_FIELDS} <= set(get_args(field_table.Display))


def test_an_absent_field_has_the_models_default() -> None:
    for f in fields(Resource):
        entry = next(e for e in RESOURCE_FIELDS if e.name == f.name)
        if entry.required:
            continue
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        assert entry.absent() == default, f.name


def test_every_form_has_the_table_order() -> None:
    r = full_resource()
    assert list(resource_to_dict(r)) == list(RESOURCE_KEYS)
    assert list(resource_to_json(r)) == list(RESOURCE_KEYS)
    assert list(COLUMNS) == [f.csv for f in RESOURCE_FIELDS]
    labels = [line.partition(":")[0] for line in resource_details(r, catalogue_with(r))]
    assert labels[: labels.index("")] == [
        f.label for f in RESOURCE_FIELDS if f.display != "paragraph"
    ]


def test_editor_template_offers_each_unset_field_with_a_placeholder() -> None:
    bare = Resource("bare", "Bare", "blog", ["s1"])
    text = entry_to_toml(catalogue_with(bare), bare)
    offered = [f for f in RESOURCE_FIELDS if f.placeholder]
    assert offered  # url, org, authors, venue, year, tags, description
    for f in offered:
        assert f"\n# {f.placeholder}\n" in text, f.name
    full = full_resource()
    assert "\n# " + offered[0].placeholder + "\n" not in entry_to_toml(catalogue_with(full), full)


def test_cache_rows_round_trip_every_field() -> None:
    r = full_resource()
    rows = json.loads(json.dumps(field_table.cache_rows([r])))
    assert rows == [[resource_to_json(r)[key] for key in RESOURCE_KEYS]]  # the table's order
    assert field_table.resources_from_rows(rows) == [r]


def test_adding_a_field_changes_the_cache_version() -> None:
    current = field_table.signature()
    doi = Field("doi", "string", label="doi", csv="doi")
    assert field_table.signature((*RESOURCE_FIELDS, doi)) != current
    retyped = tuple(Field(f.name, "text") if f.name == "venue" else f for f in RESOURCE_FIELDS)
    assert field_table.signature(retyped) != current
    assert field_table.signature(tuple(reversed(RESOURCE_FIELDS))) != current
    assert field_table.signature(tuple(RESOURCE_FIELDS)) == current


def test_a_cache_written_for_another_table_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)
    path = tmp_path / "resources.toml"
    store.save(catalogue_with(full_resource()), path)
    digest = store.load_with_digest(path)[1]
    assert list(Path(os.environ["MLSD_CACHE_DIR"]).glob("catalogue-*.json"))
    assert store._read_cache(path, digest) == catalogue_with(full_resource())
    doi = Field("doi", "string", label="doi", csv="doi")
    monkeypatch.setattr(field_table, "RESOURCE_FIELDS", (*RESOURCE_FIELDS, doi))
    assert store._read_cache(path, digest) is None  # a new field: the old cache is stale


def test_the_catalogue_file_keeps_its_form() -> None:
    """Required fields are always written, optional ones only when set."""
    bare = Resource("bare", "Bare", "blog", ["s1"])
    assert list(catalogue_to_dict(catalogue_with(bare))["resources"][0]) == [
        "id",
        "title",
        "kind",
        "sections",
    ]


# ----------------------------------------------------------------- the derived forms, pinned


def test_show_lines_are_pinned() -> None:
    r = full_resource()
    assert list(resource_details(r, catalogue_with(r))) == [
        "id:          every-field",
        "title:       Every field set",
        "url:         https://example.org/every",
        "kind:        paper",
        "sections:    Section one [s1]; Section two [s2]",
        "org:         Example Org",
        "authors:     Ada Lovelace, Alan Turing",
        "venue:       Example Conference",
        "year:        2019",
        "tags:        alpha, beta",
        "added:       2024-05-01",
        "aliases:     old-id",
        "",
        "Line one.\n\nLine two.",
    ]
    bare = Resource("bare", "Bare", "blog", ["s1"])
    assert list(resource_details(bare, catalogue_with(bare))) == [
        "id:          bare",
        "title:       Bare",
        "url:         (none)",
        "kind:        blog",
        "sections:    Section one [s1]",
    ]


TEMPLATE_HEAD = """\
# Editing '{id}' from resources.toml.
# Save and quit to apply; quit without changes to cancel. Lines starting with # are
# comments. The id cannot be changed here.
# kind: blog, paper, video, talk, book, course, slides, podcast, thread, other
# sections: s1, s2

"""


def test_editor_template_is_pinned() -> None:
    full = full_resource()
    assert entry_to_toml(catalogue_with(full), full, source="resources.toml") == (
        TEMPLATE_HEAD.format(id="every-field")
        + 'id = "every-field"\ntitle = "Every field set"\nurl = "https://example.org/every"\n'
        + 'kind = "paper"\nsections = [\n    "s1",\n    "s2",\n]\norg = "Example Org"\n'
        + 'authors = [\n    "Ada Lovelace",\n    "Alan Turing",\n]\n'
        + 'venue = "Example Conference"\nyear = 2019\ntags = [\n    "alpha",\n    "beta",\n]\n'
        + 'description = """\nLine one.\n\nLine two."""\nadded = 2024-05-01\n'
        + 'aliases = [\n    "old-id",\n]\n'
    )
    bare = Resource("bare", "Bare", "blog", ["s1"])
    assert entry_to_toml(catalogue_with(bare), bare, source="resources.toml") == (
        TEMPLATE_HEAD.format(id="bare")
        + 'id = "bare"\ntitle = "Bare"\nkind = "blog"\nsections = [\n    "s1",\n]\n\n'
        + '# url = "https://..."\n# org = ""\n# authors = ["..."]\n# venue = ""\n'
        + '# year = 2020\n# tags = ["..."]\n# description = """..."""\n'
    )


def test_a_copy_is_equal_and_shares_no_list() -> None:
    original = full_resource()
    copied = original.copy()
    assert copied == original == copy.deepcopy(original)
    for f in RESOURCE_FIELDS:
        value = getattr(original, f.name)
        assert value is not None and value != [] and value != ""  # every field is set
        if isinstance(value, list):
            assert getattr(copied, f.name) is not value
    copied.tags.append("changed")
    copied.authors.append("Someone Else")
    assert original == full_resource()  # later changes to the copy never reach the original
