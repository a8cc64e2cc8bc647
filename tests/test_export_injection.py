"""Hostile titles, descriptions, intros and URLs cannot break the list or inject HTML.

Markdown output is rendered with markdown-it-py in its most permissive set-up (raw HTML on,
every link target accepted), which shows what a less careful renderer would do; HTML output
is parsed with html.parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.urls import is_http_url
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import export
from mlsd_cli.formats.export import linkable
from mlsd_cli.formats.html import CSP
from mlsd_cli.formats.html import script_hash
from mlsd_cli.formats.markdown import LIST_BREAK
from mlsd_cli.formats.markdown import safe_markdown
from mlsd_cli.formats.readme import expected_text

HOSTILE_TITLES = [
    "Foo [bar]",
    "a|b",
    "*x*",
    "`code` and ``two``",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "# not a heading",
    "- not a bullet",
    "1. not a number",
    "> not a quote",
    "&lt;script&gt; &amp; &#106;",
    "back\\slash\\",
    "trailing #",
    "line\nbreak\n\n- item",
    "~~strike~~ __under__ _em_",
    "| a | b |\n|---|---|\n| c | d |",
    "<!-- comment -->",
    "</li></ul><h1>x</h1>",
    "http://bare.example/url",
    "(Author, *Venue*, 2019)",
]

HOSTILE_DESCRIPTIONS = [
    "<script>alert(1)</script>",
    "Text <img src=x onerror=alert(1)> more",
    "[click](javascript:alert(1)) and [ok](https://ok.example/)",
    "[click](JaVaScRiPt:alert(1))",
    "[entity](&#106;avascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "[rel](../relative) [anchor](#top) [mail](mailto:a@b.c)",
    "[ref][bad]\n\n[bad]: javascript:alert(1)",
    "[ref][good]\n\n[good]: https://good.example/",
    "<javascript:alert(1)> and <https://auto.example/>",
    "![pic](javascript:alert(1))",
    "```\n<script>in a fence is code</script>\n```",
    "`<script>inline code</script>`",
    "\\<script>escaped</script>",
    "\\\\<script>escaped backslash</script>",
    "<div>\n\n*block html*\n\n</div>",
    "[nested [brackets](javascript:x)](https://ok.example/)",
    "[a](<javascript:alert(1)>)",
    '[a](javascript:alert(1) "title")',
    "<!-- comment --> <?php echo 1; ?> <![CDATA[x]]>",
    "\t<script>tab indented</script>",
    "- item\n- [x](javascript:y)\n\n</ul>",
]

HOSTILE_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://ok.example/a)b(c",
    "https://ok.example/<script>",
    'https://ok.example/"onmouseover="alert(1)',
    "https://ok.example/path with space",
    "ftp://files.example/x",
    "//no-scheme.example/x",
]


def hostile_catalogue() -> Catalogue:
    sections = [
        Section("s1", "<script>alert('section')</script>", intro="<b>bold</b> [x](javascript:y)"),
        Section("s2", "[Contents](javascript:z)", parent="s1", intro=HOSTILE_DESCRIPTIONS[7]),
    ]
    resources = []
    for i, title in enumerate(HOSTILE_TITLES):
        resources.append(
            Resource(
                f"t{i}",
                title,
                "blog",
                ["s1" if i % 2 else "s2"],
                url=f"https://t{i}.example/p",
                authors=["<b>Eve</b>", "[Mallory](javascript:m)"],
                venue="*Venue* <i>",
                year=2020,
            )
        )
    for i, description in enumerate(HOSTILE_DESCRIPTIONS):
        resources.append(
            Resource(
                f"d{i}",
                f"Description {i}",
                "blog",
                ["s1"],
                url=f"https://d{i}.example/",
                description=description,
            )
        )
    for i, url in enumerate(HOSTILE_URLS):
        resources.append(Resource(f"u{i}", f"Hostile url {i}", "blog", ["s2"], url=url))
    return Catalogue(
        title="<script>title</script>",
        description="<iframe src=x></iframe>",
        sections=sections,
        resources=resources,
    )


def permissive() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def walk(tokens: list[Token]) -> list[Token]:
    out = []
    for t in tokens:
        out.append(t)
        out.extend(walk(t.children or []))
    return out


def unsafe(markdown: str) -> list[str]:
    """Raw HTML (but the empty comment that ends a list) and non-http(s) link targets."""
    env: dict[str, object] = {}
    tokens = walk(permissive().parse(markdown, env))
    found = [
        f"html {t.content!r}"
        for t in tokens
        if t.type in ("html_inline", "html_block") and t.content.strip() != LIST_BREAK
    ]
    for t in tokens:
        target = (
            t.attrGet("href")
            if t.type == "link_open"
            else t.attrGet("src")
            if t.type == "image"
            else None
        )
        if target is not None and not str(target).lower().startswith(("http://", "https://", "#")):
            found.append(f"link {target!r}")
    references = env.get("references") or {}
    assert isinstance(references, dict)
    for ref in references.values():
        if not str(ref["href"]).lower().startswith(("http://", "https://")):
            found.append(f"definition {ref['href']!r}")
    return found


def top_level_items(markdown: str) -> list[tuple[str, str]]:
    """(text, first link target) of each item of the document's top-level lists."""
    tokens = permissive().parse(markdown)
    items = []
    depth = 0
    for i, t in enumerate(tokens):
        if t.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif t.type == "list_item_open" and depth == 1 and tokens[i + 2].type == "inline":
            children = tokens[i + 2].children or []
            text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            href = next((str(c.attrGet("href")) for c in children if c.type == "link_open"), "")
            items.append((text, href))
    return items


