"""``mlsd import``'s write: a parsed markdown list added to a catalogue.

:func:`import_into` takes what :func:`mlsd_cli.formats.markdown_reader.parse_markdown` read and
adds its sections and resources to a :class:`~mlsd_cli.catalogue.model.Catalogue`, skipping
(and reporting) what the catalogue already holds. :class:`ImportPlan` is the command's write.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Protocol

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.model import slugify
from mlsd_cli.catalogue.model import unique_id
from mlsd_cli.catalogue.placement import place_appended
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.duplicates import describe
from mlsd_cli.formats.intro_html import intro_markdown
from mlsd_cli.formats.markdown import relink
from mlsd_cli.formats.markdown_reader import ParsedList
from mlsd_cli.formats.markdown_reader import ParsedResource
from mlsd_cli.lookup.names import find_section
from mlsd_cli.matching.duplicates import MatchIndex
from mlsd_cli.matching.kinds import without_kind_prefix
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate
from mlsd_cli.matching.titles import fold_title
from mlsd_cli.matching.urls import canonical_url


@dataclass
class SkippedItem:
    """An item not added: the catalogue already holds it, or something that looks like it."""

    title: str
    url: str | None
    #: The id of the entry it matched.
    existing_id: str
    #: Why (:mod:`mlsd_cli.matching.known`): "same-url", "merged" or "same-title" (the same
    #: resource), or "similar-title" (a possible duplicate).
    reason: str = "same-url"
    #: True when the entry it matched came from the imported list itself (its section was
    #: added to that first occurrence).
    within_list: bool = False
    #: The line every command prints about the match (:func:`~changes.duplicates.describe`).
    message: str = ""
    #: Listed twice with its own words: this occurrence's title and description where they
    #: differ from the entry's (issue 9 shape 12: reported, and kept in the entry's description
    #: by :func:`keep_own_words`).
    own_title: str | None = None
    own_description: str | None = None


@dataclass
class ImportReport:
    """What :func:`import_into` did (or, with ``dry_run``, would do)."""

    added: list[Resource] = field(default_factory=list)
    #: Items that are the same resource as an entry: never added.
    skipped: list[SkippedItem] = field(default_factory=list)
    #: Items whose title looks like an entry's: held back unless ``force``.
    possible_duplicates: list[SkippedItem] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    #: The list's title, when it became the catalogue's title (and its front matter the
    #: catalogue's description, if it had none) rather than a section.
    title_taken: str | None = None
    #: The list's own housekeeping sections left out (:data:`HOUSEKEEPING`), by title.
    sections_left_out: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def url_less(self) -> int:
        """How many of the added resources have no URL."""
        return sum(1 for r in self.added if not r.url)

    @property
    def left_out(self) -> bool:
        """Was an item left out because the catalogue (not the list) already had it or
        something like it? (The command's exit status 1, as ``add`` of a known URL.)"""
        return bool(self.possible_duplicates) or any(not s.within_list for s in self.skipped)


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
    force: bool = False,
) -> ImportReport:
    """Add the parsed list to ``catalogue`` (in place unless ``dry_run``).

    - ``under_section`` (a section name, read as every command reads one: see
      :mod:`mlsd_cli.lookup.names`; created when it names no section) becomes the parent of the
      list's top-level sections. A name that could be several sections is an InputError.
    - A section with the same title under the same parent is reused, not duplicated.
    - Each item is checked against the catalogue, and the items added before it, with
      :func:`mlsd_cli.matching.known.check_candidate` (one index, built once). The same
      resource as an entry (a canonical-URL variant, an id merged into it, a url-less title)
      is skipped and reported with the entry; when that entry came from the list itself, the
      item's sections are added to it and its own words kept (:func:`keep_own_words`). An
      item whose title looks like an entry's is held back and reported as a possible
      duplicate, unless ``force`` (:mod:`mlsd_cli.changes.duplicates`).
    - New resources get ``added`` (default: today).
    """
    report = ImportReport(dry_run=dry_run)
    target = copy.deepcopy(catalogue) if dry_run else catalogue
    when = added or date.today()
    root = _resolve_under(target, under_section, report) if under_section else None

    mapping: dict[str, str] = {}
    front = _front_matter(target, parsed) if root is None else None
    report.title_taken = target.title if front else None
    preamble = intro_markdown(relink(parsed.preamble))
    if preamble and root is None and not target.description.strip():
        target.description, preamble = preamble, ""
    used = _sections_with_items(parsed)
    for ps in parsed.sections:
        if ps.id == front:
            continue
        if ps.id not in used and _housekeeping(ps.title):
            report.sections_left_out.append(ps.title)
            continue
        parent = mapping.get(ps.parent, root) if ps.parent else root
        existing = next(
            (
                s
                for s in target.sections
                if s.parent == parent and fold_title(s.title) == fold_title(ps.title)
            ),
            None,
        )
        intro = "\n\n".join(p for p in (preamble, intro_markdown(relink(ps.intro))) if p)
        preamble = ""
        if existing is not None:
            existing.intro = existing.intro or intro
            mapping[ps.id] = existing.id
            continue
        taken = {s.id for s in target.sections}
        section = Section(
            id=unique_id(slugify(ps.title), taken),
            title=ps.title,
            parent=parent,
            intro=intro,
        )
        _insert_section(target, section)
        report.sections_added.append(section)
        mapping[ps.id] = section.id

    index = MatchIndex(target.resources)
    new_ids: set[str] = set()
    taken_ids = {rid for r in target.resources for rid in (r.id, *r.aliases)}
    for pr in parsed.resources:
        sections = [mapping[s] for s in pr.sections if s in mapping] or (
            [root] if root else [_fallback_section(target, report, parsed)]
        )
        verdict = check_candidate(target, Candidate.of([pr.url], [pr.title]), index=index)
        if verdict.same or (verdict.similar and not force):
            match = (verdict.same or verdict.similar)[0]
            first = match.resource
            within = first.id in new_ids
            if within and verdict.same:
                first.sections.extend(s for s in sections if s not in first.sections)
            item = SkippedItem(
                title=pr.title,
                url=pr.url,
                existing_id=first.id,
                reason=match.reasons[0],
                within_list=within,
                message=describe(match),
            )
            if within and verdict.same:
                item.own_title = pr.title if _spaces(pr.title) != _spaces(first.title) else None
                own = relink(pr.description)
                differs = own and own not in _paragraphs(first.description)
                item.own_description = pr.description if differs else None
                keep_own_words(first, pr)
            (report.skipped if verdict.same else report.possible_duplicates).append(item)
            continue
        resource = new_entry(pr, sections, taken_ids, when, relink(pr.description))
        new_ids.add(resource.id)
        target.resources.append(resource)
        index.add(resource)
        report.added.append(resource)
    place_appended(target, len(report.added))  # each in its section's run, the list's order
    return report


