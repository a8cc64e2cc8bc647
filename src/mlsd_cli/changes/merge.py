"""Merging duplicates: two entries for one resource become one, and nothing is lost.

:func:`merge_resources` combines two resources field by field; :func:`merge_into` does it in a
catalogue (the surviving entry stays where it was, the others go, and the curator's "not
duplicates" records follow the surviving id). :func:`mark_not_duplicates` records that
resources which look alike are different. :class:`MergePlan` holds the answers of
``mlsd dedupe --merge`` and writes them in one commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.errors import InputError
from mlsd_cli.errors import NotFoundError

_SPACE = re.compile(r"\s+")


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _richer_text(keep: str | None, other: str | None) -> str | None:
    """The value that says more: the one that is set, or the longer when one contains the
    other; when both say different things, ``keep``'s."""
    if not keep or not keep.strip():
        return other if other and other.strip() else keep
    if not other or not other.strip():
        return keep
    a, b = _folded(keep), _folded(other)
    if a != b and a in b:
        return other
    return keep


def _union(first: Iterable[str], second: Iterable[str], *, fold: bool = False) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in (*first, *second):
        key = _folded(value) if fold else value
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _merged_description(keep: str, other: str) -> str:
    """Both descriptions when they differ (neither contains the other), else the richer."""
    if keep.strip() and other.strip():
        a, b = _folded(keep), _folded(other)
        if a not in b and b not in a:
            return f"{keep.rstrip()}\n\n{other.strip()}"
    return _richer_text(keep, other) or ""


def merge_resources(keep: Resource, other: Resource) -> Resource:
    """One resource holding everything ``keep`` and ``other`` say (neither is changed).

    - ``id``: keep's; ``other.id`` and its aliases are added to ``aliases``, so references to
      the old id still resolve.
    - ``sections``, ``tags``, ``authors``: the union, keep's first.
    - ``title``, ``org``, ``venue``: the richer value (the one that is set, or the longer
      when it contains the other; keep's when they differ).
    - ``description``: both paragraphs when they say different things.
    - ``url``, ``year``: keep's when set, else other's. ``kind``: keep's unless "other".
    - ``added``: the earlier date.
    """
    added = keep.added
    if other.added is not None and (added is None or other.added < added):
        added = other.added
    aliases = [a for a in _union(keep.aliases, [other.id, *other.aliases]) if a != keep.id]
    return replace(
        keep,
        title=_richer_text(keep.title, other.title) or keep.title,
        kind=other.kind if keep.kind == "other" and other.kind else keep.kind,
        sections=_union(keep.sections, other.sections),
        url=keep.url or other.url,
        org=_richer_text(keep.org, other.org),
        authors=_union(keep.authors, other.authors, fold=True),
        venue=_richer_text(keep.venue, other.venue),
        year=keep.year if keep.year is not None else other.year,
        tags=_union(keep.tags, other.tags),
        description=_merged_description(keep.description, other.description),
        added=added,
        aliases=aliases,
    )


def _find(catalogue: Catalogue, resource_id: str) -> int:
    return _find_all(catalogue, [resource_id])[0]


def _find_all(catalogue: Catalogue, resource_ids: Sequence[str]) -> list[int]:
    """The position of the entry with each id (one pass over the catalogue for all of them)."""
    return _found(resource_ids, catalogue.positions(resource_ids, aliases=False))


def _found(resource_ids: Sequence[str], positions: Sequence[int | None]) -> list[int]:
    for resource_id, i in zip(resource_ids, positions, strict=True):
        if i is None:
            raise NotFoundError(
                f"no resource with id '{resource_id}' (the catalogue changed?)",
                hint="run `mlsd dedupe` again",
            )
    return list(positions)  # type: ignore[arg-type]


def _merged_ids(keep_id: str, other_ids: Sequence[str]) -> list[str]:
    """The ids merged into ``keep_id``: each once, never itself; at least one."""
    others = [o for o in dict.fromkeys(other_ids) if o != keep_id]
    if not others:
        raise InputError("nothing to merge", hint="name at least two different resources")
    return others


def merged_entry(catalogue: Catalogue, keep_id: str, other_ids: Sequence[str]) -> Resource:
    """The entry :func:`merge_into` would leave (``catalogue`` is not changed): a preview."""
    others = [other_id for other_id in other_ids if other_id != keep_id]
    at, *positions = _find_all(catalogue, [keep_id, *others])
    return _merged(catalogue.resources, at, positions)


def _merged(resources: Sequence[Resource], at: int, positions: Sequence[int]) -> Resource:
    """The entry at ``at`` with those at ``positions`` merged into it, in order."""
    merged = resources[at]
    for i in positions:
        merged = merge_resources(merged, resources[i])
    return merged


