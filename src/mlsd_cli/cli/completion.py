"""Shell completion of values (bash, zsh, fish): entry ids, section ids and titles, tags, kinds,
export formats. Typer gives the commands and options; these give what goes after them.

Each function is a Typer ``autocompletion`` callback: ``(ctx, incomplete)`` -> values, or
(value, help) pairs that zsh and fish show beside the value (an entry's title, a tag's count).
They never touch the network and never print: a catalogue that cannot be found or read just
completes nothing. The catalogue is the one a ``-c``/``--catalogue`` earlier on the line names
(the command's, else the root's), else the default one; a large file is read through the load
cache (:func:`mlsd_cli.catalogue.store.load`), so completing on 100k entries stays quick.

Install with ``mlsd --install-completion`` (or ``mlsd --show-completion SHELL`` to see the
script); see docs/cli.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import typer

from mlsd_cli.catalogue.controls import drop_unsafe

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue

Items = list[tuple[str, str]]


def option(*decls: str, values: Callable[..., Any], **settings: Any) -> Any:
    """A ``typer.Option`` whose values complete with ``values`` (one of the functions below)."""
    return typer.Option(*decls, autocompletion=values, **settings)


def argument(*, values: Callable[..., Any], **settings: Any) -> Any:
    """A ``typer.Argument`` whose values complete with ``values``."""
    return typer.Argument(autocompletion=values, **settings)


def _catalogue(ctx: typer.Context) -> Catalogue | None:
    """The catalogue the line being completed works on, or None if it cannot be read."""
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import MlsdError

    words = _words(ctx)  # `mlsd tag` takes `-c PATH` among its words
    given = words[words.index("-c") + 1] if "-c" in words[:-1] else None
    at: typer.Context | None = ctx
    while at is not None and given is None:  # the command's own -c, then its parents'
        given = at.params.get("catalogue")
        at = at.parent  # type: ignore[assignment]
    chosen = Path(given) if given else None
    try:
        return store.load(store.find_catalogue(chosen))
    except (MlsdError, OSError, ValueError):
        return None


#: zsh and fish show help beside each value on one line: a longer title is shortened.
HELP_WIDTH = 60


def _words(ctx: typer.Context) -> list[str]:
    """The words a command takes as its arguments (``mlsd tag ID +TAG``), typed so far."""
    words = ctx.params.get("args")
    return [str(w) for w in words] if isinstance(words, list | tuple) else []


def _help(text: str) -> str:
    """A title as help text: one line, no control characters, at most HELP_WIDTH characters,
    and escaped for the rich markup Typer renders it through (a "[b]" in a title stays)."""
    from rich.markup import escape

    line = " ".join(drop_unsafe(text).split())
    if len(line) > HELP_WIDTH:
        line = line[: HELP_WIDTH - 1].rstrip() + "…"
    return escape(line)


def _matching(pairs: Items, incomplete: str) -> Items:
    """The pairs whose value starts with ``incomplete``; if none, those whose help holds it
    (a word of a title), case ignored."""
    folded = incomplete.casefold()
    starts = [p for p in pairs if p[0].casefold().startswith(folded)]
    return starts or [p for p in pairs if folded and folded in p[1].casefold()]


def entry_ids(ctx: typer.Context, incomplete: str) -> Items:
    """Entry ids, each with its title."""
    cat = _catalogue(ctx)
    if cat is None:
        return []
    return _matching([(r.id, _help(r.title)) for r in cat.resources], incomplete)


def section_names(ctx: typer.Context, incomplete: str) -> Items:
    """Section ids (each with its title); a title where the word typed starts one."""
    cat = _catalogue(ctx)
    if cat is None:
        return []
    ids = _matching([(s.id, _help(s.title)) for s in cat.sections], incomplete)
    folded = incomplete.casefold()
    titles = [
        (s.title, s.id)
        for s in cat.sections
        if folded and s.title.casefold().startswith(folded) and s.title != s.id
    ]
    return ids + titles


def _tag_counts(cat: Catalogue) -> Items:
    from collections import Counter

    counts = Counter(t for r in cat.resources for t in r.tags)
    return [(tag, f"{n} entr{'y' if n == 1 else 'ies'}") for tag, n in sorted(counts.items())]


def tags(ctx: typer.Context, incomplete: str) -> Items:
    """The tags in use, each with how many entries have it."""
    cat = _catalogue(ctx)
    return [] if cat is None else _matching(_tag_counts(cat), incomplete)


def tag_words(ctx: typer.Context, incomplete: str) -> Items:
    """``mlsd tag``'s words: the entry's id first, then ``+TAG`` (the tags in use). (A word
    starting with "-" is completed as an option by Click: ``-TAG`` is not offered.)"""
    cat = _catalogue(ctx)
    if cat is None:
        return []
    words = _words(ctx)
    if "-c" in words[:-1]:
        del words[words.index("-c") : words.index("-c") + 2]
    named = any(not w.startswith(("+", "-")) for w in words)  # then what follows are tags
    if incomplete.startswith("+") or (named and not incomplete):
        return [(f"+{t}", n) for t, n in _matching(_tag_counts(cat), incomplete[1:])]
    return [] if named else entry_ids(ctx, incomplete)


def kinds(incomplete: str) -> list[str]:
    """The kinds of resource."""
    from mlsd_cli.catalogue.model import KINDS

    return [k for k in KINDS if k.startswith(incomplete.casefold())]


def export_formats(incomplete: str) -> list[str]:
    """The formats ``mlsd export`` writes."""
    from mlsd_cli.formats.export import FORMATS

    return [f for f in FORMATS if f.startswith(incomplete.casefold())]