class ItemLike(Protocol):
    """What a list item says of a new entry (a ParsedResource, a README item)."""

    title: str
    url: str | None
    kind: str
    authors: list[str]
    venue: str | None
    year: int | None
    org: str | None


def new_entry(
    item: ItemLike, sections: list[str], taken: set[str], when: date, description: str
) -> Resource:
    """A new entry from a list item, with an id not in ``taken`` (which gets it)."""
    rid = unique_id(slugify(without_kind_prefix(item.title)), taken)
    taken.add(rid)
    return Resource(
        id=rid,
        title=item.title,
        kind=item.kind,
        sections=sections,
        url=item.url,
        authors=list(item.authors),
        venue=item.venue,
        year=item.year,
        org=item.org,
        description=description,
        added=when,
    )


def _front_matter(catalogue: Catalogue, parsed: ParsedList) -> str | None:
    """The list's title section when it becomes the catalogue's title and description (the
    catalogue has no title yet, or the same one), else None (it is imported as a section)."""
    front = parsed.section(parsed.front) if parsed.front else None
    if front is None:
        return None
    if catalogue.title.strip() and fold_title(catalogue.title) != fold_title(front.title):
        return None
    catalogue.title = catalogue.title or front.title
    if not catalogue.description.strip():
        catalogue.description = intro_markdown(relink(front.intro))
    return front.id


#: Sections about the list itself, not its resources (folded titles): a list's "Contributing"
#: and "License" are left out of the catalogue when they hold no item (docs/import.md).
HOUSEKEEPING = frozenset(
    {"contributing", "contribute", "contributors", "contribution", "contributions",
     "how to contribute", "contribution guidelines", "license", "licence", "licensing",
     "code of conduct"}
)  # fmt: skip


def _housekeeping(title: str) -> bool:
    """``## 🤝 Contributing``, ``## License``: a section about the list, not its resources."""
    folded = " ".join("".join(c if c.isalpha() else " " for c in title.casefold()).split())
    return folded in HOUSEKEEPING


def _sections_with_items(parsed: ParsedList) -> set[str]:
    """The local ids of the sections that hold an item, themselves or below them."""
    parents = {s.id: s.parent for s in parsed.sections}
    used: set[str] = set()
    for r in parsed.resources:
        for sid in r.sections:
            at: str | None = sid
            while at is not None and at not in used:
                used.add(at)
                at = parents.get(at)
    return used


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(description: str) -> list[str]:
    return [p.strip() for p in description.split("\n\n") if p.strip()]


def own_paragraph(first: Resource, pr: ParsedResource) -> str | None:
    """What a later occurrence of ``first`` in the same list says that ``first`` does not:
    its own description, led by its own title where that differs (``**Title**: text``), the
    lead a link when it points at another form of the address (``[Title](url): text``); None
    when it says nothing new (the same words, or words already one of the entry's paragraphs)."""
    other_url = bool(pr.url and first.url) and canonical_url(pr.url or "") != canonical_url(
        first.url or ""
    )
    own_title = _spaces(pr.title) != _spaces(first.title)
    text = relink(pr.description).strip()
    if text and (text == first.description.strip() or text in _paragraphs(first.description)):
        text = ""
    if not text and not own_title and not other_url:
        return None
    lead = f"[{pr.title}]({pr.url})" if other_url else f"**{pr.title}**" if own_title else ""
    paragraph = f"{lead}: {text}" if lead and text else lead or text
    return None if paragraph in _paragraphs(first.description) else paragraph


def keep_own_words(first: Resource, pr: ParsedResource) -> None:
    """Issue 9 shape 12: the same resource listed twice in one list is one entry (in both
    sections) that keeps the later occurrence's own words: its paragraph
    (:func:`own_paragraph`) is added to the description, and byline fields the entry lacks are
    taken from it (a table row naming the authors where the first named the company)."""
    paragraph = own_paragraph(first, pr)
    if paragraph:
        first.description = f"{first.description.rstrip()}\n\n{paragraph}".lstrip()
    if not first.authors and pr.authors:
        first.authors = list(pr.authors)
    first.org = first.org or pr.org
    first.venue = first.venue or pr.venue
    first.year = first.year or pr.year


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
    #: Add the possible duplicates too (never the same resource).
    force: bool = False

    def preview(self, catalogue: Catalogue) -> ImportReport:
        """What :meth:`apply` would do to ``catalogue`` (which is left as it is)."""
        return import_into(
            catalogue, self.parsed, under_section=self.under_section, dry_run=True, force=self.force
        )

    def apply(self, catalogue: Catalogue) -> ImportReport:
        return import_into(
            catalogue, self.parsed, under_section=self.under_section, force=self.force
        )
