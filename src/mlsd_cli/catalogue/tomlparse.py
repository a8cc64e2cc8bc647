"""Reading the catalogue's TOML in chunks when that is safe; tomli's answer always.

A large catalogue is parsed in chunks of :data:`CHUNK_ENTRIES` ``[[resources]]`` blocks with
rtoml (Rust: about 3x faster than tomli's compiled wheel, but a whole 100k-entry document held
as its own tree costs 750 MB; a chunk at a time costs what the Python objects cost). The chunks
are cut only before a line that is exactly ``[[resources]]``, and their tables read as one
document's: ``resources`` concatenated, any other top-level key present in one chunk only. The
schema validates the chunks as they come
(:func:`mlsd_cli.catalogue.schema.catalogue_from_chunks`), so the tables of a 100k-entry file
are never all held at once. The last chunks of a large document may be parsed and checked
meanwhile by a helper process on the other core (:mod:`mlsd_cli.catalogue.parsehelper`): they
come :class:`Checked`, or, whenever the helper did not settle one, are read here as usual.

That is the whole document's meaning whenever every chunk parses: a cut inside a multi-line
string or an array leaves the chunk before it unterminated, which fails. Whenever anything
fails, or a key appears in two chunks, or ``resources`` is not an array of tables
(:class:`Unsettled`), the whole text is parsed by tomli, so what is accepted and every error
(its line and column, deep nesting) are tomli's. (rtoml refuses deep nesting itself rather
than overflowing its stack.)
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from typing import Any

#: ``[[resources]]`` blocks per chunk.
CHUNK_ENTRIES = 2000
#: Below this many characters the document is parsed whole by tomli (chunks gain nothing).
CHUNK_MIN_CHARS = 256 * 1024
_MARKER = "\n[[resources]]\n"


def _cuts(text: str) -> list[int]:
    """Where chunks start: before every CHUNK_ENTRIES-th marker (after the first)."""
    cuts = [0]
    find = text.find
    at = find(_MARKER)
    count = 0
    while at >= 0:
        if count % CHUNK_ENTRIES == 0:
            cuts.append(at + 1)  # the chunk starts at the marker's line
        count += 1
        at = find(_MARKER, at + 1)
    cuts.append(len(text))
    return cuts


class Unsettled(Exception):
    """The chunks cannot settle what the document means: parse it whole with tomli."""


class Chunks:
    """A document read a chunk at a time: :attr:`head` (the tables before the first
    ``[[resources]]``), :meth:`resources` (each chunk's resource tables, parsed as asked for),
    then :meth:`rest` (the other tables after them). Raises :class:`Unsettled` (from the
    constructor or while iterating) whenever the whole document might mean something else."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._cuts = _cuts(text)
        self.head = self._parse(self._cuts[0], self._cuts[1])
        if "resources" in self.head:
            raise Unsettled
        self._rest: dict[str, Any] = {}

    def _parse(self, start: int, end: int) -> dict[str, Any]:
        import rtoml

        try:
            return rtoml.loads(self._text[start:end])
        except Exception:  # any refusal: tomli decides, and words the error
            raise Unsettled from None

    def resources(self, *, helper: bool = True) -> Iterator[list[Any] | Checked]:
        """Each chunk's resource tables, in order; with ``helper``, the last chunks of a large
        document may come :class:`Checked` instead, from a helper process on the other core
        (:mod:`mlsd_cli.catalogue.parsehelper`)."""
        from mlsd_cli.catalogue import parsehelper

        spans = list(itertools.pairwise(self._cuts[1:]))
        sections = _section_ids(self.head)
        mine, forked = len(spans), None
        theirs = int(len(spans) * parsehelper.HELPER_SHARE)
        try:
            if helper and theirs and sections is not None and parsehelper.available(len(spans)):
                mine -= theirs
                parts = [functools.partial(self._parse, a, b) for a, b in spans[mine:]]
                forked = parsehelper.start(parts, sections)
            for start, end in spans[:mine]:
                yield self._tables(self._parse(start, end))
            found = forked.results() if forked else [None] * (len(spans) - mine)
            for (start, end), encoded in zip(spans[mine:], found, strict=True):
                result = None if encoded is None else parsehelper.decoded(encoded)
                if result is None:  # the helper did not settle it: read here, as usual
                    yield self._tables(self._parse(start, end))
                else:
                    self._keep(result[1])
                    yield Checked(result[0], frozenset(sections or ()))
        finally:
            if forked:
                forked.stop()

    def _tables(self, part: dict[str, Any]) -> list[Any]:
        """A chunk's resource tables; its other tables are kept for :meth:`rest`."""
        chunk = part.pop("resources", None)
        if not isinstance(chunk, list):
            raise Unsettled
        self._keep(part)
        return chunk

    def _keep(self, others: dict[str, Any]) -> None:
        for key, value in others.items():
            if key in self.head or key in self._rest:
                raise Unsettled
            self._rest[key] = value

    def rest(self) -> dict[str, Any]:
        return self._rest


class Checked:
    """A chunk whose resources the helper process checked: their values, a column a field in
    the field table's order (:func:`mlsd_cli.catalogue.quickcheck.quick_columns`), checked
    against these section ids."""

    __slots__ = ("columns", "sections")

    def __init__(self, columns: list[list[Any]], sections: frozenset[str]) -> None:
        self.columns = columns
        self.sections = sections


def _section_ids(head: dict[str, Any]) -> set[str] | None:
    """The section ids of the head, if its sections are tables (the schema checks the rest:
    when the head is valid, these are the ids it finds)."""
    sections = head.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
        return None
    return {s.get("id") for s in sections if isinstance(s.get("id"), str)}


def merged(text: str) -> dict[str, Any] | None:
    """The whole document as one dict, from its chunks (None: :class:`Unsettled`)."""
    try:
        chunks = Chunks(text)
        resources = [
            table
            for chunk in chunks.resources(helper=False)
            for table in (chunk if isinstance(chunk, list) else ())
        ]
    except Unsettled:
        return None
    document = {**chunks.head, **chunks.rest()}
    if resources:
        document["resources"] = resources
    return document
