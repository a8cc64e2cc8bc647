"""The markdown export: the catalogue as a curated list (the project's README).

Two styles (``docs/export.md``):

- **full** (default), close to the source lists: a table of contents, sections nested by
  heading level with their intro text, each resource as ``- [Title](url) (Authors, *Venue*,
  Year)`` with its description, all paragraphs of it, as indented paragraphs of the item. An
  entry in two sections is shown in both. :mod:`mlsd_cli.formats.markdown_reader` reads it back.
- **awesome**, the awesome-list conventions: ``## Contents``, ``- [Title](url) - Description.``
  with one-line capitalised descriptions ending in a period, every link once.

Safety: titles, headings and labels are plain text with every markdown-special character
escaped; descriptions and intros stay markdown, but raw HTML is neutralised (``<`` before a
tag becomes ``&lt;``) and links to anything but http(s) lose their link. Only URLs that
:func:`mlsd_cli.catalogue.urls.is_http_url` accepts are ever linked. Output is deterministic.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING
from typing import Any

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.urls import is_http_url
from mlsd_cli.formats.byline import KNOWN_ORGS
from mlsd_cli.formats.byline import format_byline
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import check_style
from mlsd_cli.formats.export import groups
from mlsd_cli.formats.export import linkable
from mlsd_cli.formats.item_tail import as_title
from mlsd_cli.formats.markdown_text import awesome_url_key
from mlsd_cli.formats.markdown_text import feed_line
from mlsd_cli.formats.markdown_text import first_paragraph_text
from mlsd_cli.formats.markdown_text import plain
from mlsd_cli.formats.markdown_text import sentence
from mlsd_cli.formats.markdown_text import to_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# ----------------------------------------------------------------- GitHub anchors

#: Unicode categories github-slugger keeps besides letters and digits.
_SLUG_KEEP = frozenset({"Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc"})


def github_slug(text: str) -> str:
    """GitHub's heading anchor (github-slugger): lower-case, punctuation dropped except '-'
    and '_', each space a '-'. ``"Chapter 6. Model Development"`` ->
    ``chapter-6-model-development``; letters, marks and digits of any script are kept."""
    out = []
    for c in text.lower():
        if c == " ":
            out.append("-")
        elif c in "-_" or c.isalnum() or unicodedata.category(c) in _SLUG_KEEP:
            out.append(c)
    return "".join(out)


class Slugger:
    """Unique anchors for the headings of one page, in order: repeats get ``-1``, ``-2``..."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.occurrences: dict[str, int] = {}
        for text in taken:
            self.slug(text)

    def slug(self, text: str) -> str:
        base = github_slug(text)
        result = base
        while result in self.occurrences:
            self.occurrences[base] += 1
            result = f"{base}-{self.occurrences[base]}"
        self.occurrences[result] = 0
        return result


# ----------------------------------------------------------------- escaping plain text

_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>|~#]|&(?=#?[0-9A-Za-z]+;)")
_INLINE_CHARS = re.compile(r"[\\`*_\[\]<>|~#&]")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")
_DEST_SPECIAL = re.compile(r"[\\()]|&(?=#?[0-9A-Za-z]+;)")
_DEST_ENCODE = {"<": "%3C", ">": "%3E", '"': "%22", "`": "%60"}
_DEST_ANY = re.compile(r'[\\()&<>"`]')


def escape_text(text: str) -> str:
    """Plain text as inline markdown that renders exactly as ``text`` (on one line): markdown
    punctuation is backslash-escaped, so ``Foo [bar]``, ``a|b``, ``*x*`` and ``<script>``
    stay text."""
    text = " ".join(text.split())
    if _INLINE_CHARS.search(text) is None:
        return text
    return _INLINE_SPECIAL.sub(r"\\\g<0>", text)


def escape_line_start(escaped: str) -> str:
    """Escape what would start a block when ``escaped`` begins a line (``- x``, ``1. x``)."""
    if escaped[:1] in ("-", "+", "=", ">"):
        return "\\" + escaped
    match = _ORDERED_START.match(escaped)
    if match:
        return f"{match.group(1)}\\{match.group(2)}{escaped[match.end() :]}"
    return escaped


def link_destination(url: str) -> str:
    """A URL for ``[text](...)``: parentheses and backslashes escaped, so the link always
    parses and reads back as ``url``."""
    if not _DEST_ANY.search(url):
        return url
    for c, code in _DEST_ENCODE.items():
        url = url.replace(c, code)
    return _DEST_SPECIAL.sub(r"\\\g<0>", url)


