"""Naming an entry: by id, by an old (merged) id, or by an unambiguous, possibly fuzzy, title."""

from __future__ import annotations

from mlsd_cli.errors import NotFoundError
from mlsd_cli.models import Catalogue, Resource

#: A fuzzy title match must score at least this (0-100) to be considered.
FUZZY_MIN = 80.0
#: ...and beat the runner-up by this much to be taken without asking.
FUZZY_MARGIN = 8.0


def _describe(r: Resource) -> str:
    return f"{r.id}  {r.title}"


def find_resource(catalogue: Catalogue, ref: str) -> Resource:
    """The one resource ``ref`` names. Raises NotFoundError (with candidates when ambiguous)."""
    ref = ref.strip()
    found = catalogue.resource(ref)
    if found is not None:
        return found
    folded = ref.casefold()
    exact = [r for r in catalogue.resources if r.title.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise NotFoundError(
            f"'{ref}' is the title of {len(exact)} resources",
            candidates=[_describe(r) for r in exact],
            hint="name one by its id",
        )
    prefixed = [r for r in catalogue.resources if r.id.startswith(folded)]
    if len(prefixed) == 1:
        return prefixed[0]

    from rapidfuzz import fuzz, process, utils

    scored = process.extract(
        ref,
        {i: r.title for i, r in enumerate(catalogue.resources)},
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=5,
        score_cutoff=FUZZY_MIN,
    )
    if scored:
        best = scored[0]
        runner_up = scored[1][1] if len(scored) > 1 else 0.0
        if best[1] - runner_up >= FUZZY_MARGIN:
            return catalogue.resources[best[2]]
        raise NotFoundError(
            f"'{ref}' could name several resources",
            candidates=[f"{_describe(catalogue.resources[k])}  ({s:.0f})" for _, s, k in scored],
            hint="name one by its id",
        )
    raise NotFoundError(
        f"no resource with id or title '{ref}'", hint="find it with: mlsd search WORDS"
    )
