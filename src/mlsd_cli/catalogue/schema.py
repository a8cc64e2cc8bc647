"""Parsed TOML (plain dicts) <-> the dataclasses of :mod:`mlsd_cli.catalogue.model`.

``catalogue_from_dict`` validates everything and raises :class:`CatalogueError` naming the
place (``file:line``) and the fix; ``catalogue_to_dict`` gives the canonical dict that
:mod:`mlsd_cli.catalogue.store` writes, with a fixed key order and empty fields left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from typing import Any

from mlsd_cli.catalogue.conflicts import CONFLICTS_KEY
from mlsd_cli.catalogue.conflicts import HINT
from mlsd_cli.catalogue.conflicts import conflict_message
from mlsd_cli.catalogue.controls import codepoint
from mlsd_cli.catalogue.controls import first_unsafe
from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.fields import RESOURCE_KEYS as RESOURCE_KEYS
from mlsd_cli.catalogue.fields import Field
from mlsd_cli.catalogue.fields import resource_to_json as resource_to_json
from mlsd_cli.catalogue.fields import resources_from_columns
from mlsd_cli.catalogue.model import FORMAT_VERSION
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.quickcheck import ID_PATTERN as ID_PATTERN
from mlsd_cli.catalogue.quickcheck import MULTILINE_KEYS as MULTILINE_KEYS
from mlsd_cli.catalogue.quickcheck import quick_chunk
from mlsd_cli.catalogue.quickcheck import quick_ids
from mlsd_cli.catalogue.quickcheck import quick_resource
from mlsd_cli.catalogue.tags import is_normal
from mlsd_cli.catalogue.tomlparse import Checked
from mlsd_cli.catalogue.tomlparse import Unsettled
from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.errors import CatalogueError

CATALOGUE_KEYS = ("format", "title", "description")
SECTION_KEYS = ("id", "title", "parent", "intro")
TOP_KEYS = ("catalogue", "sections", "resources", "not_duplicates")

#: Finds the line of a problem: (table name, index of the table or None, key or None) -> line.
Locator = Callable[[str, int | None, str | None], int | None]


def _no_locator(table: str, index: int | None, key: str | None) -> int | None:
    return None


class _Checker:
    """Raises CatalogueError with the right place for each kind of problem."""

    def __init__(self, source: str, locate: Locator) -> None:
        self.source = source
        self.locate = locate

    def fail(
        self,
        message: str,
        table: str,
        index: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> CatalogueError:
        line = self.locate(table, index, key)
        location = f"{self.source}:{line}" if line else self.source
        return CatalogueError(message, location=location, hint=hint)

    def unknown_keys(
        self,
        data: dict[str, Any],
        allowed: tuple[str, ...],
        what: str,
        table: str,
        index: int | None,
    ) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"known fields: {', '.join(allowed)}"
                )
                raise self.fail(f"{what}: unknown field '{key}'", table, index, key, hint)

    def string(
        self,
        data: dict[str, Any],
        key: str,
        what: str,
        table: str,
        index: int | None,
        *,
        required: bool = False,
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(
                    f"{what}: missing required field '{key}'",
                    table,
                    index,
                    None,
                    f'add {key} = "..."',
                )
            return None
        if not isinstance(value, str):
            raise self.fail(
                f"{what}: '{key}' must be a string, not {_type_name(value)}",
                table,
                index,
                key,
                f'write {key} = "..."',
            )
        if required and not value.strip():
            raise self.fail(f"{what}: '{key}' is empty", table, index, key, f"give it a {key}")
        self.printable(value, key, what, table, index)
        return value

    def printable(self, value: str, key: str, what: str, table: str, index: int | None) -> None:
        """Refuse a terminal control or bidi override (a line feed or tab only where a value
        may have several lines): :mod:`mlsd_cli.catalogue.controls`."""
        bad = first_unsafe(value, multiline=key in MULTILINE_KEYS)
        if bad is not None:
            raise self.fail(
                f"{what}: '{key}' holds the control character {codepoint(bad)}",
                table,
                index,
                key,
                "remove it (terminals obey such characters instead of showing them)",
            )

    def string_list(
        self, data: dict[str, Any], key: str, what: str, table: str, index: int | None
    ) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(
                f"{what}: '{key}' must be a list of strings",
                table,
                index,
                key,
                f'write {key} = ["...", "..."]',
            )
        for item in value:
            self.printable(item, key, what, table, index)
        return list(value)


def _type_name(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def catalogue_from_dict(
    data: dict[str, Any], *, source: str = "resources.toml", locate: Locator = _no_locator
) -> Catalogue:
    """Validate a parsed catalogue file and build the model. Raises CatalogueError."""
    check = _Checker(source, locate)
    _check_top(data, check)
    catalogue, sections = _head(data, check)
    ids: dict[str, int] = {}
    _add_resources(catalogue, _table_array(data, "resources", check), check, sections, ids)
    _add_not_duplicates(catalogue, data, check, ids)
    return catalogue


def catalogue_from_chunks(
    head: dict[str, Any],
    chunks: Iterable[list[Any] | Checked],
    tail: Callable[[], dict[str, Any]],
    *,
    source: str = "resources.toml",
) -> Catalogue:
    """:func:`catalogue_from_dict` of a document read in parts (:mod:`tomlparse`): the tables
    before the resources, the resources a chunk at a time (each chunk's tables can go once
    read: a 100k-entry file never holds them all), then the tables after them (``tail()``,
    known once the chunks are read). An invalid document raises CatalogueError, without a
    line: the caller validates the whole document again for the exact error."""
    check = _Checker(source, _no_locator)
    _check_top(head, check)
    catalogue, sections = _head(head, check)
    ids: dict[str, int] = {}
    for chunk in chunks:
        # The usual chunk, valid throughout, is checked a field at a time (quick_chunk, or the
        # helper process did it); any doubt, an entry at a time, as catalogue_from_dict does.
        if isinstance(chunk, Checked):
            if chunk.sections != sections:
                raise Unsettled
            resources = resources_from_columns(chunk.columns)
        else:
            quick = quick_chunk(chunk, sections)
            if quick is None:
                _add_resources(catalogue, chunk, check, sections, ids)
                continue
            resources = quick
        start = len(catalogue.resources)
        if not quick_ids(resources, start, ids):  # an id taken twice (named), or aliases
            for i, resource in enumerate(resources, start):
                _take_id(resource, i, check, ids)
        catalogue.resources += resources
    rest = tail()
    _check_top(rest, check)
    # Records may come before the first resource (a hand edit) as well as after the last.
    _add_not_duplicates(catalogue, {**head, **rest}, check, ids)
    return catalogue


def _check_top(data: dict[str, Any], check: _Checker) -> None:
    if CONFLICTS_KEY in data:  # left by `mlsd merge-driver` until the user resolves it
        raise check.fail(conflict_message(data[CONFLICTS_KEY]), CONFLICTS_KEY, 0, hint=HINT)
    for key in data:
        if key not in TOP_KEYS:
            raise check.fail(
                f"unknown top-level entry '{key}'",
                key,
                None,
                None,
                f"a catalogue holds only {', '.join(TOP_KEYS)}",
            )


def _head(data: dict[str, Any], check: _Checker) -> tuple[Catalogue, set[str]]:
    meta = data.get("catalogue", {})
    if not isinstance(meta, dict):
        raise check.fail("'catalogue' must be a table", "catalogue", hint="write [catalogue]")
    check.unknown_keys(meta, CATALOGUE_KEYS, "[catalogue]", "catalogue", None)
    version = meta.get("format", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise check.fail(
            f"[catalogue]: format {version!r} is not supported by this mlsd",
            "catalogue",
            None,
            "format",
            f"upgrade mlsd, or set format = {FORMAT_VERSION}",
        )
    catalogue = Catalogue(
        title=check.string(meta, "title", "[catalogue]", "catalogue", None) or "",
        description=check.string(meta, "description", "[catalogue]", "catalogue", None) or "",
    )

    raw_sections = _table_array(data, "sections", check)
    seen_sections: set[str] = set()
    for i, raw in enumerate(raw_sections):
        what = f"section #{i + 1}"
        if not isinstance(raw, dict):
            raise check.fail(f"{what} must be a table", "sections", i)
        check.unknown_keys(raw, SECTION_KEYS, what, "sections", i)
        sid = check.string(raw, "id", what, "sections", i, required=True) or ""
        what = f"section '{sid}'"
        if not ID_PATTERN.match(sid):
            raise check.fail(
                f"{what}: id must be lower-case letters, digits, '-', '.' or '_'",
                "sections",
                i,
                "id",
                'for example id = "chapter-1"',
            )
        if sid in seen_sections:
            raise check.fail(
                f"duplicate section id '{sid}'", "sections", i, "id", "give each section its own id"
            )
        seen_sections.add(sid)
        catalogue.sections.append(
            Section(
                id=sid,
                title=check.string(raw, "title", what, "sections", i, required=True) or "",
                parent=check.string(raw, "parent", what, "sections", i),
                intro=check.string(raw, "intro", what, "sections", i) or "",
            )
        )
    for i, section in enumerate(catalogue.sections):
        if section.parent is not None and section.parent not in seen_sections:
            raise check.fail(
                f"section '{section.id}': parent '{section.parent}' is not a section",
                "sections",
                i,
                "parent",
                _did_you_mean(section.parent, seen_sections),
            )
    _check_section_cycles(catalogue, check)

    return catalogue, seen_sections


def _add_resources(
    catalogue: Catalogue,
    raw_resources: list[Any],
    check: _Checker,
    seen_sections: set[str],
    seen_ids: dict[str, int],
) -> None:
    start = len(catalogue.resources)
    for i, raw in enumerate(raw_resources, start):
        resource = quick_resource(raw, seen_sections) or _resource_from_dict(
            raw, i, check, seen_sections
        )
        _take_id(resource, i, check, seen_ids)
        catalogue.resources.append(resource)


def _take_id(resource: Resource, i: int, check: _Checker, seen_ids: dict[str, int]) -> None:
    """Record the ids of the ``i``-th resource (its own and its aliases'), refusing one that is
    taken."""
    for rid in (resource.id, *resource.aliases):
        if rid in seen_ids:
            raise check.fail(
                f"duplicate resource id '{rid}' (also resource #{seen_ids[rid] + 1})",
                "resources",
                i,
                "id",
                "give each resource its own id",
            )
        seen_ids[rid] = i


def _add_not_duplicates(
    catalogue: Catalogue, data: dict[str, Any], check: _Checker, seen_ids: dict[str, int]
) -> None:
    for i, raw in enumerate(_table_array(data, "not_duplicates", check)):
        what = f"not_duplicates #{i + 1}"
        if not isinstance(raw, dict):
            raise check.fail(f"{what} must be a table", "not_duplicates", i)
        check.unknown_keys(raw, ("ids",), what, "not_duplicates", i)
        ids = check.string_list(raw, "ids", what, "not_duplicates", i)
        if len(ids) != 2 or ids[0] == ids[1]:
            raise check.fail(
                f"{what}: 'ids' must name two different resources", "not_duplicates", i, "ids"
            )
        for rid in ids:
            if rid not in seen_ids:
                raise check.fail(
                    f"{what}: '{rid}' is not a resource id",
                    "not_duplicates",
                    i,
                    "ids",
                    _did_you_mean(rid, set(seen_ids)),
                )
        a, b = sorted(ids)
        catalogue.not_duplicates.append((a, b))


def validate_resources(
    catalogue: Catalogue, positions: list[int], source: str = "resources.toml"
) -> None:
    """Validate the resources at ``positions`` as :func:`catalogue_from_dict` validates each
    (not the ids across entries). Raises CatalogueError."""
    check = _Checker(source, _no_locator)
    sections = {s.id for s in catalogue.sections}
    for i in positions:
        _resource_from_dict(resource_to_dict(catalogue.resources[i]), i, check, sections)


def _did_you_mean(value: str, choices: set[str]) -> str | None:
    close = difflib.get_close_matches(value, sorted(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def _table_array(data: dict[str, Any], key: str, check: _Checker) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise check.fail(f"'{key}' must be an array of tables", key, hint=f"write [[{key}]] blocks")
    return value


def _check_section_cycles(catalogue: Catalogue, check: _Checker) -> None:
    parents = {s.id: s.parent for s in catalogue.sections}
    for i, section in enumerate(catalogue.sections):
        seen = {section.id}
        parent = section.parent
        while parent is not None:
            if parent in seen:
                raise check.fail(
                    f"section '{section.id}': parents form a cycle",
                    "sections",
                    i,
                    "parent",
                    "a section cannot be its own ancestor",
                )
            seen.add(parent)
            parent = parents.get(parent)


def _resource_from_dict(raw: Any, i: int, check: _Checker, sections: set[str]) -> Resource:
    table = "resources"
    what = f"resource #{i + 1}"
    if not isinstance(raw, dict):
        raise check.fail(f"{what} must be a table", table, i)
    rid = check.string(raw, "id", what, table, i, required=True) or ""
    what = f"resource '{rid}'"
    check.unknown_keys(raw, RESOURCE_KEYS, what, table, i)
    values: dict[str, Any] = {}
    for f in RESOURCE_FIELDS:
        value = _READERS[f.type](check, raw, f, what, i)
        if f.check is not None and value is not None:
            _RULES[f.check](check, value, what, i, sections)
        values[f.name] = value
    return Resource(**values)


# A reader per field type: the value of the field in a raw table (its absent value when the key
# is missing), or CatalogueError.
_Reader = Callable[[_Checker, dict[str, Any], Field, str, int], Any]


def _read_string(check: _Checker, raw: dict[str, Any], f: Field, what: str, i: int) -> Any:
    value = check.string(raw, f.name, what, "resources", i, required=f.required)
    return f.absent() if value is None else value


def _read_list(check: _Checker, raw: dict[str, Any], f: Field, what: str, i: int) -> Any:
    return check.string_list(raw, f.name, what, "resources", i)


def _read_year(check: _Checker, raw: dict[str, Any], f: Field, what: str, i: int) -> Any:
    year = raw.get(f.name)
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999
    ):
        raise check.fail(
            f"{what}: {f.name} must be a four-digit integer, not {year!r}",
            "resources",
            i,
            f.name,
            f"write {f.name} = 2019",
        )
    return year


def _read_date(check: _Checker, raw: dict[str, Any], f: Field, what: str, i: int) -> Any:
    value = raw.get(f.name)
    if value is not None and (not isinstance(value, date) or hasattr(value, "hour")):
        raise check.fail(
            f"{what}: {f.name} must be a date such as 2024-05-01",
            "resources",
            i,
            f.name,
            f"write {f.name} = 2024-05-01 (no quotes)",
        )
    return value


_READERS: dict[str, _Reader] = {
    "string": _read_string,
    "text": _read_string,
    "list": _read_list,
    "year": _read_year,
    "date": _read_date,
}


# The rules named by Field.check: a value of the right type, checked further.
_Rule = Callable[[_Checker, Any, str, int, set[str]], None]


def _check_id(check: _Checker, rid: str, what: str, i: int, sections: set[str]) -> None:
    if not ID_PATTERN.match(rid):
        raise check.fail(
            f"{what}: id must be lower-case letters, digits, '-', '.' or '_'",
            "resources",
            i,
            "id",
            'for example id = "uber-michelangelo"',
        )


def _check_kind(check: _Checker, kind: str, what: str, i: int, sections: set[str]) -> None:
    if kind not in KINDS:
        raise check.fail(
            f"{what}: unknown kind '{kind}'",
            "resources",
            i,
            "kind",
            f"use one of {', '.join(KINDS)}",
        )


def _check_url(check: _Checker, url: str, what: str, i: int, sections: set[str]) -> None:
    problem = url_problem(url)
    if problem:
        raise check.fail(
            f"{what}: url {url!r} {problem}",
            "resources",
            i,
            "url",
            "use an http:// or https:// address, or leave url out",
        )


def _check_sections(
    check: _Checker, resource_sections: list[str], what: str, i: int, sections: set[str]
) -> None:
    if not resource_sections:
        raise check.fail(
            f"{what}: 'sections' must name at least one section",
            "resources",
            i,
            "sections",
            'add sections = ["<section id>"]',
        )
    for sid in resource_sections:
        if sid not in sections:
            raise check.fail(
                f"{what}: unknown section '{sid}'",
                "resources",
                i,
                "sections",
                _did_you_mean(sid, sections) or "add a [[sections]] entry with that id",
            )


def _check_tags(check: _Checker, tags: list[str], what: str, i: int, sections: set[str]) -> None:
    for tag in tags:
        if not is_normal(tag):
            from mlsd_cli.catalogue.tags import normalize_tag

            normal = normalize_tag(tag)
            raise check.fail(
                f"{what}: tag '{tag}' is not in normal form",
                "resources",
                i,
                "tags",
                f"write '{normal}' (lower-case words joined by '-')"
                if normal
                else "a tag needs a letter or digit (of any script)",
            )


_RULES: dict[str, _Rule] = {
    "id": _check_id,
    "kind": _check_kind,
    "url": _check_url,
    "sections": _check_sections,
    "tags": _check_tags,
}


def resource_to_dict(r: Resource) -> dict[str, Any]:
    """The canonical table of one resource: fixed key order, empty optional fields left out."""
    out: dict[str, Any] = {}
    for f in RESOURCE_FIELDS:
        value = getattr(r, f.name)
        if f.required or f.is_set(value):
            out[f.name] = list(value) if f.type == "list" else value
    return out


def section_to_dict(s: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"id": s.id, "title": s.title}
    if s.parent:
        out["parent"] = s.parent
    if s.intro:
        out["intro"] = s.intro
    return out


def catalogue_to_dict(catalogue: Catalogue) -> dict[str, Any]:
    """The canonical dict of a catalogue, in the order it is written."""
    meta: dict[str, Any] = {"format": FORMAT_VERSION}
    if catalogue.title:
        meta["title"] = catalogue.title
    if catalogue.description:
        meta["description"] = catalogue.description
    out: dict[str, Any] = {"catalogue": meta}
    if catalogue.sections:
        out["sections"] = [section_to_dict(s) for s in catalogue.sections]
    if catalogue.resources:
        out["resources"] = [resource_to_dict(r) for r in catalogue.resources]
    if catalogue.not_duplicates:
        out["not_duplicates"] = [
            {"ids": list(pair)} for pair in sorted(set(catalogue.not_duplicates))
        ]
    return out
