"""The library side of ``mlsd add``: from field values to a validated new resource.

Nothing here prompts or prints. The command gathers field values (flags, page metadata,
answers to prompts) into :class:`NewFields`, asks :func:`find_duplicates` before anything is
written, and writes an :class:`AddPlan` with :func:`mlsd_cli.changes.commit.commit`, which
locks the catalogue, re-reads it, repeats the duplicate check against what is on disk now, and
inserts the resource in its section (:mod:`mlsd_cli.catalogue.placement`).

Rules:

- flags win over fetched metadata (:func:`prefill`);
- required: title, kind and at least one section (:func:`missing_required`);
- duplicates: the one policy of :mod:`mlsd_cli.changes.duplicates` (the same resource is
  always refused, exit 1, even with ``force``; a similar title unless the caller accepted
  those candidates or ``force``);
- the id is ``slugify(title)`` made unique; ``added`` is the given day;
- a paper given by identifier or arXiv/doi.org URL keeps its canonical URL (:func:`address`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.model import slugify
from mlsd_cli.catalogue.model import unique_id
from mlsd_cli.catalogue.placement import place_resource
from mlsd_cli.catalogue.placement import place_section
from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.changes.commit import Plan

# The duplicate policy lives in changes/duplicates.py; the add flow reaches it through here.
from mlsd_cli.changes.duplicates import DuplicateError as DuplicateError
from mlsd_cli.changes.duplicates import DuplicateReport as DuplicateReport
from mlsd_cli.changes.duplicates import find_duplicates as find_duplicates
from mlsd_cli.changes.duplicates import refusal as refusal
from mlsd_cli.changes.duplicates import same_url_error as same_url_error
from mlsd_cli.changes.duplicates import similar_error as similar_error
from mlsd_cli.errors import InputError
from mlsd_cli.errors import MissingFieldsError
from mlsd_cli.lookup import names

if TYPE_CHECKING:
    from mlsd_cli.web.metadata import PageMetadata


@dataclass
class NewFields:
    """Field values of a resource being added. ``None`` / empty means "not given"."""

    url: str | None = None
    title: str | None = None
    kind: str | None = None
    #: Section names as the user wrote them (see :mod:`mlsd_cli.lookup.names`).
    sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    org: str | None = None
    venue: str | None = None
    year: int | None = None
    description: str | None = None


# --------------------------------------------------------------------------- field values


def given_fields(
    catalogue: Catalogue,
    *,
    url: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    sections: Iterable[str] = (),
    tags: Iterable[str] = (),
    authors: Iterable[str] = (),
    org: str | None = None,
    venue: str | None = None,
    year: int | None = None,
    description: str | None = None,
) -> NewFields:
    """The values given up front (options), each checked now: InputError for a bad one."""
    given = NewFields(
        url=address(url),
        title=title.strip() if title and title.strip() else None,
        kind=names.resolve_kind(kind) if kind is not None else None,
        sections=clean_list(sections),
        tags=names.normal_tags(tags),
        authors=clean_list(authors),
        org=org,
        venue=venue,
        year=check_year(year),
        description=description,
    )
    names.resolve_sections(catalogue, given.sections)
    return given


def check_url(url: str | None) -> str | None:
    """The URL stripped, or None for "no URL". Raises InputError for an unusable one."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise InputError(
            f"the URL {url!r} {problem}", hint="give an http:// or https:// address, or none"
        )
    return url


def address(text: str | None) -> str | None:
    """The URL an added resource keeps, or None for "no URL". A paper named by its
    identifier (``arxiv:1706.03762``, ``doi:10.1145/...``) or by an arXiv or doi.org URL gets
    its canonical URL (:func:`mlsd_cli.matching.urls.paper_id`: ``https://arxiv.org/abs/ID``,
    ``https://doi.org/doi``), whose identity key is the identifier, so the duplicate check
    knows the paper however it is written. Raises InputError for a bad URL or identifier."""
    from mlsd_cli.matching.urls import paper_id

    paper = paper_id(text) if text else None
    return paper.url if paper is not None else check_url(text)


def check_year(year: int | str | None) -> int | None:
    """A four-digit year, or None. Raises InputError."""
    if year is None or (isinstance(year, str) and not year.strip()):
        return None
    try:
        value = int(year)
    except ValueError:
        raise InputError(
            f"year '{year}' is not a number", hint="give a year such as 2019"
        ) from None
    if not 1000 <= value <= 9999:
        raise InputError(f"year {value} is not a four-digit year", hint="give a year such as 2019")
    return value


def clean_list(values: Iterable[str]) -> list[str]:
    """Stripped, non-empty values without repeats, order kept."""
    out: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in out:
            out.append(value)
    return out


def split_list(text: str) -> list[str]:
    """A comma-separated answer as a list ("a, b,, c" -> ["a", "b", "c"])."""
    return clean_list(text.split(","))


def new_section(catalogue: Catalogue, title: str, *, parent: str | None = None) -> Section:
    """A new top-level section titled ``title``, with an id not used yet (not added)."""
    title = title.strip()
    if not title:
        raise InputError("a section needs a title")
    return Section(unique_id(slugify(title), {s.id for s in catalogue.sections}), title, parent)


