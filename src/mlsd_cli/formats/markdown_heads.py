"""What the first paragraph of a markdown list item says: its link, title, byline, description.

:func:`read_head` reads one inline token (markdown-it-py, set up by :func:`markdown_parser` to
record where each link sits in the source) into a :class:`Head`; the walk over the whole
document is :mod:`mlsd_cli.formats.markdown_reader`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.formats.byline import byline_org
from mlsd_cli.formats.byline import is_explicit
from mlsd_cli.formats.byline import looks_like_byline
from mlsd_cli.formats.byline import matching_paren
from mlsd_cli.formats.byline import parse_byline
from mlsd_cli.formats.byline import speaker_in_title
from mlsd_cli.formats.byline import strip_parens
from mlsd_cli.formats.html_items import has_html_anchor
from mlsd_cli.formats.html_items import html_to_markdown_lines
from mlsd_cli.formats.item_tail import SEPARATOR
from mlsd_cli.formats.item_tail import Tail
from mlsd_cli.formats.item_tail import read_tail
from mlsd_cli.formats.item_tail import strip_decoration

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


# ----------------------------------------------------------------- markdown-it set-up

_PARSER: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    """CommonMark + tables + strikethrough, with link rules that record where each link sits
    in the source (``token.meta["span"]`` and ``["label"]``), so text around a link can be
    kept as the author wrote it."""
    global _PARSER
    if _PARSER is not None:
        return _PARSER
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import autolink
    from markdown_it.rules_inline import image
    from markdown_it.rules_inline import link
    from markdown_it.rules_inline.state_inline import StateInline

    def positioned(rule: Any, *, labelled: bool) -> Any:
        def wrapped(state: StateInline, silent: bool) -> bool:
            start = state.pos
            first_new = len(state.tokens)
            # Only where a link is parsed for good: parseLinkLabel skips tokens with the inline
            # rules, this one among them, so calling it at every position (silent scans
            # included) nests one level a character and, past markdown-it's nesting limit,
            # loses a link whose label holds many punctuation marks.
            label_end = -1
            if labelled and not silent and state.src[start] == "[":
                label_end = state.md.helpers.parseLinkLabel(state, start, True)
            ok = bool(rule(state, silent))
            if ok and not silent:
                for token in state.tokens[first_new:]:
                    if token.type == "image":
                        token.meta["span"] = (start, state.pos)
                        break
                    if token.type == "link_open":
                        token.meta["span"] = (start, state.pos)
                        if label_end > start:
                            token.meta["label"] = (start + 1, label_end)
                        break
            return ok

        return wrapped

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.inline.ruler.at("link", positioned(link, labelled=True))
    md.inline.ruler.at("autolink", positioned(autolink, labelled=False))
    md.inline.ruler.at("image", positioned(image, labelled=False))
    _PARSER = md
    return md


def plain_inline(children: list[Token] | None) -> str:
    """The visible text of inline tokens (links give their label; images and HTML nothing)."""
    out: list[str] = []
    for t in children or []:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def plain_text(markdown: str) -> str:
    """Visible text of an inline markdown fragment: ``"**a** [b](u)"`` -> ``"a b"``."""
    tokens = markdown_parser().parseInline(markdown)
    return plain_inline(tokens[0].children if tokens else None)


# ----------------------------------------------------------------- item heads

_SEARCH_ONLINE = re.compile(r"\(\s*search\s+online\s*\)", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+(?:\([^\s()]*\)[^\s<>()\[\]\"'`]*)*")
_QUOTES = ('"', "“", "”", "'")


@dataclass
class _Link:
    href: str
    label: str
    span: tuple[int, int] | None
    label_span: tuple[int, int] | None
    is_web: bool
    is_anchor: bool


@dataclass
class Head:
    """What the first paragraph of a list item says."""

    #: "resource", "nav" (only anchors / relative links), "empty" or "label" (no link at all;
    #: a url-less resource unless it heads a sub-list of links).
    what: str
    title: str = ""
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    description: str = ""
    org: str | None = None
    #: The byline was mlsd's explicit dialect (Tail.explicit).
    explicit: bool = False
    #: Further entries of the same line ("Stream processing: [ksql](u1), [faust](u2)").
    more: list[Head] = field(default_factory=list)


_HTML_A = re.compile(r"""^<a\s[^>]*?href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _links(children: list[Token]) -> list[_Link]:
    found: list[_Link] = []
    i = 0
    while i < len(children):
        t = children[i]
        html_a = _HTML_A.match(t.content) if t.type == "html_inline" else None
        if html_a:
            j = i + 1
            while j < len(children) and not (
                children[j].type == "html_inline" and children[j].content.lower() == "</a>"
            ):
                j += 1
            href = html_a.group(1)
            found.append(
                _Link(
                    href=href,
                    label=plain_inline(children[i + 1 : j]),
                    span=None,
                    label_span=None,
                    is_web=url_problem(href) is None,
                    is_anchor=href.startswith("#"),
                )
            )
            i = j + 1
            continue
        if t.type != "link_open":
            i += 1
            continue
        j = i + 1
        while j < len(children) and children[j].type != "link_close":
            j += 1
        href = str(t.attrGet("href") or "")
        label = plain_inline(children[i + 1 : j])
        found.append(
            _Link(
                href=href,
                label=label,
                span=t.meta.get("span"),
                label_span=t.meta.get("label"),
                is_web=url_problem(href) is None,
                is_anchor=href.startswith("#"),
            )
        )
        i = j + 1
    return found


