"""Three-way merge of catalogue files, entry by entry (``mlsd merge-driver``; see
``docs/merging.md``).

Git hands the driver three versions of ``resources.toml``: the common ancestor (base), ours
and theirs. Each is parsed and validated, then merged as data, never as lines:

- **entries** (sections and resources, by id): one added on either side is kept, one removed
  on one side and unchanged on the other is removed, one changed on one side takes the change;
- **fields** of an entry changed on both sides: different fields are both taken; ``tags``,
  ``sections`` and ``aliases`` merge as sets (additions of both sides kept, removals of either
  applied); the same field changed both ways is a **conflict**;
- an entry removed on one side and edited on the other is a conflict (the edited entry kept);
- ``[catalogue]`` fields merge like an entry's; ``not_duplicates`` pairs as a set (a pair
  naming a resource that is gone is dropped);
- **order**: ours, with entries new on their side placed after the entry they follow there.

The result is written in the canonical form. A conflict keeps our value (or the edited entry)
and adds a ``[[conflicts]]`` block (:mod:`mlsd_cli.catalogue.conflicts`), so the file is always
valid TOML and mlsd refuses to load it until the user resolves the conflict. A merged catalogue
that would not validate (a section removed on one side, used by a new entry on the other) is
recorded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from mlsd_cli.catalogue.conflicts import CONFLICT_KEYS
from mlsd_cli.catalogue.conflicts import CONFLICTS_KEY
from mlsd_cli.catalogue.conflicts import describe
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.schema import CATALOGUE_KEYS
from mlsd_cli.catalogue.schema import SECTION_KEYS
from mlsd_cli.errors import CatalogueError

#: Fields merged as sets of values rather than as one value.
SET_FIELDS = frozenset({"tags", "sections", "aliases"})
_ORDER = {
    "catalogue": CATALOGUE_KEYS,
    "sections": SECTION_KEYS,
    "resources": RESOURCE_KEYS,
}
_SINGULAR = {"sections": "section", "resources": "resource"}


@dataclass
class MergeResult:
    """The merged file's text, and the conflicts recorded in it (none: a clean merge)."""

    text: str
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line a conflict."""
        return [describe(c) for c in self.conflicts]


def merge_order(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Ours' order, and each value new on their side after the value it follows there (after
    our own new values there; else before the one it precedes there, else at the end). Linear
    time: a merge of two 100k-entry catalogues is not quadratic."""
    present = set(ours)
    known = present | set(base)
    after: dict[Any, list[Any]] = {}
    before: dict[Any, list[Any]] = {}
    tail: list[Any] = []
    following: list[Any] = [None] * (len(theirs) + 1)
    for i in range(len(theirs) - 1, -1, -1):
        following[i] = theirs[i] if theirs[i] in present else following[i + 1]
    last = None
    for i, value in enumerate(theirs):
        if value in present:
            last = value
        elif value not in known:
            if last is not None:
                after.setdefault(last, []).append(value)
            elif following[i] is not None:
                before.setdefault(following[i], []).append(value)
            else:
                tail.append(value)
            known.add(value)
            last = value
    out: list[Any] = []
    pending: list[Any] = []  # their new values wait until our new values after the anchor
    old = set(base)
    for value in ours:
        if value in old:
            _emit(pending, after, out)
            pending = []
        _emit(before.get(value, ()), after, out)
        out.append(value)
        pending.extend(after.get(value, ()))
    _emit([*pending, *tail], after, out)
    return out


def _emit(values: Iterable[Any], after: dict[Any, list[Any]], out: list[Any]) -> None:
    """``values`` and, after each, what was placed after it (depth first, no recursion)."""
    stack = [iter(values)]
    while stack:
        value = next(stack[-1], _END)
        if value is _END:
            stack.pop()
            continue
        out.append(value)
        if value in after:
            stack.append(iter(after[value]))


_END = object()


