"""Finding duplicates: one resource listed twice, under another URL shape or a re-typed title.

Two tiers (``docs/matching.md`` gives the rules and the figures they were chosen by):

**the same resource** (identity; :data:`IDENTITY`): the same identity key
(:func:`mlsd_cli.matching.urls.identity_key`: arXiv id, YouTube video, DOI, Medium post,
O'Reilly ISBN, an archive copy's page, the canonical URL...), a post moved on its site (the
same slug, :func:`~mlsd_cli.matching.evidence.slug_key`), a tool's site and its repository, a
renamed repository (:mod:`mlsd_cli.matching.evidence`), two url-less entries of one title;

**a possible duplicate**: the titles without what lists add around them
(:func:`~mlsd_cli.matching.titles.core_title`) score at least the threshold with
:func:`rapidfuzz.fuzz.ratio` and contain the same numbers ("Part 1" is not "Part 2"), or one
is the other less its subtitle (:func:`~mlsd_cli.matching.titles.main_title`). A title match
between two entries that both have a URL counts only on one site, or for papers, talks, books
and courses on two sites; never for tools (the same name is often two projects) nor for blog
posts on two sites (two companies use one title): :func:`may_share_title`.

Catalogue-wide search (:func:`find_duplicate_groups`) never compares all pairs: every rule is
a dictionary look-up, except similar titles, which go through an exact q-gram prefix filter
(:func:`mlsd_cli.matching.blocking.similar_title_pairs`) per block of titles with the same
numbers: it finds every pair that comparing all pairs finds.
"""

from __future__ import annotations

import operator
import weakref
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Sequence

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.blocking import UnionFind
from mlsd_cli.matching.blocking import scorer
from mlsd_cli.matching.blocking import similar_title_pairs
from mlsd_cli.matching.evidence import Side
from mlsd_cli.matching.evidence import may_share_title
from mlsd_cli.matching.evidence import renamed_repo
from mlsd_cli.matching.evidence import repo_of
from mlsd_cli.matching.evidence import site_and_repo
from mlsd_cli.matching.evidence import site_names
from mlsd_cli.matching.evidence import slug_key
from mlsd_cli.matching.facts import MatchFacts
from mlsd_cli.matching.facts import merged_names
from mlsd_cli.matching.facts import plain
from mlsd_cli.matching.index import MatchIndex
from mlsd_cli.matching.reasons import BOTH
from mlsd_cli.matching.reasons import IDENTITY
from mlsd_cli.matching.reasons import POSSIBLE_TIER
from mlsd_cli.matching.reasons import REASON_ORDER
from mlsd_cli.matching.reasons import REASON_TEXT
from mlsd_cli.matching.reasons import RENAMED_REPO
from mlsd_cli.matching.reasons import SAME_RESOURCE_TIER
from mlsd_cli.matching.reasons import SAME_SLUG
from mlsd_cli.matching.reasons import SAME_TITLE
from mlsd_cli.matching.reasons import SAME_URL
from mlsd_cli.matching.reasons import SIMILAR_TITLE
from mlsd_cli.matching.reasons import SITE_AND_REPO
from mlsd_cli.matching.reasons import SUBTITLE
from mlsd_cli.matching.reasons import TIERS
from mlsd_cli.matching.reasons import DuplicateCandidate
from mlsd_cli.matching.reasons import DuplicateGroup
from mlsd_cli.matching.reasons import tier_named
from mlsd_cli.matching.sametitle import joining_pairs
from mlsd_cli.matching.titles import core_title
from mlsd_cli.matching.titles import extra_numbers
from mlsd_cli.matching.titles import title_numbers
from mlsd_cli.matching.urls import identity_key

__all__ = [
    "BOTH",
    "IDENTITY",
    "POSSIBLE_TIER",
    "REASON_ORDER",
    "REASON_TEXT",
    "RENAMED_REPO",
    "SAME_RESOURCE_TIER",
    "SAME_SLUG",
    "SAME_TITLE",
    "SAME_URL",
    "SIMILAR_TITLE",
    "SITE_AND_REPO",
    "SUBTITLE",
    "TIERS",
    "DuplicateCandidate",
    "DuplicateGroup",
    "MatchFacts",
    "MatchIndex",
    "merged_names",
    "similar_title_pairs",
    "tier_named",
]

#: Title similarity (0-100, rapidfuzz ``ratio`` on core titles) from which two titles
#: name the same resource. Chosen on the dev part of tests/data/dedupe_labels.tsv.
DEFAULT_THRESHOLD: float = 95.0
#: The score of a match by a dropped subtitle.
SUBTITLE_SCORE = 90.0


