"""The facts the duplicate rules read about each entry, and the one interface they read them by.

:func:`facts_of` computes what the matcher knows of one entry (its identity key, slug,
repository, site names, core and main titles, numbers, aliases...): the one place those facts
are made. :class:`MatchFacts` is what :func:`~mlsd_cli.matching.duplicates.url_matches`,
:func:`~mlsd_cli.matching.duplicates.title_matches`,
:func:`~mlsd_cli.matching.duplicates.positioned_duplicates_of` and
:mod:`mlsd_cli.matching.known` ask of an index: two implement it, the in-memory
:class:`~mlsd_cli.matching.index.MatchIndex` (dicts of every entry's facts) and the stored
:class:`~mlsd_cli.matching.factstore.StoredIndex` (the same facts in a per-user SQLite file,
keyed by each entry's content, looked up by index). The rules are written once, against this
interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.evidence import Side
from mlsd_cli.matching.evidence import repo_of
from mlsd_cli.matching.evidence import site_names
from mlsd_cli.matching.evidence import slug_key
from mlsd_cli.matching.titles import core_title
from mlsd_cli.matching.titles import extra_numbers
from mlsd_cli.matching.titles import fold_title
from mlsd_cli.matching.titles import main_title
from mlsd_cli.matching.titles import title_numbers
from mlsd_cli.matching.urls import identity_key

#: (core title, its numbers, main title, the numbers the core left out) of a raw title.
TitleParts = tuple[str, tuple[int, ...], str, tuple[int, ...]]


def title_parts(title: str) -> TitleParts:
    """The title facts of ``title`` (:func:`~mlsd_cli.matching.titles.core_title`, its
    :func:`~mlsd_cli.matching.titles.title_numbers`, :func:`~mlsd_cli.matching.titles.main_title`,
    :func:`~mlsd_cli.matching.titles.extra_numbers`)."""
    core = core_title(title)
    return core, title_numbers(core), main_title(title), extra_numbers(title, core)


def plain(name: str) -> str:
    """A repository or owner name as the look-ups compare it: letters and digits only."""
    return "".join(c for c in name if c.isalnum())


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


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the duplicate rules know of one entry, computed by :func:`facts_of`."""

    #: :func:`~mlsd_cli.matching.urls.identity_key` of its URL (None without one).
    key: str | None
    #: :func:`~mlsd_cli.matching.evidence.slug_key` (None when it has none).
    slug: str | None
    #: (owner, name) of a GitHub repository URL.
    repo: tuple[str, str] | None
    #: The project names of a site's URL (:func:`~mlsd_cli.matching.evidence.site_names`),
    #: for an entry that is not a repository.
    names: frozenset[str]
    core: str
    numbers: tuple[int, ...]
    main: str
    extras: tuple[int, ...]
    #: :func:`~mlsd_cli.matching.titles.fold_title` of the title of a url-less entry.
    url_less: str | None
    #: :func:`merged_names`.
    merged: tuple[tuple[str, str], ...]


def facts_of(r: Resource, parts: TitleParts | None = None) -> EntryFacts:
    """The facts of ``r`` (``parts``: its title's :func:`title_parts`, when the caller has
    them)."""
    key = identity_key(r.url) if r.url else None
    slug = repo = None
    names: frozenset[str] = frozenset()
    if key and r.url:
        slug = slug_key(r.url, key)
        repo = repo_of(r.url, key)
        if repo is None:
            names = site_names(r.url, key)
    core, numbers, main, extras = parts or title_parts(r.title)
    url_less = None if r.url else fold_title(r.title)
    merged = tuple(merged_names(r)) if r.aliases else ()
    return EntryFacts(key, slug, repo, names, core, numbers, main, extras, url_less, merged)


class MatchFacts(Protocol):
    """What the duplicate rules ask of an index: look-ups by each fact, and the facts of an
    entry by its position. Positions are those of the catalogue the index was made from, then
    those :meth:`add` appended."""

    def title_parts(self, title: str) -> TitleParts:
        """:func:`title_parts`, cached."""

    def resource(self, i: int) -> Resource:
        """The entry at ``i``."""

    def raw_title(self, i: int) -> str:
        """The title of the entry at ``i``, as written."""

    def extras_of(self, i: int) -> tuple[int, ...]:
        """The numbers the core title of the entry at ``i`` left out."""

    def side(self, i: int) -> Side:
        """The entry at ``i`` as a side of a title match."""

    def repo(self, i: int) -> tuple[str, str]:
        """(owner, name) of the repository at ``i`` (an entry :meth:`with_repo_name` or
        :meth:`with_owner` gave)."""

    def names(self, i: int) -> frozenset[str]:
        """The project names of the site at ``i`` (an entry :meth:`with_site_name` gave)."""

    def with_key(self, key: str) -> Iterable[int]:
        """The entries whose URL has identity key ``key``."""

    def with_slug(self, slug: str) -> Iterable[int]:
        """The entries whose URL has slug key ``slug``."""

    def with_repo_name(self, name: str) -> Iterable[int]:
        """The repositories whose :func:`plain` name is ``name``."""

    def with_owner(self, name: str) -> Iterable[int]:
        """The repositories whose :func:`plain` owner is ``name``."""

    def with_site_name(self, name: str) -> Iterable[int]:
        """The sites one of whose project names is ``name``."""

    def with_main(self, main: str) -> Iterable[int]:
        """The entries whose main title is ``main``."""

    def with_core(self, core: str) -> Iterable[int]:
        """The entries whose core title is ``core``."""

    def cores_near(self, numbers: tuple[int, ...], length: int, threshold: float) -> list[str]:
        """Distinct core titles with ``numbers``: at least every entry's whose length lets it
        score ``threshold`` against a title of ``length`` characters (:func:`length_bounds`);
        an index may give more (all of them, a title no entry has any more)."""

    def merged_as(self, name: str) -> tuple[int, str] | None:
        """(the first entry, its alias) under which an entry ``name`` was merged
        (:func:`merged_names`)."""

    def url_less_titled(self, folded: str) -> Iterable[int]:
        """The url-less entries whose folded title is ``folded``."""

    def add(self, r: Resource) -> None:
        """Index one more resource, at the next position (an import adds what it adds)."""


def length_bounds(length: int, threshold: float) -> tuple[int, int] | None:
    """(shortest, longest) length of a title that can score ``threshold`` with ``ratio``
    against one of ``length`` characters, with one character to spare each way; None when
    any length can. ``ratio`` is 100 (1 - d / (l1 + l2)) for an indel distance d of at least
    ``|l1 - l2|``, so it is at most 200 min(l1, l2) / (l1 + l2)."""
    if threshold <= 0 or length <= 0:
        return None
    t = min(threshold, 100.0)
    return int(length * t / (200 - t)) - 1, int(length * (200 - t) / t) + 2
