"""Parsing the catalogue's TOML: fast in chunks when that is safe, tomli's answer always.

A large catalogue is parsed in chunks of :data:`CHUNK_ENTRIES` ``[[resources]]`` blocks with
rtoml (Rust: about 3x faster than tomli's compiled wheel, but a whole 100k-entry document held
as its own tree costs 750 MB; a chunk at a time costs what the Python objects cost). The chunks
are cut only before a line that is exactly ``[[resources]]``, and their tables put together as
one document's: ``resources`` concatenated, any other top-level key present in one chunk only.

That is the whole document's meaning whenever every chunk parses: a cut inside a multi-line
string or an array leaves the chunk before it unterminated, which fails. Whenever anything
fails, or a key appears in two chunks, or ``resources`` is not an array of tables, the whole
text is parsed by tomli, so what is accepted and every error (its line and column, deep nesting)
are tomli's. (rtoml refuses deep nesting itself rather than overflowing its stack.)
"""

from __future__ import annotations

import itertools
from typing import Any

#: ``[[resources]]`` blocks per chunk.
CHUNK_ENTRIES = 2000
#: Below this many characters the document is parsed whole by tomli (chunks gain nothing).
CHUNK_MIN_CHARS = 256 * 1024
_MARKER = "\n[[resources]]\n"


def loads(text: str) -> dict[str, Any]:
    """The parsed document (as ``tomli.loads(text)``). Raises tomli's errors."""
    if len(text) >= CHUNK_MIN_CHARS:
        parsed = _chunked(text)
        if parsed is not None:
            return parsed
    import tomli

    return tomli.loads(text)


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


def _chunked(text: str) -> dict[str, Any] | None:
    try:
        import rtoml
    except ImportError:  # pragma: no cover - a dependency; tomli still answers
        return None
    cuts = _cuts(text)
    merged: dict[str, Any] = {}
    resources: list[Any] = []
    for start, end in itertools.pairwise(cuts):
        try:
            part = rtoml.loads(text[start:end])
        except Exception:  # any refusal: tomli decides, and words the error
            return None
        for key, value in part.items():
            if key == "resources":
                if start == 0 or not isinstance(value, list):
                    return None
                resources += value
            elif key in merged:
                return None
            else:
                merged[key] = value
    if resources:
        merged["resources"] = resources
    return merged
