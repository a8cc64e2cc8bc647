"""Rich renderables and plain-text lines built from the models. Nothing here prints."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource

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


#: ``mlsd show``'s labels are padded to this width ("sections:    ").
LABEL_WIDTH = 13


def resource_details(r: Resource, catalogue: Catalogue) -> Iterable[str]:
    """``field: value`` lines describing one resource in full (the field table decides which
    fields, in which order and how: :attr:`mlsd_cli.catalogue.fields.Field.display`)."""
    titles = catalogue.section_titles()
    paragraphs: list[str] = []
    for f in RESOURCE_FIELDS:
        value = getattr(r, f.name)
        if not f.is_set(value):
            if f.display == "always":
                yield f"{f.label}:".ljust(LABEL_WIDTH) + f.display_empty
            elif f.display == "sections":
                yield f"{f.label}:".ljust(LABEL_WIDTH)
            continue
        if f.display == "paragraph":
            paragraphs.append(str(value))
            continue
        if f.display == "sections":
            text = "; ".join(f"{titles.get(s, s)} [{s}]" for s in value)
        elif f.type == "list":
            text = ", ".join(value)
        elif f.type == "date":
            text = value.isoformat()
        else:
            text = str(value)
        yield f"{f.label}:".ljust(LABEL_WIDTH) + text
    for paragraph in paragraphs:
        yield ""
        yield paragraph


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
