"""Is it already in the catalogue? The one check ``add``, ``edit`` and ``import`` ask.

:func:`check_candidate` compares a candidate (its URLs, its titles) with every entry of a
catalogue, through one index (:func:`~mlsd_cli.matching.duplicates.prepare_index`: the stored
facts of a lazily loaded catalogue, or a :class:`~mlsd_cli.matching.index.MatchIndex` built
once; an import of thousands of items asks it thousands of times, and adds to it as it goes). The
answer, a :class:`Verdict`, sorts the entries it matched in two:

**the same resource** (``same``; every command refuses to add it a second time):

- ``same-url``: one of the candidate's URLs has the identity key of the entry's URL
  (:func:`mlsd_cli.matching.urls.identity_key`: http/https, ``www.``, tracking parameters, a
  trailing slash, youtu.be and youtube.com/watch, arXiv pdf and abs... are one URL);
- ``merged``: the id the candidate's title gives (``slugify(title)``, less a "[VIDEO]"-style
  tag) is one under which ``dedupe --merge`` merged an entry into this one (its ``aliases``,
  see :func:`~mlsd_cli.matching.duplicates.merged_names`). A merge keeps one URL, so the
  merged entry's own URL is no longer in the catalogue: its id is what is left of it;
- ``same-title``: the candidate has no URL and an entry without a URL has the same title
  (blanks and case aside, :func:`~mlsd_cli.matching.titles.fold_title`): nothing else
  tells them apart;
- ``same-slug``, ``site-and-repo``, ``renamed-repo``: a post moved on its site, a tool's site
  and its repository, a repository under a new owner (:mod:`mlsd_cli.matching.evidence`);

**possible duplicates** (``similar``; ``similar-title``, ``subtitle``): the core titles score
at least the threshold and contain the same numbers
(:func:`~mlsd_cli.matching.duplicates.title_score`), or one is the other less a subtitle,
where :func:`~mlsd_cli.matching.evidence.may_share_title` lets a title match count.
What a command does with them is its policy (:mod:`mlsd_cli.changes.duplicates`).

The entry being edited (``exclude_id``) is left out, with the pairs a curator declared
"not duplicates" of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import slugify
from mlsd_cli.matching.duplicates import IDENTITY
from mlsd_cli.matching.duplicates import REASON_ORDER
from mlsd_cli.matching.duplicates import SAME_TITLE
from mlsd_cli.matching.duplicates import SAME_URL
from mlsd_cli.matching.duplicates import DuplicateCandidate
from mlsd_cli.matching.duplicates import MatchFacts
from mlsd_cli.matching.duplicates import left_out
from mlsd_cli.matching.duplicates import positioned_duplicates_of
from mlsd_cli.matching.duplicates import prepare_index
from mlsd_cli.matching.kinds import without_kind_prefix
from mlsd_cli.matching.titles import fold_title

#: The reasons of a match, strongest first; those of :data:`SAME_RESOURCE` make it the same
#: resource, the others a possible duplicate.
MERGED = "merged"
REASONS = (SAME_URL, MERGED, *REASON_ORDER[1:])
SAME_RESOURCE = IDENTITY | {MERGED}
__all__ = ["SAME_TITLE", "SAME_URL"]


@dataclass(frozen=True)
class Candidate:
    """What a command is about to add (or an entry is about to become)."""

    #: The URL, and where it redirected; empty for a resource without one.
    urls: tuple[str, ...] = ()
    #: The title as typed, and as the page gives it.
    titles: tuple[str, ...] = ()
    #: The entry being edited, left out of the comparison.
    exclude_id: str | None = None
    #: Its kind when known (None: guessed from its URL), for
    #: :func:`~mlsd_cli.matching.evidence.may_share_title`.
    kind: str | None = None

    @classmethod
    def of(
        cls,
        urls: Iterable[str | None] = (),
        titles: Iterable[str | None] = (),
        exclude_id: str | None = None,
        kind: str | None = None,
    ) -> Candidate:
        """Blank values dropped, repeats dropped, order kept."""
        return cls(
            tuple(dict.fromkeys(u.strip() for u in urls if u and u.strip())),
            tuple(dict.fromkeys(t.strip() for t in titles if t and t.strip())),
            exclude_id,
            kind,
        )

    def ids(self) -> list[str]:
        """The ids its titles give (as ``add`` and ``import`` make them)."""
        names = (slugify(name) for t in self.titles for name in (without_kind_prefix(t), t))
        return list(dict.fromkeys(names))


@dataclass
class Verdict:
    """The entries a candidate matched, best first within each list."""

    #: The same resource: ``same-url``, ``merged`` or ``same-title`` among the reasons.
    same: list[DuplicateCandidate] = field(default_factory=list)
    #: Possible duplicates: a similar title only.
    similar: list[DuplicateCandidate] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.same or self.similar)

    def ids(self) -> set[str]:
        return {c.resource.id for c in (*self.same, *self.similar)}


def check_candidate(
    catalogue: Catalogue,
    candidate: Candidate,
    *,
    index: MatchFacts | None = None,
    threshold: float | None = None,
) -> Verdict:
    """Which entries of ``catalogue`` ``candidate`` is (``same``) or may be (``similar``).

    ``index`` is an index of ``catalogue`` kept by the caller (an import adds each new entry
    to it); without one, :func:`~mlsd_cli.matching.duplicates.prepare_index` gives it.
    """
    with no_cyclic_gc():  # a collection would walk every entry loaded, for nothing
        return _verdict(catalogue, candidate, index or prepare_index(catalogue), threshold)


def _verdict(
    catalogue: Catalogue, candidate: Candidate, index: MatchFacts, threshold: float | None
) -> Verdict:
    ignored = left_out(catalogue, candidate.exclude_id)
    found: dict[str, tuple[int, DuplicateCandidate]] = {}

    def note(at: int, match: DuplicateCandidate) -> None:
        r = match.resource
        if ignored and (r.id in ignored or not ignored.isdisjoint(r.aliases)):
            return
        old = found.get(r.id)
        if old is not None:
            reasons = {*old[1].reasons, *match.reasons}
            match = DuplicateCandidate(
                r,
                max(old[1].score, match.score),
                tuple(x for x in REASONS if x in reasons),
                alias=old[1].alias or match.alias,
            )
        found[r.id] = (at, match)

    merged_into: set[int] = set()
    for name in candidate.ids():
        merged = index.merged_as(name)
        if merged is not None:
            at, alias = merged
            merged_into.add(at)
            note(at, DuplicateCandidate(index.resource(at), 100.0, (MERGED,), alias=alias))
    for url in candidate.urls or (None,):
        for title in candidate.titles or ("",):
            for at, match in positioned_duplicates_of(
                index,
                url=url,
                title=title,
                threshold=threshold,
                left_out=ignored,
                kind=candidate.kind,
                known=merged_into,
            ):
                note(at, match)
    if not candidate.urls:
        for title in candidate.titles:
            for at in index.url_less_titled(fold_title(title)):
                note(at, DuplicateCandidate(index.resource(at), 100.0, (SAME_TITLE,)))
    ranked = sorted(
        found.values(),
        key=lambda item: (REASONS.index(item[1].reasons[0]), -item[1].score, item[0]),
    )
    verdict = Verdict()
    for _, match in ranked:
        same = SAME_RESOURCE.intersection(match.reasons)
        (verdict.same if same else verdict.similar).append(match)
    return verdict