def _merge_set(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    b, o, t = set(base), set(ours), set(theirs)
    order = merge_order(list(base), list(ours), list(theirs))
    return [v for v in order if (v in o and v in t) or (v not in b and (v in o or v in t))]


class _Merger:
    def __init__(self) -> None:
        self.conflicts: list[dict[str, Any]] = []

    def conflict(self, table: str, rid: str | None, **info: Any) -> None:
        entry: dict[str, Any] = {_SINGULAR[table]: rid} if rid is not None else {}
        entry.update({k: v for k, v in info.items() if v is not None})
        self.conflicts.append({k: entry[k] for k in CONFLICT_KEYS if k in entry})

    def row(
        self,
        table: str,
        rid: str | None,
        b: dict[str, Any],
        o: dict[str, Any],
        t: dict[str, Any],
    ) -> dict[str, Any]:
        """One entry (or the [catalogue] table) merged field by field."""
        out: dict[str, Any] = {}
        keys = [k for k in _ORDER[table] if k in b or k in o or k in t]
        for key in keys:
            bv, ov, tv = b.get(key), o.get(key), t.get(key)
            if ov == tv or tv == bv:
                value = ov
            elif ov == bv:
                value = tv
            elif key in SET_FIELDS and table == "resources":
                value = _merge_set(bv or [], ov or [], tv or [])
            else:
                self.conflict(table, rid, field=key, ours=ov, theirs=tv, base=bv)
                value = ov
            if value is not None:
                out[key] = value
        return out

    def table(self, name: str, base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
        b, o, t = ({r["id"]: r for r in rows} for rows in (base, ours, theirs))
        # An entry we removed and they edited stays (a conflict): placed as if new on their side.
        kept = {rid for rid, row in t.items() if rid in b and rid not in o and row != b[rid]}
        out = []
        for rid in merge_order([r for r in b if r not in kept], list(o), list(t)):
            bb, oo, tt = b.get(rid), o.get(rid), t.get(rid)
            if oo is not None and tt is not None:
                out.append(self.row(name, rid, bb or {}, oo, tt))
                continue
            present = oo if oo is not None else tt
            if present is None or present == bb:
                continue  # removed on both sides, or on one and unchanged on the other
            if bb is not None:
                self.conflict(name, rid, removed_in="ours" if oo is None else "theirs")
            out.append(present)
        return out


def _pairs(data: dict[str, Any]) -> list[tuple[str, ...]]:
    return [tuple(p["ids"]) for p in data.get("not_duplicates", ())]


def merge_dicts(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canonical dicts (:func:`~mlsd_cli.catalogue.schema.catalogue_to_dict`) of three
    catalogues merged; returns the merged dict and the conflicts."""
    m = _Merger()
    out: dict[str, Any] = {
        "catalogue": m.row(
            "catalogue", None, *(d.get("catalogue", {}) for d in (base, ours, theirs))
        )
    }
    for name in ("sections", "resources"):
        rows = m.table(name, *(d.get(name, []) for d in (base, ours, theirs)))
        if rows:
            out[name] = rows
    ids = {rid for r in out.get("resources", ()) for rid in (r["id"], *r.get("aliases", ()))}
    pairs = _merge_set(_pairs(base), _pairs(ours), _pairs(theirs))
    kept = sorted(p for p in pairs if all(rid in ids for rid in p))
    if kept:
        out["not_duplicates"] = [{"ids": list(p)} for p in kept]
    return out, m.conflicts


def _parse(data: bytes, name: str, *, may_be_empty: bool = False) -> dict[str, Any]:
    from mlsd_cli.catalogue import store
    from mlsd_cli.catalogue.schema import catalogue_to_dict

    if may_be_empty and not data.strip():
        return {}
    return catalogue_to_dict(store.parse_catalogue(data, name))


def merge_bytes(
    base: bytes, ours: bytes, theirs: bytes, name: str = "resources.toml"
) -> MergeResult:
    """Merge three versions of a catalogue file. Raises CatalogueError naming the version that
    does not load (then there is nothing to merge entry by entry)."""
    from mlsd_cli.catalogue.schema import catalogue_from_dict
    from mlsd_cli.catalogue.store import dumps_dict

    merged, conflicts = merge_dicts(
        _parse(base, f"{name} (base)", may_be_empty=True),
        _parse(ours, f"{name} (ours)"),
        _parse(theirs, f"{name} (theirs)"),
    )
    try:
        catalogue_from_dict(merged, source=name)
    except CatalogueError as exc:
        conflicts.append({"problem": exc.message})
    return MergeResult(dumps_dict(merged) + _conflict_blocks(conflicts), conflicts)


def _comment(text: str) -> str:
    """``text`` fit for a TOML comment (no control characters: a newline would end it)."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _conflict_blocks(conflicts: Iterable[dict[str, Any]]) -> str:
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    return "".join(
        f"\n# Merge conflict: {_comment(describe(c))}.\n# Resolve it, then delete this block.\n"
        f"[[{CONFLICTS_KEY}]]\n{dumps_table(c)}"
        for c in conflicts
    )


def merge_files(base: Path, ours: Path, theirs: Path, name: str | None = None) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (git's %A, rewritten in place) with ``base`` as the common
    ancestor. Raises CatalogueError (``ours`` left as it was) when a version does not load."""
    from mlsd_cli.catalogue.store import read_bytes
    from mlsd_cli.catalogue.store import write_atomic

    result = merge_bytes(read_bytes(base), read_bytes(ours), read_bytes(theirs), name or ours.name)
    write_atomic(ours, result.text.encode("utf-8"))
    return result