def heading_links(inline: Token) -> str:
    """The links and badges a heading holds (``### [Queues](u)``, ``# Awesome Widgets
    [![Awesome](badge)](u)``), as markdown, for its section's intro: a heading's link or badge
    is never dropped (a badge as written, so it shows as it did)."""
    links = [lk for lk in _links(inline.children or []) if lk.label and not lk.is_anchor]
    out = [f"[{lk.label}]({lk.href})" for lk in links]
    return " · ".join(out + _badges(inline))


def _badges(inline: Token) -> list[str]:
    """The images of a heading (linked or not) as written in its source."""
    raw, children = inline.content, inline.children or []
    found: list[str] = []
    open_link: tuple[int, int] | None = None
    for t in children:
        if t.type == "link_open":
            open_link = t.meta.get("span")
        elif t.type == "link_close":
            open_link = None
        elif t.type == "image" and t.meta.get("span"):
            start, end = open_link or t.meta["span"]
            if not found or found[-1] != raw[start:end]:
                found.append(raw[start:end])
    return found


def _trailing_group(raw: str, not_before: int = 0) -> tuple[int, str] | None:
    """The parenthetical that ends ``raw`` (start index, text with parens), if any."""
    text = raw.rstrip()
    if not text.endswith(")"):
        return None
    for i, c in enumerate(text):
        if i < not_before or c != "(" or (i and text[i - 1] == "\\"):
            continue
        if matching_paren(text, i) == len(text) - 1:
            return i, text[i:]
    return None


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clean_title(title: str) -> str:
    """A url-less item's text as a title: blanks collapsed, a stray quote mark dropped."""
    title = _spaces(title)
    for q in _QUOTES:
        if title.count(q) % 2 == 1 and (title.startswith(q) or title.endswith(q)):
            title = title.strip(q).strip()
    if q_pair := re.fullmatch(r"[\"“](.*)[\"”]", title):
        title = q_pair.group(1).strip()
    return title


def _byline_then_description(text: str) -> tuple[int, str, str] | None:
    """``Title (Author, 2019) - what it is``: (start of the byline, the byline, the rest)."""
    for i, c in enumerate(text):
        if c != "(" or (i and text[i - 1] == "\\"):
            continue
        end = matching_paren(text, i)
        if end is None:
            continue
        after = text[end + 1 :]
        separator = SEPARATOR.match(after)
        rest = after[separator.end() :].strip() if separator else ""
        if rest and looks_like_byline(text[i : end + 1]):
            return i, text[i : end + 1], rest
    return None


def _apply_byline(head: Head, group: str) -> None:
    authors, venue, year = parse_byline(group)
    head.authors, head.venue, head.year = authors, venue, year
    head.org, head.explicit = byline_org(group) or head.org, is_explicit(group)


def _good_label(label: str) -> bool:
    """Is a link's text a title by itself ("ML Beyond Accuracy"), not "here"/"tutorials"?"""
    return len(label.split()) >= 2 or label[:1].isupper() or label[:1].isdigit()


def inline_token(text: str) -> Token:
    """One line of markdown as an inline token (link spans recorded)."""
    return markdown_parser().parseInline(text)[0]


