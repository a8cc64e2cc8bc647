"""What a name typed by a user means: a section, a kind, a tag. One rule set for every command.

``list``, ``search``, ``export``, ``check``, ``tag`` (their filters), ``add``, ``edit`` and
``import`` all ask this module, so the same word is accepted or refused alike everywhere, with
the same message. Errors name the field (``sections``, ``kind``, ``tags``...: the caller says
which) and never a flag: the CLI shows the option of the command that was run.

**Sections** (:func:`find_section`, :func:`resolve_section`), tried in this order:

1. the exact id (``platforms``);
2. the id or the title, ignoring case, accents and repeated spaces (``ML PLATFORMS``,
   ``Évaluation`` for "Evaluation");
3. the beginning of an id or a title, when it is the beginning of only one section's (``plat``
   for ``platforms``).

When a step matches several sections (two sections titled "Papers" under different parents, or
``chapter`` for "Chapter 1" and "Chapter 2") the name is ambiguous: an error listing the
candidates. A name matching nothing is an error with the closest names as suggestions (``import``
creates the section instead, and interactive ``add`` offers to).

**Kinds** (:func:`resolve_kind`): one of :data:`~mlsd_cli.catalogue.model.KINDS`, in any case, or
the beginning of only one of them (``pap`` for ``paper``; ``t`` could be ``talk`` or ``thread``).

**Tags** (:func:`normal_tag`): any spelling of a tag is turned into its normal form
(:func:`mlsd_cli.catalogue.tags.normalize_tag`: ``"Feature Store"`` -> ``feature-store``,
``Ранжирование`` -> ``ранжирование``); a tag with no letter or digit in any script (``"!!!"``)
is refused, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.tags import normalize_tag
from mlsd_cli.errors import InputError
from mlsd_cli.errors import and_list

#: At most this many candidates or suggestions are named in one message.
MAX_NAMED = 10


def fold(text: str) -> str:
    """``text`` compared loosely: case, accents and runs of spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip().casefold()


# --------------------------------------------------------------------------- sections


def _named(sections: list[Section]) -> str:
    ids = [s.id for s in sections[:MAX_NAMED]]
    more = len(sections) - len(ids)
    return and_list([*ids, f"{more} more"] if more else ids)


def _ambiguous(ref: str, sections: list[Section], field: str) -> InputError:
    return InputError(
        f"'{ref}' could be any of {len(sections)} sections: {_named(sections)}",
        hint="give more of the id or title",
        field=field,
        choices=[s.id for s in sections],
    )


def _one(ref: str, found: list[Section], field: str) -> Section | None:
    if len(found) > 1:
        raise _ambiguous(ref, found, field)
    return found[0] if found else None


def find_section(catalogue: Catalogue, ref: str, *, field: str = "sections") -> Section | None:
    """The section ``ref`` names (see the module docstring), or None when it names none.

    Raises InputError when ``ref`` is empty or names several sections.
    """
    text = ref.strip()
    if not text:
        raise InputError("a section name is empty", hint="give a section id or title", field=field)
    exact = catalogue.section(text)
    if exact is not None:
        return exact
    wanted = fold(text)
    folded = [(s, fold(s.id), fold(s.title)) for s in catalogue.sections]
    same = _one(ref, [s for s, sid, title in folded if wanted in (sid, title)], field)
    if same is not None:
        return same
    starts = [s for s, sid, title in folded if sid.startswith(wanted) or title.startswith(wanted)]
    return _one(ref, starts, field)


def unknown_section(catalogue: Catalogue, ref: str, *, field: str = "sections") -> InputError:
    """The error for a ``ref`` that names no section, with the closest names as suggestions."""
    import difflib

    names = {fold(s.id): s.id for s in catalogue.sections}
    names.update((fold(s.title), s.id) for s in catalogue.sections)
    close = difflib.get_close_matches(fold(ref), list(names), n=3, cutoff=0.6)
    suggested = list(dict.fromkeys(names[c] for c in close))
    if suggested:
        hint = "did you mean " + " or ".join(f"'{s}'" for s in suggested) + "?"
    elif catalogue.sections:
        hint = f"sections: {_named(catalogue.sections)}"
    else:
        hint = "the catalogue has no sections yet"
    return InputError(f"no section named '{ref.strip()}'", hint=hint, field=field)


def resolve_section(catalogue: Catalogue, ref: str, *, field: str = "sections") -> str:
    """The id of the section ``ref`` names. Raises InputError (unknown, ambiguous, empty)."""
    found = find_section(catalogue, ref, field=field)
    if found is None:
        raise unknown_section(catalogue, ref, field=field)
    return found.id


def resolve_sections(
    catalogue: Catalogue, refs: Iterable[str], *, field: str = "sections"
) -> list[str]:
    """The ids ``refs`` name, each once, in order."""
    return list(dict.fromkeys(resolve_section(catalogue, ref, field=field) for ref in refs))


def with_subsections(catalogue: Catalogue, ids: Iterable[str]) -> frozenset[str]:
    """``ids`` and every section below them."""
    children: dict[str, list[str]] = {}
    for s in catalogue.sections:
        if s.parent:
            children.setdefault(s.parent, []).append(s.id)
    wanted = set(ids)
    stack = list(wanted)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    return frozenset(wanted)


# --------------------------------------------------------------------------- kinds


def resolve_kind(text: str, *, field: str = "kind") -> str:
    """The kind ``text`` names: a kind in any case, or the beginning of only one kind."""
    wanted = fold(text)
    if wanted in KINDS:
        return wanted
    starting = [k for k in KINDS if wanted and k.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        could = f"{', '.join(starting[:-1])} or {starting[-1]}"
        raise InputError(f"kind '{text.strip()}' could be {could}", field=field, choices=KINDS)
    raise InputError(f"unknown kind '{text.strip()}'", field=field, choices=KINDS)


def resolve_kinds(texts: Iterable[str], *, field: str = "kinds") -> tuple[str, ...]:
    return tuple(dict.fromkeys(resolve_kind(t, field=field) for t in texts))


# --------------------------------------------------------------------------- tags


def normal_tag(raw: str, *, field: str = "tags") -> str:
    """The normal form of tag ``raw``. Raises InputError when nothing of it is left."""
    tag = normalize_tag(raw)
    if not tag:
        raise InputError(
            f"tag '{raw}' has no letters or digits",
            hint="a tag is words joined by '-', such as feature-store",
            field=field,
        )
    return tag


def normal_tags(raws: Iterable[str], *, field: str = "tags") -> list[str]:
    """The normal forms of ``raws``, each once, in order (InputError for an empty tag)."""
    return list(dict.fromkeys(normal_tag(raw, field=field) for raw in raws))
