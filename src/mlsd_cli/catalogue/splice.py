"""Writes that re-render only what changed: the old file's bytes, with new blocks spliced in.

The file mlsd writes is canonical (:func:`mlsd_cli.catalogue.store.dumps`): a *head* (the
comment line, ``[catalogue]``, the ``[[sections]]``), one ``[[resources]]`` *block* per entry,
then the ``[[not_duplicates]]`` *tail*. When a save writes the file, the load cache records its
:class:`Layout` (the head's length and each block's length in bytes) beside the rows, under
the same keyed digest of the file's content. A write whose catalogue came from that cache
(:func:`mlsd_cli.changes.commit.commit`, under the lock) takes a :class:`Snapshot` before the
plan applies; :func:`splice` then finds the entries the plan added, changed or removed (by
object and by value), validates just those, and builds the new bytes from slices of the old
ones and the re-rendered blocks.

The bytes are exactly what a full save writes (``tests/test_splice.py`` compares the two on
random edit sequences), and the splice declines (returns None: the caller does the full save)
whenever it cannot be sure: the head, sections or not-duplicates records changed, entries moved,
a new id is taken twice, the head or tail on disk is not what they render to, or a replaced
block is not the one its entry renders to. The cache is never trusted for validity: every
changed entry is validated as a full load validates it, and ids are checked across all entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter
from typing import Any

from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.fields import RESOURCE_KEYS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource

FILE_HEADER = "# mlsd catalogue: edit with `mlsd` or by hand; see docs/catalogue.md\n"
RESOURCE_HEADER = "\n[[resources]]\n"

_VALUES = attrgetter(*RESOURCE_KEYS)
_LIST_POSITIONS = tuple(i for i, f in enumerate(RESOURCE_FIELDS) if f.type == "list")


def freeze(r: Resource) -> tuple[Any, ...]:
    """A resource's values with its lists as tuples: a copy that later changes to the entry
    (in place or not) cannot reach."""
    values = list(_VALUES(r))
    for i in _LIST_POSITIONS:
        values[i] = tuple(values[i])
    return tuple(values)


def table_block(key: str, table_text: str) -> str:
    """One ``[[key]]`` block of the canonical file (its blank line first)."""
    return f"\n[[{key}]]\n{table_text}"


def render_head(data: dict[str, Any]) -> str:
    """The canonical text before the first resource block, from :func:`catalogue_to_dict`'s
    parts (``catalogue`` and ``sections``)."""
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    chunks = [FILE_HEADER, "[catalogue]\n", dumps_table(data["catalogue"])]
    chunks += [table_block("sections", dumps_table(t)) for t in data.get("sections", ())]
    return "".join(chunks)


def render_tail(data: dict[str, Any]) -> str:
    """The canonical text after the last resource block (the not-duplicates records)."""
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    return "".join(
        table_block("not_duplicates", dumps_table(t)) for t in data.get("not_duplicates", ())
    )


def render_block(resource: Resource) -> bytes:
    """The canonical bytes of one resource's block."""
    from mlsd_cli.catalogue.schema import resource_to_dict
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    return (RESOURCE_HEADER + dumps_table(resource_to_dict(resource))).encode("utf-8")


@dataclass(frozen=True)
class Layout:
    """Where the blocks of a canonical file are: the head's length, each block's length."""

    head: int
    lengths: list[int]


@dataclass
class Snapshot:
    """The catalogue as loaded under the lock, before a plan changes it."""

    data: bytes
    layout: Layout
    entries: list[Resource]
    frozen: list[tuple[Any, ...]]
    #: The canonical dict of everything but the resources (head and tail).
    rest: dict[str, Any]


def _rest(catalogue: Catalogue) -> dict[str, Any]:
    from mlsd_cli.catalogue.schema import catalogue_to_dict

    return catalogue_to_dict(
        Catalogue(
            catalogue.title, catalogue.description, catalogue.sections, [], catalogue.not_duplicates
        )
    )


def take(catalogue: Catalogue, data: bytes, layout: Layout) -> Snapshot | None:
    """What :func:`splice` needs to know of the catalogue before the change (None when the
    layout does not describe these entries)."""
    if len(layout.lengths) != len(catalogue.resources):
        return None
    entries = list(catalogue.resources)
    return Snapshot(data, layout, entries, [freeze(r) for r in entries], _rest(catalogue))


@dataclass
class Spliced:
    """The new file's bytes and layout, and for each entry the index of its old block if it
    kept it (None: re-rendered)."""

    data: bytes
    layout: Layout
    kept: list[int | None]


