"""The query language of search: words, "quoted phrases", -excluded, OR, field:qualifiers.

- Words: every word counts (in any form of it, or corrected if misspelt); common English words
  ("the", "of", "how"...) are ignored. Han, kana and hangul, written without spaces, are split
  into overlapping pairs of characters (``検索エンジン`` -> 検索, 索エ, エン, ンジ, ジン).
- ``"feature store"``: the words in a row (in any form, with spaces or punctuation between).
- ``-word``, ``-"a phrase"``: leave out the entries that contain it.
- ``a OR b``: either one counts for that word.
- ``author:huyen``, ``org:netflix``, ``tag:feature-store``, ``section:ranking``,
  ``title:kafka``: the word(s) must be in that field. ``kind:paper``; ``year:2019``,
  ``year:2019..2021``, ``year:2019..``, ``year:..2021``: filters.

Nothing here reads files or prints; :func:`parse` turns a query into a :class:`Query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from functools import cache

from mlsd_cli.errors import InputError
from mlsd_cli.lookup.names import resolve_kind
from mlsd_cli.lookup.textindex import WORD
from mlsd_cli.lookup.textindex import fold
from mlsd_cli.lookup.vocabulary import Vocabulary

_STOP_WORDS = """a about an and are as at be by can do does for from how i in into is it its of
on or our s so t that the their them then there these this those to was we what when where which
who why will with you your"""
#: Words a query ignores.
STOP_WORDS = frozenset(_STOP_WORDS.split())

#: qualifier -> the searched field its words must be in.
FIELD_QUALIFIERS = {
    "author": "authors",
    "org": "org",
    "tag": "tags",
    "section": "sections",
    "title": "title",
    "venue": "venue",
}
QUALIFIERS = (*FIELD_QUALIFIERS, "kind", "year")

#: Han, kana, hangul: scripts written without spaces between words.
_CJK = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
_YEAR = re.compile(r"^(\d{4})?(?:(\.\.)(\d{4})?)?$")


@dataclass(frozen=True)
class Clause:
    """Words to find: one word, or several in a row (a phrase)."""

    words: tuple[str, ...]
    #: The one field to look in (None: every field).
    field: str | None = None
    #: A name the vocabulary adds (scores a little under the literal words).
    expanded: bool = False
    #: Han, kana or hangul characters: found inside words too.
    cjk: bool = False


@dataclass
class Query:
    """A parsed query: every group must match (each by one of its clauses) to be complete."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    #: Concepts named by several words: (their groups' indexes, the other names). An entry
    #: holding one of the names counts as holding each of the words.
    concepts: list[tuple[list[int], list[Clause]]] = field(default_factory=list)
    #: The query's own words, in order (the title phrase bonus).
    plain: list[str] = field(default_factory=list)
    #: Common words the query held and search ignored.
    ignored: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to search for and no filter (a query of common words only)."""
        return not (self.groups or self.excluded or self.kinds or self.years)


@cache
def _cjk() -> re.Pattern[str]:
    """The CJK characters' pattern, compiled on first use (it costs 4 ms: most queries are
    ASCII)."""
    return re.compile(_CJK)


def _has_cjk(word: str) -> bool:
    return not word.isascii() and _cjk().search(word) is not None


def _cjk_pieces(word: str) -> list[Clause]:
    """A word with CJK characters: its CJK runs as character pairs, the rest as words."""
    pieces: list[Clause] = []
    for run in re.findall(f"(?:{_CJK})+|(?:(?!{_CJK})[^\\W_])+", word):
        if _cjk().match(run):
            pairs = [run[i : i + 2] for i in range(max(1, len(run) - 1))]
            pieces += [Clause((p,), cjk=True) for p in dict.fromkeys(pairs)]
        else:
            pieces.append(Clause((run,)))
    return pieces


def _years(value: str) -> tuple[int, int]:
    m = _YEAR.match(value.strip())
    if not m or not (m.group(1) or m.group(3)):
        raise InputError(
            f"year:{value} is not a year or a range of years",
            hint="write year:2019, year:2019..2021, year:2019.. or year:..2021",
            field="query",
        )
    low = int(m.group(1)) if m.group(1) else 0
    high = int(m.group(3)) if m.group(3) else (9999 if m.group(2) else low)
    return (low, high)


def parse(text: str, vocabulary: Vocabulary | None = None) -> Query:
    """The :class:`Query` of ``text``. Raises InputError when it has no word at all."""
    query = Query()
    run: list[str] = []  # consecutive plain words, for the vocabulary
    pending_or = False

    def flush() -> None:
        _plain_groups(query, run, vocabulary)
        run.clear()

    for m in _TOKEN.finditer(text):
        minus, qualifier, quoted, bare = m.groups()
        raw = quoted if quoted is not None else bare
        if qualifier and qualifier.lower() not in QUALIFIERS:
            raw, qualifier = f"{qualifier}:{raw}", None
        if not minus and not qualifier and quoted is None and raw == "OR":
            flush()
            pending_or = bool(query.groups)
            continue
        words = WORD.findall(fold(raw))
        if qualifier:
            flush()
            _qualified(query, qualifier.lower(), raw, words, bool(minus))
        elif minus and words:
            flush()
            query.excluded.append(Clause(tuple(words)))
        elif quoted is not None and words:
            flush()
            query.plain += words
            query.groups.append([Clause(tuple(words))])
        else:
            if pending_or and words:
                # 'a OR b': b's first word joins a's group.
                pending_or = False
                query.groups[-1].append(Clause((words[0],)))
                query.plain.append(words[0])
                words = words[1:]
            run += words
        pending_or = pending_or and not words
    flush()
    if query.empty and not query.ignored:
        raise InputError(
            "the search query is empty",
            hint='give one or more words, for example: mlsd search "feature store"',
            field="query",
        )
    return query


def _qualified(query: Query, name: str, raw: str, words: list[str], minus: bool) -> None:
    if name == "kind":
        query.kinds.append(resolve_kind(raw, field="query"))
    elif name == "year":
        query.years = _years(raw)
    elif not words:
        raise InputError(f"{name}: needs a word after it", hint=f"write {name}:WORD", field="query")
    elif minus:
        query.excluded.append(Clause(tuple(words), field=FIELD_QUALIFIERS[name]))
    else:
        query.groups.append([Clause(tuple(words), field=FIELD_QUALIFIERS[name])])


def _plain_groups(query: Query, words: list[str], vocabulary: Vocabulary | None) -> None:
    """Plain words -> one group a word (or a concept's run of words), stop words left out."""
    concepts = vocabulary.concepts(words) if vocabulary is not None else []
    at = 0
    for start, end, others in [*concepts, (len(words), len(words), [])]:
        for word in words[at:start]:
            if word in STOP_WORDS:
                query.ignored.append(word)
            elif _has_cjk(word):
                query.groups += [[piece] for piece in _cjk_pieces(word)]
                query.plain.append(word)
            else:
                query.groups.append([Clause((word,))])
                query.plain.append(word)
        expansions = [Clause(o, expanded=True) for o in others]
        if end == start + 1:
            query.groups.append([Clause((words[start],)), *expansions])
            query.plain.append(words[start])
        elif end > start:
            first = len(query.groups)
            query.groups += [[Clause((w,))] for w in words[start:end]]
            query.concepts.append((list(range(first, len(query.groups))), expansions))
            query.plain += words[start:end]
        at = end


def query_words(text: str) -> list[str]:
    """The plain words a query searches for, in order, without repeats or common words."""
    words = WORD.findall(fold(text))
    return list(dict.fromkeys(w for w in words if w not in STOP_WORDS))