# --------------------------------------------------------------------------- prefill


def guessed_kind(url: str | None, metadata: PageMetadata | None = None) -> str | None:
    """The kind the page's metadata or its URL suggests, if any."""
    if metadata is not None and metadata.kind in KINDS:
        return metadata.kind
    if not url:
        return None
    from mlsd_cli.matching.kinds import kind_from_url

    kind = kind_from_url(url)
    return kind if kind in KINDS else None


def prefill(given: NewFields, metadata: PageMetadata | None, kind_guess: str | None) -> NewFields:
    """``given`` completed with what the page says and the guessed kind: given values win."""
    out = replace(
        given,
        sections=list(given.sections),
        tags=list(given.tags),
        authors=list(given.authors),
    )
    if out.kind is None and kind_guess:
        out.kind = kind_guess
    if metadata is None:
        return out
    if not out.title and metadata.title and metadata.title.strip():
        out.title = metadata.title.strip()
    if not out.description and metadata.description and metadata.description.strip():
        out.description = metadata.description.strip()
    if not out.authors and metadata.authors:
        out.authors = clean_list(metadata.authors)
    if out.year is None and metadata.year is not None:
        with contextlib.suppress(InputError):
            out.year = check_year(metadata.year)
    if not out.venue and metadata.venue and metadata.venue.strip():
        out.venue = metadata.venue.strip()
    if not out.org and metadata.site_name and metadata.site_name.strip():
        out.org = metadata.site_name.strip()
    return out


def missing_required(fields: NewFields) -> list[str]:
    """Names of the required fields not given yet: "title", "kind", "sections"."""
    missing = []
    if not (fields.title and fields.title.strip()):
        missing.append("title")
    if not fields.kind:
        missing.append("kind")
    if not fields.sections:
        missing.append("sections")
    return missing


# --------------------------------------------------------------------------- building


def build_resource(
    catalogue: Catalogue,
    fields: NewFields,
    *,
    today: date,
    new_sections: Sequence[Section] = (),
) -> Resource:
    """A validated new resource with a unique id. ``new_sections`` may be named too.

    Raises InputError naming the field to fix (MissingFieldsError naming those missing).
    """
    missing = missing_required(fields)
    if missing:
        raise MissingFieldsError(missing)
    title = (fields.title or "").strip()
    kind = names.resolve_kind(fields.kind or "")
    scratch = Catalogue(sections=[*catalogue.sections, *new_sections])
    sections = names.resolve_sections(scratch, fields.sections)
    taken = catalogue.taken_ids()
    return Resource(
        id=unique_id(slugify(title), taken),
        title=title,
        kind=kind,
        sections=sections,
        url=check_url(fields.url),
        org=(fields.org or "").strip() or None,
        authors=clean_list(fields.authors),
        venue=(fields.venue or "").strip() or None,
        year=check_year(fields.year),
        tags=names.normal_tags(fields.tags),
        description=(fields.description or "").strip(),
        added=today,
    )


# --------------------------------------------------------------------------- committing


@dataclass
class AddPlan(Plan[Resource]):
    """An add, built by the command from flags and answers; written by :func:`~commit.commit`.

    It touches no existing entry (its basis is empty); under the lock :meth:`apply` repeats
    the duplicate check against the catalogue on disk now, creates the confirmed sections that
    do not exist by then, and appends the resource (its id made unique in the fresh catalogue).
    """

    fields: NewFields
    #: Sections the user confirmed creating, named by title in ``fields.sections`` (created
    #: under the lock unless a section with that title exists by then).
    new_sections: list[Section] = field(default_factory=list)
    #: Further titles to check for duplicates (the fetched one when the user changed it).
    extra_titles: list[str] = field(default_factory=list)
    #: Further URLs to check (where the URL redirected).
    extra_urls: list[str] = field(default_factory=list)
    #: Ids of similar-title candidates the user has seen and accepted.
    accepted: set[str] = field(default_factory=set)
    force: bool = False
    #: The ``added`` date of the new resource.
    today: date = field(default_factory=date.today)

    def apply(self, catalogue: Catalogue) -> Resource:
        """Raises DuplicateError if ``catalogue`` now holds a duplicate the user has not
        accepted, and InputError if a value does not fit it any more."""
        error = refusal(check_plan(catalogue, self), accepted=self.accepted, force=self.force)
        if error is not None:
            raise error
        for section in self.new_sections:
            title = names.fold(section.title)
            if all(names.fold(s.title) != title for s in catalogue.sections):
                place_section(catalogue, new_section(catalogue, section.title))
        resource = build_resource(catalogue, self.fields, today=self.today)
        place_resource(catalogue, resource)  # in its section, not at the end: PRs merge
        return resource


def check_plan(catalogue: Catalogue, plan: AddPlan) -> DuplicateReport:
    return find_duplicates(
        catalogue,
        urls=[plan.fields.url, *plan.extra_urls],
        titles=[plan.fields.title, *plan.extra_titles],
    )


def preview(catalogue: Catalogue, plan: AddPlan) -> Resource:
    """The resource the plan would add to ``catalogue`` (validates; writes nothing)."""
    return build_resource(catalogue, plan.fields, today=plan.today, new_sections=plan.new_sections)
