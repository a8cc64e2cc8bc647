"""Finding duplicates: one resource listed twice, under another URL shape or a re-typed title.

Two resources are duplicates when

- their URLs have the same identity key (:func:`mlsd_cli.matching.urls.identity_key`: the same arXiv
  id, YouTube video, DOI, Medium post... or the same canonical URL), or
- their normalised titles (:func:`mlsd_cli.matching.titles.normalize_title`) score at least the
  threshold with :func:`rapidfuzz.fuzz.ratio` AND contain the same numbers ("Part 1" is not
  "Part 2", "2019" is not "2020").

The scorer and :data:`DEFAULT_THRESHOLD` were chosen by measurement on the labelled pairs in
``tests/data/title_pairs.tsv``; ``docs/matching.md`` gives the figures.

Catalogue-wide search (:func:`find_duplicate_groups`) never compares all pairs: titles are
split into blocks by their numbers, identical titles are grouped by a dict, and distinct
titles go through an exact q-gram prefix filter (:func:`similar_title_pairs`): it finds every
pair that comparing all pairs finds, and rapidfuzz scores only the candidates.
"""

from __future__ import annotations

import math
import operator
import re
import weakref
from bisect import bisect_left
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from itertools import chain

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.titles import fold_title
from mlsd_cli.matching.titles import normalize_title
from mlsd_cli.matching.titles import title_numbers
from mlsd_cli.matching.urls import identity_key

#: Title similarity (0-100, rapidfuzz ``ratio`` on normalised titles) from which two titles
#: name the same resource. Chosen on tests/data/title_pairs.tsv (see docs/matching.md).
DEFAULT_THRESHOLD: float = 95.0

#: Reasons, per pair and per group.
SAME_URL = "same-url"
SIMILAR_TITLE = "similar-title"
BOTH = "both"

#: q-gram length of the prefix filter.
_Q = 3


def _scorer() -> Callable[..., float]:
    from rapidfuzz import fuzz

    return fuzz.ratio


def title_score(a: str, b: str, *, normalized: bool = False) -> float:
    """How alike two titles are (0-100); 0 when their numbers differ."""
    if not normalized:
        a, b = normalize_title(a), normalize_title(b)
    if not a or not b or title_numbers(a) != title_numbers(b):
        return 0.0
    return float(_scorer()(a, b))


