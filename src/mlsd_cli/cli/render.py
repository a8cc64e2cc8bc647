"""Rich renderables and plain-text lines built from the models. Nothing here prints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.model import Catalogue, Resource

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table


def byline(r: Resource) -> str:
    """'Robert Chang, Airbnb Engineering & Data Science, 2017' (whichever parts exist)."""
    parts = [", ".join(r.authors)] if r.authors else []
    if r.venue:
        parts.append(r.venue)
    elif r.org and r.org not in (r.authors or []):
        parts.append(r.org)
    if r.year:
        parts.append(str(r.year))
    return ", ".join(p for p in parts if p)


def plain_line(r: Resource) -> str:
    """One tab-separated line for pipes: id, title, kind, year, url."""
    return "\t".join([r.id, r.title, r.kind, str(r.year or ""), r.url or ""])


def resource_table(resources: Sequence[Resource], *, title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False, title_justify="left")
    table.add_column("ID", style="cyan", no_wrap=True, max_width=32, overflow="ellipsis")
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Year", justify="right", no_wrap=True)
    table.add_column("Org", overflow="fold", max_width=20)
    for r in resources:
        table.add_row(r.id, r.title, r.kind, str(r.year or ""), r.org or "")
    return table


def resource_details(r: Resource, catalogue: Catalogue) -> Iterable[str]:
    """``field: value`` lines describing one resource in full."""
    titles = catalogue.section_titles()
    yield f"id:          {r.id}"
    yield f"title:       {r.title}"
    yield f"url:         {r.url or '(none)'}"
    yield f"kind:        {r.kind}"
    yield "sections:    " + "; ".join(f"{titles.get(s, s)} [{s}]" for s in r.sections)
    if r.org:
        yield f"org:         {r.org}"
    if r.authors:
        yield f"authors:     {', '.join(r.authors)}"
    if r.venue:
        yield f"venue:       {r.venue}"
    if r.year:
        yield f"year:        {r.year}"
    if r.tags:
        yield f"tags:        {', '.join(r.tags)}"
    if r.added:
        yield f"added:       {r.added.isoformat()}"
    if r.aliases:
        yield f"aliases:     {', '.join(r.aliases)}"
    if r.description:
        yield ""
        yield r.description


def resource_panel(r: Resource, catalogue: Catalogue) -> RenderableType:
    from rich.console import Group
    from rich.markdown import Markdown
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for line in resource_details(r, catalogue):
        if not line:  # the description follows the blank line
            break
        key, _, value = line.partition(":")
        grid.add_row(key, Text(value.strip()))
    parts: list[RenderableType] = [grid]
    if r.description:
        parts.append(Text(""))
        parts.append(Markdown(r.description))
    return Group(*parts)
