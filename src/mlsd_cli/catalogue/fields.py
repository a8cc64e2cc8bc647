"""The resource's fields, in one table: the only place a field is spelled out.

Everything that lists a resource's fields is derived from :data:`RESOURCE_FIELDS`:

- the catalogue file's keys and their order, reading and validating a table, writing it back
  (:mod:`mlsd_cli.catalogue.schema`: ``RESOURCE_KEYS``, ``resource_to_dict``...);
- the JSON object (``resource_to_json``: every key always present) and the CSV columns;
- the rows of the load cache (:func:`cache_rows`, :func:`resources_from_rows`) and the cache's
  version (:func:`signature`: a new field, or a field of another type, invalidates old caches
  without anyone remembering to bump a number);
- the ``--editor`` template's commented-out lines for the fields not set
  (:attr:`Field.placeholder`);
- ``mlsd show``'s ``field: value`` lines (:attr:`Field.display`, :attr:`Field.label`).

Adding a field: add it to :class:`~mlsd_cli.catalogue.model.Resource` (with a default) and here
(``tests/test_fields.py`` checks the two agree); its :attr:`Field.type` gives its TOML, JSON,
CSV and cache forms. A new kind of validation is a rule in ``schema._RULES``, named by
:attr:`Field.check`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from operator import attrgetter
from operator import itemgetter
from typing import Any
from typing import Literal

from mlsd_cli.catalogue.model import Resource

#: The value types of a field, and what each means in every form:
#:
#: ============  ======================  ==================  ===============  ==============
#: type          in the model / TOML     when absent         JSON             CSV cell
#: ============  ======================  ==================  ===============  ==============
#: ``string``    a one-line string       None (key omitted)  string or null   text or ""
#: ``text``      markdown, may be        "" (key omitted)    string           text
#:               multi-line
#: ``list``      a list of strings       [] (key omitted)    array            items, "; "
#: ``year``      a four-digit integer    None (key omitted)  number or null   digits or ""
#: ``date``      a TOML date             None (key omitted)  "YYYY-MM-DD"     "YYYY-MM-DD"
#: ============  ======================  ==================  ===============  ==============
FieldType = Literal["string", "text", "list", "year", "date"]

#: How ``mlsd show`` prints a field: ``always`` a line even when empty (with
#: :attr:`Field.display_empty`), ``if_set`` a line only when set, ``sections`` the section
#: titles with their ids, ``paragraph`` the value on its own after a blank line, at the end.
Display = Literal["always", "if_set", "sections", "paragraph"]


@dataclass(frozen=True)
class Field:
    """One field of a resource and every decision about it."""

    name: str
    type: FieldType
    #: A required field is always written (and must be non-empty when read).
    required: bool = False
    #: The rule of :mod:`mlsd_cli.catalogue.schema` (``_RULES``) that validates the value
    #: beyond its type: "id", "kind", "url", "sections" or "tags".
    check: str | None = None
    #: What ``mlsd show`` calls it.
    label: str = ""
    display: Display = "if_set"
    display_empty: str = ""
    #: The CSV export's column.
    csv: str = ""
    #: The ``--editor`` template's commented-out line when the field is not set (None: the
    #: field is not offered there).
    placeholder: str | None = None

    def is_set(self, value: Any) -> bool:
        """Whether ``value`` is written to the file (an empty value leaves the key out)."""
        return value is not None and value != "" and value != []

    def absent(self) -> Any:
        """The model's value of a field the file does not give."""
        return {"text": "", "list": []}.get(self.type)


def _field(name: str, type: FieldType, **options: Any) -> Field:
    return Field(name, type, label=name, csv=name, **options)


#: The fields of a resource in the catalogue file's order (also the JSON, CSV and cache order).
RESOURCE_FIELDS: tuple[Field, ...] = (
    _field("id", "string", required=True, check="id", display="always"),
    _field("title", "string", required=True, display="always"),
    _field(
        "url",
        "string",
        check="url",
        display="always",
        display_empty="(none)",
        placeholder='url = "https://..."',
    ),
    _field("kind", "string", required=True, check="kind", display="always"),
    _field("sections", "list", required=True, check="sections", display="sections"),
    _field("org", "string", placeholder='org = ""'),
    _field("authors", "list", placeholder='authors = ["..."]'),
    _field("venue", "string", placeholder='venue = ""'),
    _field("year", "year", placeholder="year = 2020"),
    _field("tags", "list", check="tags", placeholder='tags = ["..."]'),
    _field("description", "text", display="paragraph", placeholder='description = """..."""'),
    _field("added", "date"),
    #: Ids of entries merged into this one (set by ``dedupe --merge``, not offered for editing).
    _field("aliases", "list"),
)

