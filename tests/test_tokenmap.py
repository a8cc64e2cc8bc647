"""matching/tokenmap.py: positions of content tokens, and the span a write changed."""

from __future__ import annotations

import sys
from array import array

from hypothesis import given
from hypothesis import strategies as st

from mlsd_cli.matching.tokenmap import TokenPositions
from mlsd_cli.matching.tokenmap import changed_span
from mlsd_cli.matching.tokenmap import token_bytes

_TOKENS = st.lists(st.integers(min_value=0, max_value=2**63 - 1), max_size=40)


@given(old=_TOKENS, new=_TOKENS)
def test_every_token_outside_the_changed_span_is_an_old_one(old: list[int], new: list[int]) -> None:
    start, end = changed_span(token_bytes(old), token_bytes(new))
    assert 0 <= start <= end <= len(new)
    assert new[:start] == old[:start]
    assert end == len(new) or new[end:] == old[len(old) - (len(new) - end) :]


@given(tokens=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=30))
def test_a_one_entry_change_is_a_span_of_one(tokens: list[int]) -> None:
    old = [1000 + n for n in range(len(tokens))]
    k = tokens[0] % len(old)
    replaced = [*old[:k], 5, *old[k + 1 :]]
    inserted = [*old[:k], 5, *old[k:]]
    removed = [*old[:k], *old[k + 1 :]]
    assert changed_span(token_bytes(old), token_bytes(replaced)) == (k, k + 1)
    assert changed_span(token_bytes(old), token_bytes(inserted)) == (k, k + 1)
    assert changed_span(token_bytes(old), token_bytes(removed)) == (k, k)


@given(tokens=st.lists(st.integers(min_value=0, max_value=2**63 - 1), max_size=200, unique=True))
def test_positions_are_those_of_a_scan_whatever_the_path(tokens: list[int]) -> None:
    positions = TokenPositions(array("q", tokens), token_bytes(tokens))
    asked = [*tokens[::3], 7, 2**62]
    expected = [(i, t) for t in asked for i, u in enumerate(tokens) if u == t]
    assert positions.of(asked) == expected
    assert positions.of(asked * 50) == expected * 50  # the dictionary path
    assert positions.of(asked) == expected  # the dictionary kept


def test_a_token_is_only_found_at_a_token_boundary() -> None:
    tokens = [2**40 + 3, 2**50 + 7]
    data = token_bytes(tokens)
    straddling = int.from_bytes(data[4:12], sys.byteorder, signed=True)
    assert straddling not in tokens
    assert TokenPositions(tokens, data).of([straddling]) == []
