"""``mlsd import``'s write: a parsed markdown list added to a catalogue.

:func:`import_into` takes what :func:`mlsd_cli.formats.markdown_reader.parse_markdown` read and
adds its sections and resources to a :class:`~mlsd_cli.catalogue.model.Catalogue`, skipping
(and reporting) what the catalogue already holds. :class:`ImportPlan` is the command's write.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date

from mlsd_cli.catalogue.model import Catalogue, Resource, Section, slugify, unique_id
from mlsd_cli.changes.commit import Plan
from mlsd_cli.formats.markdown_reader import ParsedList
from mlsd_cli.lookup.names import find_section
from mlsd_cli.matching.kinds import without_kind_prefix


@dataclass
class SkippedItem:
    """An item not added because the catalogue already holds it."""

    title: str
    url: str | None
    #: The id of the entry that holds it.
    existing_id: str
    #: "same-url", or "same-title" for a url-less item already present under that title.
    reason: str = "same-url"
    #: True when the duplicate is within the imported list itself (its section was added to
    #: the first occurrence).
    within_list: bool = False


@dataclass
class ImportReport:
    """What :func:`import_into` did (or, with ``dry_run``, would do)."""

    added: list[Resource] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    dry_run: bool = False

    @property
    def url_less(self) -> int:
        """How many of the added resources have no URL."""
        return sum(1 for r in self.added if not r.url)


def _norm_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def _insert_section(catalogue: Catalogue, section: Section) -> None:
    """Append a section, or put it after the last descendant of its parent."""
    if section.parent is None:
        catalogue.sections.append(section)
        return
    parents = {s.id: s.parent for s in catalogue.sections}

    def under(sid: str) -> bool:
        seen: set[str] = set()
        current: str | None = sid
        while current is not None and current not in seen:
            if current == section.parent:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    index = len(catalogue.sections)
    for i, s in enumerate(catalogue.sections):
        if under(s.id):
            index = i + 1
    catalogue.sections.insert(index, section)


def _resolve_under(catalogue: Catalogue, under: str, report: ImportReport) -> str:
    """The section ``under`` names (:func:`mlsd_cli.lookup.names.find_section`), else a new one."""
    found = find_section(catalogue, under)
    if found is not None:
        return found.id
    taken = {s.id for s in catalogue.sections}
    section = Section(id=unique_id(slugify(under), taken), title=under.strip())
    catalogue.sections.append(section)
    report.sections_added.append(section)
    return section.id


def import_into(
    catalogue: Catalogue,
    parsed: ParsedList,
    *,
    under_section: str | None = None,
    dry_run: bool = False,
    added: date | None = None,
) -> ImportReport:
    """Add the parsed list to ``catalogue`` (in place unless ``dry_run``).

    - ``under_section`` (a section name, read as every command reads one: see
      :mod:`mlsd_cli.lookup.names`; created when it names no section) becomes the parent of the
      list's top-level sections. A name that could be several sections is an InputError.
    - A section with the same title under the same parent is reused, not duplicated.
    - A resource whose exact URL is already in the catalogue is skipped and reported; so is a
      url-less one whose title a url-less entry already has. A URL listed twice in the list
      itself gives one entry in both sections (reported too).
    - New resources get ``added`` (default: today).
    """
    report = ImportReport(dry_run=dry_run)
    target = copy.deepcopy(catalogue) if dry_run else catalogue
    when = added or date.today()
    root = _resolve_under(target, under_section, report) if under_section else None

    mapping: dict[str, str] = {}
    for ps in parsed.sections:
        parent = mapping.get(ps.parent, root) if ps.parent else root
        existing = next(
            (
                s
                for s in target.sections
                if s.parent == parent and _norm_title(s.title) == _norm_title(ps.title)
            ),
            None,
        )
        if existing is not None:
            if not existing.intro and ps.intro:
                existing.intro = ps.intro
            mapping[ps.id] = existing.id
            continue
        taken = {s.id for s in target.sections}
        section = Section(
            id=unique_id(slugify(ps.title), taken), title=ps.title, parent=parent, intro=ps.intro
        )
        _insert_section(target, section)
        report.sections_added.append(section)
        mapping[ps.id] = section.id

    by_url: dict[str, Resource] = {r.url: r for r in target.resources if r.url}
    by_title: dict[str, Resource] = {_norm_title(r.title): r for r in target.resources if not r.url}
    new_ids: set[str] = set()
    taken_ids = {rid for r in target.resources for rid in (r.id, *r.aliases)}
    for pr in parsed.resources:
        sections = [mapping[s] for s in pr.sections if s in mapping] or (
            [root] if root else [_fallback_section(target, report, parsed)]
        )
        known = by_url.get(pr.url) if pr.url else by_title.get(_norm_title(pr.title))
        if known is not None:
            within = known.id in new_ids
            if within:
                known.sections.extend(s for s in sections if s not in known.sections)
            report.skipped.append(
                SkippedItem(
                    title=pr.title,
                    url=pr.url,
                    existing_id=known.id,
                    reason="same-url" if pr.url else "same-title",
                    within_list=within,
                )
            )
            continue
        rid = unique_id(slugify(without_kind_prefix(pr.title)), taken_ids)
        taken_ids.add(rid)
        new_ids.add(rid)
        resource = Resource(
            id=rid,
            title=pr.title,
            kind=pr.kind,
            sections=sections,
            url=pr.url,
            authors=list(pr.authors),
            venue=pr.venue,
            year=pr.year,
            description=pr.description,
            added=when,
        )
        target.resources.append(resource)
        report.added.append(resource)
        if resource.url:
            by_url[resource.url] = resource
        else:
            by_title[_norm_title(resource.title)] = resource
    return report


def _fallback_section(catalogue: Catalogue, report: ImportReport, parsed: ParsedList) -> str:
    """A section for resources whose own section is unknown (cannot happen with a list from
    :func:`parse_markdown`, which always gives one; kept for hand-built lists)."""
    return _resolve_under(catalogue, "Imported", report)


@dataclass
class ImportPlan(Plan[ImportReport]):
    """Add ``parsed`` under ``under_section``, written by :func:`mlsd_cli.changes.commit.commit`.

    It changes no existing entry (empty basis): under the lock the import's decisions (what is
    already there, which sections to reuse) are made again on the fresh catalogue, so nothing
    added meanwhile comes in twice.
    """

    parsed: ParsedList
    under_section: str | None = None

    def preview(self, catalogue: Catalogue) -> ImportReport:
        """What :meth:`apply` would do to ``catalogue`` (which is left as it is)."""
        return import_into(catalogue, self.parsed, under_section=self.under_section, dry_run=True)

    def apply(self, catalogue: Catalogue) -> ImportReport:
        return import_into(catalogue, self.parsed, under_section=self.under_section)
