"""The HTML pages' style and script (the one-page export and the static site share them).

The script is inline and pinned by its hash in each page's Content Security Policy. It filters
the entries already in the page (or, on the site, fetched from its ``search.json``): words of
the query must all occur in an entry's search text, both folded by :func:`fold` (and its
JavaScript twin ``fold``): lower case, accents off, apostrophes (' ’ ‘ ʼ) dropped, so
``detection`` finds "Détection" and ``instagram's`` finds "Instagram’s". The facets (kind,
year, organisation, tag) narrow further. The count is of resources, not of list items (an entry
in two sections is one resource), and the section navigation hides sections with no match.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4]")


def fold(text: str) -> str:
    """``text`` as the filter compares it: lower case, no accents, no apostrophes."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_APOSTROPHES.sub("", plain.lower()).split())


def slug(text: str) -> str:
    """A stable anchor: folded, ASCII letters and digits, runs of anything else as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "section"


def unique_slugs(keys: list[str]) -> list[str]:
    """:func:`slug` of each key; a repeat gets -2, -3 (in order, so the first keeps its own)."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        base = slug(key)
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen[candidate] = 1
        out.append(candidate)
    return out


def check_feed_url(url: str) -> str:
    """``url`` if a page may link to it as its feed: http(s), or a relative path such as
    ``feed.xml``; InputError (field ``feed``) otherwise."""
    from mlsd_cli.catalogue.urls import is_http_url
    from mlsd_cli.errors import InputError

    if is_http_url(url) or re.fullmatch(r"[A-Za-z0-9_~.-]+(?:/[A-Za-z0-9_~.-]+)*", url):
        return url
    raise InputError(
        f"not a feed address: {url!r}",
        field="feed",
        hint="give an http(s) URL or a relative path such as feed.xml",
    )


STYLE = """\
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0969da;--chip:#eef1f4;\
--card:#f6f8fa;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;\
--line:#30363d;--accent:#4493f8;--chip:#21262d;--card:#161b22}}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.top{padding:1.2rem 1rem .4rem;max-width:84rem;margin:0 auto}
.top h1{margin:0 0 .3rem;font-size:1.7rem;line-height:1.25}
.top p{margin:.2rem 0;color:var(--muted)}
.feed{font-size:.9rem}
.controls{position:sticky;top:0;z-index:3;background:var(--bg);border-bottom:1px solid var(--line)}
.controls-in{max-width:84rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;\
gap:.5rem;align-items:center}
#filter{flex:1 1 18rem;min-width:0;font:inherit;padding:.45rem .75rem;border:1px solid var(--line);\
border-radius:8px;background:var(--card);color:var(--fg)}
.facets{display:flex;flex-wrap:wrap;gap:.4rem}
.facets select,#reset{font:inherit;font-size:.9rem;padding:.35rem .4rem;\
border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg);\
max-width:12rem}
#reset{cursor:pointer}
.count{margin:0;color:var(--muted);font-size:.9rem;white-space:nowrap}
.layout{max-width:84rem;margin:0 auto;padding:0 1rem 3rem;display:grid;\
grid-template-columns:16rem minmax(0,1fr);gap:2.5rem}
.toc{position:sticky;top:3.6rem;align-self:start;max-height:calc(100vh - 4rem);overflow:auto;\
padding:1rem 0;font-size:.92rem}
.toc summary{font-weight:600;cursor:pointer;margin-bottom:.3rem}
.toc details+details{margin-top:1rem}
.toc a[aria-current]{font-weight:600;color:var(--accent)}.top h1 a{color:inherit}
.toc ul{list-style:none;margin:0;padding-left:.8rem}.toc>details>ul{padding-left:0}
.toc li{margin:.15rem 0}.toc a{color:var(--fg);display:flex;justify-content:space-between;gap:.5rem}
.toc a:hover{color:var(--accent)}.toc .n{color:var(--muted);font-variant-numeric:tabular-nums}
main{padding-top:.4rem;min-width:0}
main section{scroll-margin-top:4rem}
main h2{font-size:1.35rem;margin:1.6rem 0 .4rem;padding-bottom:.25rem;\
border-bottom:1px solid var(--line)}
main h3{font-size:1.15rem;margin:1.3rem 0 .3rem}
main h4,main h5,main h6{font-size:1rem;margin:1.1rem 0 .3rem}
.intro{color:var(--muted)}.intro p{margin:.3rem 0}
.entries{list-style:none;margin:0;padding:0}
.entry{padding:.55rem .2rem;border-bottom:1px solid var(--line)}
.entry>a,.entry>strong{font-weight:600;font-size:1.02rem}
.kind{display:inline-block;margin-left:.45rem;padding:0 .5rem;border:1px solid var(--line);\
border-radius:999px;font-size:.72rem;letter-spacing:.04em;text-transform:uppercase;\
color:var(--muted);vertical-align:.12em;white-space:nowrap}
.byline{display:block;color:var(--muted);font-size:.9rem}
.tags{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.3rem}
.tag{background:var(--chip);border-radius:6px;padding:0 .4rem;font-size:.78rem;color:var(--muted)}
.desc{font-size:.94rem}.desc p{margin:.25rem 0}
.none{color:var(--muted);padding:2rem 0}
@media (max-width:60rem){.layout{display:block}.toc{position:static;max-height:none;\
padding:.6rem 0;border-bottom:1px solid var(--line)}.controls{position:static}\
.facets select{max-width:none;flex:1 1 8rem}.facets{flex:1 1 100%}}
"""

