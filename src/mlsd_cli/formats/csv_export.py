"""The CSV export: one row per resource, RFC 4180 (the csv module; CRLF line ends).

List fields (sections, authors, tags, aliases) are joined with "; ". Sections are given by
id. A cell that a spreadsheet would run as a formula (it starts, after any blanks, with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with a single quote ``'``, as OWASP
recommends; ``docs/export.md`` explains how to undo it. The JSON export is the lossless one.
"""

from __future__ import annotations

import csv
import io

from mlsd_cli.catalogue.fields import CSV_COLUMNS
from mlsd_cli.catalogue.fields import csv_cells
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.formats.export import ExportOptions

#: One column per field of a resource, in the catalogue file's key order (list fields joined
#: with "; ": :mod:`mlsd_cli.catalogue.fields` decides each cell).
COLUMNS: tuple[str, ...] = CSV_COLUMNS
#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _risky(cell: str) -> bool:
    # Quotes already in front are looked through, so that guard/unguard stay exact inverses;
    # so are blanks: spreadsheets skip leading spaces before a formula ("  =SUM(A1)").
    return cell.lstrip("'").lstrip(" \u00a0\u3000").startswith(FORMULA_STARTS)


def guard(cell: str) -> str:
    """Neutralise spreadsheet formula injection: ``=1+1`` -> ``'=1+1``."""
    return "'" + cell if _risky(cell) else cell


def unguard(cell: str) -> str:
    """Undo :func:`guard` (for scripts that read the CSV back): ``'=1+1`` -> ``=1+1``."""
    return cell[1:] if cell.startswith("'") and _risky(cell) else cell


def row(r: Resource) -> list[str]:
    return [guard(c) for c in csv_cells(r)]


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(row(r) for r in options.resources(catalogue))
    return out.getvalue()
