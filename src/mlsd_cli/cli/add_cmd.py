"""``mlsd add``: add a resource, by prompts on a terminal or by options; never a duplicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any
from typing import TypeVar

import typer

from mlsd_cli.cli import completion
from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import err
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import option_for
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import warn
from mlsd_cli.cli.prompts import Pager
from mlsd_cli.cli.prompts import ask
from mlsd_cli.cli.prompts import confirm
from mlsd_cli.cli.prompts import interactive
from mlsd_cli.cli.prompts import require_terminal
from mlsd_cli.cli.prompts import say
from mlsd_cli.cli.prompts import yes_no

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.changes.adding import AddPlan
    from mlsd_cli.changes.adding import NewFields
    from mlsd_cli.web.metadata import PageMetadata

T = TypeVar("T")

#: How long the page-metadata fetch may take.
FETCH_TIMEOUT_S = 10.0


@handle_errors
def command(
    url: Annotated[
        str | None,
        typer.Argument(
            metavar="URL",
            help="The resource's address (http or https), or a paper's arxiv:ID or doi:DOI. "
            "Asked for on a terminal when left out; a resource may have none.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title (default: the page's own title).")
    ] = None,
    kind: Annotated[
        str | None,
        completion.option(
            "--kind",
            "-k",
            help="blog, paper, video, talk, book, course, slides, podcast, thread or other "
            "(default: guessed from the URL).",
            values=completion.kinds,
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        completion.option(
            "--section",
            "-s",
            help="Section id or title. Repeatable; one is required.",
            values=completion.section_names,
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        completion.option("--tag", "-t", help="Tag. Repeatable.", values=completion.tags),
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", "-a", help="Author. Repeatable.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation (default: the page's site name).")
    ] = None,
    venue: Annotated[
        str | None, typer.Option("--venue", help="Venue: conference, journal, blog...")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year of publication.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="A few words about it (markdown).")
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Ask nothing: add with the options (and the page's metadata) as they are.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Add it even if its title looks like one already listed (never when the URL "
            "is the same).",
        ),
    ] = False,
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="Do not fetch the page to pre-fill the fields.")
    ] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Add a resource to the catalogue, checking first that it is not there already.

    On a terminal, mlsd asks for every field not given as an option: the URL first, then the title, kind, sections, tags, authors, organisation, year and description, pre-filled from the page's own metadata (defaults in brackets; Enter keeps one, - empties it). A summary and a confirmation come last; Ctrl-C at any prompt writes nothing.

    Without a terminal (scripts, CI), give the fields as options and --yes: a missing title, kind or section is an error, never a wait for input. The page is fetched unless --no-fetch, and its title, description, authors, year and site name fill the options left out.

    A paper given as arxiv:ID or doi:DOI, or by its arXiv or doi.org URL, is read from the arXiv API or Crossref instead of its page (title, authors, venue, year, kind paper) and keeps its canonical URL (https://arxiv.org/abs/ID, https://doi.org/DOI); if the service cannot be read, that is an error without prompts and a warning with them ($MLSD_ARXIV_URL, $MLSD_CROSSREF_URL replace the services' addresses).

    The same resource is always refused with exit status 1, even with --force: the same URL (ignoring http/https, www., tracking parameters and the like), or a title whose id is one under which dedupe --merge merged an entry into another; a similar title is shown with its score and refused with exit status 1 unless confirmed on the terminal, or --force.

    [bold]Examples[/bold]

      mlsd add

      mlsd add https://eng.uber.com/michelangelo-machine-learning-platform/

      mlsd add https://arxiv.org/abs/1706.04599 --section evaluation --tag calibration --yes

      mlsd add arxiv:1706.03762 --section models --yes

      mlsd add doi:10.1145/3240323.3240372

      mlsd add --title "Designing Data-Intensive Applications" --kind book --section books --author "Martin Kleppmann" --year 2017 --no-fetch --yes
    """  # noqa: E501
    from mlsd_cli.catalogue.schema import resource_to_json
    from mlsd_cli.catalogue.store import ensure_writable
    from mlsd_cli.changes import adding
    from mlsd_cli.changes.commit import commit

    location, cat = load_catalogue(catalogue)
    ensure_writable(location)
    given = adding.given_fields(
        cat, url=url, title=title, kind=kind, sections=section or [], tags=tag or [],
        authors=author or [], org=org, venue=venue, year=year, description=description,
    )  # fmt: skip
    if interactive() and not yes:
        plan = _interactive_plan(cat, given, url_given=url is not None, no_fetch=no_fetch)
    else:
        plan = _flags_plan(cat, given, yes=yes, no_fetch=no_fetch, force=force)
    plan.force = plan.force or force
    resource = commit(location, plan)
    if json_out:
        print_json(resource_to_json(resource))
    else:
        echo(f"Added {resource.id}: {resource.title}")


