"""A catalogue's resources read from the load cache on demand (:class:`LazyResources`).

The load cache (:mod:`mlsd_cli.catalogue.loadcache`) holds one JSON line per entry and, before
them, index columns: each entry's id, aliases, first section, block length in the file and
content token, and the count of each tag. :class:`RowStore` opens a verified cache file and
keeps those columns and where each line starts; :class:`LazyResources` is the catalogue's
``resources`` over it: ``rows[i]`` decodes line ``i`` (one ``json.loads``) the first time it is
asked for and gives the same object afterwards. The questions a one-entry write asks (where is
this id, which ids are taken, which section does each entry start in, which tags are used)
are answered from the columns, with the values of the rows decoded since (they may have been
changed in place) and of entries inserted since, so the answers are those of a plain list of
the same entries (``tests/test_lazy.py`` checks both on the same data). Iterating decodes
every row (in one parse of the cache file).

The protocol other packages rely on (``/work/tools/s3/contract.md``, duck-typed through
``hasattr(rows, "tokens")``): ``len``, ``rows[i]``, :meth:`LazyResources.tokens`,
:attr:`LazyResources.path`, :meth:`LazyResources.decoded`.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import MutableSequence
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any
from typing import overload

from mlsd_cli.catalogue import fields
from mlsd_cli.catalogue.blocks import block_token
from mlsd_cli.catalogue.blocks import render_block
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import scan_positions

#: One encoder for every line of the cache (json.dumps with options builds a new one each
#: call; json.dump would not use the C encoder at all).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode(value: Any) -> bytes:
    """The compact JSON of ``value``, UTF-8."""
    return _ENCODE(value).encode("utf-8")


def row_line(resource: Resource) -> bytes:
    """The cache file's line of one resource."""
    return b"," + encode(fields.cache_rows([resource])[0]) + b"\n"


def pack(values: Iterable[int], code: str) -> str:
    """A column of integers as one string (an array's bytes in hex: fast to write and read)."""
    return array(code, values).tobytes().hex()


def unpack(text: str, code: str) -> array[int]:
    values = array(code)
    values.frombytes(bytes.fromhex(text))
    return values


class RowStore:
    """One verified cache file, open, with its index columns; never changed once made (a
    write makes a new cache file). Several :class:`LazyResources` may share one."""

    def __init__(self, path: Path, fd: int, first_row: int, columns: dict[str, Any]) -> None:
        self.path = path
        self.fd = fd
        self.ids: list[str] = columns["ids"].split("\n") if columns["ids"] else []
        self.aliases: dict[int, list[str]] = {int(k): v for k, v in columns["aliases"].items()}
        names: list[str | None] = columns["first_names"]
        self.firsts: list[str | None] = [names[n] for n in unpack(columns["firsts"], "I")]
        lengths, tokens = columns["lengths"], columns["tokens"]
        self.lengths: Sequence[int] | None = None if lengths is None else unpack(lengths, "I")
        self.stored_tokens: Sequence[int] | None = None if tokens is None else unpack(tokens, "q")
        self.tag_counts: dict[str, int] = columns["tags"]
        self.row_lengths = unpack(columns["row_lengths"], "I")
        self.offsets = array("q", accumulate(self.row_lengths, initial=first_row))
        self._refs: tuple[dict[str, int], dict[str, int]] | None = None
        self._taken: set[str] | None = None
        if not len(self.ids) == len(self.firsts) == len(self.offsets) - 1:
            raise ValueError("the cache's columns disagree")
        if self.lengths is not None and len(self.lengths) != len(self.ids):
            raise ValueError("the cache's columns disagree")
        import weakref

        self.close = weakref.finalize(self, os.close, fd)  # open as long as rows need it

    def taken(self) -> set[str]:
        """Every id and alias of the stored entries (unique: the cache holds a valid
        catalogue)."""
        if self._taken is None:
            taken = set(self.ids)
            for names in self.aliases.values():
                taken.update(names)
            self._taken = taken
        return self._taken

    def __len__(self) -> int:
        return len(self.ids)

    def line(self, k: int) -> bytes:
        """Row ``k``'s line of the cache file (``,[...]\\n``)."""
        start = self.offsets[k]
        return os.pread(self.fd, self.offsets[k + 1] - start, start)

    def row(self, k: int) -> list[Any]:
        return json.loads(self.line(k)[1:])  # type: ignore[no-any-return]

    def resource(self, k: int) -> Resource:
        return fields.resources_from_rows([self.row(k)])[0]

    def rows_region(self) -> bytes:
        """Every row line, as one read of the file."""
        start, end = self.offsets[0], self.offsets[-1]
        return os.pread(self.fd, end - start, start)

    def all_resources(self) -> list[Resource]:
        region = self.rows_region()
        if not region:
            return []
        rows = json.loads(b"[" + region[1:] + b"]")
        return fields.resources_from_rows(rows)

    def ref(self, ref: str) -> tuple[int, bool] | None:
        """The stored entry whose id or alias ``ref`` is: (its index, is it the id?)."""
        if self._refs is None:
            by_alias: dict[str, int] = {}
            for k, aliases in self.aliases.items():
                for a in aliases:
                    by_alias.setdefault(a, k)
            self._refs = (dict(zip(self.ids, range(len(self.ids)), strict=True)), by_alias)
        by_id, by_alias = self._refs
        if ref in by_id:
            return by_id[ref], True
        return (by_alias[ref], False) if ref in by_alias else None


