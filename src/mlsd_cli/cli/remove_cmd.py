"""``mlsd remove``: take one resource out of the catalogue, after a confirmation."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlsd_cli.cli.common import (
    CatalogueOpt,
    JsonOpt,
    YesOpt,
    confirm,
    echo,
    handle_errors,
    load_catalogue,
    print_json,
)


@handle_errors
def command(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Resource id, or an unambiguous title.")],
    yes: YesOpt = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Remove one resource from the catalogue.

    Shows the entry and asks for a confirmation; --yes skips it (needed without a terminal). Records that it is "not a duplicate" of another entry go with it. To list a resource in fewer sections instead, use mlsd edit ID --remove-section SECTION.

    [bold]Examples[/bold]

      mlsd remove facebook-ads-clicks

      mlsd remove "practical lessons from predicting clicks" --yes
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.catalogue.schema import resource_to_json
    from mlsd_cli.changes.commit import commit
    from mlsd_cli.changes.editing import RemovePlan
    from mlsd_cli.cli.render import resource_details
    from mlsd_cli.errors import AbortedError, InputError
    from mlsd_cli.lookup.entries import find_resource

    location, cat = load_catalogue(catalogue)
    store.ensure_writable(location)
    resource = find_resource(cat, ref)
    if not yes:
        from mlsd_cli.cli.common import interactive

        if not interactive():
            raise InputError(
                f"removing '{resource.id}' needs a confirmation and there is no terminal",
                hint=f"pass --yes: mlsd remove {resource.id} --yes",
            )
        for line in resource_details(resource, cat):
            sys.stderr.write(f"  {line}\n" if line else "\n")
        if not confirm(f"Remove '{resource.id}'?", default=False):
            raise AbortedError("not removed; nothing was written")
    removed = commit(location, RemovePlan(resource))
    if json_out:
        print_json({"removed": resource_to_json(removed)})
    else:
        echo(f"Removed {removed.id}: {removed.title}")
