"""``mlsd import --from-readme``: a README's generated region, edited by hand, taken back.

Contributors send pull requests that edit README.md, not ``resources.toml``. The region
between the markers (:mod:`mlsd_cli.formats.readme`) is what ``mlsd export --format markdown
--output README.md`` wrote from the catalogue; :func:`plan_readme_sync` reads it as it reads
that expected region, with the same reader (``parse_markdown``, whose reading of mlsd's own
export is exact), and compares item by item. An item is known by its
URL (a url-less one by its title): one in both whose title, byline, description or sections
differ is a change; one only the catalogue shows is removed; one only the README shows is added.

Only list items are taken back, and only the fields the region shows (title, URL, authors,
org, venue, year, description, sections): kind, tags and dates stay. Entries the region does
not show are never touched. Edits that do not map onto entries are refused, naming what to do
instead: a heading added, renamed or removed (sections are made with mlsd), text under a
heading that is no list item, one URL listed twice with different text, an added item that is
an entry already.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.importing import new_entry
from mlsd_cli.errors import InputError
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.markdown import relink
from mlsd_cli.formats.markdown_reader import ParsedList
from mlsd_cli.formats.markdown_reader import parse_markdown
from mlsd_cli.formats.readme import expected_text
from mlsd_cli.formats.readme import find_markers
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate

#: The fields a README item shows, as Resource attributes.
FIELDS = ("title", "url", "authors", "org", "venue", "year", "description", "sections")
Path_ = tuple[str, ...]


@dataclass
class Item:
    """What the region says of one entry (its sections as heading paths)."""

    title: str
    url: str | None
    authors: list[str]
    org: str | None
    venue: str | None
    year: int | None
    description: str
    kind: str
    sections: list[Path_] = field(default_factory=list)

    def text(self) -> tuple[object, ...]:
        return (
            self.title, self.url, self.authors, self.org, self.venue, self.year, self.description
        )  # fmt: skip


@dataclass
class SyncReport:
    """What the plan adds, changes (with the names of the fields) and removes."""

    added: list[Resource] = field(default_factory=list)
    changed: list[tuple[Resource, list[str]]] = field(default_factory=list)
    removed: list[Resource] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _region(text: str, source: str) -> str:
    markers = find_markers(text, source)
    if markers is None:
        raise InputError(
            f"{source}: no generated region (the lines <!-- mlsd:start --> and <!-- mlsd:end -->)",
            hint="only the part mlsd generated between the markers can be taken back",
        )
    return text[markers.inner_start : markers.inner_end]


def _paths(parsed: ParsedList) -> dict[str, Path_]:
    out: dict[str, Path_] = {}
    for s in parsed.sections:  # parents come first
        out[s.id] = (*out.get(s.parent, ()), s.title) if s.parent else (s.title,)
    return out


def _key(url: str | None, title: str) -> str:
    return url or "title:" + title.casefold()


def _items(parsed: ParsedList, source: str) -> dict[str, Item]:
    paths = _paths(parsed)
    items: dict[str, Item] = {}
    for r in parsed.resources:
        description = relink(r.description).strip()
        item = Item(r.title, r.url, r.authors, r.org, r.venue, r.year, description, r.kind)
        item.sections = [paths[s] for s in r.sections]
        key = _key(r.url, r.title)
        seen = items.get(key)
        if seen is None:
            items[key] = item
        elif seen.text() != item.text():
            raise InputError(
                f"{source}:{r.line}: {r.url or r.title!r} is listed twice with different text",
                hint="an entry shown in two sections must read the same in both",
            )
        else:
            seen.sections += [p for p in item.sections if p not in seen.sections]
    return items


def _same_headings(expected: ParsedList, edited: ParsedList, source: str) -> None:
    paths_before, paths_after = _paths(expected), _paths(edited)
    before = {paths_before[s.id]: s for s in expected.sections}
    after = {paths_after[s.id]: s for s in edited.sections}
    for path in after.keys() - before.keys():
        raise InputError(
            f"{source}: the heading {' > '.join(path)!r} is not a section of the catalogue",
            hint="headings are not taken back: add or rename the section with mlsd, regenerate",
        )
    for path in before.keys() - after.keys():
        raise InputError(
            f"{source}: the heading {' > '.join(path)!r} was removed",
            hint="headings are not taken back: remove the section with mlsd, regenerate",
        )
    if relink(edited.preamble).strip() != relink(expected.preamble).strip():
        raise InputError(
            f"{source}: the text above the first heading of the region changed",
            hint="only list items are taken back: edit the catalogue's description instead",
        )
    for path, section in after.items():
        if relink(section.intro).strip() != relink(before[path].intro).strip():
            raise InputError(
                f"{source}: the text under {' > '.join(path)!r} changed, or holds what is no item",
                hint="only list items are taken back: edit the section's intro in the catalogue",
            )


def plan_readme_sync(
    catalogue: Catalogue, readme: str, source: str = "README.md", added: date | None = None
) -> ReadmePlan:
    """The plan that makes ``catalogue`` say what the README's edited region says."""
    edited_region = _region(readme, source)
    expected = expected_text(catalogue, "markdown", ExportOptions(), readme, source)
    expected_region = _region(expected, source)
    if edited_region == expected_region:
        return ReadmePlan(added=added or date.today())
    before_parse = parse_markdown(expected_region)
    after_parse = parse_markdown(edited_region)
    _same_headings(before_parse, after_parse, source)
    before, after = _items(before_parse, source), _items(after_parse, source)
    by_key = {_key(r.url, r.title): r for r in catalogue.resources}
    paths = _section_paths(catalogue)
    ids = {path: sid for sid, path in paths.items()}
    plan = ReadmePlan(added=added or date.today())
    for key, old in before.items():
        entry = by_key.get(key)
        if entry is None:  # cannot happen with mlsd's own export; never guess
            raise InputError(f"{source}: {key!r} of the generated region names no entry")
        new = after.get(key)
        if new is None:
            plan.removals.append(entry)
        elif new.text() != old.text() or new.sections != old.sections:
            plan.changes.append((entry, new, [ids[p] for p in new.sections]))
    for key, new in after.items():
        if key not in before:
            plan.additions.append((new, [ids[p] for p in new.sections]))
    plan.basis = Basis.of([e for e, _, _ in plan.changes] + plan.removals)
    return plan


