"""Importers: reading other formats into the catalogue.

- :mod:`mlsd_cli.importers.markdown`: markdown curated lists (``mlsd import FILE.md``).
"""

from __future__ import annotations

from mlsd_cli.importers.markdown import (
    ImportReport,
    ParsedList,
    ParsedResource,
    ParsedSection,
    SkippedItem,
    guess_kind,
    import_into,
    parse_markdown,
)

__all__ = [
    "ImportReport",
    "ParsedList",
    "ParsedResource",
    "ParsedSection",
    "SkippedItem",
    "guess_kind",
    "import_into",
    "parse_markdown",
]