def resource_items(markdown: str) -> list[str]:
    """Links of the top-level items that are resources (their URLs end in .example/)."""
    return [href for _, href in top_level_items(markdown) if href.endswith(".example/")]


@pytest.mark.parametrize("style", ["full", "awesome"])
def test_markdown_has_no_raw_html_and_no_unsafe_links(style: str) -> None:
    text = export(hostile_catalogue(), "markdown", ExportOptions(style=style))
    assert unsafe(text) == []
    rendered = permissive().render(text).lower()
    for tag in ("<script", "<img", "<iframe", "<div", "<b>", "<i>", "<h1>x", "<?", "<![cdata"):
        assert tag not in rendered
    assert "javascript:" not in [t.attrGet("href") for t in walk(permissive().parse(text))]


def test_hostile_titles_stay_text_and_keep_the_list_intact() -> None:
    c = hostile_catalogue()
    text = export(c, "markdown")
    # One top-level list item per resource (and the table of contents' one top item):
    # nothing split into two items, nothing swallowed by a neighbour.
    assert len(top_level_items(text)) == len(c.resources) + 1
    assert len(resource_items(text)) == len([r for r in c.resources if r.id.startswith("d")])
    # ...and each hostile title reads exactly as written, as the link text of its item.
    tokens = walk(permissive().parse(text))
    link_texts = []
    for i, t in enumerate(tokens):
        if t.type == "link_open" and str(t.attrGet("href")).startswith("https://t"):
            j = i + 1
            parts = []
            while tokens[j].type != "link_close":
                parts.append(tokens[j].content if tokens[j].type in ("text", "code_inline") else "")
                j += 1
            link_texts.append("".join(parts))
    assert sorted(link_texts) == sorted(" ".join(t.split()) for t in HOSTILE_TITLES)


def test_hostile_headings_and_toc_are_text() -> None:
    text = export(hostile_catalogue(), "markdown")
    tokens = permissive().parse(text)
    heads = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert heads[0] == "\\<script\\>title\\</script\\>"
    rendered = permissive().render(text)
    assert "<h2>&lt;script&gt;alert('section')&lt;/script&gt;</h2>" in rendered.replace(
        "&#x27;", "'"
    )


def test_only_http_urls_are_linked() -> None:
    text = export(hostile_catalogue(), "markdown")
    hrefs = [
        str(t.attrGet("href")) for t in walk(permissive().parse(text)) if t.type == "link_open"
    ]
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    for i in range(len(HOSTILE_URLS)):
        assert f"Hostile url {i}" in text
    # A URL with parentheses stays one link (escaped), not a broken one.
    assert "https://ok.example/a)b(c" in hrefs
    # Angle brackets and quotes in a URL are percent-encoded, never raw.
    assert "https://ok.example/%3Cscript%3E" in hrefs
    assert "https://ok.example/%22onmouseover=%22alert(1)" in hrefs


def test_descriptions_keep_good_markdown() -> None:
    assert (
        safe_markdown("See [this](https://ok.example/) *now*")
        == "See [this](https://ok.example/) *now*"
    )
    assert safe_markdown("a < b and b > c") == "a < b and b > c"
    assert safe_markdown("`<br>` is code") == "`<br>` is code"
    assert safe_markdown("```\n<b>x</b>\n```") == "```\n<b>x</b>\n```"
    assert safe_markdown("Hi <b>there</b>") == "Hi &lt;b>there&lt;/b>"
    assert safe_markdown("[x](javascript:alert(1))") == "[x]&#40;javascript:alert(1))"


