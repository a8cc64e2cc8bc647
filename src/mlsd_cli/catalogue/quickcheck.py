"""The one-pass check of a resource table: the usual valid entry, taken without messages.

:func:`quick_resource` applies the schema's rules (:mod:`mlsd_cli.catalogue.schema`) to a raw
table in one pass over the field table and builds the resource; at the first doubt it gives
None and the checked path, which names the field and the fix, decides. A 100k-entry file is
validated in about half the time. ``tests/test_schema_quick.py`` checks that it accepts only
what the checked path accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from mlsd_cli.catalogue.controls import first_unsafe
from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.fields import resource_from_row
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