#: A position of the sequence: a stored row's index, or an entry put there since.
_Slot = int | Resource


class LazyResources(MutableSequence[Resource]):
    """The resources of a catalogue loaded from the cache, decoded on demand (module doc)."""

    def __init__(self, store: RowStore) -> None:
        self._store = store
        self._decoded: dict[int, Resource] = {}
        #: id() of each decoded row -> its stored index (the rows stay alive in _decoded).
        self._back: dict[int, int] = {}
        #: None while the sequence is as stored; then what each position holds.
        self._slots: list[_Slot] | None = None
        self._version = 0
        self._known: tuple[int, int, list[tuple[int, Resource]]] | None = None
        self._list: tuple[int, list[Resource]] | None = None

    # ------------------------------------------------------------------ the contract

    @property
    def path(self) -> Path:
        """The catalogue file these rows came from (resolved)."""
        return self._store.path

    def decoded(self) -> int:
        """How many rows were decoded so far."""
        return len(self._decoded)

    def tokens(self) -> Sequence[int]:
        """One content token per position, as loaded (:func:`block_token`). Raises
        RuntimeError once the sequence was changed (insert, delete, assignment)."""
        if self._slots is not None:
            raise RuntimeError("the tokens describe the rows as loaded; the rows changed since")
        stored = self._store.stored_tokens
        if stored is None:  # a cache of a file not known to be canonical: render the blocks
            stored = [block_token(render_block(self._store.resource(k))) for k in range(len(self))]
            self._store.stored_tokens = stored
        return stored

    # ------------------------------------------------------------------ the sequence

    def __len__(self) -> int:
        return len(self._store) if self._slots is None else len(self._slots)

    def _row(self, k: int) -> Resource:
        found = self._decoded.get(k)
        if found is None:
            found = self._decoded[k] = self._store.resource(k)
            self._back[id(found)] = k
        return found

    def _at(self, slot: _Slot) -> Resource:
        return self._row(slot) if type(slot) is int else slot  # type: ignore[return-value]

    @overload
    def __getitem__(self, index: int) -> Resource: ...

    @overload
    def __getitem__(self, index: slice) -> list[Resource]: ...

    def __getitem__(self, index: int | slice) -> Resource | list[Resource]:
        if isinstance(index, slice):
            return [self._at(s) for s in self._positions()[index]]
        if self._slots is None:
            n = len(self._store)
            if not -n <= index < n:
                raise IndexError("resource index out of range")
            return self._row(index % n if index < 0 else index)
        return self._at(self._slots[index])

    def _positions(self) -> Sequence[_Slot]:
        return range(len(self._store)) if self._slots is None else self._slots

    def _slot_of(self, value: Resource) -> _Slot:
        """A stored row's index for a decoded row put back, else the entry itself."""
        k = self._back.get(id(value))
        return value if k is None else k

    def _mutable(self) -> list[_Slot]:
        self._version += 1  # about to change: what _live() knew is stale
        if self._slots is None:
            self._slots = list(range(len(self._store)))
        return self._slots

    @overload
    def __setitem__(self, index: int, value: Resource) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[Resource]) -> None: ...

    def __setitem__(self, index: int | slice, value: Any) -> None:
        slots = self._mutable()
        if isinstance(index, slice):
            slots[index] = [self._slot_of(r) for r in value]
        else:
            slots[index] = self._slot_of(value)

    def __delitem__(self, index: int | slice) -> None:
        del self._mutable()[index]

    def insert(self, index: int, value: Resource) -> None:
        self._mutable().insert(index, self._slot_of(value))

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._listed())

    def _listed(self) -> list[Resource]:
        """Every entry in order, all decoded; kept until the sequence changes (a dedupe
        session looks entries up by id hundreds of times between two changes)."""
        if self._list is not None and self._list[0] == self._version:
            return self._list[1]
        self.decode_all()
        decoded = self._decoded
        if self._slots is None:
            listed = [decoded[k] for k in range(len(self._store))]
        else:
            listed = [decoded[s] if type(s) is int else s for s in self._slots]  # type: ignore[misc]
        self._list = (self._version, listed)
        return listed

    def decode_all(self) -> None:
        """Decode every row not decoded yet (one parse of the cache file)."""
        if len(self._decoded) == len(self._store):
            return
        import gc

        from mlsd_cli.catalogue.gcpause import no_cyclic_gc

        with no_cyclic_gc():
            decoded, back = self._decoded, self._back
            for k, r in enumerate(self._store.all_resources()):
                if k not in decoded:
                    decoded[k] = r
                    back[id(r)] = k
            if gc.get_freeze_count():  # the command froze its catalogue (cli.common): the rest too
                gc.freeze()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyResources | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<LazyResources of {len(self)} ({self.decoded()} decoded) from {self.path}>"

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Resource]:
        import copy

        return copy.deepcopy(list(self), memo)

    # ------------------------------------------------------------------ what writes know

    @property
    def store(self) -> RowStore:
        return self._store

    @property
    def slots(self) -> Sequence[_Slot]:
        """Each position: the stored row's index, or an entry put there since."""
        return self._positions()

    def decoded_rows(self) -> dict[int, Resource]:
        """The rows decoded so far, by stored index (they may have been changed in place)."""
        return self._decoded

    def _live(self) -> list[tuple[int, Resource]]:
        """(position, entry) of every entry whose values may differ from the columns: decoded
        rows and entries put in since (kept until the sequence changes or a row is decoded)."""
        decoded = self._decoded
        known = self._known
        if known is not None and known[0] == self._version and known[1] == len(decoded):
            return known[2]
        if self._slots is None:
            live = [(k, decoded[k]) for k in sorted(decoded)]
        else:
            live = [
                (i, decoded[s] if type(s) is int else s)  # type: ignore[misc]
                for i, s in enumerate(self._slots)
                if type(s) is not int or s in decoded
            ]
        self._known = (self._version, len(decoded), live)
        return live

    def _stored_positions(self) -> Iterable[tuple[int, int]]:
        """(position, stored index) of the rows not decoded: their columns hold."""
        decoded = self._decoded
        if self._slots is None:
            if not decoded:
                return enumerate(range(len(self._store)))
            return ((k, k) for k in range(len(self._store)) if k not in decoded)
        return ((i, s) for i, s in enumerate(self._slots) if type(s) is int and s not in decoded)

    def positions(self, refs: Sequence[str], *, aliases: bool = True) -> list[int | None]:
        """:meth:`mlsd_cli.catalogue.model.Catalogue.positions` from the columns (many refs,
        or most rows decoded: one pass over the entries, as for a list)."""
        if len(refs) > 16 or len(self._decoded) * 2 > len(self._store):
            return scan_positions(self, refs, aliases=aliases)
        live = self._live()
        return [self._position(ref, live, aliases=aliases) for ref in refs]

    def _position(self, ref: str, live: list[tuple[int, Resource]], *, aliases: bool) -> int | None:
        by_id: list[int] = []
        by_alias: list[int] = []
        found = self._store.ref(ref)
        if found is not None and found[0] not in self._decoded:
            k, is_id = found
            i = k if self._slots is None else _index(self._slots, k)
            if i is not None:
                (by_id if is_id else by_alias).append(i)
        for i, r in live:
            if r.id == ref:
                by_id.append(i)
            elif ref in r.aliases:
                by_alias.append(i)
        if by_id:
            return min(by_id)
        return min(by_alias) if by_alias and aliases else None

    def ids_and_aliases(self) -> tuple[set[str], int]:
        """Every id and alias in use, and how many there are counting repeats."""
        store = self._store
        live = self._live()
        if len(live) * 4 > len(store):
            taken: set[str] = set()
            count = 0
            for r in self:
                taken.add(r.id)
                taken.update(r.aliases)
                count += 1 + len(r.aliases)
            return taken, count
        # The stored refs are unique: take away those of rows decoded or gone, add the live.
        taken = set(store.taken())
        if self._slots is None:
            away: Iterable[int] = self._decoded
        else:
            kept = {s for s in self._slots if type(s) is int}
            away = set(range(len(store))).difference(kept).union(self._decoded)
        for k in away:
            taken.discard(store.ids[k])
            taken.difference_update(store.aliases.get(k, ()))
        count = len(taken)
        for _, r in live:
            taken.add(r.id)
            taken.update(r.aliases)
            count += 1 + len(r.aliases)
        return taken, count

    def _column(self, stored: Sequence[Any], value: Any) -> list[Any]:
        if self._slots is None:
            out = list(stored)
        else:
            out = [stored[s] if type(s) is int else None for s in self._slots]
        for i, r in self._live():
            out[i] = value(r)
        return out

    def changed_rows(self) -> set[int]:
        """The decoded rows that differ now from their stored lines (changed in place)."""
        decoded, store = self._decoded, self._store
        if len(decoded) < 64:
            return {k for k, r in decoded.items() if row_line(r) != store.line(k)}
        stored = json.loads(b"[" + store.rows_region()[1:] + b"]")  # as written: unconverted
        keys = list(decoded)
        now = fields.cache_rows(decoded[k] for k in keys)
        return {k for k, row in zip(keys, now, strict=True) if row != stored[k]}

    def aliases(self) -> dict[int, list[str]]:
        """The aliases of each position that has some."""
        stored = self._store.aliases
        if self._slots is None or not stored:
            out = {k: a for k, a in stored.items() if k not in self._decoded}
        else:
            where = {s: i for i, s in enumerate(self._slots) if type(s) is int}
            out = {where[k]: a for k, a in stored.items() if k in where and k not in self._decoded}
        for i, r in self._live():
            if r.aliases:
                out[i] = r.aliases
        return dict(sorted(out.items()))

    def ids(self) -> list[str]:
        return self._column(self._store.ids, lambda r: r.id)

    def first_sections(self) -> list[str | None]:
        return self._column(self._store.firsts, lambda r: r.sections[0] if r.sections else None)

    def used_tags(self) -> set[str]:
        """Every tag some entry carries."""
        live = self._live()
        if len(live) * 2 > len(self):
            return {t for r in self for t in r.tags}
        counts = dict(self._store.tag_counts)
        if self._slots is None:
            gone: Iterable[int] = self._decoded
        else:
            kept = {s for s in self._slots if type(s) is int}
            gone = [k for k in range(len(self._store)) if k not in kept or k in self._decoded]
        for k in gone:
            for t in self._store.row(k)[_TAGS]:
                counts[t] -= 1
        for _, r in live:
            for t in r.tags:
                counts[t] = counts.get(t, 0) + 1
        return {t for t, n in counts.items() if n > 0}


_TAGS = fields.RESOURCE_KEYS.index("tags")


def _index(slots: list[_Slot], k: int) -> int | None:
    try:
        return slots.index(k)
    except ValueError:
        return None
