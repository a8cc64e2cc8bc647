"""The in-memory match index: every entry's facts (:func:`~mlsd_cli.matching.facts.facts_of`)
in dictionaries, built in one pass over the catalogue.

:func:`~mlsd_cli.matching.duplicates.find_duplicate_groups` (every pair of the catalogue)
walks its tables; a one-entry check may use it or the stored index
(:mod:`mlsd_cli.matching.factstore`) through the same :class:`~mlsd_cli.matching.facts.MatchFacts`
interface.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.evidence import Side
from mlsd_cli.matching.facts import TitleParts
from mlsd_cli.matching.facts import facts_of
from mlsd_cli.matching.facts import length_bounds
from mlsd_cli.matching.facts import plain
from mlsd_cli.matching.facts import title_parts
from mlsd_cli.matching.titles import title_numbers


@dataclass
class TitleBlock:
    """Distinct core titles that share their numbers, and who has each."""

    titles: list[str] = field(default_factory=list)
    owners: list[list[int]] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    #: The titles by their length (:meth:`near`).
    by_length: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, title: str, owner: int) -> None:
        at = self.position.get(title)
        if at is None:
            self.position[title] = len(self.titles)
            self.titles.append(title)
            self.owners.append([owner])
            self.by_length[len(title)].append(title)
        else:
            self.owners[at].append(owner)

    def near(self, length: int, threshold: float) -> list[str]:
        """The titles whose length lets them score ``threshold`` against one of ``length``
        characters (:func:`~mlsd_cli.matching.facts.length_bounds`): an import checks each item
        against a tenth of a large catalogue's titles, not all of them."""
        bounds = length_bounds(length, threshold)
        if bounds is None or bounds[1] - bounds[0] > len(self.by_length):
            return self.titles
        found: list[str] = []
        for n in range(max(bounds[0], 0), bounds[1] + 1):
            found += self.by_length.get(n, ())
        return found


class MatchIndex:
    """A catalogue prepared for duplicate checks: keys and titles, computed once.

    Build it with :func:`~mlsd_cli.matching.duplicates.prepare_index` (cached per catalogue)
    and pass it to :func:`~mlsd_cli.matching.duplicates.find_duplicates_of` for repeated
    checks; :meth:`add` keeps it up to date while resources are appended (an import checks
    each item against the ones added before it).
    """

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.resources: list[Resource] = []
        self.raw_titles: list[str] = []
        self.raw_urls: list[str | None] = []
        self.kinds: list[str] = []
        self.keys: list[str | None] = []
        #: Core titles (:func:`~mlsd_cli.matching.titles.core_title`).
        self.titles: list[str] = []
        #: The sides of title matches (:meth:`side`), made when asked: only title matches
        #: need them.
        self._sides: dict[int, Side] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_slug: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[tuple[int, ...], TitleBlock] = defaultdict(TitleBlock)
        #: Main titles (less a subtitle) -> positions.
        self.by_main: dict[str, list[int]] = defaultdict(list)
        #: GitHub repositories: position -> (owner, repo); by repository name; by owner.
        self.repos: dict[int, tuple[str, str]] = {}
        self.by_repo: dict[str, list[int]] = defaultdict(list)
        self.by_owner: dict[str, list[int]] = defaultdict(list)
        #: Sites of tools: position -> project names; by name.
        self.site_names: dict[int, frozenset[str]] = {}
        self.by_site_name: dict[str, list[int]] = defaultdict(list)
        #: An id a resource is also known by -> (its position, the alias that says so).
        self.by_alias: dict[str, tuple[int, str]] = {}
        #: Folded titles (:func:`~mlsd_cli.matching.titles.fold_title`) of the url-less
        #: resources -> their positions.
        self.url_less: dict[str, list[int]] = defaultdict(list)
        #: Numbers each title's core left out (:func:`~mlsd_cli.matching.titles.extra_numbers`).
        self.extras: list[tuple[int, ...]] = []
        self._titled: dict[str, TitleParts] = {}
        with no_cyclic_gc():
            for r in resources:
                self.add(r)

    def title_parts(self, title: str) -> TitleParts:
        """(core title, its numbers, main title, numbers left out) of a raw title, cached."""
        known = self._titled.get(title)
        if known is None:
            known = self._titled[title] = title_parts(title)
        return known

    def add(self, r: Resource) -> None:
        """Index one more resource (the last of ``resources``)."""
        i = len(self.resources)
        facts = facts_of(r, self.title_parts(r.title))
        self.resources.append(r)
        self.raw_titles.append(r.title)
        self.raw_urls.append(r.url)
        self.kinds.append(r.kind)
        self.keys.append(facts.key)
        if facts.key:
            self.by_key[facts.key].append(i)
        if facts.slug:
            self.by_slug[facts.slug].append(i)
        if facts.repo:
            self.repos[i] = facts.repo
            self.by_repo[plain(facts.repo[1])].append(i)
            self.by_owner[plain(facts.repo[0])].append(i)
        elif facts.names:
            self.site_names[i] = facts.names
            for name in facts.names:
                self.by_site_name[name].append(i)
        self.titles.append(facts.core)
        self.extras.append(facts.extras)
        if facts.core:
            self.blocks[facts.numbers].add(facts.core, i)
        if facts.main:
            self.by_main[facts.main].append(i)
        if facts.url_less is not None:
            self.url_less[facts.url_less].append(i)
        for name, alias in facts.merged:
            self.by_alias.setdefault(name, (i, alias))

    # ------------------------------------------------------------------ MatchFacts

    def resource(self, i: int) -> Resource:
        return self.resources[i]

    def raw_title(self, i: int) -> str:
        return self.raw_titles[i]

    def extras_of(self, i: int) -> tuple[int, ...]:
        return self.extras[i]

    def side(self, i: int) -> Side:
        """The resource at ``i`` as a side of a title match (``may_share_title``)."""
        known = self._sides.get(i)
        if known is None:
            r = self.resources[i]
            known = self._sides[i] = Side(r.url, r.kind, self.keys[i])
        return known

    def repo(self, i: int) -> tuple[str, str]:
        return self.repos[i]

    def names(self, i: int) -> frozenset[str]:
        return self.site_names[i]

    def with_key(self, key: str) -> Iterable[int]:
        return self.by_key.get(key, ())

    def with_slug(self, slug: str) -> Iterable[int]:
        return self.by_slug.get(slug, ())

    def with_repo_name(self, name: str) -> Iterable[int]:
        return self.by_repo.get(name, ())

    def with_owner(self, name: str) -> Iterable[int]:
        return self.by_owner.get(name, ())

    def with_site_name(self, name: str) -> Iterable[int]:
        return self.by_site_name.get(name, ())

    def with_main(self, main: str) -> Iterable[int]:
        return self.by_main.get(main, ())

    def with_core(self, core: str) -> Iterable[int]:
        block = self.blocks.get(title_numbers(core)) if core else None
        at = block.position.get(core) if block is not None else None
        return () if block is None or at is None else block.owners[at]

    def cores_near(self, numbers: tuple[int, ...], length: int, threshold: float) -> list[str]:
        block = self.blocks.get(numbers)
        return [] if block is None else block.near(length, threshold)

    def merged_as(self, name: str) -> tuple[int, str] | None:
        return self.by_alias.get(name)

    def url_less_titled(self, folded: str) -> Iterable[int]:
        return self.url_less.get(folded, ())
