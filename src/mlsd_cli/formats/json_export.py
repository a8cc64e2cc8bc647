"""The JSON export: the whole catalogue in one documented, stable object (``docs/export.md``).

    {"format": 1, "catalogue": {...}, "sections": [...], "resources": [...],
     "not_duplicates": [[id, id], ...]}

Every key is always present (null, "" or [] when empty), so scripts need no guards. A
filtered export keeps every section and lists only the selected resources (and the
not-duplicate pairs between them).
"""

from __future__ import annotations

import json
from typing import Any

from mlsd_cli.catalogue.fields import resource_to_json
from mlsd_cli.catalogue.model import FORMAT_VERSION
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Section
from mlsd_cli.formats.export import ExportOptions

#: Version of the JSON export's schema. Adding keys keeps it; renaming or removing bumps it.
JSON_FORMAT = 1


def section_to_json(s: Section) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "parent": s.parent, "intro": s.intro}


def to_data(catalogue: Catalogue, options: ExportOptions) -> dict[str, Any]:
    """The export as plain data (what :func:`render` serialises)."""
    resources = options.resources(catalogue)
    if options.filtered:
        chosen = {r.id for r in resources}
        pairs = [p for p in catalogue.not_duplicates if p[0] in chosen and p[1] in chosen]
    else:
        pairs = list(catalogue.not_duplicates)
    return {
        "format": JSON_FORMAT,
        "catalogue": {
            "title": catalogue.title,
            "description": catalogue.description,
            "file_format": FORMAT_VERSION,
        },
        "sections": [section_to_json(s) for s in catalogue.sections],
        "resources": [resource_to_json(r) for r in resources],
        "not_duplicates": [list(p) for p in sorted(set(pairs))],
    }


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    """The JSON text: one section, resource or pair per line, so diffs stay readable.

    (``json.dumps(indent=...)`` runs in pure Python; one compact object per line uses the C
    encoder and is several times faster on a large catalogue.)"""
    data = to_data(catalogue, options)

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    out = [
        "{\n",
        f'  "format": {dumps(data["format"])},\n',
        f'  "catalogue": {dumps(data["catalogue"])}',
    ]
    for key in ("sections", "resources", "not_duplicates"):
        items = data[key]
        if not items:
            out.append(f',\n  "{key}": []')
            continue
        out.append(f',\n  "{key}": [\n    ')
        out.append(",\n    ".join(dumps(item) for item in items))
        out.append("\n  ]")
    out.append("\n}\n")
    return "".join(out)
