"""The searchable text of a catalogue (:class:`SearchIndex`), and its cache file.

Every searched field of every resource is folded (:func:`fold`) into one string per field, each
distinct text once (sections, tags, organisations and venues repeat: a field whose texts repeat
keeps, for each text, the entries holding it); words are found with ``str.find`` (C speed) and
mapped back to entries by bisecting their offsets, so there is no Python loop over all entries
per query word. The vocabulary for fuzzy corrections
(every word of every field but descriptions and URLs) is built only when a query word is not in
the catalogue. Large catalogues keep their index, with its vocabulary, in the cache directory
(:func:`cached_index`), keyed by the file's content hash. Only :func:`cached_index` touches files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import partial
from itertools import accumulate
from itertools import count
from operator import add
from operator import attrgetter
from pathlib import Path

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue

#: (resource field, weight) of the searched fields: the titles of the entry's own sections
#: (a curator's topic label) > title > tags, organisation, authors > venue > description > the
#: words of the URL's path (``/papers/smith2019.pdf``: an author named only in a file name is
#: still found). Tuned on the evaluation set's dev half (docs/search.md).
FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 1.0),
    ("tags", 0.8),
    ("org", 0.8),
    ("authors", 0.8),
    ("venue", 0.6),
    ("sections", 1.5),
    ("description", 0.4),
    ("url", 0.3),
)
#: The fields whose words a misspelt query word is corrected to (descriptions are long, and
#: full of words nobody searches for: leaving them out keeps large catalogues fast).
VOCABULARY_FIELDS = frozenset(("title", "tags", "org", "authors", "venue", "sections"))
WEIGHTS = dict(FIELDS)

WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_URL = re.compile(r"\]\([^)\s]*\)|<?https?://[^\s)\]>\x00]+")
#: A URL's scheme, host and query string: only its path is searched.
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*|[?#].*$", re.IGNORECASE)
_SEP = "\x00"
_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ers", "er", "ed", "s")


def fold(text: str) -> str:
    """Case-fold and drop accents: 'Tomás’ Café' -> 'tomas’ cafe'."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def phrase_pattern(words: list[str]) -> re.Pattern[str]:
    """A pattern finding ``words`` in a row, each in any form of it ('feature stores' for
    ``["feature", "store"]``), separated by spaces or punctuation ('click-through rate')."""
    parts = []
    for word in words:
        if len(word) >= 4:  # any ending: 'recommend' finds 'recommender', 'recommendations'
            parts.append(re.escape(word[: max(4, len(word) - 3)]) + r"[^\W_]*")
        else:
            parts.append(re.escape(word) + "s?")
    # No look-behind in front: a pattern starting with a literal is searched for fast (the
    # start of a word is checked on each match, in Field.pattern).
    return re.compile(r"[^\w\x00]{1,3}".join(parts) + r"(?![^\W_])")


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


def url_path(url: str | None) -> str:
    """The path of a URL, the part whose words are searched ('' for none)."""
    return _URL_HOST.sub("", url) if url else ""


