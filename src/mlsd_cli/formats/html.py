"""The HTML export: one self-contained page, the catalogue by section, with a filter box.

Safety: every text is escaped with :func:`html.escape`; descriptions and intros (markdown)
are rendered by markdown-it with raw HTML off (it is escaped too), images off (the page loads
nothing from elsewhere) and only http/https links kept. The page carries a Content Security
Policy that allows no network access and only its own inline script (by hash), so even a
mistake here could not run injected code. No external assets: the style and the small
filter script are inline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING
from typing import Any

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import groups
from mlsd_cli.formats.export import linkable

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

STYLE = """\
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;\
margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.8rem}h2,h3,h4,h5,h6{margin-top:1.6em}
input[type=search]{width:100%;font-size:1rem;padding:.5rem;box-sizing:border-box}
.count{color:#59636e;font-size:.9rem}
li{margin:.4em 0}.byline{color:#59636e}.tags{color:#59636e;font-size:.85rem}
.desc p{margin:.3em 0}nav ul{padding-left:1.2rem}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}a{color:#4493f8}}
"""

SCRIPT = """\
(function () {
  var box = document.getElementById("filter");
  var count = document.getElementById("count");
  var items = Array.prototype.slice.call(document.querySelectorAll("li[data-q]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section"));
  function run() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var text = li.getAttribute("data-q");
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    sections.forEach(function (s) {
      s.hidden = words.length > 0 && !s.querySelector("li[data-q]:not([hidden])");
    });
    count.textContent = shown + " of " + items.length + " resources";
  }
  box.addEventListener("input", run);
  run();
})();
"""


def script_hash() -> str:
    """The CSP hash of the page's one script (exactly the text between the script tags)."""
    digest = hashlib.sha256(("\n" + SCRIPT).encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src '{hash}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
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
    return f"({text})" if text else ""


def _search_text(r: Resource) -> str:
    fields = [r.title, *r.authors, r.venue or "", r.org or "", str(r.year or ""), r.kind]
    fields.extend(r.tags)
    return " ".join(" ".join(fields).lower().split())


def resource_item(r: Resource) -> str:
    title = escape(" ".join(r.title.split()))
    if r.url and _safe_link(r.url):
        head = (
            f'<a href="{escape(r.url, quote=True)}" rel="nofollow noopener noreferrer">{title}</a>'
        )
    else:
        head = f"<strong>{title}</strong>"
    parts = [f'<li data-q="{escape(_search_text(r), quote=True)}">{head}']
    byline = _byline(r)
    if byline:
        parts.append(f' <span class="byline">{escape(byline, quote=False)}</span>')
    if r.tags:
        tags = " ".join("#" + t for t in r.tags)
        parts.append(f' <span class="tags">{escape(tags, quote=False)}</span>')
    if r.description.strip():
        parts.append(f'\n<div class="desc">{markdown_html(r.description)}</div>')
    parts.append("</li>\n")
    return "".join(parts)


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    title = " ".join(catalogue.title.split()) or "Resources"
    heads = groups(catalogue, options)
    total = len(options.resources(catalogue))
    out = [
        "<!DOCTYPE html>\n",
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="mlsd">\n',
        f'<meta http-equiv="Content-Security-Policy" '
        f'content="{escape(CSP.format(hash=script_hash()), quote=True)}">\n',
        f"<title>{escape(title, quote=False)}</title>\n",
        f"<style>\n{STYLE}</style>\n</head>\n<body>\n",
        f"<header>\n<h1>{escape(title, quote=False)}</h1>\n",
    ]
    if catalogue.description.strip():
        out.append(markdown_html(catalogue.description))
    out.append(
        '<input type="search" id="filter" placeholder="Filter: words in titles, authors, '
        'venues, years, tags" aria-label="Filter resources" autocomplete="off">\n'
        f'<p class="count" id="count">{total} resources</p>\n</header>\n'
    )
    if heads:
        out.append('<nav aria-label="Contents">\n')
        out.extend(_toc(heads))
        out.append("</nav>\n<main>\n")
    depth_open: list[int] = []
    for i, g in enumerate(heads):
        while depth_open and depth_open[-1] >= g.depth:
            depth_open.pop()
            out.append("</section>\n")
        depth_open.append(g.depth)
        level = min(2 + g.depth, 6)
        out.append(
            f'<section id="g{i + 1}">\n<h{level}>{escape(g.title, quote=False)}</h{level}>\n'
        )
        if g.intro.strip():
            out.append(f'<div class="intro">{markdown_html(g.intro)}</div>\n')
        if g.resources:
            out.append("<ul>\n")
            out.extend(resource_item(r) for r in g.resources)
            out.append("</ul>\n")
    out.extend("</section>\n" for _ in depth_open)
    if heads:
        out.append("</main>\n")
    out.append(f"<script>\n{SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(out)


def _toc(heads: list[Any]) -> list[str]:
    """Nested lists of in-page links (a sub-list sits inside its parent's item)."""
    out: list[str] = ["<ul>\n"]
    for i, g in enumerate(heads):
        out.append(f'<li><a href="#g{i + 1}">{escape(g.title, quote=False)}</a>')
        following = heads[i + 1].depth if i + 1 < len(heads) else 0
        if following > g.depth:
            out.append("\n<ul>\n")
        else:
            out.append("</li>\n")
            out.extend("</ul>\n</li>\n" for _ in range(g.depth - following))
    out.append("</ul>\n")
    return out
