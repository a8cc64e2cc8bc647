"""``mlsd open``: an entry's URL in the browser."""

from __future__ import annotations

from typing import Annotated

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import IdArg
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue


@handle_errors
def command(
    ref: IdArg,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the URL instead of opening it.")
    ] = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Open a resource's URL in the web browser.

    The entry is named as for mlsd show. Exit status: 0 opened (or printed), 2 no such entry, or it has no URL, or no browser could be started (the URL is printed then).

    [bold]Examples[/bold]

      mlsd open ubers-michelangelo

      mlsd open "the log" --print
    """  # noqa: E501
    import webbrowser

    from mlsd_cli.errors import InputError
    from mlsd_cli.lookup.entries import find_resource

    _location, cat = load_catalogue(catalogue)
    resource = find_resource(cat, ref)
    if not resource.url:
        raise InputError(
            f"'{resource.id}' has no URL",
            hint=f"give it one with: mlsd edit {resource.id} --url URL",
        )
    if print_only:
        echo(resource.url)
        return
    if not webbrowser.open(resource.url):
        echo(resource.url)
        raise InputError("no web browser could be started; the URL is printed above")
