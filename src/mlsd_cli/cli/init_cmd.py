"""``mlsd init``: create an empty catalogue."""

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
) -> None:
    """Create an empty catalogue, and the folders on its path (refuses to overwrite a file).

    [bold]Examples[/bold]

      mlsd init

      mlsd init lists/ml.toml --title "ML systems reading list"
    """
    from mlsd_cli.catalogue.store import init_catalogue

    init_catalogue(path, title=title, description=description)
    echo(f"Created {path}. Next: mlsd import LIST.md -c {path}, or mlsd add URL -c {path}")