@dataclass(frozen=True)
class DuplicateCandidate:
    """A resource that may be the same as the one being added or edited."""

    resource: Resource
    #: 0-100; 100 for the same URL.
    score: float
    #: ("same-url",), ("similar-title",) or ("same-url", "similar-title"); the catalogue
    #: check (:mod:`mlsd_cli.matching.known`) adds "merged" and "same-title".
    reasons: tuple[str, ...]
    #: For "merged": the id under which an entry was merged into this one.
    alias: str | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Resources that look like one: the ids in catalogue order, why, and how sure."""

    ids: tuple[str, ...]
    #: "same-url", "similar-title" or "both" (URL and title evidence in the group).
    reason: str
    #: The weakest link: the lowest score among the matched pairs that hold the group
    #: together (100 for the same URL), to one decimal.
    score: float


# --------------------------------------------------------------------------- the index


@dataclass
class _TitleBlock:
    """Distinct normalised titles that share their numbers, and who has each."""

    titles: list[str] = field(default_factory=list)
    owners: list[list[int]] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)

    def add(self, title: str, owner: int) -> None:
        at = self.position.get(title)
        if at is None:
            self.position[title] = len(self.titles)
            self.titles.append(title)
            self.owners.append([owner])
        else:
            self.owners[at].append(owner)


class MatchIndex:
    """A catalogue prepared for duplicate checks: keys and normalised titles, computed once.

    Build it with :func:`prepare_index` (cached per catalogue) and pass it to
    :func:`find_duplicates_of` for repeated checks; :meth:`add` keeps it up to date while
    resources are appended (an import checks each item against the ones added before it).
    """

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.resources: list[Resource] = []
        self.raw_titles: list[str] = []
        self.raw_urls: list[str | None] = []
        self.keys: list[str | None] = []
        self.titles: list[str] = []
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[tuple[int, ...], _TitleBlock] = defaultdict(_TitleBlock)
        #: An id a resource is also known by -> (its position, the alias that says so).
        self.by_alias: dict[str, tuple[int, str]] = {}
        #: Folded titles (:func:`~mlsd_cli.matching.titles.fold_title`) of the url-less
        #: resources -> their positions.
        self.url_less: dict[str, list[int]] = defaultdict(list)
        self._normalized: dict[str, tuple[str, tuple[int, ...]]] = {}
        with no_cyclic_gc():
            for r in resources:
                self.add(r)

    def add(self, r: Resource) -> None:
        """Index one more resource (the last of ``resources``)."""
        i = len(self.resources)
        self.resources.append(r)
        self.raw_titles.append(r.title)
        self.raw_urls.append(r.url)
        key = identity_key(r.url) if r.url else None
        self.keys.append(key)
        if key:
            self.by_key[key].append(i)
        known = self._normalized.get(r.title)
        if known is None:
            title = normalize_title(r.title)
            known = self._normalized[r.title] = (title, title_numbers(title))
        title, numbers = known
        self.titles.append(title)
        if title:
            self.blocks[numbers].add(title, i)
        if not r.url:
            self.url_less[fold_title(r.title)].append(i)
        for name, alias in merged_names(r):
            self.by_alias.setdefault(name, (i, alias))


_NUMBERED = re.compile(r"(.+)-[0-9]+")


def merged_names(r: Resource) -> list[tuple[str, str]]:
    """(id, alias): the ids under which entries were merged into ``r`` (``dedupe --merge``
    keeps them in ``aliases``), and the id an alias was numbered from when that id is ``r``'s
    own or another alias: "feast-2" merged into "feast" was an entry whose title gave "feast"
    (its id was numbered because "feast" was taken)."""
    names = [(alias, alias) for alias in r.aliases]
    own = {r.id, *r.aliases}
    for alias in r.aliases:
        numbered = _NUMBERED.fullmatch(alias)
        if numbered and numbered.group(1) in own:
            names.append((numbered.group(1), alias))
    return names


#: id(catalogue) -> (the catalogue, the index built from it).
_CACHE: dict[int, tuple[weakref.ref[Catalogue], MatchIndex]] = {}


def _still_valid(index: MatchIndex, resources: Sequence[Resource]) -> bool:
    """The same resource objects, titles and URLs as when the index was built (an identity
    check: a few milliseconds for 100k resources, where rebuilding takes seconds)."""
    if len(resources) != len(index.resources) or not all(
        map(operator.is_, resources, index.resources)
    ):
        return False
    titles = [r.title for r in resources]
    urls = [r.url for r in resources]
    return all(map(operator.is_, titles, index.raw_titles)) and all(
        map(operator.is_, urls, index.raw_urls)
    )


def prepare_index(catalogue: Catalogue) -> MatchIndex:
    """The match index of ``catalogue``: built on the first call, then reused for as long as
    the catalogue holds the same resources with the same titles and URLs."""
    key = id(catalogue)
    cached = _CACHE.get(key)
    if cached is not None:
        ref, index = cached
        if ref() is catalogue and _still_valid(index, catalogue.resources):
            return index
    index = MatchIndex(catalogue.resources)
    _CACHE[key] = (weakref.ref(catalogue, lambda _ref: _CACHE.pop(key, None)), index)
    return index


# --------------------------------------------------------------------------- one resource


def find_duplicates_of(
    catalogue: Catalogue,
    *,
    url: str | None,
    title: str | None,
    threshold: float | None = None,
    exclude_id: str | None = None,
    index: MatchIndex | None = None,
) -> list[DuplicateCandidate]:
    """Resources of ``catalogue`` that look like a resource with this URL and title, best first.

    ``exclude_id`` leaves that resource out (when editing it), and pairs with it that a
    curator declared not duplicates. ``index`` is a prepared :class:`MatchIndex`; without
    one, the index cached for ``catalogue`` is used (built on the first call).
    """
    index = index or prepare_index(catalogue)
    found = positioned_duplicates_of(
        index, url=url, title=title, threshold=threshold, left_out=left_out(catalogue, exclude_id)
    )
    return [candidate for _, candidate in found]


def left_out(catalogue: Catalogue, exclude_id: str | None) -> set[str]:
    """Ids a check for ``exclude_id`` (the entry being edited) ignores: its own, its aliases,
    and those of the entries a curator declared not duplicates of it."""
    if not exclude_id:
        return set()
    declared = {
        b if a == exclude_id else a for a, b in catalogue.not_duplicates if exclude_id in (a, b)
    }
    return {exclude_id, *declared}


def positioned_duplicates_of(
    index: MatchIndex,
    *,
    url: str | None,
    title: str | None,
    threshold: float | None = None,
    left_out: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[int, DuplicateCandidate]]:
    """:func:`find_duplicates_of` on ``index`` with each match's position in it; entries
    whose id or an alias is in ``left_out`` are left out."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    found: dict[int, tuple[float, set[str]]] = {}
    if url:
        for i in index.by_key.get(identity_key(url), ()):
            found[i] = (100.0, {SAME_URL})
    norm = normalize_title(title) if title else ""
    block = index.blocks.get(title_numbers(norm)) if norm else None
    if block is not None and block.titles:
        from rapidfuzz import process

        for _choice, score, at in process.extract(
            norm, block.titles, scorer=_scorer(), score_cutoff=threshold, limit=None
        ):
            for i in block.owners[at]:
                best, reasons = found.get(i, (0.0, set()))
                found[i] = (max(best, float(score)), reasons | {SIMILAR_TITLE})
    out = []
    for i, (score, reasons) in found.items():
        r = index.resources[i]
        if left_out and (r.id in left_out or not left_out.isdisjoint(r.aliases)):
            continue
        ordered = tuple(x for x in (SAME_URL, SIMILAR_TITLE) if x in reasons)
        out.append((i, DuplicateCandidate(r, round(score, 1), ordered)))
    out.sort(key=lambda item: (-len(item[1].reasons), -item[1].score, item[0]))
    return out


