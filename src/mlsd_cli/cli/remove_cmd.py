"""``mlsd remove``: take one resource out of the catalogue, after a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import IdArg
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import YesOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.prompts import confirm
from mlsd_cli.cli.prompts import require_terminal
from mlsd_cli.cli.prompts import say

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource


@handle_errors
def command(
    ref: IdArg,
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
    from mlsd_cli.lookup.entries import find_resource

    location, cat = load_catalogue(catalogue)
    store.ensure_writable(location)
    plan = RemovePlan(find_resource(cat, ref))
    if not yes:
        _confirm(cat, plan.resource)
    removed = commit(location, plan)
    if json_out:
        print_json({"removed": resource_to_json(removed)})
    else:
        echo(f"Removed {removed.id}: {removed.title}")


def _confirm(cat: Catalogue, resource: Resource) -> None:
    """Show the entry and ask; raises when declined or when no one can answer."""
    from mlsd_cli.cli.render import resource_details

    require_terminal(
        f"removing '{resource.id}'", hint=f"pass --yes: mlsd remove {resource.id} --yes"
    )
    for line in resource_details(resource, cat):
        say(f"  {line}" if line else "")
    confirm(f"Remove '{resource.id}'?", declined="not removed; nothing was written")
