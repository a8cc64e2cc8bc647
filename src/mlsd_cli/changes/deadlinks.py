"""``mlsd check --fix-dead``: dead links replaced by their archived copy, or marked dead.

One planned write (:mod:`mlsd_cli.changes.commit`): each decision names a resource, its dead
URL and either the archived copy that replaces it or None, which keeps the URL and adds the
tag :data:`DEAD_TAG` (so ``mlsd list --tag dead`` finds them and the exports show it). Refused
as stale, nothing written, when one of those entries changed on disk since the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.commit import commit

if TYPE_CHECKING:
    from pathlib import Path

    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.store import CatalogueLocation

#: The tag a dead link kept as it is gets.
DEAD_TAG = "dead"
#: (resource id, dead URL, archived copy or None for "mark dead")
Decision = tuple[str, str, str | None]


@dataclass
class DeadLinkPlan(Plan[list[Decision]]):
    decisions: list[Decision]
    basis: Basis = field(default_factory=Basis)

    @classmethod
    def of(cls, catalogue: Catalogue, chosen: dict[str, str | None]) -> DeadLinkPlan:
        """A decision for every entry whose URL ``chosen`` maps (to a valid copy, or None)."""
        decisions: list[Decision] = []
        touched = []
        for resource in catalogue.resources:
            url = resource.url or ""
            if url not in chosen:
                continue
            copy = chosen[url]
            if copy is not None and (url_problem(copy) is not None or copy == url):
                continue
            if copy is None and DEAD_TAG in resource.tags:
                continue
            decisions.append((resource.id, url, copy))
            touched.append(resource)
        return cls(decisions, Basis.of(touched))

    def apply(self, catalogue: Catalogue) -> list[Decision]:
        by_id = {r.id: r for r in catalogue.resources}
        for rid, _url, copy in self.decisions:
            if copy is None:
                by_id[rid].tags.append(DEAD_TAG)
            else:
                by_id[rid].url = copy
        return self.decisions


def fix_dead(
    location: CatalogueLocation | Path, chosen: dict[str, str | None], catalogue: Catalogue
) -> list[Decision]:
    """Apply ``chosen`` (dead URL -> archived copy, or None to mark it dead) on disk."""
    plan = DeadLinkPlan.of(catalogue, chosen)
    return commit(location, plan) if plan.decisions else []
