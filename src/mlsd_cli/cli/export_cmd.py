"""``mlsd export``: the catalogue as markdown (the README), JSON, CSV, BibTeX, HTML or Atom."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated

import typer

from mlsd_cli.cli import completion
from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import KindOpt
from mlsd_cli.cli.common import NoUrlOpt
from mlsd_cli.cli.common import OrgOpt
from mlsd_cli.cli.common import SectionOpt
from mlsd_cli.cli.common import SinceOpt
from mlsd_cli.cli.common import TagOpt
from mlsd_cli.cli.common import YearOpt
from mlsd_cli.cli.common import build_filter
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import err
from mlsd_cli.cli.common import exit_findings
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.formats.export import ExportOptions


@handle_errors
def command(
    fmt: Annotated[
        str,
        completion.option(
            "--format",
            "-f",
            help="markdown, json, csv, bibtex, html, atom or site.",
            values=completion.export_formats,
        ),
    ] = "markdown",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of stdout. A markdown file holding the lines "
            "<!-- mlsd:start --> and <!-- mlsd:end --> keeps everything outside them. "
            "For --format site, the directory to write the site into.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 with a short diff when --output FILE is out of date.",
        ),
    ] = False,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            help="Markdown style: full (close to the source lists) or awesome (awesome-list "
            "rules: one-line descriptions, each link once).",
        ),
    ] = "full",
    group_by: Annotated[
        str,
        typer.Option(
            "--group-by", "-g", help="Markdown and html: section, org, kind, year or tag."
        ),
    ] = "section",
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            help="Atom: at most N entries, the newest added first (default 50).",
        ),
    ] = None,
    feed: Annotated[
        str | None,
        typer.Option(
            "--feed",
            help="Markdown, html, site: link the list's Atom feed at this URL or relative path "
            "(a line under the description; the pages' head and header).",
            metavar="URL",
        ),
    ] = None,
    section: SectionOpt = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    no_url: NoUrlOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Export the catalogue as markdown, JSON, CSV, BibTeX or HTML.

    Markdown is a curated list: a table of contents, the sections with their intros, each resource with its link, authors, venue, year and description (--style awesome: one line each, awesome-list rules).

    With --output README.md, only the part between the lines <!-- mlsd:start --> and <!-- mlsd:end --> is replaced, so the hand-written top stays. --check writes nothing and exits 1 with a short diff when that part is out of date (CI runs it).

    The filters of `mlsd list` choose what is exported. JSON is the whole catalogue in a stable schema (docs/export.md); CSV one row per resource; BibTeX one entry per resource; HTML one self-contained page to browse (filter box, facets, section navigation); Atom a feed of the newest entries by added date; site a directory: an index page, one page a top-level section, one search.

    [bold]Examples[/bold]

      mlsd export --format markdown --output README.md

      mlsd export --format markdown --output README.md --check

      mlsd export --style awesome --group-by org > awesome.md

      mlsd export --format bibtex --kind paper -o papers.bib

      mlsd export --format json | jq '.resources | length'

      mlsd export --format html --tag streaming -o streaming.html

      mlsd export --format atom --since 2026-01-01 -o feed.xml

      mlsd export --format site -o site/
    """  # noqa: E501
    from mlsd_cli.errors import InputError
    from mlsd_cli.formats.export import ExportOptions
    from mlsd_cli.formats.html_assets import check_feed_url
    from mlsd_cli.lookup.filters import apply

    fmt_name = _format_name(fmt, style, group_by)  # bad options fail before the catalogue is read
    if check and output is None:
        raise InputError("--check needs --output FILE", hint="the file to compare with")
    if limit is not None and fmt_name != "atom":
        raise InputError("--limit applies to --format atom only")
    if output is not None and output.is_dir() and fmt_name != "site":
        raise InputError(f"--output {output} is a directory", hint="give a file name")
    if fmt_name == "site" and (output is None or check):
        raise InputError("--format site needs --output DIR (and no --check)")
    if feed is not None and fmt_name not in ("markdown", "html", "site"):
        raise InputError("--feed applies to --format markdown, html and site only")
    feed_url = check_feed_url(feed) if feed is not None else None
    location, cat = load_catalogue(catalogue)
    if output is not None and output.resolve() == location.path.resolve():
        raise InputError(
            f"--output {output} is the catalogue itself", hint="write the export to another file"
        )
    selection = build_filter(cat, section, tag, kind, org, year, since, no_url)
    options = ExportOptions(
        selection=None if selection.empty else apply(cat, selection),
        group_by=group_by,
        style=style,
        limit=limit,
        feed_url=feed_url,
    )
    if fmt_name == "site":
        assert output is not None
        _write_site(output, cat, options)
    elif output is None:
        _print(cat, fmt_name, options)
    elif check:
        _check_file(output, cat, fmt_name, options)
    else:
        _write_file(output, cat, fmt_name, options)