def title_score(a: str, b: str, *, normalized: bool = False) -> float:
    """How alike two titles are (0-100, on their core titles unless ``normalized``); 0 when
    their numbers differ (or the numbers their cores left out both exist and differ)."""
    if not normalized:
        extras = extra_numbers(a, core_title(a)), extra_numbers(b, core_title(b))
        if not _editions_agree(*extras):
            return 0.0
        a, b = core_title(a), core_title(b)
    if not a or not b or title_numbers(a) != title_numbers(b):
        return 0.0
    return float(scorer()(a, b))


# --------------------------------------------------------------------------- the index


#: id(catalogue) -> (the catalogue, the index built from it).
_CACHE: dict[int, tuple[weakref.ref[Catalogue], MatchIndex]] = {}


def _still_valid(index: MatchIndex, resources: Sequence[Resource]) -> bool:
    """The same resource objects, titles, URLs and kinds as when the index was built (an
    identity check: a few milliseconds for 100k resources, where rebuilding takes seconds)."""
    if len(resources) != len(index.resources) or not all(
        map(operator.is_, resources, index.resources)
    ):
        return False
    titles = [r.title for r in resources]
    urls = [r.url for r in resources]
    kinds = [r.kind for r in resources]  # a title match's sides depend on them
    return (
        all(map(operator.is_, titles, index.raw_titles))
        and all(map(operator.is_, urls, index.raw_urls))
        and kinds == index.kinds
    )


def memory_index(catalogue: Catalogue) -> MatchIndex:
    """The in-memory match index of ``catalogue`` (every entry's facts in dictionaries):
    built on the first call, then reused for as long as the catalogue holds the same
    resources with the same titles and URLs."""
    key = id(catalogue)
    cached = _CACHE.get(key)
    if cached is not None:
        ref, index = cached
        if ref() is catalogue and _still_valid(index, catalogue.resources):
            return index
    index = MatchIndex(catalogue.resources)
    _CACHE[key] = (weakref.ref(catalogue, lambda _ref: _CACHE.pop(key, None)), index)
    return index


def prepare_index(catalogue: Catalogue) -> MatchFacts:
    """The index a one-entry check of ``catalogue`` asks: the stored one
    (:func:`~mlsd_cli.matching.factstore.stored_index`: each entry's facts in a per-user
    SQLite file, keyed by its content) when the catalogue's rows carry content tokens and the
    store can be used, else :func:`memory_index`. Both give the same answers."""
    from mlsd_cli.matching.factstore import stored_index

    return stored_index(catalogue) or memory_index(catalogue)


# --------------------------------------------------------------------------- evidence


def url_matches(
    index: MatchFacts, url: str, title: str = "", at: int | None = None
) -> list[tuple[int, str]]:
    """(position, reason) of the entries whose URL is the same resource as ``url`` (whose
    title is ``title``): the same identity key or slug, a tool's site and its repository, a
    renamed repository. ``at`` is the position of ``url``'s own entry, left out."""
    out = [(i, SAME_URL) for i in index.with_key(identity_key(url))]
    slug = slug_key(url)
    if slug:
        keyed = {i for i, _ in out}
        out += [(i, SAME_SLUG) for i in index.with_slug(slug) if i not in keyed]
    out += tool_matches(index, url, title)
    return [(i, reason) for i, reason in out if i != at]


def tool_matches(index: MatchFacts, url: str, title: str) -> list[tuple[int, str]]:
    """The tool evidence of :func:`url_matches`: site and repository, renamed repository."""
    out: list[tuple[int, str]] = []
    repo = repo_of(url)
    if repo is None:
        names = site_names(url)
        for name in names:
            for i in index.with_repo_name(name):
                if site_and_repo(index.repo(i), names, (title, index.raw_title(i))):
                    out.append((i, SITE_AND_REPO))
        return out
    name, owner = plain(repo[1]), plain(repo[0])
    for i in index.with_site_name(name):
        if site_and_repo(repo, index.names(i), (title, index.raw_title(i))):
            out.append((i, SITE_AND_REPO))
    others = {*index.with_repo_name(name), *index.with_owner(name)}
    others.update(index.with_repo_name(owner))
    for i in sorted(others):
        if renamed_repo(repo, index.repo(i), (title, index.raw_title(i))):
            out.append((i, RENAMED_REPO))
    return out


