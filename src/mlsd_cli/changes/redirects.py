"""``mlsd check --fix-redirects``: rewrite permanently moved URLs, as one planned write."""

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

#: (resource id, old URL, new URL)
Move = tuple[str, str, str]


@dataclass
class RedirectPlan(Plan[list[Move]]):
    """The URL rewrites, planned on the catalogue the links were checked from."""

    moves: list[Move]
    basis: Basis = field(default_factory=Basis)

    @classmethod
    def of(cls, catalogue: Catalogue, moved: dict[str, str]) -> RedirectPlan:
        """Every entry whose URL ``moved`` maps to a valid, different URL."""
        moves: list[Move] = []
        touched = []
        for resource in catalogue.resources:
            new = moved.get(resource.url or "")
            if new and url_problem(new) is None and new != resource.url:
                moves.append((resource.id, resource.url or "", new))
                touched.append(resource)
        return cls(moves, Basis.of(touched))

    def apply(self, catalogue: Catalogue) -> list[Move]:
        by_id = {r.id: r for r in catalogue.resources}
        for rid, _old, new in self.moves:
            by_id[rid].url = new
        return self.moves


def fix_redirects(
    location: CatalogueLocation | Path, moved: dict[str, str], catalogue: Catalogue
) -> list[Move]:
    """Rewrite the moved URLs of ``catalogue`` (as loaded) on disk: (id, old, new) per change.

    Refused as stale (nothing written) when one of those entries changed on disk meanwhile.
    """
    plan = RedirectPlan.of(catalogue, moved)
    return commit(location, plan) if plan.moves else []
