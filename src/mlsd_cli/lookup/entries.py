"""Naming an entry: by id, by an old (merged) id, or by an unambiguous, possibly fuzzy, title.

In order: an exact id or alias; an exact title (case-insensitive); a unique id prefix (for
references with a '-'); the entries whose title contains every word of the reference (word
prefixes count, so "smart compose" names "Smart Compose: Using Neural Networks to Help Write
Emails"); the same with a slip in a word; a whole title typed with slips (rapidfuzz
``token_sort_ratio`` >= :data:`FUZZY_MIN`). Several candidates are never guessed between:
the error lists them.
"""

from __future__ import annotations

import re

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import NotFoundError

#: A whole-title fuzzy match must score at least this (0-100): slips, not other titles.
FUZZY_MIN = 88.0
#: ...and beat the runner-up by this much to be taken without asking.
FUZZY_MARGIN = 5.0
_WORD = re.compile(r"\w+")


def _describe(r: Resource) -> str:
    return f"{r.id}  {r.title}"


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


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
        raise _ambiguous(ref, exact)
    if "-" in folded:  # looks like an id: a unique id prefix ("the-log") names its entry
        prefixed = [r for r in catalogue.resources if r.id.startswith(folded)]
        if len(prefixed) == 1:
            return prefixed[0]
    wanted = _words(ref)
    if wanted:
        containing = [
            r
            for r in catalogue.resources
            if all(any(w.startswith(q) for w in _words(r.title)) for q in wanted)
        ]
        if len(containing) == 1:
            return containing[0]
        if len(containing) > 1:
            raise _ambiguous(ref, containing)

    from rapidfuzz import fuzz
    from rapidfuzz import process
    from rapidfuzz import utils

    if wanted:  # every word present, allowing a slip in each ("rules machine lerning")
        slipped = [
            r
            for r in catalogue.resources
            if all(
                any(w.startswith(q) or fuzz.ratio(q, w) >= FUZZY_MIN for w in _words(r.title))
                for q in wanted
            )
        ]
        if len(slipped) == 1:
            return slipped[0]
        if len(slipped) > 1:
            raise _ambiguous(ref, slipped)
    scored = process.extract(
        ref,
        {i: r.title for i, r in enumerate(catalogue.resources)},
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        limit=5,
        score_cutoff=FUZZY_MIN,
    )
    if scored:
        runner_up = scored[1][1] if len(scored) > 1 else 0.0
        if scored[0][1] - runner_up >= FUZZY_MARGIN:
            return catalogue.resources[scored[0][2]]
        raise _ambiguous(ref, [catalogue.resources[k] for _, _, k in scored])
    raise NotFoundError(
        f"no resource with id or title '{ref}'", hint="find it with: mlsd search WORDS"
    )


def _ambiguous(ref: str, candidates: list[Resource]) -> NotFoundError:
    shown = candidates[:10]
    more = f" (and {len(candidates) - len(shown)} more)" if len(candidates) > len(shown) else ""
    return NotFoundError(
        f"'{ref}' could name {len(candidates)} resources{more}",
        candidates=[_describe(r) for r in shown],
        hint="name one by its id",
    )
