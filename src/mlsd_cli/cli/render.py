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


#: Below this many columns left for the title, a table is unreadable (one letter a line):
#: entries are stacked instead (:func:`stacked`).
MIN_TITLE = 20
#: The Org column is at most this wide (it wraps).
ORG_WIDTH = 20


def fits_table(width: int, columns: Sequence[int]) -> bool:
    """Does a table with columns this wide, and a title column, leave the title MIN_TITLE
    columns in ``width``? (Each column has a cell padding of 1 each side and a rule.)"""
    overhead = 3 * (len(columns) + 1) + 1
    return width - sum(columns) - overhead >= MIN_TITLE


def column_width(values: Iterable[str], heading: str, cap: int | None = None) -> int:
    """The width a column needs for ``values`` under ``heading`` (at most ``cap``)."""
    widest = max((len(v) for v in values), default=0)
    widest = max(widest, len(heading))
    return min(widest, cap) if cap else widest


def stacked(
    entries: Iterable[tuple[RenderableType, Sequence[str]]], *, title: str | None = None
) -> RenderableType:
    """Entries one under the other for a narrow terminal: the title on its line, then the
    other fields (id first, in full) dimmed on the next."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    for head, rest in entries:
        parts.append(head)
        parts.append(Text("  " + " · ".join(p for p in rest if p), style="dim"))
    return Group(*parts)


def resource_table(
    resources: Sequence[Resource], *, title: str | None = None, width: int = 100
) -> RenderableType:
    """The resources as a table that fits ``width``: ids in full (titles wrap), no empty
    column; stacked (:func:`stacked`) when the title would get fewer than MIN_TITLE columns."""
    from rich.table import Table

    years = [str(r.year or "") for r in resources]
    orgs = [r.org or "" for r in resources]
    widths = [
        column_width((r.id for r in resources), "ID"),
        column_width((r.kind for r in resources), "Kind"),
    ]
    if any(years):
        widths.append(column_width(years, "Year"))
    if any(orgs):
        widths.append(column_width(orgs, "Org", ORG_WIDTH))
    if not fits_table(width, widths):
        return stacked(
            (
                (r.title, [r.id, r.kind, year, org])
                for r, year, org in zip(resources, years, orgs, strict=True)
            ),
            title=title,
        )
    table = Table(title=title, show_lines=False, expand=False, title_justify="left")
    table.add_column("ID", style="cyan", no_wrap=True, min_width=widths[0])
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    if any(years):
        table.add_column("Year", justify="right", no_wrap=True)
    if any(orgs):
        table.add_column("Org", overflow="fold", max_width=ORG_WIDTH)
    for r, year, org in zip(resources, years, orgs, strict=True):
        cells = [r.id, r.title, r.kind] + ([year] if any(years) else []) + [org] * any(orgs)
        table.add_row(*cells)
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