RESOURCE_KEYS: tuple[str, ...] = tuple(f.name for f in RESOURCE_FIELDS)

#: Field type -> the JSON form of a value that is set.
_TO_JSON: dict[str, Callable[[Any], Any]] = {"list": list, "date": date.isoformat}
#: Field type -> the CSV cell of a value that is set (the rest: str()).
_TO_CELL: dict[str, Callable[[Any], str]] = {
    "list": "; ".join,
    "date": date.isoformat,
    "year": str,
}
#: Field type -> (to the cache's JSON, back), for the types JSON does not hold as they are.
_CACHE_CODEC: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "date": (date.isoformat, date.fromisoformat),
}

_VALUES = attrgetter(*RESOURCE_KEYS)


def _converters(
    table: dict[str, Callable[[Any], Any]], fields: Sequence[Field]
) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    return tuple((i, table[f.type]) for i, f in enumerate(fields) if f.type in table)


_JSON_CONVERSIONS = _converters(_TO_JSON, RESOURCE_FIELDS)


def resource_to_json(r: Resource) -> dict[str, Any]:
    """The JSON object of one resource (``--json`` output and the JSON export).

    Every key is always present (null, "" or [] when empty), so scripts need no guards.
    """
    values = list(_VALUES(r))
    for i, convert in _JSON_CONVERSIONS:
        if values[i] is not None:
            values[i] = convert(values[i])
    return dict(zip(RESOURCE_KEYS, values, strict=True))


CSV_COLUMNS: tuple[str, ...] = tuple(f.csv for f in RESOURCE_FIELDS)
_CELL_CONVERSIONS = _converters(_TO_CELL, RESOURCE_FIELDS)


def csv_cells(r: Resource) -> list[str]:
    """The CSV cells of one resource, in :data:`CSV_COLUMNS` order (not yet guarded)."""
    cells = list(_VALUES(r))
    for i, convert in _CELL_CONVERSIONS:
        if cells[i] is not None:
            cells[i] = convert(cells[i])
    return [c if c is not None else "" for c in cells]


# --------------------------------------------------------------------------- the load cache

#: The rows' layout: bump it when the way rows are written changes (not for a new field:
#: :func:`signature` covers the fields).
CACHE_ROW_FORMAT = 3

_CACHE_ENCODE = _converters({t: c[0] for t, c in _CACHE_CODEC.items()}, RESOURCE_FIELDS)
_CACHE_DECODE = _converters({t: c[1] for t, c in _CACHE_CODEC.items()}, RESOURCE_FIELDS)
#: A cache row is in the table's order; the model's constructor takes its own order.
_CONSTRUCTOR_ORDER = itemgetter(*(RESOURCE_KEYS.index(f.name) for f in dataclass_fields(Resource)))


def signature(table: Iterable[Field] | None = None) -> str:
    """A short hash of the fields' names and types, in order, and the row format: the load
    cache's version, so that a cache written for another table is never read. (``table``
    defaults to :data:`RESOURCE_FIELDS` as it is when called.)"""
    table = RESOURCE_FIELDS if table is None else table
    spec = ";".join(f"{f.name}:{f.type}" for f in table)
    digest = hashlib.blake2b(spec.encode(), digest_size=8).hexdigest()
    return f"{CACHE_ROW_FORMAT}-{digest}"


def cache_rows(resources: Iterable[Resource]) -> list[list[Any]]:
    """One JSON-ready list per resource, values in the table's order."""
    rows: list[list[Any]] = []
    append = rows.append
    for r in resources:
        row = list(_VALUES(r))
        for i, encode in _CACHE_ENCODE:
            if row[i] is not None:
                row[i] = encode(row[i])
        append(row)
    return rows


def resources_from_columns(columns: Sequence[Sequence[Any]]) -> list[Resource]:
    """The resources whose values are ``columns`` (a column a field, in the table's order;
    decoded)."""
    return list(map(Resource, *_CONSTRUCTOR_ORDER(columns)))


def resource_from_row(row: Sequence[Any]) -> Resource:
    """The resource whose values, in the table's order, are ``row`` (decoded)."""
    return Resource(*_CONSTRUCTOR_ORDER(row))


def resources_from_rows(rows: Iterable[list[Any]]) -> list[Resource]:
    """The resources of :func:`cache_rows` (positional construction: much faster than
    keywords, and the positions come from the table and the dataclass, never by hand)."""
    resources: list[Resource] = []
    append = resources.append
    order = _CONSTRUCTOR_ORDER
    for row in rows:
        for i, decode in _CACHE_DECODE:
            if row[i] is not None:
                row[i] = decode(row[i])
        append(Resource(*order(row)))
    return resources
