"""A fast TOML writer for the catalogue's few value types, byte-compatible with tomli-w.

The catalogue holds only strings, integers, dates and lists of strings, in flat tables. For
that subset this writes exactly what ``tomli_w.dumps(table, multiline_strings=True)`` writes
(the tests compare the two on random data), about ten times faster: a 100k-entry catalogue
is written in about a second instead of fifteen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

#: Characters a TOML basic string cannot hold as they are: quote, backslash, ASCII controls
#: except tab. (A multi-line string also keeps newlines as they are.)
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f]')
_NEEDS_ESCAPE_MULTILINE = re.compile(r'["\\\x00-\x08\x0b-\x1f\x7f]')
_COMPACT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _COMPACT.get(char) or "\\u" + format(ord(char), "04x")


def format_string(text: str) -> str:
    """A TOML basic string; a multi-line one (\"\"\"...) when the text has a newline."""
    if "\n" in text:
        text = text.replace("\r\n", "\n")
        return '"""\n' + _NEEDS_ESCAPE_MULTILINE.sub(_escape, text) + '"""'
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _format_list(values: list[Any] | tuple[Any, ...]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(["    " + format_value(v) + ",\n" for v in values]) + "]"


_FORMATTERS: dict[type, Any] = {
    str: format_string,
    int: str,
    date: date.isoformat,
    bool: lambda v: "true" if v else "false",
    list: _format_list,
    tuple: _format_list,
}


def format_value(value: Any) -> str:
    formatter = _FORMATTERS.get(type(value))
    if formatter is None:
        raise TypeError(f"mlsd's TOML writer does not handle {type(value).__name__}")
    return formatter(value)  # type: ignore[no-any-return]


def dumps_table(table: Mapping[str, Any]) -> str:
    """``key = value`` lines of one flat table (keys must be bare keys)."""
    return "".join([key + " = " + format_value(value) + "\n" for key, value in table.items()])
