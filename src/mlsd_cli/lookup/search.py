"""Ranked, typo-tolerant search over the catalogue. Nothing here prints; only
:func:`cached_index` touches files.

How a query is matched (``docs/cli.md`` shows the user's side):

- The query and the catalogue text are folded the same way: case-folded, accents dropped,
  split into words at anything that is not a letter or a digit (``real-time`` and the tag
  ``feature-store`` are two words each). Common English words ("the", "of", "how"...) are
  ignored unless the query has nothing else.
- Each query word matches catalogue words that are the same word (``score 1``), the same word
  in another form (``systems`` / ``system``, ``recommendation`` / ``recommender``: a light
  suffix-stripping stem), or a longer word it begins (``stor`` -> ``storage``). A word that does
  not occur in the catalogue at all is corrected: it matches the closest words of the
  catalogue's vocabulary (rapidfuzz, ``recomender`` -> ``recommender``), with a lower score.
- Fields weigh differently: title > tags, organisation, authors > venue, the titles of the
  entry's sections > description. A word found in several fields counts where it weighs most.
  Words of one to three letters match whole words only (and their plural: ``ad``, ``ads``).
- An entry containing *every* query word (as a word, a form of it or a prefix) outranks every
  entry that misses a word or matches one only by a fuzzy correction. Among the rest, more
  matched words and rarer words (inverse document frequency) rank higher.
- Scores run from 0 to 100; equal scores keep catalogue order, so results are deterministic.

Speed: a :class:`SearchIndex` folds each field of every resource into one string; words are
found with ``str.find`` (C speed) and mapped back to entries by bisecting their offsets, so
there is no Python loop over all entries per query word. Filters become a set of allowed
entries. The vocabulary for fuzzy corrections (every word of every field but descriptions) is
built only when a query word is not in the catalogue. Large catalogues keep their index, with
its vocabulary, in the cache directory (:func:`cached_index`), keyed by the file's content hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import math
import os
import re
import tempfile
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from itertools import count
from operator import add
from operator import attrgetter
from pathlib import Path

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import InputError
from mlsd_cli.lookup.filters import ResourceFilter
from mlsd_cli.lookup.filters import matches

_STOP_WORDS = """a about an and are as at be by can do does for from how i in into is it its of
on or our s so t that the their them then there these this those to was we what when where which
who why will with you your"""
#: Words a query ignores (unless it has nothing else).
STOP_WORDS = frozenset(_STOP_WORDS.split())

#: (resource field, weight) of the searched fields: title > tags, org, authors > venue,
#: sections > description.
FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 1.0),
    ("tags", 0.8),
    ("org", 0.8),
    ("authors", 0.8),
    ("venue", 0.6),
    ("sections", 0.6),
    ("description", 0.4),
)
#: The fields whose words a misspelt query word is corrected to (descriptions are long, and
#: full of words nobody searches for: leaving them out keeps large catalogues fast).
VOCABULARY_FIELDS = frozenset(("title", "tags", "org", "authors", "venue", "sections"))
_WEIGHTS = dict(FIELDS)

#: How well a catalogue word matches a query word.
EXACT = 1.0
SAME_STEM = 0.95
#: ...at most: a prefix scores less the more letters it leaves out.
PREFIX = 0.9
#: A fuzzy correction scores this times its rapidfuzz ratio (0-1): always below PREFIX.
FUZZY = 0.8
#: Prefixes and fuzzy corrections need a query word at least this long.
PREFIX_MIN_LENGTH = 4
FUZZY_MIN_LENGTH = 4
#: Most catalogue words a misspelt query word is corrected to.
FUZZY_LIMIT = 8
#: A multi-word query found as a phrase in the title adds this (before normalising).
PHRASE_BONUS = 0.1

_WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_URL = re.compile(r"\]\([^)\s]*\)|<?https?://[^\s)\]>\x00]+")
_SEP = "\x00"
_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ers", "er", "ed", "s")


@dataclass(frozen=True)
class SearchHit:
    """One result: the resource, its score (0-100) and the catalogue words that matched."""

    resource: Resource
    score: float
    #: Folded catalogue words (lower case, no accents) that matched, for highlighting.
    matched: tuple[str, ...]


def fold(text: str) -> str:
    """Case-fold and drop accents: 'Tomás’ Café' -> 'tomas’ cafe'."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def query_words(query: str) -> list[str]:
    """The words a query searches for, in order, without repeats or stop words."""
    words = _WORD.findall(fold(query))
    kept = [w for w in words if w not in STOP_WORDS] or words
    return list(dict.fromkeys(kept))