# --------------------------------------------------------------------------- all pairs


class _UnionFind:
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


_URL_BIT, _TITLE_BIT = 1, 2


def find_duplicate_groups(
    catalogue: Catalogue,
    *,
    threshold: float | None = None,
    index: MatchIndex | None = None,
) -> list[DuplicateGroup]:
    """Every group of likely duplicates in the catalogue (connected components of matched
    pairs), leaving out pairs a curator declared not duplicates. Groups come in catalogue
    order of their first member, members in catalogue order."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    index = index or prepare_index(catalogue)
    with no_cyclic_gc():
        return _groups(catalogue, index, threshold)


def _groups(catalogue: Catalogue, index: MatchIndex, threshold: float) -> list[DuplicateGroup]:
    ids = [r.id for r in index.resources]
    declared = set(catalogue.not_duplicates)
    declared_ids = {rid for pair in declared for rid in pair}
    n = len(ids)
    uf = _UnionFind(n)
    #: (a member, score, reason bits): folded into the member's group at the end.
    evidence: list[tuple[int, float, int]] = []

    def match(a: int, b: int, score: float, reason: int) -> None:
        if ids[a] in declared_ids and ids[b] in declared_ids:
            pair = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
            if pair in declared:
                return
        uf.union(a, b)
        evidence.append((a, score, reason))

    def match_all(members: Sequence[int], score: float, reason: int) -> None:
        if any(ids[m] in declared_ids for m in members):
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    match(a, b, score, reason)
        else:  # no declared pair inside: a star joins them all
            for b in members[1:]:
                match(members[0], b, score, reason)

    for members in index.by_key.values():
        if len(members) > 1:
            match_all(members, 100.0, _URL_BIT)
    for block in index.blocks.values():
        for owners in block.owners:
            if len(owners) > 1:
                match_all(owners, 100.0, _TITLE_BIT)
        for a, b, score in similar_title_pairs(block.titles, threshold):
            for i in block.owners[a]:
                for j in block.owners[b]:
                    match(i, j, score, _TITLE_BIT)

    stats: dict[int, tuple[float, int]] = {}
    for member, score, reason in evidence:
        root = uf.find(member)
        old_score, old_reason = stats.get(root, (100.0, 0))
        stats[root] = (min(old_score, score), old_reason | reason)
    members_of: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        root = uf.find(i)
        if root in stats:
            members_of[root].append(i)
    labels = {_URL_BIT: SAME_URL, _TITLE_BIT: SIMILAR_TITLE, _URL_BIT | _TITLE_BIT: BOTH}
    groups = []
    for root, members in sorted(members_of.items(), key=lambda item: item[1][0]):
        if len(members) < 2:
            continue
        score, reason = stats[root]
        groups.append(
            DuplicateGroup(tuple(ids[m] for m in members), labels[reason], round(score, 1))
        )
    return groups


# --------------------------------------------------------------------------- title pairs


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
    scorer = _scorer()
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
                ordered[pos], choices, scorer=scorer, score_cutoff=threshold, limit=None
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
