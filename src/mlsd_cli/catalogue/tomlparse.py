"""Reading the catalogue's TOML in chunks when that is safe; tomli's answer always.

A large catalogue is parsed in chunks of :data:`CHUNK_ENTRIES` ``[[resources]]`` blocks with
rtoml (Rust: about 3x faster than tomli's compiled wheel, but a whole 100k-entry document held
as its own tree costs 750 MB; a chunk at a time costs what the Python objects cost). The chunks
are cut only before a line that is exactly ``[[resources]]``, and their tables read as one
document's: ``resources`` concatenated, any other top-level key present in one chunk only. The
schema validates the chunks as they come
(:func:`mlsd_cli.catalogue.schema.catalogue_from_chunks`), so the tables of a 100k-entry file
are never all held at once.

That is the whole document's meaning whenever every chunk parses: a cut inside a multi-line
string or an array leaves the chunk before it unterminated, which fails. Whenever anything
fails, or a key appears in two chunks, or ``resources`` is not an array of tables
(:class:`Unsettled`), the whole text is parsed by tomli, so what is accepted and every error
(its line and column, deep nesting) are tomli's. (rtoml refuses deep nesting itself rather
than overflowing its stack.)
"""

from __future__ import annotations

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

    def resources(self) -> Iterator[list[Any]]:
        for start, end in itertools.pairwise(self._cuts[1:]):
            part = self._parse(start, end)
            chunk = part.pop("resources", None)
            if not isinstance(chunk, list):
                raise Unsettled
            for key, value in part.items():
                if key in self.head or key in self._rest:
                    raise Unsettled
                self._rest[key] = value
            yield chunk

    def rest(self) -> dict[str, Any]:
        return self._rest


def merged(text: str) -> dict[str, Any] | None:
    """The whole document as one dict, from its chunks (None: :class:`Unsettled`)."""
    try:
        chunks = Chunks(text)
        resources = [table for chunk in chunks.resources() for table in chunk]
    except Unsettled:
        return None
    document = {**chunks.head, **chunks.rest()}
    if resources:
        document["resources"] = resources
    return document