def checked_query_words(query: str) -> list[str]:
    """:func:`query_words`, raising InputError when there are none."""
    words = query_words(query)
    if not words:
        raise InputError(
            "the search query is empty",
            hint='give one or more words, for example: mlsd search "feature store"',
        )
    return words


def stem(word: str) -> str:
    """A light English stem: 'recommendations' -> 'recommend', 'systems' -> 'system'.

    Only strips common suffixes and keeps at least four letters; good enough to match forms
    of one word, never used to display anything.
    """
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)]
    return word


class _Field:
    """One field of every resource, folded into a single string.

    Words are found with ``str.find`` and mapped back to resources by bisecting ``bounds``.
    """

    __slots__ = ("blob", "bounds", "name", "weight")

    def __init__(self, name: str, blob: str, bounds: list[int]) -> None:
        self.name = name
        self.weight = _WEIGHTS[name]
        self.blob = blob
        #: Where each resource's text but the first starts in ``blob``.
        self.bounds = bounds

    @classmethod
    def from_texts(cls, name: str, texts: list[str]) -> _Field:
        """``texts``: the field of each resource, in catalogue order."""
        blob = _SEP.join(texts)
        if blob.count(_SEP) != len(texts) - 1:  # a text contained the separator itself
            texts = [t.replace(_SEP, " ") for t in texts]
            blob = _SEP.join(texts)
        if blob.isascii():
            blob = blob.lower()  # the same as fold() for ASCII, and no offset moves
            lengths = map(len, texts)
        else:  # folding may change a text's length ('ß' -> 'ss'): measure the folded texts
            blob = fold(blob)
            lengths = map(len, blob.split(_SEP))
        if name == "description" and "://" in blob:
            # Blank out link targets without moving any offset.
            blob = _URL.sub(lambda m: " " * len(m.group()), blob)
        return cls(name, blob, list(map(add, accumulate(lengths), count(1))))

    def words_from(self, root: str) -> dict[str, set[int]]:
        """Catalogue words starting with ``root`` -> the resources (indexes) holding them."""
        blob = self.blob
        find, match, size, end_of_blob = blob.find, _WORD.match, len(root), len(blob)
        itself: list[int] = []
        longer: dict[str, list[int]] = {}
        pos = find(root)
        while pos != -1:
            end = pos + size
            if pos and blob[pos - 1].isalnum():
                pass  # inside a word
            elif end == end_of_blob or not blob[end].isalnum():
                itself.append(pos)
            else:
                m = match(blob, pos)
                assert m is not None
                end = m.end()
                longer.setdefault(m.group(), []).append(pos)
            pos = find(root, end)
        to_doc = partial(bisect_right, self.bounds)
        found = {term: set(map(to_doc, positions)) for term, positions in longer.items()}
        if itself:
            found[root] = set(map(to_doc, itself))
        return found

    def word(self, word: str) -> set[int]:
        """The resources (indexes) holding ``word`` (or a phrase) as a whole word."""
        blob = self.blob
        find, size, end_of_blob = blob.find, len(word), len(blob)
        positions: list[int] = []
        pos = find(word)
        while pos != -1:
            end = pos + size
            if (not pos or not blob[pos - 1].isalnum()) and (
                end == end_of_blob or not blob[end].isalnum()
            ):
                positions.append(pos)
            pos = find(word, end)
        return set(map(partial(bisect_right, self.bounds), positions))

    def vocabulary(self) -> set[str]:
        # Splitting at white space first, then tokenising only the distinct chunks, is about
        # twice as fast as tokenising the whole text.
        return set(_WORD.findall(" ".join(set(self.blob.split()))))