# --------------------------------------------------------------------------- both ways


def _fetch(url: str | None, no_fetch: bool, *, strict: bool = False) -> PageMetadata | None:
    """The metadata of the page, or of the paper the URL names (arXiv, Crossref: never its
    page), or None: no URL, --no-fetch, or a failed fetch (one warning). ``strict``: a paper
    that cannot be read is an error (without prompts there is no one to ask the fields)."""
    if not url or no_fetch:
        return None
    from mlsd_cli.matching.urls import paper_id
    from mlsd_cli.web.http import fetch_timeout
    from mlsd_cli.web.metadata import MetadataError
    from mlsd_cli.web.metadata import fetch_metadata
    from mlsd_cli.web.papers import fetch_paper

    paper = paper_id(url)
    try:
        timeout = fetch_timeout(FETCH_TIMEOUT_S)
        if paper is not None:
            metadata = fetch_paper(paper, timeout=timeout)
        else:
            metadata = fetch_metadata(url, timeout=timeout)
        for warning in metadata.warnings:
            err(f"warning: {warning}")
        return metadata
    except MetadataError as exc:
        if paper is not None and strict:
            raise
        what = (
            f"{exc.message}; fill in the fields yourself"
            if paper
            else (
                f"could not read the page ({exc}); fill in the fields yourself "
                "(--no-fetch skips fetching)"
            )
        )
        err(f"warning: {what}")
        return None


def _refuse_known(cat: Catalogue, url: str | None) -> None:
    """Stop at once (exit 1) when ``url`` is a resource the catalogue has."""
    from mlsd_cli.changes import adding

    if url:
        report = adding.find_duplicates(cat, urls=[url])
        if report.same:
            raise adding.same_url_error(report)


def _extras(plan: AddPlan, metadata: PageMetadata | None) -> None:
    """Also check the fetched title and the URL the page redirected to."""
    if metadata is None:
        return
    if metadata.title and metadata.title.strip() != (plan.fields.title or ""):
        plan.extra_titles.append(metadata.title.strip())
    if metadata.final_url and metadata.final_url != plan.fields.url:
        plan.extra_urls.append(metadata.final_url)
    plan.extra_urls.extend(metadata.other_urls)  # a paper's DOI, when arXiv gives one


def _tag_notes(cat: Catalogue, tags: list[str]) -> list[Any]:
    """The warnings ``mlsd tag`` and ``mlsd edit`` give too (near spellings of tags in use)."""
    from mlsd_cli.lookup.tags import tag_notes
    from mlsd_cli.lookup.tags import used_tags

    return tag_notes(used_tags(cat), added=tags)


# --------------------------------------------------------------------------- with flags


