"""The exact q-gram prefix filter: every pair of titles whose similarity reaches a threshold,
without comparing all pairs (used by :mod:`mlsd_cli.matching.duplicates`)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Sequence
from itertools import chain

#: q-gram length of the prefix filter.
_Q = 3


def scorer() -> Callable[..., float]:
    """The title similarity: rapidfuzz ``ratio`` (chosen in docs/matching.md)."""
    from rapidfuzz import fuzz

    return fuzz.ratio


def _qgrams(text: str) -> set[str]:
    padded = f"\x02{text}\x03"
    return {padded[k : k + _Q] for k in range(len(padded) - _Q + 1)}


def _max_distance(length: int, tau: float) -> int:
    """The most indel edits a title of ``length`` may be from a match: the partner has
    length <= length + d, and d <= tau * (l1 + l2) gives d <= 2 tau l1 / (1 - tau)."""
    if tau >= 1:
        return 10**9
    return math.floor(2 * tau * length / (1 - tau) + 1e-9)


def similar_title_pairs(titles: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, score)``, i < j, of distinct normalised titles whose ``ratio`` is at
    least ``threshold``: exactly the pairs that comparing all pairs finds, without doing so.

    The q-gram prefix filter: a title of length l can be at most d = 2 tau l / (1 - tau)
    indel edits (tau = 1 - threshold/100) from a match, and each edit destroys at most q
    q-grams, so a match lacks at most q*d of the title's distinct q-grams. Order all
    q-grams from rare to common: any match shares one of the q*d + 1 rarest q-grams of each
    title. Only those are indexed; titles are visited shortest first, so the length filter
    (l_short >= l_long (1 - tau) / (1 + tau)) trims each posting list with a bisection, and
    rapidfuzz scores each title against the candidates left.
    """
    n = len(titles)
    if n < 2:
        return []
    tau = max(0.0, 1 - threshold / 100)
    order = sorted(range(n), key=lambda i: (len(titles[i]), i))
    ordered = [titles[i] for i in order]
    lengths = [len(t) for t in ordered]
    gram_sets = [_qgrams(t) for t in ordered]
    frequency = Counter(chain.from_iterable(gram_sets))
    rank = {g: r for r, g in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}
    rank_of = rank.__getitem__
    postings: dict[int, list[int]] = defaultdict(list)
    unfiltered: list[int] = []
    shrink = (1 - tau) / (1 + tau) if tau < 1 else 0.0
    ratio = scorer()
    from rapidfuzz import process

    out: list[tuple[int, int, float]] = []
    for pos, grams in enumerate(gram_sets):
        length = lengths[pos]
        shortest = math.ceil(length * shrink - 1e-9)
        size = _Q * _max_distance(length, tau) + 1
        prefix = sorted(map(rank_of, grams))[:size] if size <= len(grams) else None
        if prefix is None:
            start = bisect_left(lengths, shortest, 0, pos)
            candidates = list(range(start, pos))
        else:
            found: set[int] = set()
            for r in prefix:
                posting = postings.get(r)
                if posting:
                    start = bisect_left(posting, shortest, key=lengths.__getitem__)
                    found.update(posting[start:] if start else posting)
            start = bisect_left(unfiltered, shortest, key=lengths.__getitem__)
            found.update(unfiltered[start:])
            candidates = list(found)
        if candidates:
            choices = [ordered[c] for c in candidates]
            for _choice, score, at in process.extract(
                ordered[pos], choices, scorer=ratio, score_cutoff=threshold, limit=None
            ):
                a, b = order[candidates[at]], order[pos]
                out.append((min(a, b), max(a, b), float(score)))
        if prefix is None:
            unfiltered.append(pos)
        else:
            for r in prefix:
                postings[r].append(pos)
    out.sort()
    return out


class UnionFind:
    """Connected components of matched pairs, with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