def richest(resources: Sequence[Resource]) -> int:
    """The index of the entry that says the most (the first of equals): the one to keep by
    default. Fields set count first (a URL, a year, authors, tags...), then the length of
    the title and description."""

    def richness(r: Resource) -> tuple[int, int]:
        values = (r.url, r.org, r.venue, r.year, r.authors, r.tags, r.sections, r.description)
        known = sum(1 for v in values if v) + (r.kind != "other")
        return known, len(r.title) + len(r.description or "")

    scores = [richness(r) for r in resources]
    return scores.index(max(scores))


def merge_into(catalogue: Catalogue, keep_id: str, other_ids: Sequence[str]) -> Resource:
    """Merge ``other_ids`` into ``keep_id`` in ``catalogue`` (changed in place).

    The surviving entry keeps its place; the others are removed; "not duplicates" records
    naming a merged id now name the survivor (and vanish when they named two of the merged).
    """
    others = _merged_ids(keep_id, other_ids)
    merged = merged_entry(catalogue, keep_id, others)
    gone = set(others)
    at = _find(catalogue, keep_id)
    catalogue.resources[at] = merged
    catalogue.resources = [r for r in catalogue.resources if r.id not in gone]
    _rename_pairs(catalogue, dict.fromkeys(gone, keep_id))
    return merged


def _rename_pairs(catalogue: Catalogue, survivor_of: dict[str, str]) -> None:
    """ "Not duplicates" records naming a merged id name its survivor (and vanish when both
    ids merged into one)."""
    pairs = set()
    for a, b in catalogue.not_duplicates:
        a, b = survivor_of.get(a, a), survivor_of.get(b, b)
        if a != b:
            pairs.add((a, b) if a < b else (b, a))
    catalogue.not_duplicates = sorted(pairs)


def merge_all(catalogue: Catalogue, merges: Sequence[tuple[str, Sequence[str]]]) -> list[Resource]:
    """:func:`merge_into` for each (survivor id, merged ids) of ``merges``, in order: the same
    catalogue, with one pass over the entries for all of them when no entry is in two groups
    (a dedupe session's answers; groups that share an entry are merged one after another)."""
    named = [rid for keep, others in merges for rid in dict.fromkeys((keep, *others))]
    if len(set(named)) != len(named):
        return [merge_into(catalogue, keep, others) for keep, others in merges]
    found = dict(zip(named, catalogue.positions(named, aliases=False), strict=True))
    resources = catalogue.resources
    survivors: dict[int, Resource] = {}
    survivor_of: dict[str, str] = {}
    for keep, others in merges:  # refused as merge_into refuses them, group by group
        merged_ids = _merged_ids(keep, others)
        at, *positions = _found([keep, *merged_ids], [found[rid] for rid in (keep, *merged_ids)])
        survivors[at] = _merged(resources, at, positions)
        survivor_of.update(dict.fromkeys(merged_ids, keep))
    catalogue.resources = [
        survivors.get(i, r) for i, r in enumerate(resources) if r.id not in survivor_of
    ]
    _rename_pairs(catalogue, survivor_of)
    return list(survivors.values())


def mark_not_duplicates(catalogue: Catalogue, ids: Sequence[str]) -> int:
    """Record every pair of ``ids`` as "not duplicates". Returns how many pairs were new."""
    for rid in ids:
        _find(catalogue, rid)
    unique = sorted(set(ids))
    if len(unique) < 2:
        raise InputError("'not duplicates' needs two different resources")
    known = set(catalogue.not_duplicates)
    new = [(a, b) for x, a in enumerate(unique) for b in unique[x + 1 :] if (a, b) not in known]
    catalogue.not_duplicates = sorted(known | set(new))
    return len(new)


@dataclass
class MergePlan(Plan[None]):
    """The answers of ``mlsd dedupe --merge``: groups to merge (survivor id, merged ids) and
    groups recorded as "not duplicates". Refused as stale (nothing written) when one of their
    entries changed on disk meanwhile; written by :func:`mlsd_cli.changes.commit.commit`."""

    merges: list[tuple[str, list[str]]] = field(default_factory=list)
    distinct: list[list[str]] = field(default_factory=list)
    basis: Basis = field(default_factory=Basis)

    @property
    def empty(self) -> bool:
        return not (self.merges or self.distinct)

    def based_on(self, catalogue: Catalogue) -> None:
        """Record the entries of every answer as they are in ``catalogue`` (the one asked on)."""
        ids = {rid for keep, others in self.merges for rid in (keep, *others)}
        ids.update(rid for group in self.distinct for rid in group)
        self.basis = Basis.of(r for r in catalogue.resources if r.id in ids)

    def apply(self, catalogue: Catalogue) -> None:
        merge_all(catalogue, self.merges)
        for ids in self.distinct:
            mark_not_duplicates(catalogue, ids)
