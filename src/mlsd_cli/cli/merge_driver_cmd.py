"""``mlsd merge-driver``: git's merge driver for catalogue files (see docs/merging.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_cli.cli.common import err
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import has_findings


@handle_errors
def command(
    base: Annotated[Path, typer.Argument(help="The common ancestor (git's %O).", dir_okay=False)],
    ours: Annotated[
        Path,
        typer.Argument(help="Our version (%A); the result is written here.", dir_okay=False),
    ],
    theirs: Annotated[Path, typer.Argument(help="Their version (%B).", dir_okay=False)],
    name: Annotated[
        str | None,
        typer.Argument(help="The file's name in the repository (%P), for messages."),
    ] = None,
) -> None:
    """Merge two versions of a catalogue entry by entry (git's merge driver for resources.toml).

    Both sides' new entries are kept, different fields of one entry merged, tags and sections merged as sets. A true conflict (the same field changed both ways; an entry removed on one side and edited on the other) keeps our value, is recorded in a [[conflicts]] block of the merged file (valid TOML, which mlsd refuses to load until the block is resolved and deleted), and makes the command exit 1, so git marks the file conflicted. Exit 0: merged cleanly; 2: a version does not load (ours left as it was). Set it up with mlsd init --git.

    [bold]Examples[/bold]

      git config merge.mlsd.driver "mlsd merge-driver %O %A %B"

      echo "resources.toml merge=mlsd" >> .gitattributes
    """  # noqa: E501
    from mlsd_cli.changes.merge3 import merge_files

    result = merge_files(base, ours, theirs, name)
    if result.conflicts:
        has_findings()
        for line in result.lines():
            err(f"conflict in {name}: {line}" if name else f"conflict: {line}")
