"""Sorting and grouping resources for ``list`` and ``export``."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import InputError

SORT_KEYS: dict[str, Callable[[Resource], Any]] = {
    "catalogue": lambda r: 0,
    "title": lambda r: r.title.casefold(),
    "year": lambda r: (r.year is None, r.year or 0),
    "added": lambda r: (r.added is None, r.added.isoformat() if r.added else ""),
    "kind": lambda r: r.kind,
    "org": lambda r: ((r.org or "").casefold() == "", (r.org or "").casefold()),
    "id": lambda r: r.id,
}
GROUP_KEYS = ("section", "org", "kind", "year", "tag")
NONE_LABEL = "(none)"


def sort_resources(
    resources: Sequence[Resource], key: str, *, reverse: bool = False
) -> list[Resource]:
    """Stable sort by one of :data:`SORT_KEYS` ("catalogue" keeps file order)."""
    if key not in SORT_KEYS:
        raise InputError(f"unknown sort key '{key}'", field="sort", choices=list(SORT_KEYS))
    if key == "catalogue":
        return list(reversed(resources)) if reverse else list(resources)
    ordered = sorted(resources, key=SORT_KEYS[key], reverse=reverse)
    if reverse:  # entries without the value (no year) stay last, in either direction
        missing = [r for r in ordered if _missing(SORT_KEYS[key](r))]
        ordered = [r for r in ordered if not _missing(SORT_KEYS[key](r))] + missing
    return ordered


def _missing(value: Any) -> bool:
    """A sort value ``(True, ...)`` is that of an entry without the field."""
    return isinstance(value, tuple) and value[0] is True


def check_group_key(by: str) -> str:
    """``by`` if it is one of :data:`GROUP_KEYS`; InputError otherwise."""
    if by not in GROUP_KEYS:
        raise InputError(f"unknown group key '{by}'", field="group_by", choices=GROUP_KEYS)
    return by


def group_resources(
    catalogue: Catalogue, resources: Sequence[Resource], by: str
) -> list[tuple[str, list[Resource]]]:
    """Groups as (label, resources). A resource in two sections (or with two tags) is in both.

    Sections keep catalogue order (a sub-section right after its parent, as in the file);
    other groups are sorted, with the empty group "(none)" last.
    """
    check_group_key(by)
    if by == "section":
        by_section: dict[str, list[Resource]] = {s.id: [] for s in catalogue.sections}
        for r in resources:
            for sid in r.sections:
                by_section.setdefault(sid, []).append(r)
        titles = catalogue.section_titles()
        return [(titles.get(sid, sid), items) for sid, items in by_section.items() if items]
    groups: dict[str, list[Resource]] = {}
    for r in resources:
        for label in _labels(r, by):
            groups.setdefault(label, []).append(r)
    ordered = sorted(
        (k for k in groups if k != NONE_LABEL),
        key=(lambda k: -int(k)) if by == "year" else str.casefold,
    )
    if NONE_LABEL in groups:
        ordered.append(NONE_LABEL)
    return [(k, groups[k]) for k in ordered]


def _labels(r: Resource, by: str) -> list[str]:
    if by == "org":
        return [r.org or NONE_LABEL]
    if by == "kind":
        return [r.kind]
    if by == "year":
        return [str(r.year) if r.year else NONE_LABEL]
    return list(r.tags) or [NONE_LABEL]