def read_head(inline: Token) -> Head:
    raw = inline.content
    children = inline.children or []
    if any(t.type == "html_inline" and _HTML_A.match(t.content) for t in children):
        # "<b><a href=u>Gizmo</a></b> (score 5) - Does things.": read as its markdown twin
        converted = " ".join(html_to_markdown_lines(raw))
        if not has_html_anchor(converted):
            return read_head(inline_token(converted))
    links = _links(children)
    web = [lk for lk in links if lk.is_web and lk.label]
    if not web:
        relative = [lk for lk in links if _is_relative(lk)]
        if relative and not strip_decoration(raw[: relative[0].span[0]]):  # type: ignore[index]
            return _read_relative_head(raw, relative[0], children)
        return _read_linkless_head(raw, links)
    link = web[0]
    start, end = link.span or (0, 0)
    if link.span is None:  # an HTML <a href>: the visible text only
        return Head("resource", title=_spaces(link.label), url=link.href)
    if strip_decoration(raw[:start]):
        return _read_mid_link_head(raw, link, web, children)
    head = Head("resource", title=link.label, url=link.href)
    rest = _without_decorations(raw, end, children)
    tail = read_tail(rest)
    _take_tail(head, tail)
    speaker = None if tail.has_byline or tail.org else speaker_in_title(_spaces(link.label))
    if speaker:  # "[Scaling Slack - Bing Wei, Engineer at Slack](u)"
        head.title, head.authors, head.org = speaker
    label_raw = raw[link.label_span[0] : link.label_span[1]] if link.label_span else ""
    description = tail.description
    if tail.loose:
        glued = rest[:1].isalnum() or rest[:1] in "’'"
        description = _loose(head, link, tail, label_raw, glued)
    head.title = _spaces(head.title)
    head.description = "\n\n".join(p for p in (tail.note, description) if p)
    return head


def _is_relative(link: _Link) -> bool:
    """``[Cache pattern](./cache/README.md)``: a link to a file beside the list."""
    href = link.href
    return bool(
        link.span and link.label and href and not link.is_web and not link.is_anchor
    ) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href)


def _read_relative_head(raw: str, link: _Link, children: list[Token]) -> Head:
    """An item whose link is relative: a url-less entry titled by the link text (the
    catalogue holds only web URLs); the target is kept in its description as a link."""
    head = Head("resource", title=_spaces(link.label))
    tail = read_tail(_without_decorations(raw, link.span[1] if link.span else 0, children))
    _take_tail(head, tail)
    target = f"[{link.href}]({link.href})"
    head.description = "\n\n".join(p for p in (tail.note, tail.description, target) if p)
    return head


def _take_tail(head: Head, tail: Tail) -> None:
    head.authors, head.venue, head.year = tail.authors, tail.venue, tail.year
    head.org, head.explicit = tail.org, tail.explicit


def _loose(head: Head, link: _Link, tail: Tail, label_raw: str, glued: bool) -> str:
    """Text after the link with no separator: a trailing byline, a short word glued to the
    title ("[Designing ML](u) book"), or a sentence (its own words, or, when it goes on from
    the title, "[X](u) is a ...", the title's words and it)."""
    middle = tail.loose
    if not head.authors and head.venue is None and head.year is None and not tail.note:
        trailing = _trailing_group(middle)
        if trailing and looks_like_byline(trailing[1]):
            _apply_byline(head, trailing[1])
            middle = middle[: trailing[0]].strip()
    words = plain_text(middle)
    if not words:
        return ""
    if len(words.split()) <= 3 and not re.search(r"[.!?:;\[\]]", words) and not tail.org:
        head.title = f"{link.label}{'' if glued else ' '}{words}"
        return ""
    if glued:
        return f"{label_raw}{middle}"
    if middle[:1].islower():
        return f"{label_raw} {middle}"
    return middle


def _without_decorations(raw: str, start: int, children: list[Token]) -> str:
    """``raw[start:]`` without images (badges) and inline HTML tags."""
    return _blank_decorations(raw, children)[start:]


def _blank_decorations(raw: str, children: list[Token]) -> str:
    """``raw`` with images (badges) and inline HTML tags blanked out (offsets kept)."""
    text = raw
    for t in children:
        span = t.meta.get("span") if t.type == "image" else None
        if span:
            text = text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]
    for t in children:
        if t.type == "html_inline" and t.content and t.content in text:
            text = text.replace(t.content, " " * len(t.content), 1)
    return text


_GENERIC = re.compile(
    r"(?:pdf|paper|code|video|slides?|link|here|part \d+|blog|post|article|docs?|github|"
    r"website|site|pypi|talk|repo|demo|notebook|arxiv|html|web)",
    re.IGNORECASE,
)
_EMPHASIZED = re.compile(r"^\s*(\*\*|__|\*|_)(?!\s)(.+?)(?<!\s)\1(?![*_])")
_LABEL_END = re.compile(r"(?:\s[-–—]|:)\s*$")
_BETWEEN_LINKS = re.compile(r"^\s*(?:,|and|&|\||/|·)?\s*(?:,|and|&|\||/|·)?\s*$")


