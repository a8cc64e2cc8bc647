"""The static site: ``mlsd export --format site -o DIR``, for lists that outgrow one README.

:func:`render_site` returns the files (relative path -> text); the CLI writes them. The site:

- ``index.html``: the title, the description, the search box, and one card a top-level
  section (its title, its count of resources, the first paragraph of its intro);
- ``<slug>.html``, one page a top-level section (the slug of its id, so pages keep their
  address when sections move): the site navigation, the section's own tree beside its entries
  (the HTML export's layout, anchors and entry markup);
- ``search.json``: one record a resource (its title, URL, kind, year, the page and anchor it
  sits at, the folded search text), which the same search box on every page reads: typing
  lists the matches across the whole site (folded as the HTML export folds: accents and
  apostrophes ignored), each linking to its page. No server-side part: any static host serves
  the directory (the pages ``fetch`` the index from their own origin; the CSP allows only that).
"""

from __future__ import annotations

import json
from html import escape

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import Group
from mlsd_cli.formats.export import groups
from mlsd_cli.formats.html import feed_html
from mlsd_cli.formats.html import markdown_html
from mlsd_cli.formats.html import page_head
from mlsd_cli.formats.html import search_text
from mlsd_cli.formats.html import sections_html
from mlsd_cli.formats.html import subtree_counts
from mlsd_cli.formats.html import toc_html
from mlsd_cli.formats.html_assets import SCRIPT_START
from mlsd_cli.formats.html_assets import unique_slugs

SITE_SCRIPT = (
    SCRIPT_START
    + """\
  var list = document.getElementById("results");
  var panel = document.getElementById("search");
  var body = document.getElementById("content");
  var index = null;
  function label(n) { return n + (n === 1 ? " resource" : " resources"); }
  function item(e) {
    var li = document.createElement("li");
    li.className = "entry";
    li.setAttribute("data-id", e.id);
    var a = document.createElement("a");
    a.setAttribute("href", e.page);
    a.textContent = e.title;
    li.appendChild(a);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = e.kind;
    li.appendChild(kind);
    var where = document.createElement("span");
    where.className = "byline";
    where.textContent = e.where;
    li.appendChild(where);
    return li;
  }
  function run() {
    if (index === null) { return; }
    var words = fold(box.value);
    var active = words.length > 0;
    panel.hidden = !active;
    body.hidden = active;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!active) { count.textContent = label(index.length); return; }
    var hits = index.filter(function (e) {
      return words.every(function (w) { return e.q.indexOf(w) !== -1; });
    });
    hits.forEach(function (e) { list.appendChild(item(e)); });
    count.textContent = hits.length + " of " + label(index.length);
  }
  box.addEventListener("input", run);
  if (window.matchMedia("(min-width: 60.01rem)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll(".toc details"), function (d) {
      d.open = true;
    });
  }
  fetch(document.body.getAttribute("data-index"))
    .then(function (r) { return r.json(); })
    .then(function (data) {
      index = data.resources;
      document.body.setAttribute("data-ready", "1");
      run();
    });
})();
"""
)


def _pages(heads: list[Group]) -> list[tuple[int, int]]:
    """(start, end) of each top-level section's run of headings."""
    starts = [i for i, g in enumerate(heads) if g.depth == 0]
    return list(zip(starts, [*starts[1:], len(heads)], strict=True))


def _search_bar(total: int) -> str:
    return (
        '<div class="controls"><div class="controls-in">\n'
        '<input type="search" id="filter" placeholder="Search the whole list" '
        'aria-label="Search the whole list" autocomplete="off">\n'
        f'<p class="count" id="count" role="status">{total} resources</p>\n'
        "</div></div>\n"
    )


def _site_nav(pages: list[tuple[str, str, int]], current: str | None) -> str:
    out = ['<details class="pages">\n<summary>Pages</summary>\n<ul>\n']
    out.append('<li><a href="index.html">Home<span class="n"></span></a></li>\n')
    for name, title, n in pages:
        mark = ' aria-current="page"' if name == current else ""
        out.append(
            f'<li><a href="{name}"{mark}>{escape(title, quote=False)}'
            f'<span class="n">{n}</span></a></li>\n'
        )
    out.append("</ul>\n</details>\n")
    return "".join(out)


def _page(
    title: str, head_title: str, total: int, nav: str, main: str, intro: str = "", *,
    feed: str | None = None,
) -> str:  # fmt: skip
    return "".join(
        [
            page_head(head_title, SITE_SCRIPT, feed, connect=True).replace(
                "<body>", '<body data-index="search.json">', 1
            ),
            f'<header class="top">\n<h1><a href="index.html">{escape(title, quote=False)}</a>'
            f"</h1>\n{intro}{feed_html(feed)}</header>\n",
            _search_bar(total),
            '<div class="layout">\n',
            nav,
            '<main>\n<section id="search" hidden>\n<ul class="entries" id="results"></ul>\n'
            "</section>\n",
            f'<div id="content">\n{main}</div>\n</main>\n</div>\n',
            f"<script>\n{SITE_SCRIPT}</script>\n</body>\n</html>\n",
        ]
    )


def _first_paragraph(markdown: str) -> str:
    first = markdown.strip().split("\n\n", 1)[0]
    return markdown_html(first) if first.strip() else ""


def render_site(catalogue: Catalogue, options: ExportOptions) -> dict[str, str]:
    """The site's files: ``index.html``, one page a top-level section, ``search.json``."""
    title = " ".join(catalogue.title.split()) or "Resources"
    heads = groups(catalogue, ExportOptions(selection=options.selection))
    anchors = unique_slugs([g.key for g in heads])
    counts = subtree_counts(heads)
    spans = _pages(heads)
    pages = [(f"{anchors[a]}.html", heads[a].title, counts[a]) for a, _ in spans]
    total = len({r.id for r in options.resources(catalogue)})
    feed = options.feed_url
    files: dict[str, str] = {}
    records: dict[str, dict[str, object]] = {}
    for (name, page_title, _n), (a, b) in zip(pages, spans, strict=True):
        sub, sub_anchors = heads[a:b], anchors[a:b]
        nav = toc_html(sub, sub_anchors, counts[a:b], before=_site_nav(pages, name))
        main = sections_html(sub, sub_anchors)
        files[name] = _page(title, f"{page_title} · {title}", total, nav, main, feed=feed)
        for g, anchor in zip(sub, sub_anchors, strict=True):
            for r in g.resources:
                records.setdefault(
                    r.id,
                    {
                        "id": r.id,
                        "title": " ".join(r.title.split()),
                        "kind": r.kind,
                        "where": g.title if g.title == page_title else f"{page_title} › {g.title}",
                        "page": f"{name}#{anchor}",
                        "q": search_text(r),
                    },
                )
    cards = "".join(
        f'<li class="entry"><a href="{name}">{escape(page_title, quote=False)}</a>'
        f' <span class="kind">{n} resources</span>'
        f'<div class="desc">{_first_paragraph(heads[a].intro)}</div></li>\n'
        for (name, page_title, n), (a, _) in zip(pages, spans, strict=True)
    )
    intro = markdown_html(catalogue.description) if catalogue.description.strip() else ""
    home_nav = f'<nav class="toc" aria-label="Pages">\n{_site_nav(pages, None)}</nav>\n'
    files["index.html"] = _page(
        title, title, total, home_nav, f'<ul class="entries">\n{cards}</ul>\n', intro, feed=feed
    )
    index = {"title": title, "resources": list(records.values())}
    files["search.json"] = json.dumps(index, ensure_ascii=False, separators=(",", ":")) + "\n"
    return files
