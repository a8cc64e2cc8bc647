"""``mlsd tag``: add and remove tags on one entry or many, list tags, rename and merge them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer

from mlsd_cli.cli import completion
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import console
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import stdout_is_terminal
from mlsd_cli.cli.common import warn
from mlsd_cli.cli.prompts import confirm
from mlsd_cli.cli.prompts import require_terminal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.changes.tagging import TagChange
    from mlsd_cli.changes.tagging import TagEdit
    from mlsd_cli.changes.tagging import TagNote
    from mlsd_cli.changes.tagging import TagPlan

#: ``-kafka`` is a tag to remove, not an option: unknown dashed words reach the arguments, and
#: this command has no one-letter options (``-streaming`` would otherwise read as ``-s treaming``).
CONTEXT_SETTINGS: dict[str, Any] = {"ignore_unknown_options": True, "help_option_names": ["--help"]}

#: One-letter options of other commands, and the long option meant here (``-c PATH`` is
#: taken: a word of its own, followed by the path; ``-cache`` stays a tag to remove).
_SHORT_OPTIONS = {
    "-s": "--section",
    "-t": "--tag",
    "-k": "--kind",
    "-y": "--yes",
    "-q": "--query",
}

# The shared filter options, without their one-letter forms (see CONTEXT_SETTINGS).
SectionOpt = Annotated[
    list[str] | None,
    completion.option(
        "--section",
        help="Entries in this section (id or title; with sub-sections). Repeatable.",
        values=completion.section_names,
    ),
]
TagFilterOpt = Annotated[
    list[str] | None,
    completion.option(
        "--tag", help="Entries that have this tag. Repeatable.", values=completion.tags
    ),
]
KindOpt = Annotated[
    list[str] | None,
    completion.option(
        "--kind",
        help="Entries of this kind (blog, paper, video, ...). Repeatable.",
        values=completion.kinds,
    ),
]
OrgOpt = Annotated[
    list[str] | None, typer.Option("--org", help="Entries of this organisation. Repeatable.")
]
YearOpt = Annotated[
    list[int] | None, typer.Option("--year", help="Entries of this year. Repeatable.")
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Published in or after YEAR, or added on or after a DATE."),
]
NoUrlOpt = Annotated[bool, typer.Option("--no-url", help="Entries without a URL.")]
CatalogueOpt = Annotated[
    str | None,
    typer.Option(
        "--catalogue",
        help="Catalogue file (also -c FILE). Default: $MLSD_CATALOGUE, else resources.toml "
        "here or in a parent directory.",
        show_default=False,
    ),
]


@handle_errors
def command(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None,
        completion.argument(
            metavar="[ID] [+TAG] [-TAG]...",
            help="An entry (id or unambiguous title), then tags to add (+tag) and remove (-tag).",
            show_default=False,
            values=completion.tag_words,
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", help="Change the entries found by this search (every word)."),
    ] = None,
    section: SectionOpt = None,
    tag: TagFilterOpt = None,
    kind: KindOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    no_url: NoUrlOpt = False,
    list_tags: Annotated[
        bool, typer.Option("--list", help="List the tags with their counts; mark near spellings.")
    ] = False,
    rename: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--rename",
            metavar="OLD NEW",
            help="Rename a tag on every entry; onto a tag in use, this merges the two.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="A new tag that is a near spelling is an error (exit 2)."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Change several entries without asking.")
    ] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Add and remove tags on one entry or many; list, rename and merge tags.

    Tags are kept in one normal form, lower-case words joined by '-': +"Feature Store", +feature_store and +FEATURE-STORE all add feature-store. Write +TAG to add a tag and -TAG to remove one (this command has no one-letter options, so -kafka is always a tag).

    One entry: name it by id or by an unambiguous title, then the tags. Many entries: choose them with --query WORDS (the search hits containing every word) or with filters (--section, --tag, --kind, --org, --year, --since, --no-url). The command lists exactly what changes and asks before writing; --yes skips the question (needed without a terminal), --dry-run only shows.

    A new tag that is a near spelling of a tag already in use (feature-stores and feature-store, recomender and recommender, ml-ops and mlops) is written anyway, with a warning naming the existing tag; --strict refuses it instead (exit 2, nothing written).

    --list prints every tag with the number of entries that have it, most used first, and the near spellings of each; --json gives [{"tag", "count", "similar"}]. --rename OLD NEW renames a tag everywhere; when NEW is already in use the two merge, and no entry keeps a tag twice.

    Nothing is written when nothing changes. Exit status: 0 done (or declined at the question), 2 a mistake (nothing written).

    [bold]Examples[/bold]

      mlsd tag ubers-michelangelo +streaming -kafka

      mlsd tag "the log" +real-time

      mlsd tag --query "feature store" +feature-store

      mlsd tag --section streaming --kind paper +streaming --dry-run

      mlsd tag --list

      mlsd tag --rename feature-stores feature-store --yes
    """  # noqa: E501
    from mlsd_cli.changes.commit import commit

    tokens, catalogue = _catalogue_word(list(args or []), catalogue)
    if tokens == ["-h"]:
        echo(ctx.get_help())
        return
    ref, edit = _parse(tokens)
    filters = (section, tag, kind, org, year, since, no_url)
    location, cat = load_catalogue(None if catalogue is None else _path(catalogue))
    selected = _targets(cat, query, filters) if query is not None or any(filters) else None
    if list_tags:
        _check_list(ref, edit, rename)
        _list(cat, cat.resources if selected is None else selected, json_out)
        return
    if ref is not None and not (edit.add or edit.remove or rename or selected is not None):
        _show(cat, ref, json_out)
        return
    todo, entry = _plan(cat, ref, edit, rename, selected)
    many = entry is None
    notes = _warn(cat, todo, entry, strict=strict)
    if not todo.changes or dry_run:
        _unwritten(todo, notes, many=many, json_out=json_out)
        return
    if many and not yes:
        _ask(location, todo, json_out=json_out)
    applied = commit(location, todo)
    _report(todo, applied, notes, many=many, written=bool(applied), json_out=json_out)