def link(title: str, url: str | None) -> str:
    """``[Title](url)`` for an http(s) URL; the escaped title alone otherwise."""
    text = escape_text(title)
    if linkable(url):
        assert url is not None
        return f"[{text}]({link_destination(url)})"
    return text


# ----------------------------------------------------------------- curator markdown

_RISKY = re.compile(r"[<\[]")
#: What the careful pass looks at. Link destinations are only looked ahead at, never
#: consumed, so a "<" or a "](" inside one is still seen on its own (the text may turn out
#: not to be a link after all).
_CODE_SPAN_OR_TARGET = re.compile(
    r"(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<tag><(?=[A-Za-z/!?]))"
    r"|(?P<inline>\]\(\s*"
    r"(?:(?P<lt><)(?=(?P<angle>[^<>\n]*)>)"
    r"|(?=(?P<bare>[^\s()]*(?:\([^\s()]*\)[^\s()]*)*))))"
    r"|(?P<refdef>(?m:^[ ]{0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*)"
    r"(?:(?P<reflt><)(?=(?P<refangle>[^<>\n]*)>)|(?=(?P<refbare>\S+))))",
    re.DOTALL,
)


@lru_cache(maxsize=1)
def _checker() -> MarkdownIt:
    """A permissive parser (raw HTML on, every link kept) that shows what a renderer would."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _web_target(raw: str) -> bool:
    """Is a link destination, as written in markdown, an http(s) URL once decoded?"""
    from mlsd_cli.formats.byline import unescape

    target = html.unescape(unescape(raw.strip()))
    return target.lower().startswith(("http://", "https://")) and is_http_url(target)


def _spaced(text: str, escaped: str) -> str:
    """``escaped`` with the blanks ``text`` starts or ends with (one space each)."""
    return f"{' ' if text[:1].isspace() else ''}{escaped}{' ' if text[-1:].isspace() else ''}"


def _is_web(target: str) -> bool:
    return target.lower().startswith(("http://", "https://")) and is_http_url(target)


def problems(text: str) -> list[str]:
    """What makes markdown unsafe once rendered: raw HTML, links that are not http(s)."""
    env: dict[str, Any] = {}
    tokens = _checker().parse(text, env)
    found: list[str] = []
    for token in _walk(tokens):
        if token.type in ("html_block", "html_inline"):
            found.append(f"raw HTML {token.content.strip()[:40]!r}")
        elif token.type in ("link_open", "image"):
            target = str(token.attrGet("href") or token.attrGet("src") or "")
            if not _is_web(target):
                found.append(f"link to {target[:40]!r}")
    for ref in (env.get("references") or {}).values():
        target = str(ref.get("href", ""))
        if not _is_web(target):
            found.append(f"link definition to {target[:40]!r}")
    return found


def _walk(tokens: Sequence[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _code_block_lines(text: str) -> set[int]:
    """Line numbers (0-based) inside fenced or indented code blocks."""
    lines: set[int] = set()
    for token in _checker().parse(text):
        if token.type in ("fence", "code_block") and token.map:
            start, end = token.map
            # A fence's own ``` lines are not content, but keeping them is harmless.
            lines.update(range(start, end))
    return lines


def _neutralise(match: re.Match[str]) -> str:
    """One match of :data:`_CODE_SPAN_OR_TARGET` made safe.

    Code spans stay. A ``<`` that could open a tag or an autolink becomes ``&lt;``. A link or
    link definition whose target is not http(s) is broken (``](`` -> ``]&#40;``, ``]:`` ->
    ``]&#58;``): its text stays, as text.
    """
    if match.group("code"):
        return match.group()
    if match.group("tag"):
        return "&lt;"
    whole = match.group()
    if match.group("inline") is not None:
        angle = match.group("lt") is not None
        target = match.group("angle") if angle else match.group("bare")
        if _web_target(target or ""):
            return whole
        broken = "]&#40;" + whole[2:]
        return broken[:-1] + "&lt;" if angle else broken
    angle = match.group("reflt") is not None
    target = match.group("refangle") if angle else match.group("refbare")
    cut = whole.rfind("]:")
    # The label stays text if this is no definition after all: no "<" may open a tag there.
    label = whole[:cut].replace("<", "&lt;")
    rest = whole[cut + 2 :]
    if _web_target(target or ""):
        return label + "]:" + rest
    return label + "]&#58;" + (rest[:-1] + "&lt;" if angle else rest)


_UNLINKED = re.compile(r"\]&#40;(&lt;)?|(?m:^([ ]{0,3}\[(?:[^\[\]\\]|\\.)+)\]&#58;(&lt;)?)")


def relink(text: str) -> str:
    """Undo what :func:`_neutralise` did to a link or link definition whose target is not
    http(s) (``[text]&#40;./a.md)`` -> ``[text](./a.md)``), so that reading mlsd's own export
    back gives the markdown that was exported; exporting it again neutralises it the same way."""
    if "]&#" not in text:
        return text

    def back(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            return match.group(2) + "]:" + ("<" if match.group(3) else "")
        return "](" + ("<" if match.group(1) else "")

    return _UNLINKED.sub(back, text)


#: Code blocks (fenced or indented): their lines are found with a real parser.
_CODE_BLOCK_SIGNS = re.compile(r"^ {0,3}(?:```|~~~)|~~~|^(?: {4}|\t)", re.MULTILINE)
_RISKY_IN_CODE = re.compile(r"<|\]\(|\]:")


def _no_code_blocks(text: str) -> bool:
    """True when ``text`` can hold no fenced or indented code block."""
    return _CODE_BLOCK_SIGNS.search(text) is None


def _neutralise_all(text: str) -> tuple[str, bool]:
    """The careful pass over ``text``. Also says whether its result is safe by construction:
    every link definition was looked at (none hides in a list item or a quote) and no code
    span it left alone holds a "<", "](" or "]:" (so it does not matter whether a renderer
    agrees that the span is code)."""
    definitions = 0
    risky_code = False

    def change(match: re.Match[str]) -> str:
        nonlocal definitions, risky_code
        if match.group("refdef"):
            definitions += 1
        elif match.group("code") and _RISKY_IN_CODE.search(match.group()):
            risky_code = True
        return _neutralise(match)

    result = _CODE_SPAN_OR_TARGET.sub(change, text)
    return result, not risky_code and definitions == text.count("]:")


def _outside_code(text: str, change: Any) -> str:
    code = _code_block_lines(text)
    lines = text.split("\n")
    out: list[str] = []
    chunk: list[str] = []
    for n, line in enumerate(lines):
        if n in code:
            if chunk:
                out.append(change("\n".join(chunk)))
                chunk = []
            out.append(line)
        else:
            chunk.append(line)
    if chunk:
        out.append(change("\n".join(chunk)))
    return "\n".join(out)


def _brute(chunk: str) -> str:
    return chunk.replace("<", "&lt;").replace("[", "&#91;").replace("]", "&#93;")


def safe_markdown(text: str) -> str:
    """Curator markdown kept as markdown, made safe: HTML tags neutralised (``<`` ->
    ``&lt;``), links and link definitions to anything but http(s) unlinked (their text
    stays). Code blocks and code spans are left alone. Text without ``<`` or ``[`` is
    returned as it is (the fast path)."""
    text = text.strip("\n")
    if "\t" in text:
        text = text.expandtabs(4)
    if not _RISKY.search(text):
        return text
    if _no_code_blocks(text):
        # The pass sees every "<", "](" and "]:" outside code spans; when it can vouch for
        # its result (see _neutralise_all), no second opinion is needed.
        careful, certain = _neutralise_all(text)
        if certain:
            return careful
    else:
        careful = _outside_code(text, lambda chunk: _neutralise_all(chunk)[0])
    if not problems(careful):
        return careful
    brute = _outside_code(text, _brute)
    if not problems(brute):
        return brute
    return "\n".join(escape_text(line) if line.strip() else "" for line in text.split("\n"))


def close_fences(text: str) -> str:
    """``text`` with a code fence left open at its end closed, so that free text at the top
    level of the document (an intro, the catalogue description) cannot swallow what follows."""
    if "```" not in text and "~~~" not in text:
        return text
    lines = text.split("\n")
    for token in _checker().parse(text):
        if token.type != "fence" or token.level != 0 or not token.map:
            continue
        start, end = token.map
        last = lines[end - 1] if end - 1 > start else ""
        closing = re.fullmatch(rf" {{0,3}}{re.escape(token.markup[0])}+[ \t]*", last)
        if closing is None or len(last.strip()) < len(token.markup):
            return text + "\n" + token.markup
    return text


def top_level_markdown(text: str) -> str:
    """Curator markdown for the top level of the document: safe, and closed."""
    return close_fences(safe_markdown(text))


def indent(text: str, prefix: str) -> list[str]:
    """Lines of ``text`` indented by ``prefix`` (blank lines stay empty)."""
    return [prefix + line if line.strip() else "" for line in text.split("\n")]


_LIST_LINE = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])(?:\s|$)", re.MULTILINE)
#: Ends a list in the text above, so the resource list below does not join it.
LIST_BREAK = "<!-- -->"


def _needs_break(text: str) -> bool:
    return bool(_LIST_LINE.search(text)) or text.rstrip().endswith(":")


# ----------------------------------------------------------------- rendering


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {escape_text(text)}"


def _toc(entries: list[tuple[int, str, str]]) -> list[str]:
    """``- [Title](#anchor)`` lines, nested two spaces per level."""
    return [
        f"{'  ' * depth}- [{escape_text(title)}](#{anchor})" for depth, title, anchor in entries
    ]


def full_item(r: Resource, org_names: frozenset[str] = frozenset()) -> str:
    """One resource in the full style: its lines, ending with a newline (and a blank line
    after it when it has a description). ``org_names``: see :func:`org_names`."""
    title = escape_text(r.title)
    if linkable(r.url):
        assert r.url is not None
        head = f"- [{title}]({link_destination(r.url)})"
    else:  # a plain title; parentheses escaped so no reader takes it for a byline, nor prose
        head = "- " + escape_line_start(as_title(title.replace("(", "\\(").replace(")", "\\)")))
    if r.authors or r.venue or r.year or r.org:
        sole = r.authors[0].strip().casefold() if len(r.authors) == 1 else ""
        byline = _byline(tuple(r.authors), r.venue, r.year, r.org, sole in org_names)
        if byline:
            head = f"{head} {byline}"
    if r.description and not r.description.isspace():
        description = safe_markdown(r.description)
        if description:
            if "\n" in description:
                return head + "\n\n" + "\n".join(indent(description, "  ")) + "\n\n"
            return f"{head}\n\n  {description}\n\n"
    return head + "\n"


@lru_cache(maxsize=4096)
def _byline(
    authors: tuple[str, ...], venue: str | None, year: int | None, org: str | None, sole_org: bool
) -> str:
    names = frozenset(a.strip().casefold() for a in authors) if sole_org else frozenset()
    return format_byline(list(authors), venue, year, org, org_names=names)


def org_names(catalogue: Catalogue) -> frozenset[str]:
    """The names (casefolded) an importer of the export reads as the org when one stands alone
    in a byline: the known organisations, the catalogue's title, sections and orgs."""
    names = {s.title.strip().casefold() for s in catalogue.sections}
    names |= {r.org.strip().casefold() for r in catalogue.resources if r.org}
    return KNOWN_ORGS | names | {plain(catalogue.title).casefold()}


def awesome_item(r: Resource) -> str:
    bare = escape_line_start(as_title(escape_text(r.title)))  # as_title: not read as prose
    head = link(r.title, r.url) if linkable(r.url) else bare
    summary = _not_repeating(plain(r.title), sentence(first_paragraph_text(r.description)))
    return f"- {head} - {escape_text(summary)}" if summary else f"- {head}"


def awesome_intro(intro: str) -> str:
    """A section intro in the awesome style: one paragraph of its text, links unlinked (every
    link once, the list's items hold them), images (badges) kept as images."""
    out: list[str] = []

    def visit(tokens: Sequence[Token]) -> None:
        for token in tokens:
            if token.type in ("text", "code_inline", "fence", "code_block"):
                out.append(_spaced(token.content, escape_text(token.content)))
            elif token.type == "html_block":
                out.append(f" {escape_text(to_text(token.content))} ")
            elif token.type in ("softbreak", "hardbreak") or (token.block and token.nesting < 0):
                out.append(" ")
            elif token.type == "image":  # its alt text is its children: not visited
                src, alt = str(token.attrGet("src") or ""), escape_text(token.content)
                out.append(f"![{alt}]({link_destination(src)})" if _is_web(src) else alt)
            elif token.children:
                visit(token.children)

    visit(_checker().parse(intro))
    return escape_line_start(plain("".join(out)))


_AFTER_NAME = re.compile(r"[\s.,!?:-]")
_WRAPPED = re.compile(r"\((.*)\)", re.DOTALL)


def _not_repeating(name: str, summary: str) -> str:
    """The description less the item's name at its start (awesome-lint's
    no-repeat-item-in-description): ``Rules of ML (Feature stores).`` under the link "Rules of
    ML" gives ``Feature stores.``; nothing when it was the name alone."""
    while name and summary[: len(name)].lower() == name.lower():
        rest = summary[len(name) :]
        if rest and not _AFTER_NAME.match(rest):
            break
        rest = rest.strip(" .,!?:;-–—")
        wrapped = _WRAPPED.fullmatch(rest)
        summary = sentence(wrapped.group(1) if wrapped else rest)
    return summary


_HEADING_HINT = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)


def headings_in(markdown: str) -> list[str]:
    """The text of the headings inside some markdown (they take anchors on GitHub too)."""
    if _HEADING_HINT.search(markdown) is None:
        return []
    tokens = _checker().parse(markdown)
    return [
        plain("".join(c.content for c in tokens[i + 1].children or [] if c.type in _TEXTUAL))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]


_TEXTUAL = ("text", "code_inline")


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    check_style(options.style)
    awesome = options.style == "awesome"
    heads = groups(catalogue, options)
    top = options.heading_level if options.embedded else 2
    slugger = Slugger(options.headings_above)
    out: list[str] = []
    title = plain(catalogue.title) or ("Resources" if awesome else "")
    if title and not options.embedded:
        out += [_heading(1, title), ""]
        slugger.slug(title)
    if catalogue.description.strip():
        description = top_level_markdown(catalogue.description)
        out += [description, ""]
        for heading in headings_in(description):
            slugger.slug(heading)
        if _needs_break(description):
            out += [LIST_BREAK, ""]
    if options.feed_url:  # checked by html_assets.check_feed_url: http(s) or a relative path
        out += [feed_line(link_destination(options.feed_url)), ""]
    if awesome:
        out += [_heading(top, "Contents"), ""]
        slugger.slug("Contents")

    # The body first, in document order, so that each anchor counts every heading above it
    # (headings inside intros and descriptions included); the ToC goes in front of it.
    body: list[str] = []
    toc: list[tuple[int, str, str]] = []
    seen_links: set[str] = set()
    rendered: dict[int, tuple[str, list[str]]] = {}
    known_orgs = frozenset() if awesome else org_names(catalogue)
    for group in heads:
        label = plain(group.title)
        toc.append((group.depth, label, slugger.slug(label)))
        body += [_heading(top + group.depth, group.title), ""]
        if group.intro.strip():
            if awesome:
                intro = awesome_intro(group.intro)
                body += [intro, ""] if intro else []
            else:
                intro = top_level_markdown(group.intro)
                body += [intro, ""]
                for heading in headings_in(intro):
                    slugger.slug(heading)
                if group.resources and _needs_break(intro):
                    body += [LIST_BREAK, ""]
        if awesome:
            items = _awesome_items(group.resources, seen_links)
            if items:
                body += [*items, ""]
            continue
        chunks: list[str] = []
        for r in group.resources:
            cached = rendered.get(id(r))
            if cached is None:  # an entry in two sections is rendered once, shown twice
                item = full_item(r, known_orgs)
                inner = []
                described = item[item.find("\n") :]
                if item.endswith("\n\n") and _HEADING_HINT.search(described):
                    # The description, without the item's indent, may hold headings.
                    inner = headings_in("\n".join(x[2:] for x in described.split("\n")))
                cached = rendered[id(r)] = (item, inner)
            item, inner = cached
            for heading in inner:
                slugger.slug(heading)
            chunks.append(item)
        if chunks:
            body.append("".join(chunks).rstrip("\n"))
            body.append("")
    entries = [entry for entry in toc if entry[0] <= (1 if awesome else 99)]
    if entries:
        out += [*_toc(entries), ""]
    out += body
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _awesome_items(resources: list[Resource], seen: set[str]) -> list[str]:
    """Each entry once (in its first section) and each link once."""
    items = []
    for r in resources:
        if "\0" + r.id in seen:
            continue
        seen.add("\0" + r.id)
        if r.url and linkable(r.url):
            key = awesome_url_key(r.url)
            if key in seen:
                continue
            seen.add(key)
        items.append(awesome_item(r))
    return items