#: :data:`_URL_HOST` for URLs one a line: one substitution over all of them.
_URL_HOST_LINES = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\n]*|[?#][^\n]*$", re.IGNORECASE | re.M)


def url_paths(urls: Iterable[str | None]) -> list[str]:
    """:func:`url_path` of each URL, in one pass over them all when no URL holds a line break
    (none in a valid catalogue does)."""
    texts = [url or "" for url in urls]
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return list(map(url_path, texts))
    return _URL_HOST_LINES.sub("", joined).split("\n")


#: Optional strings: None -> "" (``_NONE_EMPTY.get(v, v)`` is v for any other value).
_NONE_EMPTY: dict[str | None, str] = {None: ""}


#: A field keeps each distinct text once when at most this share of its texts are distinct.
DISTINCT_SHARE = 0.8


class Field:
    """One field of every resource, folded into a single string (each distinct text once).

    Words are found with ``str.find`` and mapped back to texts by bisecting ``bounds``, then to
    the resources holding each text (``owners``).
    """

    __slots__ = ("blob", "bounds", "name", "owners", "weight")

    def __init__(
        self,
        name: str,
        blob: str,
        bounds: list[int],
        owners: tuple[array[int], array[int]] | None = None,
    ) -> None:
        self.name = name
        self.weight = WEIGHTS[name]
        self.blob = blob
        #: Where each text but the first starts in ``blob``.
        self.bounds = bounds
        #: None: text i is resource i's. Else (resources, starts): the resources holding text i
        #: are ``resources[starts[i]:starts[i + 1]]``.
        self.owners = owners

    @classmethod
    def from_texts(cls, name: str, texts: list[str]) -> Field:
        """``texts``: the field of each resource, in catalogue order."""
        owners = None
        distinct = list(dict.fromkeys(texts))
        if len(distinct) <= DISTINCT_SHARE * len(texts):
            number = {text: i for i, text in enumerate(distinct)}
            ids = list(map(number.__getitem__, texts))
            counts = Counter(ids)
            starts = accumulate(map(counts.__getitem__, range(len(distinct))), initial=0)
            holders = sorted(range(len(texts)), key=ids.__getitem__)  # stable: in order
            owners = (array("q", holders), array("q", starts))
            texts = distinct
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
        return cls(name, blob, list(map(add, accumulate(lengths), count(1))), owners)

    def _resources(self, positions: list[int]) -> set[int]:
        """The resources whose text holds these offsets of ``blob``."""
        texts = set(map(partial(bisect_right, self.bounds), positions))
        if self.owners is None:
            return texts
        holders, starts = self.owners
        found: set[int] = set()
        for i in texts:
            found.update(holders[starts[i] : starts[i + 1]])
        return found

    def words_from(self, root: str) -> dict[str, set[int]]:
        """Catalogue words starting with ``root`` -> the resources (indexes) holding them."""
        blob = self.blob
        find, match, size, end_of_blob = blob.find, WORD.match, len(root), len(blob)
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
        found = {term: self._resources(positions) for term, positions in longer.items()}
        if itself:
            found[root] = self._resources(itself)
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
        return self._resources(positions)

    def substring(self, text: str) -> set[int]:
        """The resources holding ``text`` anywhere, inside words too (for CJK text)."""
        find, size = self.blob.find, len(text)
        positions: list[int] = []
        pos = find(text)
        while pos != -1:
            positions.append(pos)
            pos = find(text, pos + size)
        return self._resources(positions)

    def pattern(self, pattern: re.Pattern[str]) -> dict[str, set[int]]:
        """The words ``pattern`` (see :func:`phrase_pattern`) matched -> the resources."""
        found: dict[str, list[int]] = {}
        blob = self.blob
        for m in pattern.finditer(blob):
            start = m.start()
            if start and blob[start - 1].isalnum():
                continue  # inside a word
            found.setdefault(" ".join(WORD.findall(m.group())), []).append(start)
        return {text: self._resources(starts) for text, starts in found.items()}

    def vocabulary(self) -> set[str]:
        # Splitting at white space first, then tokenising only the distinct chunks, is about
        # twice as fast as tokenising the whole text.
        return set(WORD.findall(" ".join(set(self.blob.split()))))


class SearchIndex:
    """The searchable text of a catalogue: every field of every resource, folded.

    Building it reads each resource once (C-level map/zip, no Python code per entry). It can be
    kept in a file (:meth:`to_bytes`, :meth:`from_bytes`) so that searching a large catalogue
    again does not rebuild it; :func:`cached_index` does that.
    """

    def __init__(self, fields: list[Field], size: int, vocabulary: list[str] | None = None):
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
            return cls([Field(name, "", []) for name, _weight in FIELDS], 0)
        names = [name for name, _weight in FIELDS]
        rows = map(attrgetter(*names), resources)
        columns = dict(zip(names, zip(*rows, strict=True), strict=True))
        # A section's own title only: its ancestors' titles ("... (the book): resources by
        # chapter") would make their words match nearly every entry.
        labels = catalogue.section_titles()
        fields = []
        for name in names:
            column = columns[name]
            if name == "url":
                texts = url_paths(column)
            elif name in ("tags", "authors", "sections"):
                texts = list(map(" | ".join, column))
                if name == "sections":
                    titles = {
                        ids: " | ".join(labels.get(s, s) for s in ids.split(" | "))
                        for ids in set(texts)
                    }
                    texts = list(map(titles.__getitem__, texts))
            else:
                texts = list(map(_NONE_EMPTY.get, column, column))
            fields.append(Field.from_texts(name, texts))
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
        empty = array("q")
        parts = [f.blob.encode("utf-8") for f in self.fields]
        parts += [array("q", f.bounds).tobytes() for f in self.fields]
        for f in self.fields:
            holders, starts = f.owners if f.owners is not None else (empty, empty)
            parts += [holders.tobytes(), starts.tobytes()]
        parts.append("\n".join(self.vocabulary()).encode("utf-8"))
        header = {
            "format": _INDEX_FORMAT,
            "key": key,
            "size": self.size,
            "fields": [f.name for f in self.fields],
            "shared": [f.owners is not None for f in self.fields],
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
                or len(header["shared"]) != len(names)
                or len(header["parts"]) != 4 * len(names) + 1
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
                field = _field_from_parts(
                    name,
                    parts[i],
                    parts[len(names) + i],
                    (parts[2 * len(names) + 2 * i], parts[2 * len(names) + 2 * i + 1]),
                    header["shared"][i] is True,
                    size,
                )
                if field is None:
                    return None
                fields.append(field)
            vocabulary = parts[-1].decode("utf-8").split("\n") if parts[-1] else []
            return cls(fields, size, vocabulary)
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
            return None


def _array(data: bytes) -> array[int]:
    values = array("q")
    values.frombytes(data)
    return values


def _field_from_parts(
    name: str,
    blob_data: bytes,
    bounds_data: bytes,
    owners_data: tuple[bytes, bytes],
    shared: bool,
    size: int,
) -> Field | None:
    """A field read back from its parts, or None when they cannot be a field of ``size``."""
    blob = blob_data.decode("utf-8")
    bounds = _array(bounds_data).tolist()
    owners = None
    texts = size
    if shared:
        holders, starts = map(_array, owners_data)
        texts = len(starts) - 1
        if size and (
            len(holders) != size
            or min(holders) < 0
            or max(holders) >= size
            or starts[0] != 0
            or starts[-1] != size
            or list(starts) != sorted(starts)
        ):
            return None
        owners = (holders, starts)
    elif any(owners_data):
        return None
    if size and (
        len(bounds) != texts
        or bounds[0] < 1
        or bounds[-1] != len(blob) + 1
        or bounds != sorted(bounds)
    ):
        return None
    return Field(name, blob, bounds, owners)


#: Catalogues with fewer resources are indexed on the fly: faster than reading a file.
INDEX_CACHE_MIN_RESOURCES = 2000
_INDEX_MAGIC = b"mlsd-search-index\n"
#: Bump whenever what the index holds changes (fields, folding, vocabulary): old files are then
#: ignored and rebuilt.
_INDEX_FORMAT = 3


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