def _read_mid_link_head(raw: str, link: _Link, web: list[_Link], children: list[Token]) -> Head:
    """The link is not the first thing of the line (rules in docs/import.md):

    - ``**Fast things** (2019), A. Author [[pdf]](u) [[code]](u2)``, ``Ranking. [Part 1](u)``:
      a bold/italic lead, or a lead before a generic label ("pdf", "Part 1"), is the title;
      the rest is read as what follows a link (byline, separator, description, links);
    - ``Stream processing: [ksql](u1), [faust](u2)``: a label, then links with nothing but
      commas between them: each link is an entry, the label its description;
    - ``Sara Hooker's slide deck on [ML Beyond Accuracy](u) (2022)``: a link text that is a
      title by itself stays the title and the sentence becomes the description; a bare
      "[tutorials](u)" makes the whole sentence the title."""
    start, end = link.span or (0, 0)
    lead = raw[:start]
    emphasized = _EMPHASIZED.match(lead)
    if emphasized or _GENERIC.fullmatch(link.label.strip("[] ")):
        clean = _blank_decorations(raw, children)
        if emphasized:
            title = plain_text(emphasized.group(2))
            after = clean[emphasized.end() : start] + clean[end:]
        else:
            title, after = plain_text(lead).rstrip(" .:-–—,"), clean[end:]
        head = Head("resource", title=_spaces(title), url=link.href)
        tail = read_tail(after)
        _take_tail(head, tail)
        head.description = "\n\n".join(p for p in (tail.note, tail.description, tail.loose) if p)
        return head
    if _LABEL_END.search(lead) and _only_links_after(raw, web):
        label = plain_text(lead).rstrip(" :-–—")
        if len(web) == 1 and _is_address(link):  # "Eta: [https://eta.io](https://eta.io)"
            return Head("resource", title=_spaces(label), url=link.href)
        heads = [
            Head("resource", title=_spaces(lk.label), url=lk.href, description=label) for lk in web
        ]
        heads[0].more = heads[1:]
        return heads[0]
    head = Head("resource", url=link.href)
    body = raw
    trailing = _trailing_group(raw, not_before=end)
    if trailing and looks_like_byline(trailing[1]):
        _apply_byline(head, trailing[1])
        body = raw[: trailing[0]]
    if _good_label(link.label):
        head.title = _spaces(link.label)
        label_raw = raw[link.label_span[0] : link.label_span[1]] if link.label_span else link.label
        head.description = (body[:start] + label_raw + body[end:]).strip()
    else:
        head.title = _spaces(plain_text(body))
    return head


def _is_address(link: _Link) -> bool:
    """Is the link's text its own address (``[eta.io/docs](https://eta.io/docs)``)?"""
    bare = re.sub(r"^https?://(?:www\.)?", "", link.href).rstrip("/")
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", link.label.strip()).rstrip("/") == bare


def _only_links_after(raw: str, web: list[_Link]) -> bool:
    """After the first link, only further links joined by commas, "and", "|" or "/"?"""
    spans = [lk.span for lk in web if lk.span is not None]
    if len(spans) < len(web):
        return False
    gaps = [raw[a[1] : b[0]] for a, b in itertools.pairwise(spans)]
    gaps.append(raw[spans[-1][1] :])
    return all(_BETWEEN_LINKS.match(g) for g in gaps)


def _read_linkless_head(raw: str, links: list[_Link]) -> Head:
    spans = [lk.span for lk in links if lk.span]
    bare = None
    for m in _BARE_URL.finditer(raw):
        if any(s <= m.start() < e for s, e in spans):
            continue
        url = m.group(0).rstrip(".,;:!?")
        if url_problem(url) is None:
            bare = (m.start(), url)
            break
    if bare is None and links:
        return Head("nav")
    text = _SEARCH_ONLINE.sub("", raw).strip()
    if not plain_text(text) and bare is None:
        return Head("empty")
    head = Head("resource" if bare else "label")
    note = ""
    trailing = _trailing_group(text)
    described = None if bare else _byline_then_description(text)
    if described:
        start, group, note = described
        _apply_byline(head, group)
        text = text[:start].rstrip()
    elif trailing:
        if looks_like_byline(trailing[1]):
            _apply_byline(head, trailing[1])
            text = text[: trailing[0]].rstrip()
        elif bare is not None and trailing[0] <= bare[0]:
            note = strip_parens(trailing[1])
            text = text[: trailing[0]].rstrip()
    if bare is not None:
        head.url = bare[1]
        at = text.find(bare[1])
        if at >= 0:
            before = text[:at].strip(" :-–—")
            after = text[at + len(bare[1]) :].strip(" :-–—.,;")
            text = before or after
            if before and after:
                note = "\n\n".join(p for p in (after, note) if p)
        head.title = _clean_title(plain_text(text)) or bare[1]
    else:
        head.title = _clean_title(plain_text(text))
    head.description = note
    return head
