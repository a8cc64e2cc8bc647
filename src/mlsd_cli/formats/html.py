"""The HTML export: one self-contained page to browse the catalogue.

The page: a header (title, description, a link to the feed when there is one), a sticky bar
with the filter box, the facets (kind, year, organisation, tag, each option with its count of
resources) and the count of resources shown, then the section tree as a side navigation (a
collapsible block on a phone) beside the entries. Each entry shows its title (linked), kind,
byline (authors, venue, year, organisation), tags and description. Light and dark follow
``prefers-color-scheme``. Section anchors are stable slugs of the section ids (``#chapter-6``),
so links into the page survive sections moving. Filtering is
:mod:`mlsd_cli.formats.html_assets`' script.

Safety: every text is escaped with :func:`html.escape`; descriptions and intros (markdown)
are rendered by markdown-it with raw HTML off (it is escaped too), images off (the page loads
nothing from elsewhere) and only http/https links kept. The page carries a Content Security
Policy that allows no network access and only its own inline script (by hash), so even a
mistake here could not run injected code. No external assets: the style and script are inline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING
from typing import Any

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import Group
from mlsd_cli.formats.export import groups
from mlsd_cli.formats.export import linkable
from mlsd_cli.formats.html_assets import CSP
from mlsd_cli.formats.html_assets import SCRIPT
from mlsd_cli.formats.html_assets import STYLE
from mlsd_cli.formats.html_assets import fold
from mlsd_cli.formats.html_assets import script_hash
from mlsd_cli.formats.html_assets import unique_slugs

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["CSP", "markdown_html", "render", "resource_item", "script_hash"]

#: The facets: the entry attribute (data-NAME), the label, and the values of a resource.
FACETS: tuple[tuple[str, str], ...] = (
    ("kind", "Kind"),
    ("year", "Year"),
    ("org", "Organisation"),
    ("tag", "Tag"),
)


def _safe_link(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and linkable(url)


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")  # no external assets; the alt text stays as text
    md.validateLink = _safe_link  # type: ignore[method-assign]
    _add_link_attributes(md)
    return md


def _add_link_attributes(md: Any) -> None:
    default = md.renderer.rules.get("link_open")

    def link_open(tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        if default is not None:
            return str(default(tokens, idx, options, env))
        return str(md.renderer.renderToken(tokens, idx, options, env))

    md.renderer.rules["link_open"] = link_open


_PLAIN = re.compile(r"[\\`*_\[\]<>&#!|~=\t]|^\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)|^ {4}", re.MULTILINE)


def markdown_html(text: str) -> str:
    """Curator markdown as safe HTML (plain text takes a fast path: paragraphs, escaped)."""
    text = text.strip("\n")
    if not text.strip():
        return ""
    if not _PLAIN.search(text):
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
        return "".join(
            "<p>" + escape(" ".join(p.split("\n")).strip(), quote=False) + "</p>\n"
            for p in paragraphs
        )
    return str(_md().render(text))


def _byline(r: Resource) -> str:
    parts = [", ".join(r.authors)] if r.authors else []
    if r.venue:
        parts.append(r.venue)
    if r.year is not None:
        parts.append(str(r.year))
    text = ", ".join(p for p in parts if p)
    if r.org and r.org not in (r.venue or ""):
        text = f"{text} · {r.org}" if text else r.org
    return text


def facet_values(r: Resource, facet: str) -> list[str]:
    """The values ``r`` has for ``facet`` (a key of :data:`FACETS`)."""
    if facet == "tag":
        return list(dict.fromkeys(r.tags))
    value = {"kind": r.kind, "year": "" if r.year is None else str(r.year), "org": r.org}[facet]
    return [value] if value else []


def search_text(r: Resource) -> str:
    """What the filter box searches, folded (:func:`mlsd_cli.formats.html_assets.fold`)."""
    fields = [r.title, *r.authors, r.venue or "", r.org or "", str(r.year or ""), r.kind]
    fields.extend(r.tags)
    return fold(" ".join(fields))


def _attr(text: str) -> str:
    return escape(" ".join(text.split()), quote=True)


def resource_item(r: Resource) -> str:
    """One entry: ``<li class="entry">`` with its facet values as data attributes."""
    title = escape(" ".join(r.title.split()), quote=False)
    if r.url and _safe_link(r.url):
        head = (
            f'<a href="{escape(r.url, quote=True)}" rel="nofollow noopener noreferrer">{title}</a>'
        )
    else:
        head = f"<strong>{title}</strong>"
    data = "".join(
        f' data-{facet}="{_attr(" ".join(facet_values(r, facet)))}"' for facet, _ in FACETS
    )
    parts = [
        f'<li class="entry" data-id="{_attr(r.id)}" data-q="{_attr(search_text(r))}"{data}>',
        head,
    ]
    if r.kind:
        parts.append(f' <span class="kind">{escape(r.kind, quote=False)}</span>')
    byline = _byline(r)
    if byline:
        parts.append(f'\n<span class="byline">{escape(byline, quote=False)}</span>')
    if r.description.strip():
        parts.append(f'\n<div class="desc">{markdown_html(r.description)}</div>')
    if r.tags:
        chips = "".join(f'<span class="tag">#{escape(t, quote=False)}</span>' for t in r.tags)
        parts.append(f'\n<span class="tags">{chips}</span>')
    parts.append("</li>\n")
    return "".join(parts)


def facets_html(resources: Sequence[Resource]) -> str:
    """One ``<select>`` a facet, each value with its count of resources, most common first
    (years newest first); a facet with fewer than two values is left out."""
    out = ['<div class="facets">']
    for facet, label in FACETS:
        counts = Counter(v for r in resources for v in facet_values(r, facet))
        if len(counts) < 2:
            continue
        if facet == "year":
            ordered = sorted(counts.items(), key=lambda kv: -int(kv[0]))
        else:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
        options = "".join(
            f'<option value="{_attr(value)}">{escape(value, quote=False)} ({n})</option>'
            for value, n in ordered
        )
        out.append(
            f'<select data-facet="{facet}" aria-label="{label}">'
            f'<option value="">{label}: any</option>{options}</select>'
        )
    out.append('<button type="button" id="reset" hidden>Clear</button></div>')
    return "".join(out)


def page_head(
    title: str, script: str = SCRIPT, feed: str | None = None, *, connect: bool = False
) -> str:
    """``<!DOCTYPE html>`` to ``<body>``: meta, the CSP pinning ``script`` (``connect``: it
    may fetch from its own origin, the site's search index), the style."""
    csp = CSP.format(hash=script_hash(script)) + ("; connect-src 'self'" if connect else "")
    feed_link = (
        f'<link rel="alternate" type="application/atom+xml" href="{escape(feed, quote=True)}">\n'
        if feed
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="mlsd">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta http-equiv="Content-Security-Policy" '
        f'content="{escape(csp, quote=True)}">\n'
        f"<title>{escape(title, quote=False)}</title>\n{feed_link}"
        f"<style>\n{STYLE}</style>\n</head>\n<body>\n"
    )


def header_html(catalogue: Catalogue, title: str, feed: str | None = None) -> str:
    out = [f'<header class="top">\n<h1>{escape(title, quote=False)}</h1>\n']
    if catalogue.description.strip():
        out.append(markdown_html(catalogue.description))
    out.append(feed_html(feed))
    out.append("</header>\n")
    return "".join(out)


def feed_html(feed: str | None) -> str:
    """The visible link to the list's Atom feed (its ``<link rel="alternate">`` is in
    :func:`page_head`); "" without one."""
    if not feed:
        return ""
    return f'<p class="feed"><a href="{escape(feed, quote=True)}">Feed of new entries</a></p>\n'


def controls_html(resources: Sequence[Resource]) -> str:
    total = len({r.id for r in resources})
    return (
        '<div class="controls"><div class="controls-in">\n'
        '<input type="search" id="filter" placeholder="Search titles, authors, venues, tags" '
        'aria-label="Filter resources" autocomplete="off">\n'
        f"{facets_html(resources)}\n"
        f'<p class="count" id="count" role="status">{total} resources</p>\n'
        "</div></div>\n"
    )


def toc_html(
    heads: Sequence[Group], anchors: Sequence[str], counts: Sequence[int], before: str = ""
) -> str:
    """The section tree as nested lists of in-page links, each with its count of resources
    (``before``: more of the navigation, above the tree: the site's list of pages)."""
    out = [
        '<nav class="toc" aria-label="Sections">\n<details>\n<summary>Sections</summary>\n<ul>\n'
    ]
    for i, g in enumerate(heads):
        out.append(
            f'<li><a href="#{anchors[i]}">{escape(g.title, quote=False)}'
            f'<span class="n">{counts[i]}</span></a>'
        )
        following = heads[i + 1].depth if i + 1 < len(heads) else 0
        if following > g.depth:
            out.append("\n<ul>\n")
        else:
            out.append("</li>\n")
            out.extend("</ul>\n</li>\n" for _ in range(g.depth - following))
    out.append("</ul>\n</details>\n</nav>\n")
    return "".join(out)


def subtree_counts(heads: Sequence[Group]) -> list[int]:
    """For each heading, the resources in it and below it (each resource once)."""
    out = []
    for i, g in enumerate(heads):
        ids = {r.id for r in g.resources}
        j = i + 1
        while j < len(heads) and heads[j].depth > g.depth:
            ids.update(r.id for r in heads[j].resources)
            j += 1
        out.append(len(ids))
    return out


def sections_html(heads: Sequence[Group], anchors: Sequence[str]) -> str:
    out: list[str] = []
    depth_open: list[int] = []
    for g, anchor in zip(heads, anchors, strict=True):
        while depth_open and depth_open[-1] >= g.depth:
            depth_open.pop()
            out.append("</section>\n")
        depth_open.append(g.depth)
        level = min(2 + g.depth, 6)
        out.append(
            f'<section id="{anchor}">\n<h{level}>{escape(g.title, quote=False)}</h{level}>\n'
        )
        if g.intro.strip():
            out.append(f'<div class="intro">{markdown_html(g.intro)}</div>\n')
        if g.resources:
            out.append('<ul class="entries">\n')
            out.extend(resource_item(r) for r in g.resources)
            out.append("</ul>\n")
    out.extend("</section>\n" for _ in depth_open)
    return "".join(out)


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    title = " ".join(catalogue.title.split()) or "Resources"
    heads = groups(catalogue, options)
    anchors = unique_slugs([g.key for g in heads])
    resources = options.resources(catalogue)
    return "".join(
        [
            page_head(title, feed=options.feed_url),
            header_html(catalogue, title, options.feed_url),
            controls_html(resources),
            '<div class="layout">\n',
            toc_html(heads, anchors, subtree_counts(heads)),
            "<main>\n",
            sections_html(heads, anchors),
            '<p class="none" id="none" hidden>No resource matches. Try fewer words.</p>\n',
            "</main>\n</div>\n",
            f"<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        ]
    )
