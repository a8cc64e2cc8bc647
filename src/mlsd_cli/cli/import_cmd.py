"""``mlsd import``: read a markdown curated list into the catalogue."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import has_findings
from mlsd_cli.cli.common import locate
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import printable

if TYPE_CHECKING:
    from mlsd_cli.changes.importing import ImportReport


@handle_errors
def command(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE.md", help="The markdown list to read.", show_default=False),
    ],
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="Put the list's sections under this section (id, title or the start of one, as "
            "everywhere; created when it names none).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be added; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Also add the items whose title looks like an entry's (never the same resource).",
        ),
    ] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Import a markdown list (an awesome list, a book's resources page) into the catalogue.

    The list's title (its only top-level heading) and the text under it become the catalogue's title and description when the catalogue has no title yet (or the same one); otherwise the title is a section holding the list. Other headings become sections (nesting kept), list items become resources: \\[title](url), a "(Author, Venue, 2019)" byline, and a description after " - " or ": " or in the paragraphs below the item. Items without a link are kept without a URL; free text under a heading becomes the section's intro. Tables of contents, in-page anchors and badges are left out. mlsd's own markdown export reads back as it was written.

    Every item is checked as mlsd add checks one. An item that is the same resource as an entry (the same URL ignoring http/https, www., tracking parameters and the like; youtu.be or youtube.com, arXiv pdf or abs; an entry merged into another by dedupe --merge; the same title with no URL) is skipped and reported with the entry it matched, so importing the same list twice adds nothing. An item whose title looks like an entry's is reported as a possible duplicate and not added, unless --force. The exit status is 1 when an item was left out for either reason (as mlsd add of a known URL), 0 when every item was added. Sections with the same title under the same parent are reused.

    [bold]Examples[/bold]

      mlsd import awesome-mlops.md

      mlsd import reading-list.md --section "Reading group" --dry-run

      mlsd import README.md -c my-list.toml --json
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.changes.commit import commit
    from mlsd_cli.changes.importing import ImportPlan
    from mlsd_cli.formats.markdown_reader import parse_markdown

    text = _read_markdown(file)
    plan = ImportPlan(parse_markdown(text, name=file.stem), section, force=force)
    location = locate(catalogue)
    report = plan.preview(store.load(location)) if dry_run else commit(location, plan)
    has_findings(report.left_out)  # exit 1, even if stdout's reader hangs up
    if json_out:
        print_json(_as_json(report, str(location.path)))
    else:
        _print(report, str(location.path), file.name)


def _as_json(report: ImportReport, path: str) -> dict[str, object]:
    from mlsd_cli.catalogue.schema import resource_to_json

    return {
        "catalogue": path,
        "dry_run": report.dry_run,
        "added": [resource_to_json(r) for r in report.added],
        "skipped": [asdict(s) for s in report.skipped],
        "possible_duplicates": [asdict(s) for s in report.possible_duplicates],
        "url_less": report.url_less,
        "title_taken": report.title_taken,
        "sections_added": [
            {"id": s.id, "title": s.title, "parent": s.parent} for s in report.sections_added
        ],
    }


def _print(report: ImportReport, path: str, name: str) -> None:
    dry_run = report.dry_run
    titles = {s.id: s.title for s in report.sections_added}
    if dry_run:
        for r in report.added:
            where = printable(", ".join(titles.get(s, s) for s in r.sections))
            echo(f"+ {r.id}\t{printable(r.title)}\t{printable(r.url or '(no URL)')}\t[{where}]")
    n = len(report.added)
    verb = "Would add" if dry_run else "Added"
    echo(
        f"{verb} {n} resource{'' if n == 1 else 's'} ({report.url_less} without a URL) and "
        f"{len(report.sections_added)} new section{'' if len(report.sections_added) == 1 else 's'}"
        f" {'to' if dry_run else 'in'} {path}."
    )
    if report.title_taken:
        echo(f"The list's title is the catalogue's: {printable(report.title_taken)}")
    known = [s for s in report.skipped if not s.within_list]
    within = [s for s in report.skipped if s.within_list]
    possible = report.possible_duplicates
    if known:
        echo(f"Skipped {len(known)} already in the catalogue:")
    for s in known:
        echo(printable(f"  {s.url or s.title}  {s.message}"))
    if possible:
        echo(
            f"Not added, {len(possible)} possible duplicate{'' if len(possible) == 1 else 's'}"
            " (similar title; --force adds them):"
        )
    for s in possible:
        echo(printable(f"  {s.url or s.title}  {s.message}"))
    if within:
        echo(f"Listed twice in {name} (one entry, both sections): {len(within)}")
    for s in within:
        echo(printable(f"  {s.url or s.title}  (= {s.existing_id})"))
        for label, own in (("title", s.own_title), ("description", s.own_description)):
            if own:  # the second occurrence's own words, reported beside the kept entry's
                echo(printable(f"    its own {label} there: {own}"))
    if dry_run:
        echo("Dry run: nothing was written.")


def _read_markdown(path: Path) -> str:
    """The file's text; a one-line ImportFileError when it cannot be read as UTF-8."""
    from mlsd_cli.catalogue.textfiles import read_utf8
    from mlsd_cli.errors import ImportFileError

    text = read_utf8(
        path, ImportFileError, utf8_hint="save the list as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
    )
    assert text is not None  # missing_ok is False
    return text