def _parse(tokens: list[str]) -> tuple[str | None, TagEdit]:
    """The entry and the +TAG/-TAG words; a one-letter option of another command is a mistake."""
    from mlsd_cli.changes.tagging import parse_tag_args
    from mlsd_cli.errors import InputError

    for token in tokens:
        if token.startswith("--"):
            raise InputError(
                f"no such option: {token}", hint="see the options with: mlsd tag --help"
            )
        if token in _SHORT_OPTIONS:
            raise InputError(
                f"{token} is not an option of mlsd tag (a -TAG argument removes a tag)",
                hint=f"write {_SHORT_OPTIONS[token]}",
            )
    return parse_tag_args(tokens)


def _catalogue_word(tokens: list[str], catalogue: str | None) -> tuple[list[str], str | None]:
    """Take ``-c PATH`` out of the words (the last one given wins, as for --catalogue)."""
    rest: list[str] = []
    words = iter(tokens)
    for token in words:
        if token == "-c":
            catalogue = next(words, None)
            if catalogue is None:
                from mlsd_cli.errors import InputError

                raise InputError("-c needs a catalogue file", hint="mlsd tag -c FILE ...")
        else:
            rest.append(token)
    return rest, catalogue


def _check_list(ref: str | None, edit: TagEdit, rename: tuple[str, str] | None) -> None:
    from mlsd_cli.errors import InputError

    if rename or edit.add or edit.remove or ref is not None:
        raise InputError(
            "--list takes no entry and no +TAG/-TAG",
            hint="list with: mlsd tag --list (filters and --query narrow the count)",
        )


def _plan(
    cat: Catalogue,
    ref: str | None,
    edit: TagEdit,
    rename: tuple[str, str] | None,
    selected: list[Resource] | None,
) -> tuple[TagPlan, Resource | None]:
    """The plan the arguments ask for, and its one entry (None: it works on many)."""
    from mlsd_cli.changes import tagging
    from mlsd_cli.errors import InputError
    from mlsd_cli.lookup.entries import find_resource

    if rename:
        if edit.add or edit.remove or ref is not None or selected is not None:
            raise InputError(
                "--rename works on the whole catalogue and takes no entry, tags or filters",
                hint="mlsd tag --rename OLD NEW",
            )
        return tagging.TagPlan.of(cat, cat.resources, tagging.make_rename(cat, *rename)), None
    if ref is not None and selected is not None:
        raise InputError(
            "give either an entry or --query/filters, not both",
            hint="mlsd tag ID +TAG, or mlsd tag --query WORDS +TAG",
        )
    if not (edit.add or edit.remove):
        raise InputError(
            "nothing to do: give tags to add (+TAG) or remove (-TAG)",
            hint="for example mlsd tag ID +streaming -kafka, or mlsd tag --list",
        )
    if ref is not None:
        entry = find_resource(cat, ref)
        return tagging.TagPlan.of(cat, [entry], edit), entry
    if selected is None:
        raise InputError(
            "which entries? give an entry, --query WORDS or a filter such as --section",
            hint="mlsd tag ID +TAG, or mlsd tag --query WORDS +TAG",
        )
    return tagging.TagPlan.of(cat, selected, edit), None


def _warn(cat: Catalogue, todo: TagPlan, entry: Resource | None, *, strict: bool) -> list[TagNote]:
    """Warn about near spellings and unused tags; with --strict the first one is an error."""
    from mlsd_cli.changes.tagging import check
    from mlsd_cli.errors import InputError

    notes = check(cat, todo.op, entry=entry)
    warn(notes)
    if strict and notes:
        raise InputError(f"{notes[0].message} (--strict)", hint=notes[0].hint)
    return notes


def _unwritten(todo: TagPlan, notes: list[TagNote], *, many: bool, json_out: bool) -> None:
    """Nothing to change, or --dry-run: say what would change; write nothing."""
    if json_out:
        _report(todo, todo.changes, notes, many=many, written=False, json_out=True)
    elif not todo.changes:
        echo("Nothing to change; nothing written.")
    else:
        _print_plan(todo)
        echo("Dry run: nothing written.")


def _path(text: str) -> Any:
    from pathlib import Path

    return Path(text)


