"""The one-pass check of resource tables: the usual valid entries, taken without messages.

:func:`quick_resource` applies the schema's rules (:mod:`mlsd_cli.catalogue.schema`) to a raw
table in one pass over the field table and builds the resource; at the first doubt it gives
None and the checked path, which names the field and the fix, decides. :func:`quick_chunk`
applies the same rules to a chunk of tables a field at a time (a column: one ``isprintable``
of the joined strings, one set of the kinds, of the sections, of the distinct tags...), so the
checks run in C rather than once per value in Python: a 100k-entry file is validated in about
a fifth of the checked path's time. ``tests/test_schema_quick.py`` checks that each accepts
only what the checked path accepts, and builds the same resources.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from itertools import chain
from itertools import count
from itertools import repeat
from operator import attrgetter
from typing import Any

from mlsd_cli.catalogue.controls import UNSAFE
from mlsd_cli.catalogue.controls import first_unsafe
from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.fields import resource_from_row
from mlsd_cli.catalogue.fields import resources_from_columns
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.tags import is_normal
from mlsd_cli.catalogue.urls import url_problem

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: Keys whose values may have several lines (and tabs): everything else is one line.
MULTILINE_KEYS = frozenset({"description", "intro"})


def quick_resource(raw: Any, sections: set[str]) -> Resource | None:
    """The resource of a raw table that is valid in every way, checked in one pass with no
    messages; None at the first doubt (then the checked path of
    :func:`mlsd_cli.catalogue.schema.catalogue_from_dict` decides and words the
    error). The same rules as the checked path: ``tests/test_schema_quick.py``."""
    if type(raw) is not dict or not raw.keys() <= _KEY_SET:
        return None
    values: list[Any] = []
    append = values.append
    for name, kind, required, rule, multiline in _QUICK_PLAN:
        value = raw.get(name)
        if value is None:
            if required:
                return None
            append([] if kind == "list" else "" if kind == "text" else None)
            continue
        if kind == "string" or kind == "text":
            if not _safe_string(value, multiline) or (required and not value.strip()):
                return None
        elif kind == "list":
            if type(value) is not list or not all(_safe_string(v, False) for v in value):
                return None
            value = list(value)
        elif kind == "year":
            if type(value) is not int or not 1000 <= value <= 9999:
                return None
        elif type(value) is not date:  # "date": a date, not a datetime
            return None
        if rule is not None and not _QUICK_RULES[rule](value, sections):
            return None
        append(value)
    return resource_from_row(values)


def _safe_string(value: Any, multiline: bool) -> bool:
    """A string :meth:`_Checker.printable` accepts."""
    return type(value) is str and (
        value.isprintable() or (multiline and first_unsafe(value, multiline=True) is None)
    )


_KEY_SET = frozenset(RESOURCE_KEYS)
_QUICK_PLAN = tuple(
    (f.name, f.type, f.required, f.check, f.name in MULTILINE_KEYS) for f in RESOURCE_FIELDS
)
_KIND_SET = frozenset(KINDS)
_QUICK_RULES: dict[str, Callable[[Any, set[str]], bool]] = {
    "id": lambda v, _s: ID_PATTERN.match(v) is not None,
    "kind": lambda v, _s: v in _KIND_SET,
    "url": lambda v, _s: not url_problem(v),
    "sections": lambda v, s: bool(v) and all(x in s for x in v),
    "tags": lambda v, _s: all(is_normal(t) for t in v),
}


def quick_chunk(raws: list[Any], sections: set[str]) -> list[Resource] | None:
    """The resources of raw tables that are all valid in every way, checked a field at a time
    (what :func:`quick_resource` accepts of each table, and the same resources); None when any
    one is in doubt (then each table is checked on its own). The resources take the tables'
    lists as they are (no copy): for tables parsed for this and dropped after, as a chunk of
    :mod:`mlsd_cli.catalogue.tomlparse` is."""
    columns = quick_columns(raws, sections)
    return None if columns is None else resources_from_columns(columns)


def quick_columns(raws: list[Any], sections: set[str]) -> list[list[Any]] | None:
    """:func:`quick_chunk`'s check: the values of the tables a field at a time, in the field
    table's order, absent values as the model has them; None when any table is in doubt."""
    if set(map(type, raws)) - {dict} or not _KEY_SET.issuperset(chain.from_iterable(raws)):
        return None
    columns: list[list[Any]] = []
    for name, kind, required, rule, multiline in _QUICK_PLAN:
        column = list(map(dict.get, raws, repeat(name)))
        present = [v for v in column if v is not None]
        if len(present) != len(column):
            if required:
                return None
            if kind == "list":  # a new empty list for each entry, never one shared
                column = [v if v is not None else [] for v in column]
            elif kind == "text":
                column = [v if v is not None else "" for v in column]
        if not _COLUMN_CHECKS[kind](present, multiline, required):
            return None
        if rule is not None and not _COLUMN_RULES[rule](present, sections):
            return None
        columns.append(column)
    return columns


def _strings(values: list[Any], multiline: bool) -> bool:
    """Every value a string :func:`_safe_string` accepts."""
    if set(map(type, values)) - {str}:
        return False
    joined = "".join(values)  # each check below looks at one character at a time
    return joined.isprintable() or (multiline and UNSAFE.search(joined) is None)


def _string_column(values: list[Any], multiline: bool, required: bool) -> bool:
    return _strings(values, multiline) and (not required or all(map(str.strip, values)))


def _list_column(values: list[Any], multiline: bool, required: bool) -> bool:
    return not set(map(type, values)) - {list} and _strings(
        list(chain.from_iterable(values)), False
    )


def _year_column(values: list[Any], multiline: bool, required: bool) -> bool:
    return not values or (
        not set(map(type, values)) - {int} and min(values) >= 1000 and max(values) <= 9999
    )


def _date_column(values: list[Any], multiline: bool, required: bool) -> bool:
    return not set(map(type, values)) - {date}  # a date, not a datetime


_COLUMN_CHECKS: dict[str, Callable[[list[Any], bool, bool], bool]] = {
    "string": _string_column,
    "text": _string_column,
    "list": _list_column,
    "year": _year_column,
    "date": _date_column,
}
_COLUMN_RULES: dict[str, Callable[[list[Any], set[str]], bool]] = {
    "id": lambda v, _s: all(map(ID_PATTERN.match, v)),
    "kind": lambda v, _s: _KIND_SET.issuperset(v),
    "url": lambda v, _s: not any(map(url_problem, v)),
    "sections": lambda v, s: all(v) and s.issuperset(chain.from_iterable(v)),
    "tags": lambda v, _s: all(map(is_normal, set(chain.from_iterable(v)))),
}


def quick_ids(resources: list[Resource], start: int, seen_ids: dict[str, int]) -> bool:
    """Record the ids of resources ``start``... when none is taken and none has aliases (the
    usual chunk, in a few set operations); else False, recording nothing."""
    ids = list(map(_ID, resources))
    distinct = set(ids)
    if any(map(_ALIASES, resources)) or len(distinct) != len(ids):
        return False
    if not seen_ids.keys().isdisjoint(distinct):
        return False
    seen_ids.update(zip(ids, count(start)))
    return True


_ID = attrgetter("id")
_ALIASES = attrgetter("aliases")
