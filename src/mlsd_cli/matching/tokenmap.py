"""Where a content token sits in a catalogue, without a dictionary of every entry's token.

A check finds a handful of stored rows; their positions are found by searching the tokens'
bytes (one ``bytes.find`` over 800 kB at 100k entries, in C, 0.15 ms), and a dictionary (25 ms
at 100k) is built only when many are asked for at once (the first fill of a store). Tokens are
unique: two equal tokens are two byte-identical blocks, so two entries with one id, which no
catalogue that loads has. :func:`changed_span` tells which
tokens of a file are new since a known list of tokens: a one-entry write changes one span.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from collections.abc import Sequence

#: Past this many tokens asked at once, a dictionary of every position is cheaper.
_FIND_AT_MOST = 128


def token_bytes(tokens: Sequence[int]) -> bytes:
    """The tokens as int64 in the machine's order (what ``array("q")`` holds)."""
    if isinstance(tokens, array) and tokens.typecode == "q":
        return tokens.tobytes()
    return array("q", tokens).tobytes()


class TokenPositions:
    """The position of each token in one list of unique tokens."""

    def __init__(self, tokens: Sequence[int], data: bytes) -> None:
        self.tokens = tokens
        self.data = data
        self._at: dict[int, int] | None = None

    def _find(self, token: int) -> int | None:
        key = token.to_bytes(8, sys.byteorder, signed=True)
        at = self.data.find(key)
        while at != -1 and at % 8:  # the bytes straddle two tokens: not this one
            at = self.data.find(key, at + 1)
        return None if at == -1 else at // 8

    def of(self, tokens: Iterable[int]) -> list[tuple[int, int]]:
        """(position, token) of each of ``tokens`` in the list, in the order asked; tokens
        not in the list are left out."""
        asked = list(tokens)
        if self._at is None and len(asked) > _FIND_AT_MOST:
            self._at = dict(zip(self.tokens, range(len(self.tokens)), strict=True))
        if self._at is not None:
            at = self._at
            return [(at[t], t) for t in asked if t in at]
        found = ((self._find(t), t) for t in asked)
        return [(i, t) for i, t in found if i is not None]


def changed_span(old: bytes, new: bytes) -> tuple[int, int]:
    """(start, end): every token of ``new`` outside ``new[start:end]`` (in tokens) is in
    ``old`` (the longest common prefix and suffix of the two lists)."""
    n_old, n_new = len(old) // 8, len(new) // 8
    view = memoryview(new)
    lo, hi = 0, min(n_old, n_new)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old.startswith(view[: mid * 8]):
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, min(n_old, n_new) - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old.endswith(view[len(new) - mid * 8 :]):
            lo = mid
        else:
            hi = mid - 1
    return prefix, n_new - lo