def _targets(cat: Catalogue, query: str | None, filters: tuple[Any, ...]) -> list[Resource]:
    from mlsd_cli.changes.tagging import select
    from mlsd_cli.cli.common import build_filter

    return select(cat, query=query, selection=build_filter(cat, *filters))


def _ask(location: CatalogueLocation, todo: TagPlan, *, json_out: bool) -> None:
    """List the changes and ask; raise when declined or when no one can answer."""
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import InputError

    store.ensure_writable(location)  # before asking, not after
    if json_out:
        raise InputError(
            "--json prints no question: add --yes to change several entries, or --dry-run",
            hint="mlsd tag ... --json --yes",
        )
    what = f"changing the tags of {_entries(len(todo.changes))}"
    require_terminal(what, hint="pass --yes, or --dry-run to see what would change")
    _print_plan(todo)
    confirm(
        f"Change the tags of {_entries(len(todo.changes))}?",
        declined="not tagged; nothing was written",
    )


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _print_plan(todo: TagPlan) -> None:
    from mlsd_cli.changes.tagging import TagRename

    op, changes = todo.op, todo.changes
    if isinstance(op, TagRename):
        how = f" (merging into '{op.new}', already in use)" if todo.merge else ""
        echo(f"Rename tag '{op.old}' to '{op.new}'{how} on {_entries(len(changes))}:")
    else:
        echo(f"{op.describe()} on {_entries(len(changes))}:")
    width = max(len(c.id) for c in changes)
    for c in changes:
        echo(f"  {c.id:<{width}}  {c.describe()}  ({_short(c.title)})")


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 3].rstrip() + "..."


def _report(
    todo: TagPlan,
    changes: list[TagChange],
    notes: list[TagNote],
    *,
    many: bool,
    written: bool,
    json_out: bool,
) -> None:
    from mlsd_cli.changes.tagging import TagRename

    op, merge = todo.op, todo.merge
    if json_out:
        data: dict[str, Any] = {
            "operation": "rename" if isinstance(op, TagRename) else "edit",
            "written": written,
            "changes": [
                {
                    "id": c.id,
                    "title": c.title,
                    "added": list(c.added),
                    "removed": list(c.removed),
                    "tags": list(c.after),
                }
                for c in changes
            ],
            "warnings": [{"tag": n.tag, "kind": n.kind, "similar": list(n.similar)} for n in notes],
        }
        if isinstance(op, TagRename):
            data.update({"old": op.old, "new": op.new, "merge": merge})
        print_json(data)
        return
    if not changes:
        return
    if not many:
        c = changes[0]
        echo(f"{c.id}: {c.describe()}; tags now: {', '.join(c.after) or '(none)'}")
    elif isinstance(op, TagRename):
        verb = "Merged" if merge else "Renamed"
        echo(f"{verb} tag '{op.old}' into '{op.new}' on {_entries(len(changes))}.")
    else:
        echo(f"Changed the tags of {_entries(len(changes))}: {op.describe()}")


def _show(cat: Catalogue, ref: str, json_out: bool) -> None:
    """``mlsd tag ID``: the entry's tags, one a line."""
    from mlsd_cli.lookup.entries import find_resource

    resource = find_resource(cat, ref)
    if json_out:
        print_json({"id": resource.id, "tags": list(resource.tags)})
        return
    for t in resource.tags:
        echo(t)


def _list(cat: Catalogue, resources: Sequence[Resource], json_out: bool) -> None:
    from mlsd_cli.catalogue.model import Catalogue as CatalogueModel
    from mlsd_cli.lookup.tags import near_duplicate_pairs
    from mlsd_cli.lookup.tags import tag_counts

    counts = tag_counts(CatalogueModel(resources=list(resources)))
    similar: dict[str, list[str]] = {}
    for a, b in near_duplicate_pairs(t for t, _n in counts):
        similar.setdefault(a, []).append(b)
        similar.setdefault(b, []).append(a)
    if json_out:
        print_json(
            [{"tag": t, "count": n, "similar": sorted(similar.get(t, []))} for t, n in counts]
        )
        return
    if not stdout_is_terminal():
        for t, n in counts:
            near = similar.get(t)
            echo(f"{n}\t{t}" + (f"\tsimilar: {', '.join(sorted(near))}" if near else ""))
        return
    from rich.table import Table

    out = console()
    if not counts:
        out.print("No tags yet. Add some with: mlsd tag ID +TAG")
        return
    table = Table(title=None, expand=False)
    table.add_column("Tag", style="cyan", no_wrap=True)
    table.add_column("Entries", justify="right")
    table.add_column("Near spellings", style="yellow")
    for t, n in counts:
        table.add_row(t, str(n), ", ".join(sorted(similar.get(t, []))))
    out.print(table)
    pairs = sum(len(v) for v in similar.values()) // 2
    footer = f"{len(counts)} tag{'s' if len(counts) != 1 else ''}"
    if pairs:
        plural = "s" if pairs != 1 else ""
        footer += f"; {pairs} near-spelling pair{plural}: merge with mlsd tag --rename OLD NEW"
    out.print(footer, style="dim")