def _flags_plan(
    cat: Catalogue, given: NewFields, *, yes: bool, no_fetch: bool, force: bool
) -> AddPlan:
    from mlsd_cli.changes import adding
    from mlsd_cli.errors import MissingFieldsError

    if not yes:
        missing = adding.missing_required(
            adding.prefill(given, None, adding.guessed_kind(given.url))
        )
        if given.url and not no_fetch and "title" in missing:
            missing.remove("title")  # the page may give it
        needed = [option_for(command, m) or m for m in missing] + ["--yes"]
        require_terminal("adding a resource", hint=f"pass {', '.join(needed)}")
    _refuse_known(cat, given.url)  # before the network: a listed paper needs no API
    metadata = _fetch(given.url, no_fetch, strict=True)
    fields = adding.prefill(given, metadata, adding.guessed_kind(given.url, metadata))
    missing = adding.missing_required(fields)
    if missing:
        raise MissingFieldsError(missing)
    plan = adding.AddPlan(fields)
    _extras(plan, metadata)
    adding.preview(cat, plan)  # every value checked before the duplicates
    report = adding.check_plan(cat, plan)
    if report.same:
        raise adding.same_url_error(report)
    if report.similar:
        if not force:
            raise adding.similar_error(report, report.similar)
        plan.accepted = report.ids()
        plan.force = True
    warn(_tag_notes(cat, fields.tags))
    return plan


# --------------------------------------------------------------------------- prompts


def _required(what: str) -> Callable[[str], str]:
    from mlsd_cli.errors import InputError

    def parse(text: str) -> str:
        if not text.strip():
            raise InputError(f"a {what} is required")
        return text.strip()

    return parse


# --------------------------------------------------------------------------- interactive


def _interactive_plan(
    cat: Catalogue, given: NewFields, *, url_given: bool, no_fetch: bool
) -> AddPlan:
    from mlsd_cli.catalogue.model import KINDS
    from mlsd_cli.changes import adding
    from mlsd_cli.changes.duplicates import candidate_lines
    from mlsd_cli.lookup import names

    fields = adding.NewFields(
        url=given.url,
        title=given.title,
        kind=given.kind,
        sections=list(given.sections),
        tags=list(given.tags),
        authors=list(given.authors),
        org=given.org,
        venue=given.venue,
        year=given.year,
        description=given.description,
    )
    plan = adding.AddPlan(fields)

    if not url_given:
        fields.url = ask(
            "URL or arxiv:ID / doi:DOI (Enter for none)",
            lambda text: adding.address(text) or None,
            clearable=False,
        )
    _refuse_known(cat, fields.url)
    metadata = None
    if fields.url and not no_fetch:
        say(_reading(fields.url))
        metadata = _fetch(fields.url, no_fetch)
        if metadata and metadata.final_url and metadata.final_url != fields.url:
            _refuse_known(cat, metadata.final_url)
    defaults = adding.prefill(
        adding.NewFields(), metadata, adding.guessed_kind(fields.url, metadata)
    )

    if not fields.title:
        fields.title = ask("Title", _required("title"), default=defaults.title, clearable=False)
    _extras(plan, metadata)
    report = adding.check_plan(cat, plan)
    if report.same:
        raise adding.same_url_error(report)
    if report.similar:
        say("This looks like a resource already in the catalogue:")
        for line in candidate_lines(report):
            say(f"  {line}")
        ids = ", ".join(c.resource.id for c in report.similar)
        confirm(
            "Add it anyway?", declined=f"not added (it may duplicate {ids}); nothing was written"
        )
        plan.accepted = report.ids()

    if not fields.kind:
        kind_default = defaults.kind or ("blog" if fields.url else None)
        fields.kind = ask(
            f"Kind ({', '.join(KINDS)})",
            names.resolve_kind,
            default=kind_default,
            words=list(KINDS),
            clearable=False,
        )
    if not fields.sections:
        fields.sections = _ask_sections(cat, plan)
    if not given.tags:
        fields.tags = _ask_tags(cat)
    else:
        fields.tags = _fix_tags(cat, fields.tags)
    if not fields.authors:
        fields.authors = ask(
            "Authors (comma-separated)",
            adding.split_list,
            default=", ".join(defaults.authors) or None,
        )
    if fields.venue is None and defaults.venue:  # a paper's journal or conference
        fields.venue = ask("Venue", str.strip, default=defaults.venue) or None
    if fields.org is None:
        fields.org = ask("Organisation", str.strip, default=defaults.org) or None
    if fields.year is None:
        fields.year = ask(
            "Year",
            adding.check_year,
            default=str(defaults.year) if defaults.year else None,
        )
    if fields.description is None:
        fields.description = ask("Description", str.strip, default=defaults.description)

    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.cli.render import resource_details

    preview = adding.preview(cat, plan)
    scratch = Catalogue(sections=[*cat.sections, *plan.new_sections])
    say("")
    say("About to add:")
    for line in resource_details(preview, scratch):
        say(f"  {line}" if line else "")
        if line.startswith("sections:"):
            for section in plan.new_sections:
                say(f"               (new section: {section.title})")
    say("")
    confirm("Add it?", default=True, declined="not added; nothing was written")
    return plan


