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
    for i, r in enumerate(catalogue.resources):
        if r.id == resource_id:
            return i
    raise NotFoundError(
        f"no resource with id '{resource_id}' (the catalogue changed?)",
        hint="run `mlsd dedupe` again",
    )


def merged_entry(catalogue: Catalogue, keep_id: str, other_ids: Sequence[str]) -> Resource:
    """The entry :func:`merge_into` would leave (``catalogue`` is not changed): a preview."""
    merged = catalogue.resources[_find(catalogue, keep_id)]
    for other_id in other_ids:
        if other_id != keep_id:
            merged = merge_resources(merged, catalogue.resources[_find(catalogue, other_id)])
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
    others = [o for o in dict.fromkeys(other_ids) if o != keep_id]
    if not others:
        raise InputError("nothing to merge", hint="name at least two different resources")
    merged = merged_entry(catalogue, keep_id, others)
    gone = set(others)
    at = _find(catalogue, keep_id)
    catalogue.resources[at] = merged
    catalogue.resources = [r for r in catalogue.resources if r.id not in gone]
    pairs = set()
    for a, b in catalogue.not_duplicates:
        a = keep_id if a in gone else a
        b = keep_id if b in gone else b
        if a != b:
            pairs.add((a, b) if a < b else (b, a))
    catalogue.not_duplicates = sorted(pairs)
    return merged


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
        for keep_id, other_ids in self.merges:
            merge_into(catalogue, keep_id, other_ids)
        for ids in self.distinct:
            mark_not_duplicates(catalogue, ids)
