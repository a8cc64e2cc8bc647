"""The domain vocabulary of search: abbreviations, synonyms and spellings of ML systems.

The package ships ``mlsd_cli/data/vocabulary.toml`` (its comments describe the format); a
catalogue adds its own concepts in a file beside it (``resources.toml`` ->
``resources.vocabulary.toml``). :meth:`Vocabulary.concepts` finds the runs of query words that
name a concept and gives the other names to look for; :meth:`Vocabulary.spellings` gives the
other spellings of a word. Nothing here prints; :func:`load` reads files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlsd_cli.errors import CatalogueError
from mlsd_cli.lookup.textindex import WORD
from mlsd_cli.lookup.textindex import fold
from mlsd_cli.lookup.textindex import stem

#: The longest run of query words a concept's name may have.
MAX_TERM_WORDS = 4
#: Words shorter than this keep their spelling ('tour' is not 'tor').
SPELLING_MIN_LENGTH = 6

Words = tuple[str, ...]


def _key(words: Words) -> Words:
    return tuple(map(stem, words))


@dataclass
class Vocabulary:
    """Concepts (the stems of a name -> every name to look for) and spelling endings."""

    expansions: dict[Words, set[Words]] = field(default_factory=dict)
    endings: list[tuple[str, str]] = field(default_factory=list)

    def add(self, data: dict[str, Any], source: str) -> None:
        """Add the concepts and endings of a parsed vocabulary file (``source`` names it)."""
        for i, concept in enumerate(_list(data, "concept", source)):
            where = f"{source}: concept {i + 1}"
            if not isinstance(concept, dict):
                raise CatalogueError("a [[concept]] must be a table", location=where)
            terms = [_words(t, where) for t in _list(concept, "terms", where)]
            narrower = [_words(t, where) for t in _list(concept, "narrower", where)]
            for term in terms:
                self.expansions.setdefault(_key(term), set()).update(terms + narrower)
        spellings = data.get("spellings", {})
        for pair in _list(spellings if isinstance(spellings, dict) else {}, "endings", source):
            if not (isinstance(pair, list) and len(pair) == 2 and all(map(_is_word, pair))):
                raise CatalogueError(
                    f"spellings.endings: {pair!r} is not a pair of word endings",
                    location=source,
                    hint='write pairs such as ["ise", "ize"]',
                )
            self.endings.append((pair[0], pair[1]))

    def spellings(self, word: str) -> list[str]:
        """The other spellings of ``word`` ('personalisation' -> ['personalization'])."""
        if len(word) < SPELLING_MIN_LENGTH:
            return []
        found = []
        for one, other in self.endings:
            for a, b in ((one, other), (other, one)):
                if word.endswith(a) and len(word) - len(a) >= 3:
                    found.append(word[: -len(a)] + b)
        return list(dict.fromkeys(found))

    def concepts(self, words: list[str]) -> list[tuple[int, int, list[Words]]]:
        """The runs ``words[start:end]`` naming a concept, longest first, left to right, each
        with the other names to look for (the run's own words left out)."""
        found = []
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + MAX_TERM_WORDS), start, -1):
                run = tuple(words[start:end])
                names = self.expansions.get(_key(run))
                if names:
                    others = sorted(n for n in names if _key(n) != _key(run))
                    found.append((start, end, others))
                    start = end
                    break
            else:
                start += 1
        return found


def _list(table: dict[str, Any], key: str, where: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise CatalogueError(f"{key} must be a list", location=where)
    return value


def _is_word(text: object) -> bool:
    return isinstance(text, str) and WORD.fullmatch(fold(text)) is not None


def _words(term: object, where: str) -> Words:
    words = tuple(WORD.findall(fold(term))) if isinstance(term, str) else ()
    if not words:
        raise CatalogueError(
            f'{term!r} is not a term (give words, such as "feature store")', location=where
        )
    return words


@cache
def _shipped() -> dict[str, Any]:
    text = resources.files("mlsd_cli").joinpath("data/vocabulary.toml").read_text("utf-8")
    return tomllib.loads(text)


def beside(catalogue_path: Path) -> Path:
    """The catalogue's own vocabulary file: ``resources.toml`` -> ``resources.vocabulary.toml``."""
    return catalogue_path.with_name(catalogue_path.stem + ".vocabulary.toml")


def load(catalogue_path: Path | None = None) -> Vocabulary:
    """The shipped vocabulary, plus the catalogue's own file when there is one."""
    vocabulary = Vocabulary()
    vocabulary.add(_shipped(), "vocabulary.toml")
    if catalogue_path is not None:
        path = beside(catalogue_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return vocabulary
        except (OSError, UnicodeDecodeError) as e:
            raise CatalogueError(f"cannot read the vocabulary: {e}", location=str(path)) from e
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise CatalogueError(f"bad TOML: {e}", location=str(path)) from e
        vocabulary.add(data, str(path))
    return vocabulary
