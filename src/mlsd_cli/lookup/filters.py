"""Selecting resources: the filters shared by ``list``, ``search``, ``export`` and ``check``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import InputError
from mlsd_cli.lookup import names


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
    """Build a filter, checking its values against the catalogue (raises InputError).

    Section, kind and tag names mean what :mod:`mlsd_cli.lookup.names` says; a section
    includes its sub-sections.
    """
    sections = tuple(sections)
    ids = names.resolve_sections(catalogue, sections) if sections else ()
    return ResourceFilter(
        sections=sections,
        tags=tuple(names.normal_tags(tags)),
        kinds=names.resolve_kinds(kinds),
        orgs=tuple(o.casefold() for o in orgs),
        years=tuple(years),
        since=since,
        no_url=no_url,
        _section_ids=names.with_subsections(catalogue, ids),
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
    """``2019`` (a year published) or ``2024-05-01`` (a date added)."""
    value = value.strip()
    if value.isdigit() and len(value) == 4:
        return int(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"'{value}' is neither a year nor a date",
            hint="give a year such as 2019 (year published) or a date such as 2024-05-01 "
            "(date added)",
            field="since",
        ) from None
