"""``mlsd init``: create an empty catalogue (and, with --git, the merge driver's set-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors


@handle_errors
def command(
    path: Annotated[Path, typer.Argument(help="Where to create it.", dir_okay=False)] = Path(
        "resources.toml"
    ),
    title: Annotated[str, typer.Option("--title", help="The catalogue's title.")] = "",
    description: Annotated[str, typer.Option("--description", help="A line about it.")] = "",
    git: Annotated[
        bool,
        typer.Option(
            "--git",
            help="Also have git merge it with mlsd merge-driver (.gitattributes, git config); "
            "an existing catalogue is kept. Safe to run again.",
        ),
    ] = False,
) -> None:
    """Create an empty catalogue, and the folders on its path (refuses to overwrite a file).

    With --git, the catalogue (created unless it exists) is set up to merge entry by entry: a line "resources.toml merge=mlsd" in the .gitattributes beside it, and merge.mlsd.driver in the repository's git config (see docs/merging.md).

    [bold]Examples[/bold]

      mlsd init

      mlsd init lists/ml.toml --title "ML systems reading list"

      mlsd init --git
    """  # noqa: E501
    from mlsd_cli.catalogue.store import init_catalogue
    from mlsd_cli.changes.gitsetup import check_repository
    from mlsd_cli.changes.gitsetup import set_up_git

    if git:
        check_repository(path)  # before anything is written
    if not (git and path.exists()):
        init_catalogue(path, title=title, description=description)
        echo(f"Created {path}. Next: mlsd import LIST.md -c {path}, or mlsd add URL -c {path}")
    if git:
        setup = set_up_git(path)
        verb = "Added" if setup.attributes_added else "Kept"
        echo(f"{verb} '{setup.line}' in {setup.attributes}; set git config merge.mlsd.driver")
