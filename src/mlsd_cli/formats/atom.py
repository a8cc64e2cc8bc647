"""The Atom feed (RFC 4287) of what is new: the entries by ``added``, newest first.

``mlsd export --format atom`` lists the resources with an ``added`` date (the ones without one
have no place in a feed of news), newest first, at most ``ExportOptions.limit`` of them (50 by
default); the filters choose the rest (``--since 2026-01-01``: added on or after that day).
Each entry carries its URL as the link, its authors, its tags as categories, ``added`` as its
published and updated time, and its description (rendered as for the HTML export) as HTML
content. Ids are ``urn:mlsd:`` names made of the catalogue's slug and the resource id, so they
stay when a URL is fixed. The output is deterministic (no clock is read): the feed's
``updated`` is the newest ``added``.

Safety: every text is XML-escaped, characters XML 1.0 cannot carry are dropped, links are
http(s) only, and the content is the HTML export's safe markdown (no raw HTML, no scripts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import linkable
from mlsd_cli.formats.html import markdown_html
from mlsd_cli.formats.html_assets import slug

#: Entries in a feed when ``ExportOptions.limit`` is not given.
DEFAULT_LIMIT = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(" ".join(_NOT_XML.sub("", value).split()))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def newest(resources: Sequence[Resource], limit: int | None) -> list[Resource]:
    """The resources with an ``added`` date, newest first (a tie: later in the file first),
    at most ``limit`` (:data:`DEFAULT_LIMIT` when None)."""
    dated = [(r.added, i, r) for i, r in enumerate(resources) if r.added is not None]
    dated.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [r for _, _, r in dated[: DEFAULT_LIMIT if limit is None else limit]]


def _entry(r: Resource, base: str) -> str:
    assert r.added is not None
    out = [
        "<entry>",
        f"<id>{_text(base + ':' + r.id)}</id>",
        f"<title>{_text(r.title)}</title>",
        f"<published>{_stamp(r.added)}</published>",
        f"<updated>{_stamp(r.added)}</updated>",
    ]
    if r.url and linkable(r.url):
        out.append(f'<link rel="alternate" href={_attr(r.url)}/>')
    out.extend(f"<author><name>{_text(a)}</name></author>" for a in r.authors if a.strip())
    out.extend(f"<category term={_attr(t)}/>" for t in r.tags)
    summary = ", ".join(p for p in (r.kind, r.org or "", r.venue or "", str(r.year or "")) if p)
    out.append(f"<summary>{_text(summary)}</summary>")
    if r.description.strip():
        html = _NOT_XML.sub("", markdown_html(r.description))
        out.append(f'<content type="html">{escape(html)}</content>')
    out.append("</entry>")
    return "\n".join(out) + "\n"


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    title = " ".join(catalogue.title.split()) or "Resources"
    base = f"urn:mlsd:{slug(title)}"
    entries = newest(options.resources(catalogue), options.limit)
    updated = max((r.added for r in entries if r.added), default=date(1970, 1, 1))
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{_text(base)}</id>",
        f"<title>{_text(title)} — new entries</title>",
        f"<updated>{_stamp(updated)}</updated>",
        f"<author><name>{_text(title)}</name></author>",
        '<generator uri="https://pypi.org/project/mlsd/">mlsd</generator>',
    ]
    if catalogue.description.strip():
        head.append(f"<subtitle>{_text(catalogue.description)}</subtitle>")
    return "\n".join(head) + "\n" + "".join(_entry(r, base) for r in entries) + "</feed>\n"
