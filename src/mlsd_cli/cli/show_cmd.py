"""``mlsd show``: one resource in full."""

from __future__ import annotations

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import IdArg
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import console
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import stdout_is_terminal


@handle_errors
def command(
    ref: IdArg,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Show one resource in full.

    [bold]Examples[/bold]

      mlsd show ubers-michelangelo

      mlsd show "smart compose" --json
    """
    from mlsd_cli.catalogue.schema import resource_to_json
    from mlsd_cli.cli.render import resource_details
    from mlsd_cli.cli.render import resource_panel
    from mlsd_cli.lookup.entries import find_resource

    _location, cat = load_catalogue(catalogue)
    resource = find_resource(cat, ref)
    if json_out:
        print_json(resource_to_json(resource))
    elif stdout_is_terminal():
        console().print(resource_panel(resource, cat))
    else:
        for line in resource_details(resource, cat):
            echo(line)
