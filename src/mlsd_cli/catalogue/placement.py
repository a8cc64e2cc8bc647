"""Where a new entry goes in the file, so that pull requests adding entries merge.

Appending every new entry at the end of the file made any two branches that add entries
conflict in git (both change the same last lines). A new resource goes instead into the run of
entries of its first section (the entries whose first section is the same), so additions to
different sections touch different places of the file. Existing entries are never moved: the
order of the file is the curator's order, and the README export follows it.

- :func:`place_resource` (``mlsd add``): within the run, after the last entry whose id sorts
  before the new id (at the run's start if none), so two additions to one section usually land
  in different places too; a run kept in id order stays in id order.
- ``at_end=True`` (``mlsd import``): at the end of the run, so a list keeps its own order.
- A section without entries yet: after the last entry of the sections listed before it (in
  the order of ``[[sections]]``), else before the entries of the sections after it.

New sections follow the same rule among the ``[[sections]]`` (:func:`place_section`): among
the sections of the same parent, after the last one whose id sorts before the new id (and
after everything below it), else before the first of them, or right after the parent when it
has no sub-sections yet. Appending them (last among their siblings) made two branches that
each add a section change the same lines.
"""

from __future__ import annotations

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section


def insertion_index(catalogue: Catalogue, resource: Resource, *, at_end: bool = False) -> int:
    """The index in ``catalogue.resources`` where ``resource`` belongs (see the module doc)."""
    firsts = catalogue.first_sections()  # the entries' columns: none is decoded for this
    first = resource.sections[0] if resource.sections else None
    run = [i for i, f in enumerate(firsts) if f is not None and f == first]
    if run:
        if at_end:
            return run[-1] + 1
        ids = catalogue.entry_ids()
        before = [i for i in run if ids[i] < resource.id]
        return before[-1] + 1 if before else run[0]
    order = {s.id: n for n, s in enumerate(catalogue.sections)}
    rank = order.get(first or "", len(order))
    ranks = [-1 if f is None else order.get(f, -1) for f in firsts]
    earlier = [
        i for i, (f, n) in enumerate(zip(firsts, ranks, strict=True)) if f is not None and n < rank
    ]
    if earlier:
        return earlier[-1] + 1
    later = (
        i for i, (f, n) in enumerate(zip(firsts, ranks, strict=True)) if f is not None and n > rank
    )
    return next(later, len(firsts))


def place_resource(catalogue: Catalogue, resource: Resource) -> None:
    """Insert ``resource`` into ``catalogue.resources`` where it belongs (``mlsd add``)."""
    catalogue.resources.insert(insertion_index(catalogue, resource), resource)


def place_appended(catalogue: Catalogue, count: int) -> None:
    """Move the last ``count`` resources (just appended, in a list's order) each to the end of
    its section's run (``mlsd import``): one pass, however many there are."""
    if count <= 0:
        return
    old = catalogue.resources[: len(catalogue.resources) - count]
    new = catalogue.resources[len(old) :]
    base = Catalogue(sections=catalogue.sections, resources=old)
    ends: dict[str | None, int] = {}
    for i, r in enumerate(old):
        ends[r.sections[0] if r.sections else None] = i + 1
    slots: dict[int, list[Resource]] = {}
    for r in new:
        first = r.sections[0] if r.sections else None
        if first not in ends:
            ends[first] = insertion_index(base, r, at_end=True)
        slots.setdefault(ends[first], []).append(r)
    out: list[Resource] = []
    for i in range(len(old) + 1):
        out.extend(slots.get(i, ()))
        if i < len(old):
            out.append(old[i])
    catalogue.resources[:] = out


def section_index(catalogue: Catalogue, section: Section) -> int:
    """The index in ``catalogue.sections`` where the new ``section`` belongs (module doc)."""
    order = catalogue.sections
    siblings = [i for i, s in enumerate(order) if s.parent == section.parent]
    before = [i for i in siblings if order[i].id < section.id]
    if before:
        return _after_subtree(order, before[-1])
    if siblings:
        return siblings[0]
    parent = next((i for i, s in enumerate(order) if s.id == section.parent), None)
    return len(order) if parent is None else parent + 1


def _after_subtree(order: list[Section], at: int) -> int:
    """The index just after ``order[at]`` and the sections below it that follow it."""
    below = {order[at].id}
    end = at + 1
    while end < len(order) and order[end].parent in below:
        below.add(order[end].id)
        end += 1
    return end


def place_section(catalogue: Catalogue, section: Section) -> None:
    """Insert the new ``section`` into ``catalogue.sections`` where it belongs."""
    catalogue.sections.insert(section_index(catalogue, section), section)