class SearchIndex:
    """The searchable text of a catalogue: every field of every resource, folded.

    Building it reads each resource once (C-level map/zip, no Python code per entry). It can be
    kept in a file (:meth:`to_bytes`, :meth:`from_bytes`) so that searching a large catalogue
    again does not rebuild it; :func:`cached_index` does that.
    """

    def __init__(self, fields: list[_Field], size: int, vocabulary: list[str] | None = None):
        self.fields = fields
        #: How many resources the index covers.
        self.size = size
        self._vocabulary = vocabulary

    @classmethod
    def build(cls, catalogue: Catalogue) -> SearchIndex:
        with no_cyclic_gc():
            return cls._build(catalogue)

    @classmethod
    def _build(cls, catalogue: Catalogue) -> SearchIndex:
        resources = catalogue.resources
        if not resources:
            return cls([_Field(name, "", []) for name, _weight in FIELDS], 0)
        names = [name for name, _weight in FIELDS]
        rows = map(attrgetter(*names), resources)
        columns = dict(zip(names, zip(*rows, strict=True), strict=True))
        # A section's own title only: its ancestors' titles ("... (the book): resources by
        # chapter") would make their words match nearly every entry.
        labels = catalogue.section_titles()
        fields = []
        for name in names:
            column = columns[name]
            if name in ("tags", "authors", "sections"):
                texts = list(map(" | ".join, column))
                if name == "sections":
                    titles = {
                        ids: " | ".join(labels.get(s, s) for s in ids.split(" | "))
                        for ids in set(texts)
                    }
                    texts = list(map(titles.__getitem__, texts))
            else:
                # Optional strings: None -> "" ({None: ""}.get(v, v) is v for any other value).
                texts = list(map({None: ""}.get, column, column))
            fields.append(_Field.from_texts(name, texts))
        return cls(fields, len(resources))

    def vocabulary(self) -> list[str]:
        """The words fuzzy corrections are drawn from (see :data:`VOCABULARY_FIELDS`)."""
        if self._vocabulary is None:
            words: set[str] = set()
            for field in self.fields:
                if field.name in VOCABULARY_FIELDS:
                    words |= field.vocabulary()
            self._vocabulary = sorted(words)
        return self._vocabulary

    def to_bytes(self, key: str) -> bytes:
        """The index (vocabulary included) as bytes, tagged with ``key`` (a content hash)."""
        parts = [f.blob.encode("utf-8") for f in self.fields]
        parts += [array("q", f.bounds).tobytes() for f in self.fields]
        parts.append("\n".join(self.vocabulary()).encode("utf-8"))
        header = {
            "format": _INDEX_FORMAT,
            "key": key,
            "size": self.size,
            "fields": [f.name for f in self.fields],
            "parts": [len(p) for p in parts],
        }
        head = json.dumps(header).encode("utf-8")
        return b"".join([_INDEX_MAGIC, len(head).to_bytes(4, "big"), head, *parts])

    @classmethod
    def from_bytes(cls, data: bytes, key: str, size: int) -> SearchIndex | None:
        """The index in ``data`` if it is one, for ``key`` and ``size`` resources; else None.

        Checked with care (the cache directory may be writable by others): a bad file is
        never trusted, only ignored.
        """
        try:
            if not data.startswith(_INDEX_MAGIC):
                return None
            start = len(_INDEX_MAGIC) + 4
            end = start + int.from_bytes(data[len(_INDEX_MAGIC) : start], "big")
            header = json.loads(data[start:end])
            names = [name for name, _weight in FIELDS]
            if (
                header.get("format") != _INDEX_FORMAT
                or header.get("key") != key
                or header.get("size") != size
                or header.get("fields") != names
                or len(header["parts"]) != 2 * len(names) + 1
                or min(header["parts"]) < 0
                or sum(header["parts"]) != len(data) - end
            ):
                return None
            parts, offset = [], end
            for length in header["parts"]:
                parts.append(data[offset : offset + length])
                offset += length
            fields = []
            for i, name in enumerate(names):
                blob = parts[i].decode("utf-8")
                offsets = array("q")
                offsets.frombytes(parts[len(names) + i])
                bounds = offsets.tolist()
                if size and (
                    len(bounds) != size
                    or bounds[0] < 1
                    or bounds[-1] != len(blob) + 1
                    or bounds != sorted(bounds)
                ):
                    return None
                fields.append(_Field(name, blob, bounds))
            vocabulary = parts[-1].decode("utf-8").split("\n") if parts[-1] else []
            return cls(fields, size, vocabulary)
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
            return None


