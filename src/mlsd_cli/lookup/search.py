"""Ranked, typo-tolerant search over the catalogue. Nothing here prints or reads files.

How a query is matched (``docs/search.md`` has the whole story, ``lookup/query.py`` the syntax):

- The query and the catalogue text are folded the same way: case-folded, accents dropped,
  split into words at anything that is not a letter or a digit (``real-time`` and the tag
  ``feature-store`` are two words each). Common English words ("the", "of", "how"...) are
  ignored.
- Each query word matches catalogue words that are the same word (``score 1``), the same word
  in another form or spelling (``systems`` / ``system``, ``recommendation`` / ``recommender``,
  ``personalisation`` / ``personalization``), or a longer word it begins (``stor`` ->
  ``storage``). A word that does not occur in the catalogue at all is corrected: it matches the
  closest words of the catalogue's vocabulary (rapidfuzz, ``recomender`` -> ``recommender``),
  with a lower score. Words of one to three letters match whole words only (and their plural).
- The domain vocabulary (``lookup/vocabulary.py``) adds the other names of a concept the query
  names (``ctr`` -> "click-through rate", ``recsys`` -> "recommender system"), scored
  :data:`EXPANDED` times the literal word's score.
- Evidence adds up across fields, BM25F-style: a word's field weights (title > tags,
  organisation, authors > venue, sections > description > URL path) times how well it matched
  there are summed, then saturated (:data:`K1`), then weighted by how rare the word is (inverse
  document frequency).
- An entry containing *every* query word (as a word, a form of it, a prefix or a vocabulary
  name) outranks every entry that misses a word or matches one only by a fuzzy correction.
- Scores run from 0 to 100 (50 and over: every word found); equal scores keep catalogue order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.lookup.filters import ResourceFilter
from mlsd_cli.lookup.filters import matches
from mlsd_cli.lookup.query import STOP_WORDS
from mlsd_cli.lookup.query import Clause
from mlsd_cli.lookup.query import Query
from mlsd_cli.lookup.query import parse
from mlsd_cli.lookup.query import query_words
from mlsd_cli.lookup.textindex import FIELDS
from mlsd_cli.lookup.textindex import INDEX_CACHE_MIN_RESOURCES
from mlsd_cli.lookup.textindex import Field
from mlsd_cli.lookup.textindex import SearchIndex
from mlsd_cli.lookup.textindex import cached_index
from mlsd_cli.lookup.textindex import fold
from mlsd_cli.lookup.textindex import phrase_pattern
from mlsd_cli.lookup.textindex import stem
from mlsd_cli.lookup.vocabulary import Vocabulary
from mlsd_cli.lookup.vocabulary import load as load_vocabulary

__all__ = [
    "FIELDS",
    "INDEX_CACHE_MIN_RESOURCES",
    "STOP_WORDS",
    "SearchHit",
    "SearchIndex",
    "cached_index",
    "checked_query_words",
    "fold",
    "query_words",
    "search",
    "stem",
]

#: How well a catalogue word matches a query word.
EXACT = 1.0
SAME_STEM = 0.95
#: ...at most: a prefix scores less the more letters it leaves out.
PREFIX = 0.9
#: A fuzzy correction scores this times its rapidfuzz ratio (0-1): always below PREFIX.
FUZZY = 0.8
#: A name the vocabulary adds scores this times what the same match of the literal would.
EXPANDED = 0.9
#: Prefixes and fuzzy corrections need a query word at least this long.
PREFIX_MIN_LENGTH = 4
FUZZY_MIN_LENGTH = 4
#: Most catalogue words a misspelt query word is corrected to.
FUZZY_LIMIT = 8
#: A multi-word query found as a phrase in the title adds this (before normalising).
PHRASE_BONUS = 0.1
#: An entry holding every query word exactly as typed (not another form) adds this.
EXACT_BONUS = 0.3
#: Saturation of a word's summed field evidence (as BM25's k1): more fields count, less and less.
#: Tuned on the evaluation set's dev half (docs/search.md), as the field weights were.
K1 = 3.0


@dataclass(frozen=True)
class SearchHit:
    """One result: the resource, its score (0-100) and the catalogue words that matched."""

    resource: Resource
    score: float
    #: Folded catalogue words (lower case, no accents) that matched, for highlighting.
    matched: tuple[str, ...]


def checked_query_words(query: str) -> list[str]:
    """The query's plain words (:func:`query_words`); InputError when it has no word at all."""
    parse(query)
    return query_words(query)


