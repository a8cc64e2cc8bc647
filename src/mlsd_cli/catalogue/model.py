"""The catalogue's data model: plain dataclasses, no I/O.

See ``docs/catalogue.md`` for the file format these map to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from collections.abc import MutableSequence
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

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

    def copy(self) -> Resource:
        """A copy that later changes to this entry cannot reach (what ``copy.deepcopy`` gives,
        a few times faster: every value but the lists is immutable, and the lists hold strings)."""
        values: dict[str, Any] = {
            k: list(v) if type(v) is list else v for k, v in vars(self).items()
        }
        return Resource(**values)


@dataclass
class Catalogue:
    """The whole file: metadata, sections in order, resources in order."""

    title: str = ""
    description: str = ""
    sections: list[Section] = field(default_factory=list)
    resources: MutableSequence[Resource] = field(default_factory=list)
    #: Pairs of resource ids a curator declared "not duplicates", each sorted.
    not_duplicates: list[tuple[str, str]] = field(default_factory=list)

    def section(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    # The questions a write asks of the entries. A catalogue loaded from the load cache holds
    # its resources as :class:`mlsd_cli.catalogue.lazy.LazyResources`, which answers them from
    # index columns without decoding the entries; a plain list scans. Both give the same
    # answers (tests/test_lazy.py).

    def positions(self, refs: Sequence[str], *, aliases: bool = True) -> list[int | None]:
        """For each of ``refs``, the first position whose id it is, else (with ``aliases``)
        the first whose aliases (old ids) hold it, else None."""
        lazy = getattr(self.resources, "positions", None)
        if lazy is not None:
            return lazy(refs, aliases=aliases)  # type: ignore[no-any-return]
        return scan_positions(self.resources, refs, aliases=aliases)

    def position(self, ref: str, *, aliases: bool = True) -> int | None:
        return self.positions([ref], aliases=aliases)[0]

    def resource(self, resource_id: str) -> Resource | None:
        """The entry with this id, else the one with it as an old id (alias), else None."""
        i = self.position(resource_id)
        return None if i is None else self.resources[i]

    def entry_ids(self) -> list[str]:
        """Each entry's id, in order."""
        lazy = getattr(self.resources, "ids", None)
        return [r.id for r in self.resources] if lazy is None else lazy()

    def first_sections(self) -> list[str | None]:
        """Each entry's first section (None for an entry without sections), in order."""
        lazy = getattr(self.resources, "first_sections", None)
        if lazy is not None:
            return lazy()  # type: ignore[no-any-return]
        return [r.sections[0] if r.sections else None for r in self.resources]

    def taken_ids(self) -> set[str]:
        """Every id and alias in use (a new entry's id must be none of them)."""
        lazy = getattr(self.resources, "ids_and_aliases", None)
        if lazy is not None:
            return lazy()[0]  # type: ignore[no-any-return]
        return {i for r in self.resources for i in (r.id, *r.aliases)}

    def used_tags(self) -> set[str]:
        """Every tag some entry carries."""
        lazy = getattr(self.resources, "used_tags", None)
        if lazy is not None:
            return lazy()  # type: ignore[no-any-return]
        return {t for r in self.resources for t in r.tags}

    def section_titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.sections}

    def resource_ids(self) -> set[str]:
        return set(self.entry_ids())


def scan_positions(
    resources: Iterable[Resource], refs: Sequence[str], *, aliases: bool = True
) -> list[int | None]:
    """:meth:`Catalogue.positions` by one pass over ``resources``."""
    wanted = set(refs)
    by_id: dict[str, int] = {}
    by_alias: dict[str, int] = {}
    for i, r in enumerate(resources):
        if r.id in wanted:
            by_id.setdefault(r.id, i)
        if aliases and r.aliases:
            for a in r.aliases:
                if a in wanted:
                    by_alias.setdefault(a, i)
    return [by_id.get(ref, by_alias.get(ref)) for ref in refs]


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
