"""The catalogue's data model: plain dataclasses, no I/O.

See ``docs/catalogue.md`` for the file format these map to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from datetime import date

#: The kinds of resource, in the order prompts and docs list them.
KINDS: tuple[str, ...] = (
    "blog",
    "paper",
    "video",
    "talk",
    "book",
    "course",
    "slides",
    "podcast",
    "thread",
    "other",
)

#: Version of the file format written by this mlsd.
FORMAT_VERSION = 1


@dataclass
class Section:
    """A heading of the list. Sections form a tree through ``parent``."""

    id: str
    title: str
    parent: str | None = None
    #: Free text under the heading that belongs to no resource (markdown).
    intro: str = ""


@dataclass
class Resource:
    """One blog post, paper, talk, video, book... in the catalogue.

    Every field is also a row of :data:`mlsd_cli.catalogue.fields.RESOURCE_FIELDS`, which decides
    its file, JSON, CSV, cache and display forms (``tests/test_fields.py`` checks the two agree).
    """

    id: str
    title: str
    kind: str = "other"
    sections: list[str] = field(default_factory=list)
    url: str | None = None
    org: str | None = None
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    #: Markdown; may be several paragraphs.
    description: str = ""
    added: date | None = None
    #: Ids of entries merged into this one (so old references still resolve).
    aliases: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    """The whole file: metadata, sections in order, resources in order."""

    title: str = ""
    description: str = ""
    sections: list[Section] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    #: Pairs of resource ids a curator declared "not duplicates", each sorted.
    not_duplicates: list[tuple[str, str]] = field(default_factory=list)

    def section(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def resource(self, resource_id: str) -> Resource | None:
        for r in self.resources:
            if r.id == resource_id or resource_id in r.aliases:
                return r
        return None

    def section_titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.sections}

    def resource_ids(self) -> set[str]:
        return {r.id for r in self.resources}


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


#: An id is at most this long (a 1 MiB title gives a short id, cut at a word's end).
MAX_ID_CHARS = 80


def slugify(text: str, *, max_words: int = 8) -> str:
    """A lower-case ASCII id: "Uber's Michelangelo" -> "ubers-michelangelo"."""
    text = text[: MAX_ID_CHARS * 8]
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.lower().replace("'", "").replace("’", "")
    words = [w for w in _SLUG_DROP.split(ascii_text) if w]
    slug = "-".join(words[:max_words])
    if len(slug) > MAX_ID_CHARS:
        cut = slug[:MAX_ID_CHARS]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "item"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