@dataclass
class _Match:
    """One clause's catalogue words in one field."""

    field: Field
    term: str
    docs: set[int]
    similarity: float
    #: Is the term the query word itself, a form of it, or a word it begins (not a correction)?
    contained: bool
    #: Is the term only a longer word the query word begins?
    prefix: bool = False


def _similarity(word: str, term: str, word_stem: str) -> float:
    if term == word:
        return EXACT
    term_stem = stem(term)
    # 'normalizes' / 'normalization': the stems 'normalize' and 'normaliz'.
    # (A word the term begins stays a prefix: 'stor' finds 'store' first, then 'stores'.)
    if term_stem == word_stem or (
        not term.startswith(word) and term_stem.rstrip("e") == word_stem.rstrip("e")
    ):
        return SAME_STEM
    if len(word) >= PREFIX_MIN_LENGTH and term.startswith(word):
        # The fewer letters the word leaves out, the better: 'stor' is 'store' before 'storage'.
        return PREFIX - 0.05 * (1.0 - len(word) / len(term))
    return 0.0


class _Finder:
    """Finds clauses in an index, within the ``allowed`` resources (all when None)."""

    def __init__(self, index: SearchIndex, allowed: set[int] | None, vocabulary: Vocabulary):
        self.index = index
        self.allowed = allowed
        self.vocabulary = vocabulary

    def fields(self, clause: Clause) -> list[Field]:
        return [f for f in self.index.fields if clause.field in (None, f.name)]

    def group(self, clauses: list[Clause]) -> list[_Match]:
        found: list[_Match] = []
        for clause in clauses:
            found += self.clause(clause)
        literal = clauses[0]
        # A word found nowhere as a word (only inside longer words, or not at all) may be a
        # typo: its corrections are looked for too ('deta' -> 'delta', beside 'details').
        if all(m.prefix for m in found) and len(literal.words) == 1 and not literal.cjk:
            found += self.fuzzy(literal.words[0], self.fields(literal))
        return found

    def clause(self, clause: Clause) -> list[_Match]:
        scale = EXPANDED if clause.expanded else 1.0
        found: list[_Match] = []
        fields = self.fields(clause)
        if clause.cjk:
            for f in fields:
                self._add(found, f, clause.words[0], f.substring(clause.words[0]), scale, True)
        elif len(clause.words) > 1:
            pattern = phrase_pattern(list(clause.words))
            exact = " ".join(clause.words)
            for f in fields:
                for text, docs in f.pattern(pattern).items():
                    sim = EXACT if text == exact else SAME_STEM
                    self._add(found, f, text, docs, sim * scale, True)
        else:
            word = clause.words[0]
            found += self.word(word, fields, scale)
            for variant in self.vocabulary.spellings(word):
                found += self.word(variant, fields, scale)  # the same word, spelt the other way
        return found

    def _add(
        self,
        found: list[_Match],
        f: Field,
        term: str,
        docs: set[int],
        sim: float,
        whole: bool,
        prefix: bool = False,
    ) -> None:
        if self.allowed is not None:
            docs &= self.allowed
        if docs:
            found.append(_Match(f, term, docs, sim, whole, prefix))

    def word(self, word: str, fields: list[Field], scale: float) -> list[_Match]:
        """Where a word occurs: as itself, in another form, or as a prefix."""
        found: list[_Match] = []
        word_stem = stem(word)
        # Where to look: the stem, as a prefix ('librar' for both 'library' and 'libraries').
        root = word_stem if word.startswith(word_stem) else word_stem[:-1]
        for f in fields:
            if len(word) >= PREFIX_MIN_LENGTH:
                for term, docs in f.words_from(root if len(root) >= 3 else word).items():
                    sim = _similarity(word, term, word_stem)
                    if sim:
                        self._add(found, f, term, docs, sim * scale, True, sim < SAME_STEM)
            else:  # a short word: whole words only, and its plural ('ad' finds 'ads')
                for term, sim in ((word, EXACT), (word + "s", SAME_STEM)):
                    self._add(found, f, term, f.word(term), sim * scale, True)
        return found

    def fuzzy(self, word: str, fields: list[Field]) -> list[_Match]:
        """A word the catalogue lacks: the closest words it has (rapidfuzz)."""
        found: list[_Match] = []
        if len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            return found
        from rapidfuzz import fuzz
        from rapidfuzz import process

        cutoff = 85.0 if len(word) <= 4 else 80.0
        for term, ratio, _index in process.extract(
            word, self.index.vocabulary(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT
        ):
            for f in fields:
                self._add(found, f, term, f.word(term), FUZZY * ratio / 100.0, False)
        return found


def _evidence(
    matches: list[_Match], candidates: set[int] | None
) -> tuple[dict[int, float], dict[int, float]]:
    """resource -> the group's saturated, field-weighted evidence (BM25F-style), of the
    ``candidates`` (None: all); and resource -> the best similarity it matched with (in any
    field), of every resource."""
    per_field: dict[str, dict[int, float]] = {}
    weights: dict[str, float] = {}
    quality: dict[int, float] = {}
    for m in sorted(matches, key=lambda m: -m.similarity):
        best = per_field.setdefault(m.field.name, {})
        weights[m.field.name] = m.field.weight
        new = m.docs.difference(best)
        if new:
            best.update(dict.fromkeys(new, m.similarity))
            quality.update(dict.fromkeys(new.difference(quality), m.similarity))
    total: dict[int, float] = {}
    get = total.get
    for name, best in per_field.items():
        weight = weights[name]
        for d in best.keys() if candidates is None else best.keys() & candidates:
            total[d] = get(d, 0.0) + weight * best[d]
    return {d: s * (K1 + 1.0) / (s + K1) for d, s in total.items()}, quality


def _rarity(quality: dict[int, float], searched: int) -> tuple[dict[float, float], float]:
    """The inverse document frequency of a group's evidence at each similarity, and its top.

    Evidence is as rare as the entries matching at least as well: the word as typed counts its
    own entries (``detecting`` is rarer than ``detecting`` or ``detection``), another form or a
    vocabulary name the entries of every better match too, a correction to a rare word more
    than one to a common word.
    """
    counts: dict[float, int] = {}
    for sim in quality.values():
        counts[sim] = counts.get(sim, 0) + 1
    at: dict[float, float] = {}
    seen = 0
    for sim in sorted(counts, reverse=True):
        seen += counts[sim]
        at[sim] = math.log(1.0 + searched / (1.0 + seen))
    return at, max(at.values(), default=math.log(1.0 + searched))


def _allowed(
    catalogue: Catalogue, selection: ResourceFilter | None, query: Query
) -> set[int] | None:
    resources = catalogue.resources
    if (selection is None or selection.empty) and not query.kinds and not query.years:
        return None
    kinds = set(query.kinds)
    low, high = query.years or (0, 9999)
    return {
        i
        for i, r in enumerate(resources)
        if (selection is None or selection.empty or matches(r, selection))
        and (not kinds or r.kind in kinds)
        and (query.years is None or (r.year is not None and low <= r.year <= high))
    }


def search(
    catalogue: Catalogue,
    query: str,
    *,
    selection: ResourceFilter | None = None,
    limit: int | None = None,
    index: SearchIndex | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[SearchHit]:
    """The resources matching ``query``, best first (see the module docstring).

    ``selection`` restricts the search to the resources passing a filter; ``limit`` keeps the
    best N (None: all); ``index`` is the catalogue's :class:`SearchIndex` if the caller has it
    (else it is built); ``vocabulary`` the domain vocabulary (else the shipped one). Raises
    InputError when the query has no words; a query of common words only finds nothing.
    """
    vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
    parsed = parse(query, vocabulary)
    with no_cyclic_gc():
        return _search(catalogue, parsed, selection, limit, index, vocabulary)


def _search(
    catalogue: Catalogue,
    query: Query,
    selection: ResourceFilter | None,
    limit: int | None,
    index: SearchIndex | None,
    vocabulary: Vocabulary,
) -> list[SearchHit]:
    resources = catalogue.resources
    allowed = _allowed(catalogue, selection, query)
    if query.empty or not resources or allowed == set() or (limit is not None and limit <= 0):
        return []
    if index is None or index.size != len(resources):
        index = SearchIndex.build(catalogue)
    finder = _Finder(index, allowed, vocabulary)
    for clause in query.excluded:
        out = set().union(*(m.docs for m in finder.clause(clause)))
        allowed = (set(range(len(resources))) if allowed is None else allowed) - out
        finder.allowed = allowed
    found = [finder.group(g) for g in query.groups]
    for indexes, names in query.concepts:
        named = [m for clause in names for m in finder.clause(clause)]
        for i in indexes:
            found[i] += named
    # A field qualifier must match.
    for group, matched in zip(query.groups, found, strict=True):
        if group[0].field is not None:
            keep = set().union(*(m.docs for m in matched))
            allowed = keep if allowed is None else allowed & keep
    if not found:  # filters and exclusions only: every entry left, in catalogue order
        docs = range(len(resources)) if allowed is None else sorted(allowed)
        return [SearchHit(resources[d], 100.0, ()) for d in list(docs)[:limit]]

    # Entries containing every word come first; a phrase in the title adds a little.
    complete = set.intersection(
        *(set().union(*(m.docs for m in group if m.contained)) for group in found)
    )
    if allowed is not None:
        complete &= allowed
    # No other entry can rank among the best `limit` when that many contain every word.
    candidates = complete if limit is not None and len(complete) >= limit else allowed
    searched = len(resources) if allowed is None else len(allowed)
    relevance = _relevance(found, searched, candidates)
    if len(query.plain) > 1:
        for d in index.fields[0].word(" ".join(query.plain)) & complete:
            relevance[d] += PHRASE_BONUS
    # ...and so does holding every word as it was typed ('detecting', not only 'detection').
    exact = complete.intersection(
        *(set().union(*(m.docs for m in group if m.similarity == EXACT)) for group in found)
    )
    for d in exact:
        relevance[d] += EXACT_BONUS
    for d in complete:
        relevance[d] += _COMPLETE
    return _hits(resources, relevance, found, limit)


def _relevance(
    found: list[list[_Match]], searched: int, candidates: set[int] | None
) -> dict[int, float]:
    """resource -> its relevance (0 to about 3), for the ``candidates`` (None: every one)."""
    evidence = [_evidence(m, candidates) for m in found]
    rarities = [_rarity(quality, searched) for _values, quality in evidence]
    total_idf = sum(top for _at, top in rarities) or 1.0
    relevance: dict[int, float] = {}
    get = relevance.get
    for (values, quality), (at, _top) in zip(evidence, rarities, strict=True):
        for d, value in values.items():
            relevance[d] = get(d, 0.0) + at[quality[d]] * value / total_idf
    return relevance


def _hits(
    resources: Sequence[Resource],
    relevance: dict[int, float],
    found: list[list[_Match]],
    limit: int | None,
) -> list[SearchHit]:
    def rank(item: tuple[int, float]) -> tuple[float, int]:
        return (-item[1], item[0])

    ranked = (
        sorted(relevance.items(), key=rank)
        if limit is None
        else heapq.nsmallest(limit, relevance.items(), key=rank)
    )
    top = _saturated(sum(w for _name, w in FIELDS)) + PHRASE_BONUS + EXACT_BONUS
    hits = []
    for d, value in ranked:
        tier = value >= _COMPLETE
        score = 50.0 * tier + 50.0 * min(1.0, (value - _COMPLETE * tier) / top)
        terms = {w for group in found for m in group if d in m.docs for w in m.term.split()}
        hits.append(SearchHit(resources[d], round(score, 2), tuple(sorted(terms))))
    return hits


def _saturated(s: float) -> float:
    return s * (K1 + 1.0) / (s + K1)


#: Added to the relevance of entries that contain every word.
_COMPLETE = 10.0
