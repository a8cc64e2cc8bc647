"""``mlsd list``: resources, filtered, sorted and grouped."""

from __future__ import annotations

from typing import Annotated

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import KindOpt
from mlsd_cli.cli.common import NoUrlOpt
from mlsd_cli.cli.common import OrgOpt
from mlsd_cli.cli.common import SectionOpt
from mlsd_cli.cli.common import SinceOpt
from mlsd_cli.cli.common import TagOpt
from mlsd_cli.cli.common import YearOpt
from mlsd_cli.cli.common import build_filter
from mlsd_cli.cli.common import console
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import err
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import stdout_is_terminal


@handle_errors
def command(
    section: SectionOpt = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    no_url: NoUrlOpt = False,
    sort: Annotated[
        str, typer.Option("--sort", help="catalogue, title, year, added, kind, org or id.")
    ] = "catalogue",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    group_by: Annotated[
        str | None, typer.Option("--group-by", "-g", help="section, org, kind, year or tag.")
    ] = None,
    count: Annotated[bool, typer.Option("--count", help="Print only the counts.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="At most N resources.")
    ] = None,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """List resources, with filters, sorting and grouping.

    A table on a terminal; one tab-separated line per resource (id, title, kind, year, url)
    when piped; --json for scripts.

    [bold]Examples[/bold]

      mlsd list --org Netflix

      mlsd list --section "Chapter 6" --kind paper --sort year

      mlsd list --group-by org --count

      mlsd list --tag feature-store --json
    """
    from mlsd_cli.catalogue.schema import resource_to_json
    from mlsd_cli.lookup.filters import apply
    from mlsd_cli.lookup.grouping import group_resources
    from mlsd_cli.lookup.grouping import sort_resources

    _location, cat = load_catalogue(catalogue)
    selection = build_filter(cat, section, tag, kind, org, year, since, no_url)
    resources = sort_resources(apply(cat, selection), sort, reverse=reverse)
    if limit is not None and len(resources) > limit:  # said on stderr, piped too
        err(f"{limit} of {len(resources)} shown (--limit {limit})")
        resources = resources[:limit]
    groups = group_resources(cat, resources, group_by) if group_by else [("", resources)]

    if json_out:
        if count:
            print_json({label or "total": len(items) for label, items in groups})
        elif group_by:
            print_json(
                [
                    {"group": label, "resources": [resource_to_json(r) for r in items]}
                    for label, items in groups
                ]
            )
        else:
            print_json([resource_to_json(r) for r in resources])
        return
    if count:
        _print_counts(groups, group_by, total=len(resources))
        return
    if not cat.resources:  # not "no resources match": there is nothing to match
        say = echo if stdout_is_terminal() else err
        say("The catalogue is empty: add a resource with mlsd add URL")
        return
    _print_groups(groups, total=len(resources), grouped=bool(group_by))


def _print_counts(groups: list[tuple[str, list]], group_by: str | None, *, total: int) -> None:  # type: ignore[type-arg]
    """--count: a table on a terminal (a row per group, the total below); piped, one line
    per group, ``COUNT<TAB>GROUP`` (the count alone without --group-by)."""
    if not stdout_is_terminal():
        for label, items in groups:
            echo(f"{len(items)}\t{label}" if label else str(len(items)))
        return
    from rich.table import Table

    heading = (group_by or "").capitalize()
    table = Table(show_footer=bool(group_by), header_style="bold", footer_style="dim")
    if group_by:
        table.add_column(heading, footer="resources")
    table.add_column("Count" if group_by else "Resources", justify="right", footer=str(total))
    for label, items in groups:
        table.add_row(*([label] if group_by else []), str(len(items)))
    console().print(table)


def _print_groups(groups: list[tuple[str, list]], *, total: int, grouped: bool) -> None:  # type: ignore[type-arg]
    from mlsd_cli.cli.render import plain_line
    from mlsd_cli.cli.render import resource_table

    if not stdout_is_terminal():
        for label, items in groups:
            if grouped:
                echo(f"# {label} ({len(items)})")
            for r in items:
                echo(plain_line(r))
        return
    out = console()
    if total == 0:
        out.print("No resources match.")
        return
    for label, items in groups:
        heading = f"{label} ({len(items)})" if grouped else None
        out.print(resource_table(items, title=heading, width=out.width))
    out.print(f"{total} resource{'s' if total != 1 else ''}", style="dim")
