"""The ``[[conflicts]]`` blocks ``mlsd merge-driver`` writes, and the refusal to load them.

When a merge finds a true conflict (a field changed both ways, an entry removed on one side
and edited on the other, a merged catalogue that would not validate), the merged file keeps
one value (ours, or the edited entry) and records the conflict in a ``[[conflicts]]`` table,
so the file stays valid TOML. Until the user resolves it and deletes the block, loading the
file fails with one line naming the entry and the field (:func:`conflict_error`). See
``docs/merging.md``.
"""

from __future__ import annotations

from typing import Any

#: The top-level key of the conflict blocks.
CONFLICTS_KEY = "conflicts"
#: The keys a conflict block may have, in the order they are written.
CONFLICT_KEYS = (
    "section",
    "resource",
    "field",
    "removed_in",
    "problem",
    "ours",
    "theirs",
    "base",
)
HINT = "make the entry right in the file, then delete its [[conflicts]] block (docs/merging.md)"


def _name(value: Any) -> str:
    return value if isinstance(value, str) else "?"


def describe(raw: Any) -> str:
    """One line about one conflict block (as parsed from the file)."""
    if not isinstance(raw, dict):
        return "a [[conflicts]] block"
    if "problem" in raw:
        return f"the merged catalogue does not validate: {_name(raw['problem'])}"
    if "resource" in raw:
        where = f"resource '{_name(raw['resource'])}'"
    elif "section" in raw:
        where = f"section '{_name(raw['section'])}'"
    else:
        where = "[catalogue]"
    if "removed_in" in raw:
        side = _name(raw["removed_in"])
        other = "ours" if side == "theirs" else "theirs"
        return f"{where} was removed on {side} side and edited on {other} (the file keeps it)"
    field = _name(raw.get("field"))
    return f"{where}, field '{field}' was changed on both sides (the file keeps ours)"


def conflict_message(blocks: Any) -> str:
    """The message for a file holding conflict blocks: the first, and how many more."""
    items = blocks if isinstance(blocks, list) else [blocks]
    first = describe(items[0]) if items else "an empty [[conflicts]] block"
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    return f"unresolved merge conflict: {first}{more}"