def title_matches(
    index: MatchFacts,
    title: str,
    side: Side,
    threshold: float,
    at: int | None = None,
    known: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[int, float, str]]:
    """(position, score, reason) of the entries whose title matches ``title`` (similar core
    titles, or one less its subtitle) where :func:`may_share_title` lets it count, or where
    the entry is already ``known`` to be the same resource."""
    core, numbers, main, extras = index.title_parts(title)
    out: list[tuple[int, float, str]] = []
    titles = index.cores_near(numbers, len(core), threshold) if core else []
    if titles:
        from rapidfuzz import process

        for choice, score, _k in process.extract(
            core, titles, scorer=scorer(), score_cutoff=threshold, limit=None
        ):
            out += [(i, float(score), SIMILAR_TITLE) for i in index.with_core(choice)]
    if main:
        out += [(i, SUBTITLE_SCORE, SUBTITLE) for i in index.with_core(main)]
    if core:
        out += [(i, SUBTITLE_SCORE, SUBTITLE) for i in index.with_main(core)]
    return [
        (i, score, reason)
        for i, score, reason in out
        if i != at
        and _editions_agree(extras, index.extras_of(i))
        and (i in known or may_share_title(side, index.side(i), core))
    ]


def _editions_agree(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return not a or not b or a == b


# --------------------------------------------------------------------------- one resource


def find_duplicates_of(
    catalogue: Catalogue,
    *,
    url: str | None,
    title: str | None,
    threshold: float | None = None,
    exclude_id: str | None = None,
    index: MatchFacts | None = None,
) -> list[DuplicateCandidate]:
    """Resources of ``catalogue`` that look like a resource with this URL and title, best first.

    ``exclude_id`` leaves that resource out (when editing it), and pairs with it that a
    curator declared not duplicates. ``index`` is a prepared index (:func:`prepare_index`); without
    one, the index cached for ``catalogue`` is used (built on the first call).
    """
    with no_cyclic_gc():
        found = positioned_duplicates_of(
            index or prepare_index(catalogue),
            url=url,
            title=title,
            threshold=threshold,
            left_out=left_out(catalogue, exclude_id),
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
    index: MatchFacts,
    *,
    url: str | None,
    title: str | None,
    threshold: float | None = None,
    left_out: set[str] | frozenset[str] = frozenset(),
    kind: str | None = None,
    known: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[int, DuplicateCandidate]]:
    """:func:`find_duplicates_of` on ``index`` with each match's position in it; entries
    whose id or an alias is in ``left_out`` are left out. ``kind`` is the candidate's kind
    (None: guessed from its URL); ``known`` are positions already known to be the same
    resource (a title match with them always counts)."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    found: dict[int, tuple[float, set[str]]] = {}

    def note(i: int, score: float, reason: str) -> None:
        best, reasons = found.get(i, (0.0, set()))
        found[i] = (max(best, score), reasons | {reason})

    if url:
        for i, reason in url_matches(index, url, title or ""):
            note(i, 100.0, reason)
    if title:
        side = Side(url, kind)
        known = {*known, *found}
        for i, score, reason in title_matches(index, title, side, threshold, known=known):
            note(i, score, reason)
    out = []
    for i, (score, reasons) in found.items():
        r = index.resource(i)
        if left_out and (r.id in left_out or not left_out.isdisjoint(r.aliases)):
            continue
        ordered = tuple(x for x in REASON_ORDER if x in reasons)
        out.append((i, DuplicateCandidate(r, round(score, 1), ordered)))
    out.sort(key=lambda item: (-len(item[1].reasons), -item[1].score, item[0]))
    return out


# --------------------------------------------------------------------------- all pairs


_BITS = {reason: 1 << k for k, reason in enumerate(REASON_ORDER)}
_IDENTITY_BITS = sum(_BITS[r] for r in IDENTITY)


def find_duplicate_groups(
    catalogue: Catalogue,
    *,
    threshold: float | None = None,
    index: MatchIndex | None = None,
    min_tier: str = POSSIBLE_TIER,
) -> list[DuplicateGroup]:
    """Every group of likely duplicates in the catalogue (connected components of matched
    pairs), leaving out pairs a curator declared not duplicates. ``min_tier``
    "same-resource" keeps identity evidence only. Groups come in catalogue order of their
    first member, members in catalogue order."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    index = index or memory_index(catalogue)
    with no_cyclic_gc():
        pairs = _Pairs(catalogue, index)
        pairs.identity()
        if min_tier != SAME_RESOURCE_TIER:
            pairs.titles(threshold)
        return pairs.groups()


class _Pairs:
    """The matched pairs of a catalogue, folded into two union-finds (identity, all)."""

    def __init__(self, catalogue: Catalogue, index: MatchIndex) -> None:
        self.index = index
        self.ids = [r.id for r in index.resources]
        self.declared = set(catalogue.not_duplicates)
        self.declared_ids = {rid for pair in self.declared for rid in pair}
        self.same = UnionFind(len(self.ids))
        self.all = UnionFind(len(self.ids))
        #: (a member, score, reason bit): folded into the member's group at the end.
        self.evidence: list[tuple[int, float, int]] = []

    def match(self, a: int, b: int, score: float, reason: str) -> None:
        ids = self.ids
        if ids[a] in self.declared_ids and ids[b] in self.declared_ids:
            pair = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
            if pair in self.declared:
                return
        self.all.union(a, b)
        if reason in IDENTITY:
            self.same.union(a, b)
        self.evidence.append((a, score, _BITS[reason]))

    def match_all(self, members: Sequence[int], reason: str) -> None:
        if any(self.ids[m] in self.declared_ids for m in members):
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    self.match(a, b, 100.0, reason)
        else:  # no declared pair inside: a star joins them all
            for b in members[1:]:
                self.match(members[0], b, 100.0, reason)

    def identity(self) -> None:
        index = self.index
        for table, reason in (
            (index.by_key, SAME_URL),
            (index.by_slug, SAME_SLUG),
            (index.url_less, SAME_TITLE),
        ):
            for members in table.values():
                if len(members) > 1:
                    self.match_all(members, reason)
        for i in (*index.repos, *index.site_names):
            url = index.raw_urls[i] or ""
            for j, reason in tool_matches(index, url, index.raw_titles[i]):
                if j != i:
                    self.match(i, j, 100.0, reason)

    def titles(self, threshold: float) -> None:
        side, titles, extras = self.index.side, self.index.titles, self.index.extras

        def pair(i: int, j: int, score: float, reason: str) -> None:
            if _editions_agree(extras[i], extras[j]) and (
                self.same.find(i) == self.same.find(j)
                or may_share_title(side(i), side(j), titles[i])
            ):
                self.match(i, j, score, reason)

        for block in self.index.blocks.values():
            for owners, title in zip(block.owners, block.titles, strict=True):
                if len(owners) > 1:
                    self.same_title(owners, title, pair)
            for a, b, score in similar_title_pairs(block.titles, threshold):
                for i in block.owners[a]:
                    for j in block.owners[b]:
                        pair(i, j, score, SIMILAR_TITLE)
        for main, members in self.index.by_main.items():
            other = self.index.blocks.get(title_numbers(main))
            at = other.position.get(main) if other is not None else None
            if other is not None and at is not None:
                for j in other.owners[at]:
                    for i in members:
                        pair(i, j, SUBTITLE_SCORE, SUBTITLE)

    def same_title(self, owners: list[int], title: str, pair: Callable[..., None]) -> None:
        """The allowed pairs of entries of one core title, or the few joining the same."""
        if any(self.ids[i] in self.declared_ids for i in owners):
            for x, i in enumerate(owners):
                for j in owners[x + 1 :]:
                    pair(i, j, 100.0, SIMILAR_TITLE)
            return
        index, same = self.index, self.same
        sides = [index.side(i) for i in owners]
        roots = [same.find(i) for i in owners]
        extras = [index.extras[i] for i in owners]
        for x, y in joining_pairs(sides, title, roots, extras):
            self.match(owners[x], owners[y], 100.0, SIMILAR_TITLE)

    def groups(self) -> list[DuplicateGroup]:
        stats: dict[int, tuple[float, int]] = {}
        for member, score, bit in self.evidence:
            root = self.all.find(member)
            old_score, old_bits = stats.get(root, (100.0, 0))
            stats[root] = (min(old_score, score), old_bits | bit)
        members_of: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.ids)):
            root = self.all.find(i)
            if root in stats:
                members_of[root].append(i)
        out = []
        for root, members in sorted(members_of.items(), key=lambda item: item[1][0]):
            if len(members) < 2:
                continue
            score, bits = stats[root]
            same = len({self.same.find(m) for m in members}) == 1
            out.append(
                DuplicateGroup(
                    tuple(self.ids[m] for m in members),
                    _label(bits),
                    round(score, 1),
                    SAME_RESOURCE_TIER if same else POSSIBLE_TIER,
                )
            )
        return out


def _label(bits: int) -> str:
    reasons = [r for r in REASON_ORDER if bits & _BITS[r]]
    if reasons == [SAME_URL, SIMILAR_TITLE]:
        return BOTH
    return "+".join(reasons)
