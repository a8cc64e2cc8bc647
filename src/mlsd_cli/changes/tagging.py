"""Changing tags: on one entry, on many, or across the catalogue (rename and merge).

Everything here works on the model and returns what changed; nothing prints or writes. The
usual flow (what ``mlsd tag`` does)::

    op = parse_tag_args(["+streaming", "-kafka"])[1]      # or make_rename(catalogue, old, new)
    notes = check(catalogue, op)                           # near spellings, unused tags
    todo = TagPlan.of(catalogue, resources, op)            # show todo.changes, ask, then:
    applied = commit(location, todo)                       # one write, under the lock

The plan is refused as stale (nothing written) when an entry it changes was changed on disk
meanwhile, or when a rename's old tag was put on another entry meanwhile; changes to other
entries are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.tags import normalize_tag
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.errors import InputError
from mlsd_cli.errors import NotFoundError
from mlsd_cli.errors import StaleError
from mlsd_cli.lookup.names import normal_tag
from mlsd_cli.lookup.tags import TagNote
from mlsd_cli.lookup.tags import suggest
from mlsd_cli.lookup.tags import tag_notes
from mlsd_cli.lookup.tags import used_tags

__all__ = ["TagNote", "used_tags"]  # re-exported: the notes of a tag operation

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.lookup.filters import ResourceFilter


def _dedupe(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if tag not in out:
            out.append(tag)
    return out


@dataclass(frozen=True)
class TagEdit:
    """Add and remove tags (normal form). Kept tags keep their order; new ones go last."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def apply_to(self, tags: Sequence[str]) -> list[str]:
        kept = [t for t in tags if t not in self.remove]
        return _dedupe([*kept, *self.add])

    def describe(self) -> str:
        return " ".join([*(f"+{t}" for t in self.add), *(f"-{t}" for t in self.remove)])


@dataclass(frozen=True)
class TagRename:
    """Rename ``old`` to ``new`` in place; when ``new`` is already used this merges the two."""

    old: str
    new: str

    def apply_to(self, tags: Sequence[str]) -> list[str]:
        if self.old not in tags:
            return list(tags)
        return _dedupe(self.new if t == self.old else t for t in tags)

    def describe(self) -> str:
        return f"{self.old} -> {self.new}"


TagOperation = TagEdit | TagRename