#: The start every page script shares: the fold (the twin of :func:`fold`), the box, the count.
SCRIPT_START = """\
(function () {
  "use strict";
  function fold(s) {
    return s.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase()
      .replace(/['\\u2018\\u2019\\u02bc\\u0060\\u00b4]/g, "").split(/\\s+/).filter(Boolean);
  }
  var box = document.getElementById("filter");
  var count = document.getElementById("count");
"""

SCRIPT = (
    SCRIPT_START
    + """\
  var none = document.getElementById("none");
  var reset = document.getElementById("reset");
  var toc = document.querySelector(".toc details");
  var facets = Array.prototype.slice.call(document.querySelectorAll("select[data-facet]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("li.entry"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("main section"));
  var ids = {};
  items.forEach(function (li) { ids[li.getAttribute("data-id")] = 1; });
  var total = Object.keys(ids).length;
  function label(n) { return n + (n === 1 ? " resource" : " resources"); }
  function has(li, facet, value) {
    var own = li.getAttribute("data-" + facet) || "";
    return facet === "tag" ? (" " + own + " ").indexOf(" " + value + " ") !== -1 : own === value;
  }
  function distinct(list) {
    var seen = {}, n = 0;
    list.forEach(function (li) {
      var id = li.getAttribute("data-id");
      if (!li.hidden && !seen[id]) { seen[id] = 1; n += 1; }
    });
    return n;
  }
  function run() {
    var words = fold(box.value);
    var chosen = facets.filter(function (f) { return f.value; });
    var active = words.length > 0 || chosen.length > 0;
    items.forEach(function (li) {
      var text = li.getAttribute("data-q");
      li.hidden = !(words.every(function (w) { return text.indexOf(w) !== -1; }) &&
        chosen.every(function (f) { return has(li, f.getAttribute("data-facet"), f.value); }));
    });
    sections.forEach(function (s) {
      var n = distinct(Array.prototype.slice.call(s.querySelectorAll("li.entry")));
      s.hidden = active && n === 0;
      var link = document.querySelector('.toc a[href="#' + s.id + '"]');
      if (link) {
        link.parentNode.hidden = s.hidden;
        link.querySelector(".n").textContent = n;
      }
    });
    var shown = distinct(items);
    count.textContent = active ? shown + " of " + label(total) : label(total);
    none.hidden = !active || shown > 0;
    reset.hidden = !active;
  }
  box.addEventListener("input", run);
  facets.forEach(function (f) { f.addEventListener("change", run); });
  reset.addEventListener("click", function () {
    box.value = "";
    facets.forEach(function (f) { f.value = ""; });
    run();
    box.focus();
  });
  if (toc && window.matchMedia("(min-width: 60.01rem)").matches) { toc.open = true; }
  run();
})();
"""
)


def script_hash(script: str = SCRIPT) -> str:
    """The CSP hash of a page's one script (exactly the text between the script tags)."""
    digest = hashlib.sha256(("\n" + script).encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src '{hash}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)
