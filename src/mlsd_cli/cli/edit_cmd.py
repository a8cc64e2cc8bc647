"""``mlsd edit``: change fields of one resource, with options or in $EDITOR."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING
from typing import Annotated

import typer

from mlsd_cli.cli import completion
from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import IdArg
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import warn

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.changes.editing import EditPlan
    from mlsd_cli.changes.editing import FieldChanges

ListOpt = list[str] | None


@handle_errors
def command(
    ref: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    kind: Annotated[
        str | None, completion.option("--kind", "-k", help="New kind.", values=completion.kinds)
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help='New URL ("" removes it).')] = None,
    section: Annotated[
        ListOpt,
        completion.option(
            "--section",
            "-s",
            help="Replace the sections (id or title). Repeatable.",
            values=completion.section_names,
        ),
    ] = None,
    add_section: Annotated[
        ListOpt,
        completion.option(
            "--add-section",
            help="Also list it in this section. Repeatable.",
            values=completion.section_names,
        ),
    ] = None,
    remove_section: Annotated[
        ListOpt,
        completion.option(
            "--remove-section",
            help="Take it out of this section. Repeatable.",
            values=completion.section_names,
        ),
    ] = None,
    tag: Annotated[
        ListOpt,
        completion.option(
            "--tag", "-t", help="Replace the tags. Repeatable.", values=completion.tags
        ),
    ] = None,
    add_tag: Annotated[
        ListOpt,
        completion.option("--add-tag", help="Add a tag. Repeatable.", values=completion.tags),
    ] = None,
    remove_tag: Annotated[
        ListOpt,
        completion.option("--remove-tag", help="Remove a tag. Repeatable.", values=completion.tags),
    ] = None,
    author: Annotated[
        ListOpt, typer.Option("--author", "-a", help="Replace the authors. Repeatable.")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="New organisation.")] = None,
    venue: Annotated[str | None, typer.Option("--venue", help="New venue.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="New year.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="New description (markdown).")
    ] = None,
    clear: Annotated[
        ListOpt,
        typer.Option(
            "--clear",
            help="Empty a field: url, org, venue, year, description, tags or authors. Repeatable.",
        ),
    ] = None,
    editor: Annotated[
        bool,
        typer.Option("--editor", "-e", help="Edit the entry as TOML in $VISUAL or $EDITOR."),
    ] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Change fields of one resource, with options or in your editor.

    Name the resource by its id or by an unambiguous part of its title. Options replace a field (an empty string empties it, as does --clear FIELD); --add-section, --remove-section, --add-tag and --remove-tag change one item of a list. The id never changes, so links to it keep working.

    With --editor, the entry opens as a small TOML document in $VISUAL or $EDITOR; it is checked when the editor closes, and nothing is saved if it is not valid (your text is kept in the temporary file named in the error).

    A new URL that another resource already has (ignoring http/https, www., tracking parameters and the like), or a new title whose id is one under which dedupe --merge merged an entry into another, is refused with exit status 1.

    [bold]Examples[/bold]

      mlsd edit ubers-michelangelo --add-section feature-stores --add-tag ml-platform

      mlsd edit "smart compose" --year 2019 --venue KDD

      mlsd edit the-log --clear description

      mlsd edit facebook-ads-clicks --editor
    """  # noqa: E501
    from mlsd_cli.catalogue.store import ensure_writable
    from mlsd_cli.changes.commit import commit
    from mlsd_cli.changes.editing import EditPlan
    from mlsd_cli.changes.editing import FieldChanges
    from mlsd_cli.lookup.entries import find_resource

    location, cat = load_catalogue(catalogue)
    ensure_writable(location)
    original = find_resource(cat, ref)
    changes = FieldChanges(
        title=title, kind=kind, url=url, sections=section, add_sections=add_section or [],
        remove_sections=remove_section or [], tags=tag, add_tags=add_tag or [],
        remove_tags=remove_tag or [], authors=author, org=org, venue=venue, year=year,
        description=description, clear=clear or [],
    )  # fmt: skip
    plan = EditPlan(original, _edited(location, cat, original, changes, editor=editor))
    if not plan.empty:
        commit(location, plan)
    _report(plan, json_out=json_out)


def _edited(
    location: CatalogueLocation,
    cat: Catalogue,
    original: Resource,
    changes: FieldChanges,
    *,
    editor: bool,
) -> Resource:
    """The entry as the options (or the editor) leave it; nothing is written."""
    from mlsd_cli.changes.editing import apply_changes
    from mlsd_cli.changes.editing import tag_warnings
    from mlsd_cli.errors import InputError

    if editor and not changes.empty:
        raise InputError("give either field options or --editor, not both")
    if editor:
        return _edit_in_editor(location, cat, original)
    if changes.empty:
        raise InputError(
            "nothing to change",
            hint="pass field options such as --title or --add-section, or --editor",
        )
    new = apply_changes(cat, original, changes)
    warn(tag_warnings(cat, original, new, changes))
    return new


def _report(plan: EditPlan, *, json_out: bool) -> None:
    """The entry as it is now (JSON), or one line: updated, or no change."""
    from mlsd_cli.catalogue.schema import resource_to_json

    if json_out:
        print_json({**resource_to_json(plan.new), "changed": not plan.empty})
    elif plan.empty:
        echo(f"No changes to {plan.original.id}; nothing was written.")
    else:
        echo(f"Updated {plan.new.id}: {plan.new.title}")


def _edit_in_editor(location: CatalogueLocation, cat: Catalogue, original: Resource) -> Resource:
    """Open the entry in the user's editor; return it parsed and validated."""
    import shlex
    import subprocess
    import tempfile
    from pathlib import Path

    from mlsd_cli.changes.editing import entry_to_toml
    from mlsd_cli.changes.editing import parse_entry
    from mlsd_cli.errors import CatalogueError
    from mlsd_cli.errors import InputError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        if not sys.stdin.isatty():
            raise InputError(
                "--editor: set $VISUAL or $EDITOR to the editor to use",
                hint="for example: EDITOR=nano mlsd edit ID --editor",
            )
        editor = "vi"
    text = entry_to_toml(cat, original, source=str(location.path))
    fd, name = tempfile.mkstemp(prefix=f"mlsd-{original.id}-", suffix=".toml")
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    keep = False
    try:
        try:
            argv = [*shlex.split(editor), str(path)]
            status = subprocess.run(argv, check=False).returncode
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot start the editor '{editor}': {exc}",
                hint="set $VISUAL or $EDITOR to an editor on your PATH",
            ) from None
        if status != 0:
            raise InputError(
                f"the editor exited with status {status}; nothing was written",
                hint="save and quit normally to apply the changes",
            )
        try:
            edited = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the edited entry: {exc}") from None
        if edited == text:
            return original
        try:
            return parse_entry(edited, cat, original, source=str(path))
        except CatalogueError as exc:
            keep = True
            exc.hint = (
                f"{exc.hint}; " if exc.hint else ""
            ) + f"nothing was written; your text is kept in {path}"
            raise
    finally:
        if not keep:
            path.unlink(missing_ok=True)