# Pieces of markdown syntax, shuffled: links, definitions, autolinks, tags, code, escapes.
PIECES = [
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "](",
    "]:",
    ": ",
    " ",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "> ",
    "- ",
    "`",
    "``",
    "```",
    "~~~",
    "\\",
    "&#",
    "&lt;",
    ";",
    "!",
    "*",
    "_",
    "javascript:",
    "JavaScript:",
    "data:",
    "https://ok.example/",
    "http:",
    "//",
    "x",
    "b",
    "script",
    "a href=",
    '"',
    "'",
    "#",
]
NASTY = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


@settings(max_examples=150, deadline=None)
@given(NASTY)
def test_safe_markdown_never_leaves_html_or_bad_links(text: str) -> None:
    assert unsafe(safe_markdown(text)) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(NASTY, min_size=1, max_size=4), st.lists(NASTY, min_size=1, max_size=4))
def test_random_hostile_catalogues_are_safe(titles: list[str], descriptions: list[str]) -> None:
    resources = [
        Resource(
            f"r{i}", t.strip() or "x", "blog", ["s"], url=f"https://r{i}.example/", description=d
        )
        for i, (t, d) in enumerate(zip(titles, descriptions, strict=False))
    ]
    c = Catalogue(
        title="T", sections=[Section("s", "S", intro=descriptions[0])], resources=resources
    )
    for style in ("full", "awesome"):
        text = export(c, "markdown", ExportOptions(style=style))
        assert unsafe(text) == []
        # Each resource is its own top-level item: an intro or description cannot swallow it.
        assert resource_items(text) == [f"https://r{i}.example/" for i in range(len(resources))]


# ----------------------------------------------------------------- HTML


class PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def test_html_escapes_everything_and_links_only_http() -> None:
    c = hostile_catalogue()
    page = export(c, "html")
    scan = PageScan()
    scan.feed(page)
    assert scan.tags.count("script") == 1  # our filter script only
    assert not {"iframe", "img", "b", "i", "object", "embed", "style"} & set(scan.tags) - {"style"}
    assert scan.tags.count("style") == 1
    assert not [a for a in scan.attrs if a[1].startswith("on")]
    hrefs = [v or "" for tag, k, v in scan.attrs if k in ("href", "src")]
    # links out are http(s); links in are the sections' slugs (letters, digits, '-')
    assert all(
        h.startswith(("https://", "http://")) or re.fullmatch(r"#[a-z0-9-]+", h) for h in hrefs
    )
    text = "".join(scan.text)
    for title in HOSTILE_TITLES:
        assert " ".join(title.split()) in text
    assert "<script>alert(1)</script>" in text  # shown as text, not run


def test_html_content_security_policy_pins_the_one_script() -> None:
    page = export(hostile_catalogue(), "html")
    scan = PageScan()
    scan.feed(page)
    csp = [
        v
        for tag, k, v in scan.attrs
        if tag == "meta" and k == "content" and v and "default-src" in v
    ]
    assert csp == [CSP.format(hash=script_hash())]
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(scan.scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp[0]


URLISH = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "javascript:", "", "http:/"]),
    st.text(alphabet="ab-.:/?#%@[] \t\x00é_~0123456789", max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(URLISH)
def test_linkable_is_exactly_is_http_url(url: str) -> None:
    assert linkable(url) == is_http_url(url)


def test_an_unclosed_fence_cannot_swallow_the_rest_of_the_readme() -> None:
    c = Catalogue(
        title="T",
        description="```\n<script>code</script>",
        sections=[Section("s", "S", intro="~~~~\nstill code")],
        resources=[Resource("r", "R", "blog", ["s"], url="https://r.example/", description="```")],
    )
    readme = "# Top\n\n<!-- mlsd:start -->\n<!-- mlsd:end -->\n\nFooter paragraph.\n"
    text = expected_text(c, "markdown", ExportOptions(), readme, "README.md")
    tokens = permissive().parse(text)
    # The footer is still a paragraph of its own, and the resource still a list item.
    assert any(t.type == "inline" and t.content == "Footer paragraph." for t in tokens)
    assert resource_items(text) == ["https://r.example/"]
    assert text.count("<!-- mlsd:end -->") == 1
