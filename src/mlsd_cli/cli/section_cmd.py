"""``mlsd section``: the sections as a tree; add, rename, move and remove sections."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Annotated

import typer

from mlsd_cli.cli import completion
from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Section
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.changes.commit import Plan
    from mlsd_cli.changes.sections import SectionChange
    from mlsd_cli.changes.sections import TreeRow

app = typer.Typer(
    name="section",
    help="Show the sections as a tree; add, rename, move and remove sections.\n\n"
    "Sections are named by id or by an unambiguous title (as --section is everywhere). "
    "Every change is written atomically under the catalogue's lock, and refused (nothing "
    "written) if the section changed meanwhile.\n\n"
    "[bold]Examples[/bold]\n\n"
    "  mlsd section list\n\n"
    '  mlsd section add "Feature stores" --parent platforms\n\n'
    '  mlsd section rename feature-stores "Feature platforms"\n\n'
    "  mlsd section move streaming --top --position 1\n\n"
    "  mlsd section remove old-stuff --into platforms",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

SectionArg = Annotated[
    str,
    completion.argument(
        metavar="SECTION",
        help="Section id, or an unambiguous title.",
        values=completion.section_names,
    ),
]
PositionOpt = Annotated[
    int | None,
    typer.Option("--position", help="Place among the sections of the same parent, from 1."),
]


@app.command("list")
@handle_errors
def list_sections(json_out: JsonOpt = False, catalogue: CatalogueOpt = None) -> None:
    """The sections as a tree, with the entries in each (and below it).

    --json gives [{"id", "title", "parent", "depth", "entries", "total"}] in tree order.

    [bold]Examples[/bold]

      mlsd section list

      mlsd section list --json
    """
    from mlsd_cli.changes.sections import tree

    _location, cat = load_catalogue(catalogue)
    rows = tree(cat)
    if json_out:
        print_json([_row_json(r) for r in rows])
        return
    if not rows:
        echo('No sections yet. Add one with: mlsd section add "TITLE"')
    for r in rows:
        count = f"{r.entries} entr{'y' if r.entries == 1 else 'ies'}"
        count += f", {r.total} with sub-sections" if r.total != r.entries else ""
        echo(f"{'  ' * r.depth}{r.section.title}  [{r.section.id}]  ({count})")


@app.command("add")
@handle_errors
def add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The new section's title.")],
    section_id: Annotated[
        str | None, typer.Option("--id", help="Its id (default: made from the title).")
    ] = None,
    parent: Annotated[
        str | None,
        completion.option(
            "--parent", help="The section it goes under.", values=completion.section_names
        ),
    ] = None,
    position: PositionOpt = None,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Add a section, at the top level or under --parent.

    Without --position it goes among its siblings by id (after the last one whose id sorts before its own), so pull requests that add sections merge (docs/merging.md).

    [bold]Examples[/bold]

      mlsd section add "Feature stores" --parent platforms

      mlsd section add "Search" --id search --position 1
    """  # noqa: E501
    from mlsd_cli.changes.sections import plan_add

    location, cat = load_catalogue(catalogue)
    plan = plan_add(cat, title, section_id=section_id, parent=parent, position=position)
    _commit(location, plan, json_out)


@app.command("rename")
@handle_errors
def rename(
    section: SectionArg,
    title: Annotated[
        str | None, typer.Argument(metavar="[TITLE]", help="The new title.", show_default=False)
    ] = None,
    new_id: Annotated[
        str | None,
        typer.Option("--id", help="A new id too (entries and sub-sections follow it)."),
    ] = None,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Give a section a new title, and with --id a new id.

    [bold]Examples[/bold]

      mlsd section rename feature-stores "Feature platforms"

      mlsd section rename feature-stores --id feature-platforms
    """
    from mlsd_cli.changes.sections import plan_rename

    location, cat = load_catalogue(catalogue)
    _commit(location, plan_rename(cat, section, title, new_id=new_id), json_out)


@app.command("move")
@handle_errors
def move(
    section: SectionArg,
    parent: Annotated[
        str | None,
        completion.option(
            "--parent", help="The section it goes under.", values=completion.section_names
        ),
    ] = None,
    top: Annotated[bool, typer.Option("--top", help="Make it a top-level section.")] = False,
    position: PositionOpt = None,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Move a section (and everything below it) under another parent, or to another place.

    Without --parent or --top it keeps its parent (re-order it with --position). Without --position it goes last among its new siblings.

    [bold]Examples[/bold]

      mlsd section move streaming --parent data

      mlsd section move streaming --top --position 1
    """  # noqa: E501
    from mlsd_cli.changes.sections import KEEP
    from mlsd_cli.changes.sections import plan_move
    from mlsd_cli.errors import InputError

    if top and parent is not None:
        raise InputError("give --parent or --top, not both", hint="--top makes it top-level")
    location, cat = load_catalogue(catalogue)
    new_parent = None if top else (parent if parent is not None else KEEP)
    _commit(location, plan_move(cat, section, parent=new_parent, position=position), json_out)


@app.command("remove")
@handle_errors
def remove(
    section: SectionArg,
    into: Annotated[
        str | None,
        completion.option(
            "--into",
            help="The section its entries go to (needed if it has any).",
            values=completion.section_names,
        ),
    ] = None,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Remove a section; its sub-sections move up to its parent.

    Refused (exit 2, nothing written) while entries are in it, unless --into names the section they go to.

    [bold]Examples[/bold]

      mlsd section remove old-stuff

      mlsd section remove old-stuff --into platforms
    """  # noqa: E501
    from mlsd_cli.changes.sections import plan_remove

    location, cat = load_catalogue(catalogue)
    _commit(location, plan_remove(cat, section, into=into), json_out)


def _commit(location: CatalogueLocation, plan: Plan[SectionChange], json_out: bool) -> None:
    from mlsd_cli.changes.commit import commit

    done = commit(location, plan)
    if json_out:
        print_json(
            {
                "action": done.action,
                "section": _section_json(done.section),
                "entries": list(done.entries),
                "into": done.into,
            }
        )
        return
    s = done.section
    where = f" under '{s.parent}'" if s.parent else " at the top level"
    text = f"{done.action.capitalize()} section '{s.id}' ({s.title})"
    text += "" if done.action == "removed" else where
    if done.entries and done.into:
        n = len(done.entries)
        text += f"; its {n} entr{'y' if n == 1 else 'ies'} now in '{done.into}'"
    echo(text + ".")


def _section_json(s: Section) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "parent": s.parent}


def _row_json(row: TreeRow) -> dict[str, object]:
    return {**_section_json(row.section), "depth": row.depth, "entries": row.entries} | {
        "total": row.total
    }