@dataclass(frozen=True)
class TagChange:
    """One entry whose tags change."""

    id: str
    title: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(t for t in self.after if t not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(t for t in self.before if t not in self.after)

    def describe(self) -> str:
        """'+streaming -kafka' (or 'duplicate tags dropped' when only repeats go)."""
        parts = [*(f"+{t}" for t in self.added), *(f"-{t}" for t in self.removed)]
        return " ".join(parts) or "duplicate tags dropped"


# --------------------------------------------------------------------------- parsing


def parse_tag_args(args: Sequence[str]) -> tuple[str | None, TagEdit]:
    """Split ``ID +add -remove ...`` into the entry reference (or None) and a :class:`TagEdit`.

    Tags may be given in any spelling (``+"Feature Store"``); they are normalised
    (:func:`mlsd_cli.lookup.names.normal_tag`). Raises InputError for a tag with no letters or
    digits, a word without + or -, or a tag both added and removed.
    """
    ref: str | None = None
    add: list[str] = []
    remove: list[str] = []
    for arg in args:
        if arg.startswith("+"):
            add.append(normal_tag(arg[1:], field="add_tags"))
        elif arg.startswith("-"):
            remove.append(normal_tag(arg[1:], field="remove_tags"))
        elif ref is None:
            ref = arg
        else:
            raise InputError(
                f"'{arg}': a tag needs + (add) or - (remove) in front",
                hint=f"write +{normalize_tag(arg) or arg}; quote a title that has spaces",
            )
    both = sorted(set(add) & set(remove))
    if both:
        raise InputError(
            f"tag '{both[0]}' is both added and removed", hint="give it once, with + or -"
        )
    return ref, TagEdit(tuple(_dedupe(add)), tuple(_dedupe(remove)))


def make_rename(catalogue: Catalogue, old: str, new: str) -> TagRename:
    """A checked rename: ``old`` is in use, ``new`` is a different tag. Raises otherwise."""
    old_tag = normal_tag(old, field="rename")
    new_tag = normal_tag(new, field="rename")
    used = used_tags(catalogue)
    if old_tag not in used:
        similar = suggest(old_tag, used)
        raise NotFoundError(
            f"no entry has the tag '{old_tag}'",
            hint=f"did you mean '{similar[0]}'?" if similar else "see: mlsd tag --list",
            field="rename",
        )
    if old_tag == new_tag:
        raise InputError(
            f"'{old}' and '{new}' are the same tag ('{old_tag}')",
            hint="tags are compared in normal form (lower-case, words joined by '-')",
            field="rename",
        )
    return TagRename(old_tag, new_tag)


def is_merge(catalogue: Catalogue, rename: TagRename) -> bool:
    """Does the rename fold ``old`` into a tag already in use?"""
    return rename.new in used_tags(catalogue)


def check(
    catalogue: Catalogue, op: TagOperation, *, entry: Resource | None = None
) -> list[TagNote]:
    """Warnings about an operation before it is applied (:func:`~mlsd_cli.lookup.tags.tag_notes`).

    ``entry`` is the one entry an edit changes (None for many entries or a rename).
    """
    used = used_tags(catalogue)
    if isinstance(op, TagRename):
        return tag_notes(used - {op.old}, added=(op.new,))
    return tag_notes(used, added=op.add, removed=op.remove, entry=entry)


# --------------------------------------------------------------------------- planning, applying


def _change(resource: Resource, op: TagOperation) -> TagChange | None:
    after = op.apply_to(resource.tags)
    if after == resource.tags:
        return None
    return TagChange(resource.id, resource.title, tuple(resource.tags), tuple(after))


def plan(resources: Iterable[Resource], op: TagOperation) -> list[TagChange]:
    """What ``op`` would change on ``resources`` (unchanged entries are left out)."""
    changes = []
    for resource in resources:
        change = _change(resource, op)
        if change is not None:
            changes.append(change)
    return changes


def apply(
    catalogue: Catalogue, op: TagOperation, ids: Iterable[str] | None = None
) -> list[TagChange]:
    """Apply ``op`` in place to the entries ``ids`` (all entries when None); return the changes.

    Raises NotFoundError, before changing anything, when an id is no longer in the catalogue.
    """
    if ids is None:
        targets = list(catalogue.resources)
    else:
        refs = list(ids)  # one look-up for all (ids may be thousands)
        targets = []
        for rid, i in zip(refs, catalogue.positions(refs), strict=True):
            if i is None:
                raise NotFoundError(
                    f"entry '{rid}' is no longer in the catalogue",
                    hint="another command changed it meanwhile; run this one again",
                )
            targets.append(catalogue.resources[i])
    changes = plan(_dedupe_resources(targets), op)
    by_id = {r.id: r for r in targets}
    for change in changes:
        by_id[change.id].tags = list(change.after)
    return changes


@dataclass
class TagPlan(Plan[list[TagChange]]):
    """``op`` on the entries ``changes`` names, as planned; written by ``commit``."""

    op: TagOperation
    changes: list[TagChange]
    basis: Basis = field(default_factory=Basis)
    #: Is the rename a merge into a tag already in use?
    merge: bool = False

    @classmethod
    def of(cls, catalogue: Catalogue, targets: Iterable[Resource], op: TagOperation) -> TagPlan:
        """What ``op`` changes on ``targets`` (entries of ``catalogue``); nothing is written."""
        changes = plan(targets, op)
        found = catalogue.positions([c.id for c in changes], aliases=False)
        basis = Basis.of(
            catalogue.resources[i] for i in sorted({i for i in found if i is not None})
        )
        merge = isinstance(op, TagRename) and is_merge(catalogue, op)
        return cls(op, changes, basis, merge)

    def stale(self, catalogue: Catalogue) -> None:
        super().stale(catalogue)
        if isinstance(self.op, TagRename):
            planned = set(self.basis.ids())
            for r in catalogue.resources:
                if self.op.old in r.tags and r.id not in planned:
                    raise StaleError(r.id)

    def apply(self, catalogue: Catalogue) -> list[TagChange]:
        return apply(catalogue, self.op, [c.id for c in self.changes])


def _dedupe_resources(resources: Iterable[Resource]) -> list[Resource]:
    seen: set[str] = set()
    out = []
    for r in resources:
        if r.id not in seen:
            seen.add(r.id)
            out.append(r)
    return out


#: :func:`mlsd_cli.lookup.search.search` scores an entry containing every query word (as a word, a
#: form of it or a prefix) at least this; entries missing a word or matched only through a
#: typo correction score below it.
ALL_WORDS_SCORE = 50.0


def select(
    catalogue: Catalogue, *, query: str | None = None, selection: ResourceFilter | None = None
) -> list[Resource]:
    """The entries a many-entry operation works on.

    With ``query``: the search hits (within the filter) that contain every query word, best
    first; a loose hit matching only some words is never tagged in bulk. Without: every entry
    passing the filter, in catalogue order.
    """
    if query is not None:
        if not query.strip():
            raise InputError(
                "the search is empty",
                hint='give some words, such as "feature store"',
                field="query",
            )
        from mlsd_cli.lookup.search import search

        hits = search(catalogue, query, selection=selection)
        return _dedupe_resources(h.resource for h in hits if h.score >= ALL_WORDS_SCORE)
    from mlsd_cli.lookup.filters import apply as apply_filter
    from mlsd_cli.lookup.filters import make_filter

    return apply_filter(catalogue, selection or make_filter(catalogue))