def splice(before: Snapshot, catalogue: Catalogue, source: str) -> Spliced | None:
    """The bytes a full save of ``catalogue`` would write, from ``before``'s bytes and the
    re-rendered changed entries; None when that cannot be done safely (see the module doc).
    An entry that is not valid also gives None: the full save raises its error."""
    if _rest(catalogue) != before.rest:
        return None
    changes = _changes(before, catalogue.resources)
    if changes is None or not _verified(before, changes):
        return None
    if not _valid(catalogue, [n for n, (old, _) in enumerate(changes) if old is None], source):
        return None
    return _assemble(before, changes)


#: Per entry of the new list: (index of its old block or None, new block bytes or None when
#: unchanged).
_Change = tuple[int | None, bytes | None]


def _changes(before: Snapshot, resources: list[Resource]) -> list[tuple[int | None, Any]] | None:
    """For each new entry, (its old index if it kept its block, else None; the entry), or None
    when entries moved or one object appears twice."""
    index = {id(r): i for i, r in enumerate(before.entries)}
    out: list[tuple[int | None, Any]] = []
    last = -1
    for r in resources:
        i = index.get(id(r))
        if i is None:
            out.append((None, r))
            continue
        if i <= last:
            return None
        last = i
        out.append((i, r) if freeze(r) == before.frozen[i] else (None, r))
    return out


def _offsets(layout: Layout) -> list[int]:
    return list(accumulate(layout.lengths, initial=layout.head))


def _verified(before: Snapshot, changes: list[tuple[int | None, Any]]) -> bool:
    """The bytes on disk are laid out as the layout says: the head and tail render to what is
    there, and each block replaced or removed is the one its old entry renders to."""
    data, layout = before.data, before.layout
    offsets = _offsets(layout)
    if render_head(before.rest).encode() != data[: layout.head]:
        return False
    if render_tail(before.rest).encode() != data[offsets[-1] :]:
        return False
    kept = {i for i, _ in changes if i is not None}
    for i in range(len(before.entries)):
        if i in kept:
            continue
        if data[offsets[i] : offsets[i + 1]] != _render_frozen(before.frozen[i]):
            return False
    return True


def _render_frozen(values: tuple[Any, ...]) -> bytes:
    """The block of an entry as it was (its frozen values)."""
    by_name: dict[str, Any] = dict(zip(RESOURCE_KEYS, values, strict=True))
    for i in _LIST_POSITIONS:
        by_name[RESOURCE_KEYS[i]] = list(values[i])
    return render_block(Resource(**by_name))


def _valid(catalogue: Catalogue, new_positions: list[int], source: str) -> bool:
    """Validate the new and changed entries as a load does (raises CatalogueError for an
    invalid one); False when ids clash across entries or a not-duplicates record names an id
    that went (the full save then gives the exact error)."""
    from mlsd_cli.catalogue.schema import validate_resources
    from mlsd_cli.errors import CatalogueError

    try:
        validate_resources(catalogue, new_positions, source)
    except CatalogueError:
        return False  # the full save raises the very error a load would
    seen: set[str] = set()
    add = seen.add
    count = 0
    for r in catalogue.resources:
        add(r.id)
        count += 1
        if r.aliases:
            seen.update(r.aliases)
            count += len(r.aliases)
    if len(seen) != count:
        return False
    return all(a in seen and b in seen for a, b in catalogue.not_duplicates)


def _assemble(before: Snapshot, changes: list[tuple[int | None, Any]]) -> Spliced:
    data, layout = before.data, before.layout
    offsets = _offsets(layout)
    view = memoryview(data)
    pieces: list[Any] = [view[: layout.head]]
    lengths: list[int] = []
    run_start = run_end = -1  # a run of kept old blocks, copied as one slice
    for old, r in changes:
        if old is not None and old == run_end:
            run_end = old + 1
        else:
            if run_start >= 0:
                pieces.append(view[offsets[run_start] : offsets[run_end]])
            run_start = run_end = -1
            if old is not None:
                run_start, run_end = old, old + 1
        if old is None:
            block = render_block(r)
            pieces.append(block)
            lengths.append(len(block))
        else:
            lengths.append(layout.lengths[old])
    if run_start >= 0:
        pieces.append(view[offsets[run_start] : offsets[run_end]])
    pieces.append(view[offsets[-1] :])
    kept = [old for old, _ in changes]
    return Spliced(b"".join(pieces), Layout(layout.head, lengths), kept)
