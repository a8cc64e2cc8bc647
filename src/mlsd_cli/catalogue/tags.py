"""The normal form of a tag (the schema's rule for every tag): lower-case words joined by '-'.

A word is letters and digits of any script: ``feature-store``, ``ранжирование``, ``推荐系统``,
``μηχανική-μάθηση``. Accents on Latin letters are dropped (``Équité`` -> ``equite``), so every
tag written before other scripts were allowed keeps its form; letters of other scripts keep
their marks (``й`` stays ``й``, Devanagari vowel signs stay), composed (NFC).
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
#: An ASCII tag in normal form (most tags: checked without the Unicode work).
_ASCII_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _is_mark(c: str) -> bool:
    return unicodedata.category(c).startswith("M")


def _latin(c: str) -> bool:
    return c.isascii() or unicodedata.name(c, "").startswith("LATIN")


def _fold(text: str) -> str:
    """Case-folded, NFKD-decomposed, with the marks on Latin letters dropped."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    out: list[str] = []
    base_latin = False
    for c in decomposed:
        if _is_mark(c):
            if not base_latin:
                out.append(c)
            continue
        base_latin = _latin(c)
        out.append(c)
    return "".join(out)


def _words(text: str) -> list[str]:
    """The runs of letters and digits (with their marks) in ``text``."""
    words: list[str] = []
    current: list[str] = []
    for c in text:
        if c.isalnum() or (current and _is_mark(c)):
            current.append(c)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def normalize_tag(text: str) -> str:
    """'Feature Store' / 'feature_store' / ' FEATURE-store ' -> 'feature-store'.

    'Ранжирование' -> 'ранжирование', 'Équité' -> 'equite'; '!!!' -> '' (no tag at all).
    """
    if text.isascii():
        return "-".join(w for w in _NON_WORD.split(text.lower()) if w)
    return "-".join(unicodedata.normalize("NFC", w) for w in _words(_fold(text)))


def is_normal(tag: str) -> bool:
    """Is ``tag`` in normal form (what the catalogue file may hold)?"""
    if tag.isascii():
        return _ASCII_TAG.match(tag) is not None
    return bool(tag) and normalize_tag(tag) == tag