def _section_paths(catalogue: Catalogue) -> dict[str, Path_]:
    by_id = {s.id: s for s in catalogue.sections}
    out: dict[str, Path_] = {}

    def path(sid: str, depth: int = 0) -> Path_:
        s = by_id[sid]
        if s.parent is None or s.parent not in by_id or depth > len(by_id):
            return (s.title,)
        return (*path(s.parent, depth + 1), s.title)

    for sid in by_id:
        out[sid] = path(sid)
    return out


@dataclass
class ReadmePlan(Plan[SyncReport]):
    """Add, change and remove entries as the README's region says (see the module)."""

    added: date
    additions: list[tuple[Item, list[str]]] = field(default_factory=list)
    changes: list[tuple[Resource, Item, list[str]]] = field(default_factory=list)
    removals: list[Resource] = field(default_factory=list)

    def preview(self, catalogue: Catalogue) -> SyncReport:
        """What :meth:`apply` would do, from the plan alone (the catalogue is not changed)."""
        import copy

        return self.apply(copy.deepcopy(catalogue))

    def apply(self, catalogue: Catalogue) -> SyncReport:
        report = SyncReport()
        by_id = {r.id: r for r in catalogue.resources}
        for old, item, sections in self.changes:
            entry = by_id[old.id]
            changed = [
                name
                for name, value in zip(FIELDS, (*item.text(), sections), strict=True)
                if (getattr(entry, name) or "") != (value or "")
                and not (name == "description" and entry.description.strip() == value)
            ]
            for name, value in zip(FIELDS, (*item.text(), sections), strict=True):
                if name in changed:
                    setattr(entry, name, list(value) if isinstance(value, list) else value)
            report.changed.append((entry, changed))
        gone = {r.id for r in self.removals}
        report.removed = [by_id[r.id] for r in self.removals]
        catalogue.resources = [r for r in catalogue.resources if r.id not in gone]
        catalogue.not_duplicates = [p for p in catalogue.not_duplicates if not gone & set(p)]
        taken = {rid for r in catalogue.resources for rid in (r.id, *r.aliases)}
        for item, sections in self.additions:
            verdict = check_candidate(catalogue, Candidate.of([item.url], [item.title]))
            if verdict.same:
                raise InputError(
                    f"{item.url or item.title!r} is already in the catalogue as "
                    f"{verdict.same[0].resource.id}",
                    hint="list it where the entry is (or under more sections) instead",
                )
            resource = new_entry(item, sections, taken, self.added, item.description)
            catalogue.resources.append(resource)
            report.added.append(resource)
        return report