def _format_name(fmt: str, style: str, group_by: str) -> str:
    """The export format ``--format`` names, once --style and --group-by fit it."""
    from mlsd_cli.errors import InputError
    from mlsd_cli.formats.export import GROUPED_FORMATS
    from mlsd_cli.formats.export import check_style
    from mlsd_cli.formats.export import format_name
    from mlsd_cli.lookup.grouping import check_group_key

    fmt_name = format_name(fmt)
    check_style(style)
    if style != "full" and fmt_name != "markdown":
        raise InputError("--style applies to --format markdown only")
    check_group_key(group_by)
    if group_by != "section" and fmt_name not in GROUPED_FORMATS:
        raise InputError(
            f"--group-by applies to {' and '.join(GROUPED_FORMATS)} only",
            hint=f"{fmt_name} lists every resource once",
        )
    return fmt_name


def _print(cat: Catalogue, fmt_name: str, options: ExportOptions) -> None:
    """The export on stdout, in UTF-8 whatever the locale says."""
    import sys

    from mlsd_cli.formats.export import renderer

    text = renderer(fmt_name)(cat, options)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)


def _check_file(output: Path, cat: Catalogue, fmt_name: str, options: ExportOptions) -> None:
    """--check: is ``output`` what the export would write? Exit 1 with a short diff if not."""
    import sys

    from mlsd_cli.errors import InputError
    from mlsd_cli.formats.readme import expected_text
    from mlsd_cli.formats.readme import read_text
    from mlsd_cli.formats.readme import short_diff

    current = read_text(output)
    if current is None:
        raise InputError(
            f"--check: {output} does not exist",
            hint=f"create it with: mlsd export --format {fmt_name} --output {output}",
        )
    expected = expected_text(cat, fmt_name, options, current, str(output))
    if current == expected:
        echo(f"{output} is up to date.")
        return
    err(
        f"{output} is out of date with the catalogue; regenerate it with: "
        f"mlsd export --format {fmt_name} --output {output}"
    )
    for line in short_diff(current, expected, str(output)):
        sys.stderr.write(line + "\n")
    exit_findings()


def _write_site(directory: Path, cat: Catalogue, options: ExportOptions) -> None:
    """Write the static site's files into ``directory`` (each only when it changed)."""
    from mlsd_cli.catalogue.store import write_atomic
    from mlsd_cli.errors import InputError
    from mlsd_cli.formats.readme import read_text
    from mlsd_cli.formats.site import render_site

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror}", field="output") from exc
    files = render_site(cat, options)
    changed = [n for n, text in files.items() if read_text(directory / n) != text]
    for name in changed:
        write_atomic(directory / name, files[name].encode("utf-8"))
    count = len(options.resources(cat))
    echo(f"Wrote {len(changed)} of {len(files)} files to {directory} ({count} resources).")


def _write_file(output: Path, cat: Catalogue, fmt_name: str, options: ExportOptions) -> None:
    """Write the export to ``output`` (between its mlsd markers, if it has them)."""
    from mlsd_cli.formats.readme import expected_text
    from mlsd_cli.formats.readme import find_markers
    from mlsd_cli.formats.readme import read_text
    from mlsd_cli.formats.readme import write_if_changed

    current = read_text(output)
    expected = expected_text(cat, fmt_name, options, current, str(output))
    written = write_if_changed(output, expected, current)
    count = len(options.resources(cat))
    what = f"{count} resource{'s' if count != 1 else ''}"
    if current is not None and fmt_name == "markdown" and find_markers(current, str(output)):
        what += ", between the mlsd markers"
    if written:
        echo(f"Wrote {output} ({what}).")
    else:
        echo(f"{output} is already up to date ({what}).")