#: Catalogues with fewer resources are indexed on the fly: faster than reading a file.
INDEX_CACHE_MIN_RESOURCES = 2000
_INDEX_MAGIC = b"mlsd-search-index\n"
#: Bump whenever what the index holds changes (fields, folding, vocabulary): old files are then
#: ignored and rebuilt.
_INDEX_FORMAT = 1


def cached_index(catalogue: Catalogue, path: Path, key: str, cache_dir: Path) -> SearchIndex:
    """The index of ``catalogue`` (read from ``path``, whose content hash is ``key``).

    Large catalogues keep their index in ``cache_dir`` (one file per catalogue path, replaced
    when the content changes); small ones, and any failure to read or write the file, simply
    build it. Set MLSD_NO_CACHE to never read or write the file.
    """
    size = len(catalogue.resources)
    if size < INDEX_CACHE_MIN_RESOURCES or os.environ.get("MLSD_NO_CACHE"):
        return SearchIndex.build(catalogue)
    name = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    target = cache_dir / f"search-{name}.bin"
    with contextlib.suppress(OSError):
        index = SearchIndex.from_bytes(target.read_bytes(), key, size)
        if index is not None:
            return index
    index = SearchIndex.build(catalogue)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(index.to_bytes(key))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return index


@dataclass
class _Match:
    """One query word's catalogue words in one field."""

    field: _Field
    term: str
    docs: set[int]
    similarity: float
    #: Is the term the query word itself, a form of it, or a word it begins (not a correction)?
    contained: bool

    @property
    def value(self) -> float:
        return self.field.weight * self.similarity


def _similarity(word: str, term: str, word_stem: str) -> float:
    if term == word:
        return EXACT
    if stem(term) == word_stem:
        return SAME_STEM
    if len(word) >= PREFIX_MIN_LENGTH and term.startswith(word):
        # The fewer letters the word leaves out, the better: 'stor' is 'store' before 'storage'.
        return PREFIX - 0.05 * (1.0 - len(word) / len(term))
    return 0.0


