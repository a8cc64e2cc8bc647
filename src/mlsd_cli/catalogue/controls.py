"""Characters that must never reach a terminal from the data: what they are, how to find them.

A catalogue value, a fetched page or an imported list may hold characters a terminal obeys
instead of showing: C0 and C1 controls (ESC starts colour, cursor, title and OSC 8 hyperlink
sequences), DEL, and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)
that make text read in another order than it is stored. The schema refuses them in the
catalogue (:mod:`mlsd_cli.catalogue.schema`; a line feed and a tab are allowed in the
multi-line fields), the metadata reader drops them, and every line the CLI prints is passed
through :func:`visible` as a last guard. Cheap to import (only ``re``).
"""

from __future__ import annotations

import re

#: Controls a terminal obeys (all of C0 but line feed and tab, DEL, C1), the bidirectional
#: overrides and isolates, and the line and paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
UNSAFE = re.compile(f"[{_UNSAFE}]")
#: The same, and line feed and tab too: for values that are one line.
UNSAFE_IN_LINE = re.compile(f"[{_UNSAFE}\n\t]")


def first_unsafe(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that must not be printed raw, if any."""
    if text.isprintable():
        return None
    match = (UNSAFE if multiline else UNSAFE_IN_LINE).search(text)
    return match.group() if match else None


def codepoint(char: str) -> str:
    """``U+001B``."""
    return f"U+{ord(char):04X}"


def _escape(match: re.Match[str]) -> str:
    return ascii(match.group())[1:-1]  # "\x1b", "\u202e"


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``); line
    feeds and tabs are kept."""
    return text if text.isprintable() else UNSAFE.sub(_escape, text)


def drop_unsafe(text: str) -> str:
    """``text`` with unsafe characters (line feeds and tabs included) replaced by spaces."""
    return text if text.isprintable() else UNSAFE_IN_LINE.sub(" ", text)
