"""The duplicate rules by comparing every pair: the reference the matcher's blocking must equal.

``tests/test_matching.py`` checks ``find_duplicate_groups`` against it on a generated
catalogue; ``benchmarks/bench_dedupe.py`` at 10k. Every pair of resources goes through the
rules of ``docs/matching.md`` (rapidfuzz's loop, row by row, for titles), no blocking.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rapidfuzz import fuzz

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.matching.duplicates import DEFAULT_THRESHOLD
from mlsd_cli.matching.duplicates import MatchIndex
from mlsd_cli.matching.duplicates import tool_matches
from mlsd_cli.matching.evidence import may_share_title
from mlsd_cli.matching.evidence import repo_of
from mlsd_cli.matching.evidence import site_names
from mlsd_cli.matching.evidence import slug_key
from mlsd_cli.matching.titles import title_numbers


def components(n: int, pairs: set[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(j)] = find(i)
    return [find(i) for i in range(n)]


def all_pairs(cat: Catalogue, threshold: float = DEFAULT_THRESHOLD) -> set[tuple[int, int]]:
    """Every matched pair, by comparing every pair of resources against the rules of
    docs/matching.md (rapidfuzz's loop, row by row): what the blocking must find."""
    from rapidfuzz import process

    index = MatchIndex(cat.resources)
    n = len(cat.resources)
    urls = index.raw_urls
    slugs = [slug_key(u) if u else None for u in urls]
    folded = [" ".join(t.casefold().split()) for t in index.raw_titles]
    identity: set[tuple[int, int]] = set()
    for i in range(n):
        for j in range(i + 1, n):
            if urls[i] and urls[j]:
                same = index.keys[i] == index.keys[j] or (slugs[i] or 0) == slugs[j]
            else:
                same = not urls[i] and not urls[j] and folded[i] == folded[j]
            if same:
                identity.add((i, j))
    tools = [i for i, url in enumerate(urls) if url and (repo_of(url) or site_names(url))]
    for i in tools:
        for j, _reason in tool_matches(index, urls[i] or "", index.raw_titles[i]):
            identity.add((min(i, j), max(i, j)))
    roots = components(n, identity)
    pairs = set(identity)

    def title_pair(i: int, j: int) -> None:
        a, b = min(i, j), max(i, j)
        if index.extras[a] and index.extras[b] and index.extras[a] != index.extras[b]:
            return
        if roots[a] == roots[b] or may_share_title(index.side(a), index.side(b), index.titles[i]):
            pairs.add((a, b))

    titles = index.titles
    for i in range(n):
        for _choice, _score, k in process.extract(
            titles[i],
            titles[i + 1 :],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            limit=None,
        ):
            j = i + 1 + k
            if titles[i] and title_numbers(titles[i]) == title_numbers(titles[j]):
                title_pair(i, j)
        main = index.title_parts(index.raw_titles[i])[2]
        for j in range(n):
            if main and j != i and titles[j] == main:
                title_pair(i, j)
    return pairs


def groups(cat: Catalogue, threshold: float = DEFAULT_THRESHOLD) -> set[tuple[str, ...]]:
    """The groups (ids in catalogue order) that comparing every pair gives."""
    roots = components(len(cat.resources), all_pairs(cat, threshold))
    members: dict[int, list[str]] = {}
    for i, r in enumerate(cat.resources):
        members.setdefault(roots[i], []).append(r.id)
    return {tuple(m) for m in members.values() if len(m) > 1}
