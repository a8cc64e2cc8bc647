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

import operator
import os
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from itertools import islice
from itertools import pairwise
from typing import Any

from mlsd_cli.catalogue import blocks
from mlsd_cli.catalogue.atomic import Piece
from mlsd_cli.catalogue.blocks import block_token
from mlsd_cli.catalogue.lazy import LazyResources
from mlsd_cli.catalogue.model import Catalogue

FILE_HEADER = blocks.FILE_HEADER
RESOURCE_HEADER = blocks.RESOURCE_HEADER
render_block = blocks.render_block
render_head = blocks.render_head
render_tail = blocks.render_tail
table_block = blocks.table_block


@dataclass(frozen=True)
class Layout:
    """Where the blocks of a canonical file are: the head's length, each block's length."""

    head: int
    lengths: Sequence[int]


@dataclass
class Snapshot:
    """The file as read under the lock, before a plan changes its catalogue: the open file,
    its layout, the resources as loaded (decoded on demand, then changed by the plan) and the
    canonical dict of everything but the resources (head and tail)."""

    fd: int
    size: int
    layout: Layout
    rows: LazyResources
    rest: dict[str, Any]
    _offsets: list[int] | None = None

    def read(self, start: int, end: int) -> bytes:
        return os.pread(self.fd, end - start, start)

    def offsets(self) -> list[int]:
        """Where each block starts, and where the last one ends."""
        if self._offsets is None or len(self._offsets) != len(self.layout.lengths) + 1:
            self._offsets = list(accumulate(self.layout.lengths, initial=self.layout.head))
        return self._offsets


def _rest(catalogue: Catalogue) -> dict[str, Any]:
    from mlsd_cli.catalogue.schema import catalogue_to_dict

    return catalogue_to_dict(
        Catalogue(
            catalogue.title, catalogue.description, catalogue.sections, [], catalogue.not_duplicates
        )
    )


def take(catalogue: Catalogue, fd: int, size: int, layout: Layout) -> Snapshot | None:
    """What :func:`splice` needs to know of the catalogue before the change (None when its
    resources are not the cache's rows, or the layout does not describe them)."""
    rows = catalogue.resources
    if not isinstance(rows, LazyResources) or len(layout.lengths) != len(rows):
        return None
    return Snapshot(fd, size, layout, rows, _rest(catalogue))


#: A run of entries that kept their old blocks, in order: (first position, end position, the
#: first one's old index).
Run = tuple[int, int, int]


@dataclass
class Spliced:
    """The new file in pieces (ranges of the old one and new blocks) and its layout; for each
    entry the index of its old block if it kept it (None: re-rendered) and its token."""

    pieces: list[Piece]
    layout: Layout
    kept: list[int | None]
    #: The runs of ``kept`` (the cache's rows are copied by the same runs).
    runs: list[Run]
    tokens: list[int]
    #: Nothing changed: the new file is the old one.
    unchanged: bool


def splice(before: Snapshot, catalogue: Catalogue, source: str) -> Spliced | None:
    """The file a full save of ``catalogue`` would write, as pieces of ``before``'s file and
    the re-rendered changed entries; None when that cannot be done safely (see the module
    doc). An entry that is not valid also gives None: the full save raises its error."""
    rest = _rest(catalogue)
    if catalogue.resources is not before.rows or _head(rest) != _head(before.rest):
        return None
    kept = _changes(before.rows)
    if kept is None:
        return None
    spans = runs(kept)
    if not _verified(before, dropped(spans, len(before.layout.lengths))):
        return None
    if not _valid(catalogue, before.rows, [n for n, old in enumerate(kept) if old is None], source):
        return None
    tail = None if rest == before.rest else render_tail(rest).encode()
    return _assemble(before, kept, spans, tail)


def _head(rest: dict[str, Any]) -> dict[str, Any]:
    """What the head is rendered from (the not-duplicates records are the tail)."""
    return {k: v for k, v in rest.items() if k != "not_duplicates"}


