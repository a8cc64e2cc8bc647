"""Sections as a tree: listing it, and adding, renaming, moving and removing sections.

Every change is a :class:`~mlsd_cli.changes.commit.Plan` (see that module): planned from the
loaded catalogue with the names resolved by :mod:`mlsd_cli.lookup.names`, then committed under
the lock, where it is refused as stale if a section or entry it relied on changed meanwhile.

The order of sections in the file is their order in the list and in exports; a section's
position (``position``, counted from 1) is its place among the sections of the same parent.
A section moves with everything below it. Removing a section moves its sub-sections up to its
parent; its entries must be given another section (``into``), or the removal is refused.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.model import slugify
from mlsd_cli.catalogue.placement import place_section
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.errors import InputError
from mlsd_cli.errors import StaleError
from mlsd_cli.lookup.names import fold
from mlsd_cli.lookup.names import resolve_section
from mlsd_cli.lookup.names import with_subsections


@dataclass(frozen=True)
class TreeRow:
    """One section of the tree, in list order: its depth, and how many entries it holds
    (``entries``: in it; ``total``: in it or below it, each entry once)."""

    section: Section
    depth: int
    entries: int
    total: int


def tree(catalogue: Catalogue) -> list[TreeRow]:
    """The sections as a tree, depth first, siblings in file order."""
    children: dict[str | None, list[Section]] = {}
    for s in catalogue.sections:
        children.setdefault(s.parent, []).append(s)
    parents = {s.id: s.parent for s in catalogue.sections}
    direct: dict[str, int] = {}
    total: dict[str, int] = {}
    for r in catalogue.resources:
        above: set[str] = set()
        for sid in set(r.sections):
            direct[sid] = direct.get(sid, 0) + 1
            at: str | None = sid
            while at is not None and at not in above:  # the file has no cycles (schema)
                above.add(at)
                at = parents.get(at)
        for sid in above:
            total[sid] = total.get(sid, 0) + 1
    rows: list[TreeRow] = []

    def walk(parent: str | None, depth: int) -> None:
        for s in children.get(parent, []):
            rows.append(TreeRow(s, depth, direct.get(s.id, 0), total.get(s.id, 0)))
            walk(s.id, depth + 1)

    walk(None, 0)
    return rows


@dataclass(frozen=True)
class SectionChange:
    """What a section plan did: ``action`` (added, renamed, moved, removed), the section as it
    is now (as it was, for a removal), and the ids of the entries it moved to another section."""

    action: str
    section: Section
    entries: tuple[str, ...] = ()
    into: str | None = None


@dataclass
class _SectionPlan(Plan[SectionChange]):
    """A plan on one existing section (``section``: a copy as planned), and maybe entries."""

    section: Section
    touched: list[Resource] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.section = copy.deepcopy(self.section)
        self.basis = Basis.of(self.touched)

    def stale(self, catalogue: Catalogue) -> None:
        super().stale(catalogue)
        if catalogue.section(self.section.id) != self.section:
            raise StaleError(self.section.id, removed=catalogue.section(self.section.id) is None)

    def current(self, catalogue: Catalogue) -> Section:
        found = catalogue.section(self.section.id)
        assert found is not None  # stale() has checked
        return found


# ----------------------------------------------------------------- add


@dataclass
class AddSection(Plan[SectionChange]):
    """Add a section titled ``title`` (id ``id``) under ``parent`` at ``position``."""

    id: str
    title: str
    parent: str | None = None
    position: int | None = None

    def apply(self, catalogue: Catalogue) -> SectionChange:
        _check_new(catalogue, self.id, self.title, self.parent)
        if self.parent is not None and catalogue.section(self.parent) is None:
            raise StaleError(self.parent, removed=True)
        added = Section(id=self.id, title=self.title, parent=self.parent)
        if self.position is None:  # by id among its siblings, as entries: pull requests merge
            place_section(catalogue, added)
        else:
            _place(catalogue, [added], self.parent, self.position)
        return SectionChange("added", added)


def plan_add(
    catalogue: Catalogue,
    title: str,
    *,
    section_id: str | None = None,
    parent: str | None = None,
    position: int | None = None,
) -> AddSection:
    """Plan a new section. Raises InputError: empty title, id in use, a sibling of that title."""
    title = _title(title)
    sid = _usable_id((section_id or "").strip() or slugify(title))
    parent_id = resolve_section(catalogue, parent, field="parent") if parent else None
    _check_new(catalogue, sid, title, parent_id)
    return AddSection(sid, title, parent_id, _position(position))


def _title(title: str) -> str:
    if not title.strip():
        raise InputError("a section needs a title", field="title")
    return title.strip()


def _usable_id(sid: str) -> str:
    if slugify(sid) != sid:
        raise InputError(
            f"'{sid}' is not a usable section id",
            hint=f"ids are lower-case words joined by '-', such as '{slugify(sid)}'",
            field="id",
        )
    return sid


def _check_new(catalogue: Catalogue, sid: str, title: str, parent: str | None) -> None:
    if catalogue.section(sid) is not None:
        raise InputError(
            f"a section with the id '{sid}' exists already",
            hint="give another id, or another title",
            field="id",
        )
    _check_sibling_title(catalogue, title, parent, sid)


def _check_sibling_title(catalogue: Catalogue, title: str, parent: str | None, sid: str) -> None:
    for s in catalogue.sections:
        if s.parent == parent and s.id != sid and fold(s.title) == fold(title):
            where = f"under '{parent}'" if parent else "at the top level"
            raise InputError(
                f"a section titled '{s.title}' exists {where} already ('{s.id}')",
                hint="give another title",
                field="title",
            )


def _position(position: int | None) -> int | None:
    if position is not None and position < 1:
        raise InputError(
            f"position {position} is not a place: positions count from 1", field="position"
        )
    return position


# ----------------------------------------------------------------- rename


@dataclass
class RenameSection(_SectionPlan):
    """Give ``section`` the title ``title`` and, if ``new_id``, that id everywhere."""

    title: str = ""
    new_id: str | None = None

    def apply(self, catalogue: Catalogue) -> SectionChange:
        section = self.current(catalogue)
        _check_sibling_title(catalogue, self.title, section.parent, section.id)
        section.title = self.title
        moved: list[str] = []
        if self.new_id and self.new_id != section.id:
            if catalogue.section(self.new_id) is not None:
                raise InputError(f"a section with the id '{self.new_id}' exists", field="id")
            old = section.id
            section.id = self.new_id
            for s in catalogue.sections:
                if s.parent == old:
                    s.parent = self.new_id
            for r in catalogue.resources:
                if old in r.sections:
                    r.sections = [self.new_id if x == old else x for x in r.sections]
                    moved.append(r.id)
        return SectionChange("renamed", copy.deepcopy(section), tuple(moved))


def plan_rename(
    catalogue: Catalogue, ref: str, title: str | None, *, new_id: str | None = None
) -> RenameSection:
    """Plan a new title (and maybe id) for the section ``ref`` names."""
    section = _find(catalogue, ref)
    title = _title(title if title is not None else section.title)
    if new_id is not None:
        new_id = _usable_id(new_id.strip())
        if new_id != section.id and catalogue.section(new_id) is not None:
            raise InputError(f"a section with the id '{new_id}' exists already", field="id")
    _check_sibling_title(catalogue, title, section.parent, section.id)
    touched = [r for r in catalogue.resources if new_id and section.id in r.sections]
    return RenameSection(section, touched, title=title, new_id=new_id)


# ----------------------------------------------------------------- move


#: ``parent`` of :func:`plan_move` when the section keeps its parent.
KEEP = "\0keep"


@dataclass
class MoveSection(_SectionPlan):
    """Put ``section`` (and what is below it) under ``parent`` at ``position``."""

    parent: str | None = None
    position: int | None = None

    def apply(self, catalogue: Catalogue) -> SectionChange:
        section = self.current(catalogue)
        if self.parent is not None and catalogue.section(self.parent) is None:
            raise StaleError(self.parent, removed=True)
        _check_sibling_title(catalogue, section.title, self.parent, section.id)
        below = with_subsections(catalogue, [section.id])
        block = [s for s in catalogue.sections if s.id in below]
        catalogue.sections = [s for s in catalogue.sections if s.id not in below]
        section.parent = self.parent
        _place(catalogue, block, self.parent, self.position)
        return SectionChange("moved", copy.deepcopy(section))


def plan_move(
    catalogue: Catalogue, ref: str, *, parent: str | None = KEEP, position: int | None = None
) -> MoveSection:
    """Plan moving the section ``ref`` names under ``parent`` (None: the top level; KEEP: the
    same parent) at ``position`` among its new siblings (None: last)."""
    section = _find(catalogue, ref)
    if parent == KEEP:
        parent_id = section.parent
    elif parent is None or not parent.strip():
        parent_id = None
    else:
        parent_id = resolve_section(catalogue, parent, field="parent")
    if parent_id is not None and parent_id in with_subsections(catalogue, [section.id]):
        raise InputError(
            f"'{section.id}' cannot go under '{parent_id}': that is inside it",
            hint="choose a parent outside the section",
            field="parent",
        )
    _check_sibling_title(catalogue, section.title, parent_id, section.id)
    return MoveSection(section, parent=parent_id, position=_position(position))


# ----------------------------------------------------------------- remove


@dataclass
class RemoveSection(_SectionPlan):
    """Remove ``section``; its sub-sections go up to its parent, its entries into ``into``."""

    into: str | None = None

    def apply(self, catalogue: Catalogue) -> SectionChange:
        section = self.current(catalogue)
        holding = [r for r in catalogue.resources if section.id in r.sections]
        if holding and self.into is None:  # entries were added meanwhile
            raise StaleError(holding[0].id)
        if self.into is not None and catalogue.section(self.into) is None:
            raise StaleError(self.into, removed=True)
        for s in catalogue.sections:
            if s.parent == section.id:
                s.parent = section.parent
        catalogue.sections = [s for s in catalogue.sections if s.id != section.id]
        for r in holding:
            kept = [x for x in r.sections if x != section.id]
            r.sections = list(dict.fromkeys([*kept, self.into] if self.into else kept))
        return SectionChange("removed", section, tuple(r.id for r in holding), self.into)


def plan_remove(catalogue: Catalogue, ref: str, *, into: str | None = None) -> RemoveSection:
    """Plan removing the section ``ref`` names. Refused (InputError) while it holds entries,
    unless ``into`` names the section they go to."""
    section = _find(catalogue, ref)
    holding = [r for r in catalogue.resources if section.id in r.sections]
    into_id = resolve_section(catalogue, into, field="into") if into else None
    if into_id == section.id:
        raise InputError(
            f"the entries of '{section.id}' cannot go into the section being removed",
            hint="choose another section",
            field="into",
        )
    if holding and into_id is None:
        n = len(holding)
        raise InputError(
            f"section '{section.id}' holds {n} entr{'y' if n == 1 else 'ies'}; nothing was removed",
            hint="say which section they go to (into), or move them first",
            field="into",
        )
    return RemoveSection(section, holding, into=into_id)


# ----------------------------------------------------------------- shared


def _find(catalogue: Catalogue, ref: str) -> Section:
    sid = resolve_section(catalogue, ref, field="section")
    found = catalogue.section(sid)
    assert found is not None
    return found


def _place(
    catalogue: Catalogue, block: list[Section], parent: str | None, position: int | None
) -> None:
    """Insert ``block`` (a section and what is below it) among the children of ``parent``:
    before the ``position``-th of them, or after the last one and its sub-sections."""
    order = catalogue.sections
    siblings = [i for i, s in enumerate(order) if s.parent == parent]
    if position is not None and position <= len(siblings):
        at = siblings[position - 1]
    elif siblings:
        last = order[siblings[-1]]
        below = with_subsections(catalogue, [last.id])
        at = siblings[-1] + 1
        while at < len(order) and order[at].id in below:
            at += 1
    elif parent is not None:
        at = next(i for i, s in enumerate(order) if s.id == parent) + 1
    else:
        at = len(order)
    catalogue.sections[at:at] = block