def _matches(word: str, index: SearchIndex, allowed: set[int] | None) -> list[_Match]:
    """Where one query word occurs: as itself, in another form, as a prefix, or corrected.

    Only the resources in ``allowed`` count (all of them when it is None).
    """
    found: list[_Match] = []

    def add(field: _Field, term: str, docs: set[int], sim: float, contained: bool) -> None:
        if allowed is not None:
            docs &= allowed
        if docs:
            found.append(_Match(field, term, docs, sim, contained))

    word_stem = stem(word)
    # Where to look: the stem, as a prefix ('librar' for both 'library' and 'libraries').
    root = word_stem if word.startswith(word_stem) else word_stem[:-1]
    for field in index.fields:
        if len(word) >= PREFIX_MIN_LENGTH:
            for term, docs in field.words_from(root if len(root) >= 3 else word).items():
                sim = _similarity(word, term, word_stem)
                if sim:
                    add(field, term, docs, sim, True)
        else:  # a short word: whole words only, and its plural ('ad' finds 'ads')
            for term, sim in ((word, EXACT), (word + "s", SAME_STEM)):
                add(field, term, field.word(term), sim, True)
    if (
        any(m.similarity >= SAME_STEM for m in found)
        or len(word) < FUZZY_MIN_LENGTH
        or not word.isalpha()
    ):
        return found
    from rapidfuzz import fuzz
    from rapidfuzz import process

    cutoff = 85.0 if len(word) <= 4 else 80.0
    for term, ratio, _index in process.extract(
        word, index.vocabulary(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT
    ):
        if _similarity(word, term, word_stem):
            continue  # already found above
        for field in index.fields:
            add(field, term, field.word(term), FUZZY * ratio / 100.0, False)
    return found


def _best_values(matches: list[_Match]) -> dict[int, float]:
    """resource -> the best weighted similarity of any of its matches (C-level set work)."""
    best: dict[int, float] = {}
    for m in sorted(matches, key=lambda m: -m.value):
        new = m.docs.difference(best)
        if new:
            best.update(dict.fromkeys(new, m.value))
    return best


def search(
    catalogue: Catalogue,
    query: str,
    *,
    selection: ResourceFilter | None = None,
    limit: int | None = None,
    index: SearchIndex | None = None,
) -> list[SearchHit]:
    """The resources matching ``query``, best first (see the module docstring).

    ``selection`` restricts the search to the resources passing a filter; ``limit`` keeps the
    best N; ``index`` is the catalogue's :class:`SearchIndex` if the caller has it (else it is
    built). Raises InputError when the query has no words.
    """
    with no_cyclic_gc():
        return _search(catalogue, query, selection, limit, index)


def _search(
    catalogue: Catalogue,
    query: str,
    selection: ResourceFilter | None,
    limit: int | None,
    index: SearchIndex | None,
) -> list[SearchHit]:
    words = checked_query_words(query)
    resources = catalogue.resources
    allowed: set[int] | None = None
    if selection is not None and not selection.empty:
        allowed = {i for i, r in enumerate(resources) if matches(r, selection)}
    if not resources or allowed == set() or (limit is not None and limit <= 0):
        return []
    if index is None or index.size != len(resources):
        index = SearchIndex.build(catalogue)
    found = [_matches(w, index, allowed) for w in words]

    # Relevance: each word's best weighted similarity, weighted by how rare the word is.
    best = [_best_values(m) for m in found]
    searched = len(resources) if allowed is None else len(allowed)
    idf = [math.log(1.0 + searched / (1.0 + len(b))) for b in best]
    total_idf = sum(idf)
    relevance: dict[int, float] = {}
    get = relevance.get
    for values, weight in zip(best, idf, strict=True):
        share = weight / total_idf
        for d, value in values.items():
            relevance[d] = get(d, 0.0) + share * value
    # Entries containing every word come first; a phrase in the title adds a little.
    complete = set.intersection(
        *(set().union(*(m.docs for m in word_matches if m.contained)) for word_matches in found)
    )
    if len(words) > 1:
        phrase = " ".join(_WORD.findall(fold(query)))
        for d in index.fields[0].word(phrase) & complete:
            relevance[d] += PHRASE_BONUS
    for d in complete:
        relevance[d] += _COMPLETE

    def rank(item: tuple[int, float]) -> tuple[float, int]:
        return (-item[1], item[0])

    ranked = (
        sorted(relevance.items(), key=rank)
        if limit is None
        else heapq.nsmallest(limit, relevance.items(), key=rank)
    )
    hits = []
    for d, value in ranked:
        tier = value >= _COMPLETE
        score = 50.0 * tier + 50.0 * (value - _COMPLETE * tier) / (1.0 + PHRASE_BONUS)
        terms = {m.term for word_matches in found for m in word_matches if d in m.docs}
        hits.append(SearchHit(resources[d], round(score, 2), tuple(sorted(terms))))
    return hits


#: Added to the relevance (at most 1 + PHRASE_BONUS) of entries that contain every word.
_COMPLETE = 10.0
