"""Selecting resources: the filters shared by ``list``, ``search``, ``export`` and ``check``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from mlsd_cli.catalogue.model import KINDS, Catalogue, Resource
from mlsd_cli.catalogue.tags import normalize_tag
from mlsd_cli.errors import InputError


@dataclass(frozen=True)
class ResourceFilter:
    """Every given criterion must hold; within one criterion any value may match."""

    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    since: int | date | None = None
    no_url: bool = False
    #: Section ids after resolving titles and adding sub-sections (set by :func:`resolve`).
    _section_ids: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def empty(self) -> bool:
        return not (
            self.sections
            or self.tags
            or self.kinds
            or self.orgs
            or self.years
            or self.since is not None
            or self.no_url
        )


def section_ids_matching(catalogue: Catalogue, names: Iterable[str]) -> frozenset[str]:
    """Resolve section ids or titles (case-insensitive) to ids, including sub-sections."""
    by_id = {s.id: s for s in catalogue.sections}
    by_title = {s.title.casefold(): s.id for s in catalogue.sections}
    wanted: set[str] = set()
    for name in names:
        if name in by_id:
            wanted.add(name)
        elif name.casefold() in by_title:
            wanted.add(by_title[name.casefold()])
        else:
            prefix = [
                s.id for s in catalogue.sections if s.title.casefold().startswith(name.casefold())
            ]
            if len(prefix) == 1:
                wanted.add(prefix[0])
                continue
            import difflib

            close = difflib.get_close_matches(name, list(by_id), n=3)
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else "see `mlsd list --group-by section`"
            )
            raise InputError(f"--section: no section named '{name}'", hint=hint)
    children: dict[str, list[str]] = {}
    for s in catalogue.sections:
        if s.parent:
            children.setdefault(s.parent, []).append(s.id)
    stack = list(wanted)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    return frozenset(wanted)


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    out = []
    for kind in kinds:
        if kind.lower() not in KINDS:
            raise InputError(
                f"--kind: unknown kind '{kind}'", hint=f"use one of {', '.join(KINDS)}"
            )
        out.append(kind.lower())
    return tuple(out)


def make_filter(
    catalogue: Catalogue,
    *,
    sections: Iterable[str] = (),
    tags: Iterable[str] = (),
    kinds: Iterable[str] = (),
    orgs: Iterable[str] = (),
    years: Iterable[int] = (),
    since: int | date | None = None,
    no_url: bool = False,
) -> ResourceFilter:
    """Build a filter, checking its values against the catalogue (raises InputError)."""
    sections = tuple(sections)
    return ResourceFilter(
        sections=sections,
        tags=tuple(normalize_tag(t) for t in tags),
        kinds=check_kinds(kinds),
        orgs=tuple(o.casefold() for o in orgs),
        years=tuple(years),
        since=since,
        no_url=no_url,
        _section_ids=section_ids_matching(catalogue, sections) if sections else frozenset(),
    )


def matches(resource: Resource, f: ResourceFilter) -> bool:
    if f.sections and not f._section_ids.intersection(resource.sections):
        return False
    if f.tags and not set(f.tags).intersection(resource.tags):
        return False
    if f.kinds and resource.kind not in f.kinds:
        return False
    if f.orgs and (resource.org or "").casefold() not in f.orgs:
        return False
    if f.years and resource.year not in f.years:
        return False
    if f.since is not None:
        if isinstance(f.since, int):
            if resource.year is None or resource.year < f.since:
                return False
        elif resource.added is None or resource.added < f.since:
            return False
    return not (f.no_url and resource.url)


def apply(catalogue: Catalogue, f: ResourceFilter) -> list[Resource]:
    """The catalogue's resources that pass ``f``, in catalogue order."""
    if f.empty:
        return list(catalogue.resources)
    return [r for r in catalogue.resources if matches(r, f)]


def parse_since(value: str) -> int | date:
    """``--since 2019`` (a year) or ``--since 2024-05-01`` (date added)."""
    value = value.strip()
    if value.isdigit() and len(value) == 4:
        return int(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--since: '{value}' is neither a year nor a date",
            hint="write --since 2019 (year published) or --since 2024-05-01 (date added)",
        ) from None