def _changes(rows: LazyResources) -> list[int | None] | None:
    """For each entry, the index of its old block if it kept it (else None: new, or changed
    in place: only a decoded row can be), or None when entries moved."""
    changed = rows.changed_rows()
    slots = rows.slots
    if isinstance(slots, range):  # no entry added, removed or put elsewhere
        kept: list[int | None] = list(slots)
        for k in changed:
            kept[k] = None
        return kept
    olds = [s for s in slots if type(s) is int]
    if not all(map(operator.lt, olds, islice(olds, 1, None))):  # moved, or taken twice
        return None
    return [s if type(s) is int and s not in changed else None for s in slots]


def runs(kept: list[int | None]) -> list[Run]:
    """The runs of entries that kept consecutive old blocks."""
    marked = [-2 if k is None else k for k in kept]  # a new entry never continues a run
    steps = map(operator.sub, islice(marked, 1, None), marked)
    starts = [0, *(n for n, step in enumerate(steps, 1) if step != 1), len(kept)]
    return [(a, b, marked[a]) for a, b in pairwise(starts) if a < b and marked[a] >= 0]


def dropped(spans: list[Run], count: int) -> list[int]:
    """The old indices (of ``count``) no run keeps: entries removed or re-rendered."""
    out: list[int] = []
    at = 0
    for first, end, old in spans:  # the runs keep old indices in increasing order
        out.extend(range(at, old))
        at = old + end - first
    out.extend(range(at, count))
    return out


def new_positions(kept: list[int | None], spans: list[Run]) -> Iterator[tuple[int, Run | None]]:
    """In order: each new position (with None), and each run (with its first position)."""
    n = 0
    for run in spans:
        yield from ((m, None) for m in range(n, run[0]))
        yield run[0], run
        n = run[1]
    yield from ((m, None) for m in range(n, len(kept)))


def _verified(before: Snapshot, gone: list[int]) -> bool:
    """The bytes on disk are laid out as the layout says: the head and tail render to what is
    there, and each block replaced or removed (``gone``) is the one its stored entry renders
    to."""
    layout = before.layout
    offsets = before.offsets()
    if offsets[-1] > before.size:
        return False
    if render_head(before.rest).encode() != before.read(0, layout.head):
        return False
    if render_tail(before.rest).encode() != before.read(offsets[-1], before.size):
        return False
    store = before.rows.store
    for k in gone:
        if before.read(offsets[k], offsets[k + 1]) != render_block(store.resource(k)):
            return False
    return True


def _valid(
    catalogue: Catalogue, rows: LazyResources, new_positions: list[int], source: str
) -> bool:
    """Validate the new and changed entries as a load does (raises CatalogueError for an
    invalid one); False when ids clash across entries or a not-duplicates record names an id
    that went (the full save then gives the exact error)."""
    from mlsd_cli.catalogue.schema import validate_resources
    from mlsd_cli.errors import CatalogueError

    try:
        validate_resources(catalogue, new_positions, source)
    except CatalogueError:
        return False  # the full save raises the very error a load would
    seen, count = rows.ids_and_aliases()
    if len(seen) != count:
        return False
    return all(a in seen and b in seen for a, b in catalogue.not_duplicates)


def _assemble(
    before: Snapshot, kept: list[int | None], spans: list[Run], tail: bytes | None
) -> Spliced:
    """The pieces of the new file (``tail``: the new tail, None when it is the old one)."""
    layout, fd = before.layout, before.fd
    offsets = before.offsets()
    old_lengths, old_tokens = layout.lengths, before.rows.store.stored_tokens or []
    lengths = [0 if k is None else old_lengths[k] for k in kept]
    tokens = [0 if k is None else old_tokens[k] for k in kept]
    pieces: list[Piece] = [(fd, 0, layout.head)]
    for n, run in new_positions(kept, spans):
        if run is not None:
            first, end, old = run
            pieces.append((fd, offsets[old], offsets[old + end - first]))
            continue
        block = render_block(before.rows[n])
        pieces.append(block)
        lengths[n] = len(block)
        tokens[n] = block_token(block)
    pieces.append((fd, offsets[-1], before.size) if tail is None else tail)
    unchanged = spans == [(0, len(old_lengths), 0)] and len(kept) == len(old_lengths)
    if not old_lengths:
        unchanged = not kept
    unchanged = unchanged and tail is None
    return Spliced(pieces, Layout(layout.head, lengths), kept, spans, tokens, unchanged)