def _reading(url: str) -> str:
    from mlsd_cli.matching.urls import paper_id
    from mlsd_cli.web.papers import service

    paper = paper_id(url)
    return f"Asking {service(paper)} about {paper}..." if paper else "Reading the page..."


def _ask_sections(cat: Catalogue, plan: AddPlan) -> list[str]:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.changes import adding
    from mlsd_cli.changes.sections import tree
    from mlsd_cli.errors import InputError
    from mlsd_cli.lookup.names import find_section

    rows = tree(cat)  # numbered in tree order, indented by depth, a page at a time
    numbered = [row.section for row in rows]
    width = max((2 * row.depth + len(row.section.id) for row in rows), default=0)
    pager = Pager(
        [
            f"  {n:>3}  {'  ' * row.depth + row.section.id:<{width}}  {row.section.title}"
            for n, row in enumerate(rows, 1)
        ]
    )
    if rows:
        say("Sections:")
    else:
        say("The catalogue has no sections yet: type the title of a new one.")
    words = [s.id for s in cat.sections] + [s.title for s in cat.sections]

    def parse(text: str) -> list[str]:
        if not adding.split_list(text):
            raise InputError("at least one section is required")
        return adding.split_list(text)

    while True:
        refs = ask(
            "Sections (numbers, ids or titles, comma-separated)", parse, words=words, pager=pager
        )
        chosen: list[str] = []
        created: list[Any] = []
        for ref in refs:
            if ref.isdigit() and 1 <= int(ref) <= len(numbered):
                chosen.append(numbered[int(ref) - 1].id)
                continue
            if ref.isdigit():  # a number, not a title: ask again
                say(f"  there is no section number {ref} (1 to {len(numbered)})")
                chosen = []
                break
            scratch = Catalogue(sections=[*cat.sections, *created])
            try:
                found = find_section(scratch, ref)
            except InputError as exc:  # names several sections: ask again
                say(f"  {exc}")
                chosen = []
                break
            if found is not None:
                chosen.append(found.id if found in cat.sections else found.title)
                continue
            if yes_no(
                f"There is no section '{ref}'. Create a new section titled '{ref}'?", default=False
            ):
                created.append(adding.new_section(scratch, ref))
                chosen.append(ref)
                continue
            chosen = []
            break
        if chosen:
            plan.new_sections.extend(created)
            return adding.clean_list(chosen)


def _ask_tags(cat: Catalogue) -> list[str]:
    from collections import Counter

    from mlsd_cli.changes import adding
    from mlsd_cli.lookup.names import normal_tags

    counts = Counter(t for r in cat.resources for t in r.tags)
    if counts:
        common = [t for t, _ in counts.most_common(15)]
        more = f" (and {len(counts) - len(common)} more; Tab completes)" if len(counts) > 15 else ""
        say(f"Tags in use: {', '.join(common)}{more}")
    tags = ask(
        "Tags (comma-separated)",
        lambda text: normal_tags(adding.split_list(text)),
        words=sorted(counts),
        clearable=False,
    )
    return _fix_tags(cat, tags)


def _fix_tags(cat: Catalogue, tags: list[str]) -> list[str]:
    """Offer the existing spelling for each new tag that looks like one."""
    fixed = list(tags)
    for note in _tag_notes(cat, tags):
        tag, near = note.tag, note.similar[0]
        if yes_no(f"{note.message}. Use '{near}'?", default=True):
            fixed = [near if t == tag else t for t in fixed]
    return list(dict.fromkeys(fixed))
