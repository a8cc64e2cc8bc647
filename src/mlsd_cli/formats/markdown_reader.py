"""Reading a markdown curated list ("awesome list", a book's resources page) into the catalogue.

:func:`parse_markdown` walks markdown-it-py's token tree (never line regexes) and returns plain
dataclasses; :func:`import_into` adds them to a :class:`~mlsd_cli.catalogue.model.Catalogue`.

What becomes what:

- **headings** become sections, nested by level; free text under a heading that belongs to no
  item (paragraphs, code, a list introduced by a paragraph ending in ":" whose items have no
  links) becomes the section's ``intro``, kept as markdown;
- **list items** (bulleted or numbered, nested too) become resources. ``[title](url)`` gives
  title and URL; a parenthetical after it such as "(Robert Chang, Airbnb Engineering & Data
  Science, 2017)" gives authors, venue and year (:mod:`mlsd_cli.formats.byline`); text after a
  separator (" - ", ": ", " — ", ". ") is the description, and so are the blocks inside the
  item and the paragraphs (and link-less lists) that follow a list holding a single resource
  (the numbered case studies of a book). An item without a link is a url-less resource
  ("(Search Online)" is dropped); a bare URL in its text counts as its link;
- rows of a **table** whose cells hold a web link become resources too;
- **not resources**: table-of-contents and other in-page ``#anchor`` links, relative links,
  badges (links around images), empty bullets. HTML fragments are kept as free text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mlsd_cli.catalogue.model import Catalogue, Resource, Section, slugify, unique_id
from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.formats.byline import (
    looks_like_byline,
    matching_paren,
    parse_byline,
    strip_parens,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode


# ----------------------------------------------------------------- results


@dataclass
class ParsedSection:
    """A heading of the list. ``id`` and ``parent`` are local to the parsed document."""

    id: str
    title: str
    parent: str | None = None
    level: int = 1
    intro: str = ""


@dataclass
class ParsedResource:
    """A list item that names a resource."""

    title: str
    url: str | None = None
    kind: str = "other"
    #: Local section ids (see :class:`ParsedSection`).
    sections: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    #: Markdown; may be several paragraphs.
    description: str = ""
    #: 1-based line of the item in the source.
    line: int = 0


@dataclass
class ParsedList:
    """A whole markdown list: sections in document order, resources in document order."""

    sections: list[ParsedSection] = field(default_factory=list)
    resources: list[ParsedResource] = field(default_factory=list)

    def section(self, local_id: str) -> ParsedSection | None:
        for s in self.sections:
            if s.id == local_id:
                return s
        return None


@dataclass
class SkippedItem:
    """An item not added because the catalogue already holds it."""

    title: str
    url: str | None
    #: The id of the entry that holds it.
    existing_id: str
    #: "same-url", or "same-title" for a url-less item already present under that title.
    reason: str = "same-url"
    #: True when the duplicate is within the imported list itself (its section was added to
    #: the first occurrence).
    within_list: bool = False


@dataclass
class ImportReport:
    """What :func:`import_into` did (or, with ``dry_run``, would do)."""

    added: list[Resource] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    dry_run: bool = False

    @property
    def url_less(self) -> int:
        """How many of the added resources have no URL."""
        return sum(1 for r in self.added if not r.url)


# ----------------------------------------------------------------- kind guessing

_PREFIX = re.compile(r"^\s*\[([^\]]{1,40})\]\s*")
_PREFIX_KINDS: tuple[tuple[str, str], ...] = (
    ("video", "video"),
    ("youtube", "video"),
    ("paper", "paper"),
    ("slide", "slides"),
    ("deck", "slides"),
    ("podcast", "podcast"),
    ("talk", "talk"),
    ("book", "book"),
    ("course", "course"),
    ("thread", "thread"),
    ("tweet", "thread"),
    ("blog", "blog"),
    ("article", "blog"),
    ("post", "blog"),
)
_HOST_KINDS: tuple[tuple[str, str], ...] = (
    ("youtube.com", "video"),
    ("youtu.be", "video"),
    ("vimeo.com", "video"),
    ("arxiv.org", "paper"),
    ("acm.org", "paper"),
    ("aclanthology.org", "paper"),
    ("mlr.press", "paper"),
    ("ieeexplore.ieee.org", "paper"),
    ("openreview.net", "paper"),
    ("neurips.cc", "paper"),
    ("nips.cc", "paper"),
    ("vldb.org", "paper"),
    ("usenix.org", "paper"),
    ("aaai.org", "paper"),
    ("semanticscholar.org", "paper"),
    ("research.google", "paper"),
    ("slideshare.net", "slides"),
    ("speakerdeck.com", "slides"),
    ("twitter.com", "thread"),
    ("x.com", "thread"),
    ("oreilly.com", "book"),
    ("manning.com", "book"),
    ("coursera.org", "course"),
    ("udacity.com", "course"),
    ("edx.org", "course"),
    ("podcasts.apple.com", "podcast"),
    ("medium.com", "blog"),
    ("hackernoon.com", "blog"),
    ("towardsdatascience.com", "blog"),
    ("substack.com", "blog"),
)


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def guess_kind(title: str, url: str | None, text: str = "") -> str:
    """A best guess at the kind: a "[VIDEO]"-style title prefix first, then the URL's site,
    then words of the item ("slide deck", "course"). "other" when nothing says."""
    prefix = _PREFIX.match(title)
    if prefix:
        tag = prefix.group(1).casefold()
        for word, kind in _PREFIX_KINDS:
            if word in tag:
                return kind
    if url:
        parts = urlsplit(url)
        host = (parts.hostname or "").casefold()
        path = parts.path.casefold()
        if host == "docs.google.com" and path.startswith("/presentation"):
            return "slides"
        if host.startswith("blog."):
            return "blog"
        if re.match(r"^(?:www\.)?amazon\.[a-z.]+$", host) and ("/dp/" in path or "/gp/" in path):
            return "book"
        for domain, kind in _HOST_KINDS:
            if _host_matches(host, domain):
                return kind
        if path.endswith(".pdf"):
            return "paper"
    words = f" {title} {text} ".casefold()
    if "slide deck" in words or " slides " in words:
        return "slides"
    if " course " in words or " course." in words:
        return "course"
    if " podcast" in words:
        return "podcast"
    if url:
        host = (urlsplit(url).hostname or "").casefold()
        path = urlsplit(url).path.casefold()
        if "blog" in host or "/blog" in path or host.startswith(("engineering.", "eng.", "tech.")):
            return "blog"
        if "engineering" in host or host.endswith(".tech"):
            return "blog"
    return "other"


# ----------------------------------------------------------------- markdown-it set-up

_PARSER: MarkdownIt | None = None


def _markdown() -> MarkdownIt:
    """CommonMark + tables + strikethrough, with link rules that record where each link sits
    in the source (``token.meta["span"]`` and ``["label"]``), so text around a link can be
    kept as the author wrote it."""
    global _PARSER
    if _PARSER is not None:
        return _PARSER
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import autolink, image, link
    from markdown_it.rules_inline.state_inline import StateInline

    def positioned(rule: Any, *, labelled: bool) -> Any:
        def wrapped(state: StateInline, silent: bool) -> bool:
            start = state.pos
            first_new = len(state.tokens)
            label_end = state.md.helpers.parseLinkLabel(state, start, True) if labelled else -1
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


def _plain(children: list[Token] | None) -> str:
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
    tokens = _markdown().parseInline(markdown)
    return _plain(tokens[0].children if tokens else None)


# ----------------------------------------------------------------- item heads

_SEARCH_ONLINE = re.compile(r"\(\s*search\s+online\s*\)", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*(?:-{1,2}|–|—|:|\.|\|)(?:\s+|$)")
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
class _Head:
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
                    label=_plain(children[i + 1 : j]),
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
        label = _plain(children[i + 1 : j])
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
        separator = _SEPARATOR.match(after)
        rest = after[separator.end() :].strip() if separator else ""
        if rest and looks_like_byline(text[i : end + 1]):
            return i, text[i : end + 1], rest
    return None


def _apply_byline(head: _Head, group: str) -> None:
    authors, venue, year = parse_byline(group)
    head.authors, head.venue, head.year = authors, venue, year


def _good_label(label: str) -> bool:
    """Is a link's text a title by itself ("ML Beyond Accuracy"), not "here"/"tutorials"?"""
    return len(label.split()) >= 2 or label[:1].isupper() or label[:1].isdigit()


def _read_head(inline: Token) -> _Head:
    raw = inline.content
    children = inline.children or []
    links = _links(children)
    web = [lk for lk in links if lk.is_web and lk.label]
    if not web:
        return _read_linkless_head(raw, links)
    link = web[0]
    start, end = link.span or (0, 0)
    if link.span is None:  # an HTML <a href>: the visible text only
        return _Head("resource", title=_spaces(link.label), url=link.href)
    before = plain_text(raw[:start]) if start else ""
    if before:
        return _read_mid_link_head(raw, link)
    head = _Head("resource", title=link.label, url=link.href)
    rest = _without_decorations(raw, end, children)
    note = ""
    stripped = rest.lstrip()
    if stripped.startswith("("):
        close = matching_paren(stripped, 0)
        if close is not None:
            group = stripped[: close + 1]
            if _SEARCH_ONLINE.fullmatch(group):
                pass
            elif looks_like_byline(group):
                _apply_byline(head, group)
            else:
                note = strip_parens(group)
            rest = stripped[close + 1 :]
    description = ""
    separator = _SEPARATOR.match(rest)
    if separator:
        description = rest[separator.end() :].strip()
    elif rest.strip():
        middle = rest
        if not head.authors and head.venue is None and head.year is None and not note:
            trailing = _trailing_group(rest)
            if trailing and looks_like_byline(trailing[1]):
                _apply_byline(head, trailing[1])
                middle = rest[: trailing[0]]
        words = plain_text(middle)
        if len(words.split()) <= 3 and not re.search(r"[.!?:;]", words):
            joiner = " " if middle[:1].isspace() else ""
            head.title = f"{link.label}{joiner}{words}"
        else:
            label_raw = raw[link.label_span[0] : link.label_span[1]] if link.label_span else ""
            description = (label_raw + middle.rstrip()).strip()
    head.title = _spaces(head.title)
    head.description = "\n\n".join(p for p in (note, description) if p)
    return head


def _without_decorations(raw: str, start: int, children: list[Token]) -> str:
    """``raw[start:]`` without images (badges) and inline HTML tags."""
    cuts = [
        t.meta["span"]
        for t in children
        if t.type == "image" and t.meta.get("span") and t.meta["span"][0] >= start
    ]
    out = []
    position = start
    for a, b in sorted(cuts):
        out.append(raw[position:a])
        position = b
    out.append(raw[position:])
    text = "".join(out)
    for t in children:
        if t.type == "html_inline" and t.content in text:
            text = text.replace(t.content, "", 1)
    return text


def _read_mid_link_head(raw: str, link: _Link) -> _Head:
    """``Sara Hooker's slide deck on [ML Beyond Accuracy](u) (2022)``: the link is inside a
    sentence. A link text that is a title by itself stays the title and the sentence becomes
    the description; a bare "[tutorials](u)" makes the whole sentence the title."""
    head = _Head("resource", url=link.href)
    start, end = link.span or (0, 0)
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


def _read_linkless_head(raw: str, links: list[_Link]) -> _Head:
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
        return _Head("nav")
    text = _SEARCH_ONLINE.sub("", raw).strip()
    if not plain_text(text) and bare is None:
        return _Head("empty")
    head = _Head("resource" if bare else "label")
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


# ----------------------------------------------------------------- the walk

_LISTS = ("bullet_list", "ordered_list")


class _Walker:
    def __init__(self, text: str, name: str) -> None:
        self.lines = text.split("\n")
        self.name = name
        self.out = ParsedList()
        self.taken: set[str] = set()
        self.stack: list[tuple[int, str]] = []
        self.current: str | None = None
        #: Where free text goes: a section's intro, or a resource's description.
        self.target: ParsedSection | ParsedResource | None = None
        #: Free text before the first heading: the intro of the first section made.
        self.preamble: list[str] = []

    # -- helpers

    def source(self, node: SyntaxTreeNode, indent: int = 0) -> str:
        """The block's markdown as written, less ``indent`` columns (the list item's)."""
        if not node.map:
            return ""
        start, end = node.map
        lines = [_outdent(line, indent).rstrip() for line in self.lines[start:end]]
        return "\n".join(lines).strip("\n")

    def new_section(self, title: str, level: int, parent: str | None) -> ParsedSection:
        sid = unique_id(slugify(title), self.taken)
        self.taken.add(sid)
        section = ParsedSection(id=sid, title=title, parent=parent, level=level)
        if self.preamble:
            section.intro = "\n\n".join(self.preamble)
            self.preamble = []
        self.out.sections.append(section)
        return section

    def section_id(self) -> str:
        if self.current is None:
            section = self.new_section(self.name, 0, None)
            self.current = section.id
            self.stack = [(0, section.id)]
            if self.target is None:
                self.target = section
        return self.current

    def add_intro(self, text: str) -> None:
        """Free text that never belongs to a resource (HTML blocks)."""
        if self.current is None:
            if text.strip():
                self.preamble.append(text)
            return
        self.target = self.out.section(self.current)
        self.add_free_text(text)

    def add_free_text(self, text: str) -> None:
        text = text.strip("\n")
        if not text.strip():
            return
        if self.target is None:
            self.preamble.append(text)
            return
        target = self.target
        if isinstance(target, ParsedSection):
            target.intro = f"{target.intro}\n\n{text}" if target.intro else text
        elif target is not None:
            target.description = f"{target.description}\n\n{text}" if target.description else text

    # -- blocks

    def walk(self, root: SyntaxTreeNode) -> ParsedList:
        colon = False
        for node in root.children:
            if node.type == "heading":
                level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
                inline = node.children[0].token if node.children else None
                title = _plain(inline.children if inline else None)
                if not title:  # an empty "#": no section
                    continue
                while self.stack and self.stack[-1][0] >= level:
                    self.stack.pop()
                parent = self.stack[-1][1] if self.stack else None
                section = self.new_section(title, level, parent)
                self.stack.append((level, section.id))
                self.current = section.id
                self.target = section
                colon = False
            elif node.type == "paragraph":
                text = self.source(node)
                self.add_free_text(text)
                colon = text.rstrip().endswith(":")
            elif node.type in _LISTS:
                self.top_list(node, colon)
                colon = False
            elif node.type == "table":
                if not self.table(node):
                    self.add_free_text(self.source(node))
                colon = False
            elif node.type == "html_block":
                text = self.source(node)
                if not re.fullmatch(r"\s*<!--.*-->\s*", text, re.DOTALL):
                    self.add_intro(text)
                colon = False
            elif node.type in ("fence", "code_block", "blockquote"):
                self.add_free_text(self.source(node))
                colon = False
        if self.preamble:  # free text and no heading, no item at all
            self.section_id()
        self.prune()
        return self.out

    def top_list(self, node: SyntaxTreeNode, colon: bool) -> None:
        items = list(node.children)
        first = 0
        if colon:
            while first < len(items) and not self.item_has_link(items[first]):
                first += 1
            if first:
                self.add_free_text("\n".join(self.source(i) for i in items[:first]))
        created: list[ParsedResource] = []
        for item in items[first:]:
            created.extend(self.item(item, self.section_id()))
        if not created:
            return
        # A numbered list holding one resource (the book's case studies: "3. [Title](url)"
        # then paragraphs): what follows, up to the next list or heading, describes it.
        single = len(created) == 1 and created[0].line == _line(items[-1])
        if single and node.type == "ordered_list":
            self.target = created[0]
        else:
            self.target = self.out.section(self.section_id())

    def item_has_link(self, item: SyntaxTreeNode) -> bool:
        head = _head_inline(item)
        if head is None:
            return False
        return _read_head(head).url is not None

    def item(self, item: SyntaxTreeNode, sid: str) -> list[ParsedResource]:
        inline = _head_inline(item)
        rest = list(item.children[1:] if inline is not None else item.children)
        head = _read_head(inline) if inline is not None else _Head("empty")
        indent = _content_indent(self.lines[item.map[0]]) if item.map else 0
        created: list[ParsedResource] = []
        if head.what in ("empty", "nav"):
            for block in rest:
                if block.type in _LISTS:
                    for sub in block.children:
                        created.extend(self.item(sub, sid))
            return created
        linked_lists = [b for b in rest if b.type in _LISTS and self.list_has_links(b)]
        if head.what == "label" and linked_lists:
            # "- Tools" over a sub-list of links: a sub-section of the current one.
            parent = self.out.section(sid)
            section = self.new_section(head.title, (parent.level if parent else 0) + 1, sid)
            target = section.id
            for block in rest:
                if block.type in _LISTS:
                    for sub in block.children:
                        created.extend(self.item(sub, target))
                else:
                    text = self.source(block, indent)
                    section.intro = f"{section.intro}\n\n{text}" if section.intro else text
            return created
        resource = ParsedResource(
            title=head.title or (head.url or ""),
            url=head.url,
            sections=[sid],
            authors=head.authors,
            venue=head.venue,
            year=head.year,
            line=_line(item),
        )
        self.out.resources.append(resource)
        created.append(resource)
        chunks = [head.description] if head.description else []
        for block in rest:
            if block in linked_lists:
                for sub in block.children:
                    created.extend(self.item(sub, sid))
            else:
                chunks.append(self.source(block, indent))
        resource.description = "\n\n".join(c for c in chunks if c.strip())
        resource.kind = guess_kind(resource.title, resource.url, inline.content if inline else "")
        return created

    def list_has_links(self, node: SyntaxTreeNode) -> bool:
        return any(self.item_has_link(i) for i in node.children)

    def table(self, node: SyntaxTreeNode) -> bool:
        """Rows with a web link become resources (title: the link; description: the other
        cells). Returns False when no row has one (the table is then free text)."""
        rows = [n for n in node.walk() if n.type == "tr"]
        header: list[str] = []
        found = False
        for row in rows:
            cells = [c for c in row.children if c.type in ("th", "td")]
            inlines = [c.children[0].token if c.children else None for c in cells]
            if cells and cells[0].type == "th":
                header = [_plain(i.children if i else None) for i in inlines]
                continue
            link_cell = None
            for index, inline in enumerate(inlines):
                if inline is None:
                    continue
                head = _read_head(inline)
                if head.url:
                    link_cell = (index, head)
                    break
            if link_cell is None:
                continue
            index, head = link_cell
            others = []
            for k, inline in enumerate(inlines):
                if k == index or inline is None or not inline.content.strip():
                    continue
                name = header[k] if k < len(header) and header[k] else ""
                value = inline.content.strip()
                others.append(f"{name}: {value}" if name else value)
            description = "\n\n".join(p for p in (head.description, " · ".join(others)) if p)
            resource = ParsedResource(
                title=head.title,
                url=head.url,
                sections=[self.section_id()],
                authors=head.authors,
                venue=head.venue,
                year=head.year,
                description=description,
                line=(row.map[0] + 1) if row.map else 0,
            )
            resource.kind = guess_kind(resource.title, resource.url)
            self.out.resources.append(resource)
            found = True
        return found

    def prune(self) -> None:
        """Drop sections that hold nothing: no resources, no intro, no kept sub-sections
        (a "Contents" heading over a table of contents)."""
        used = {sid for r in self.out.resources for sid in r.sections}
        keep: set[str] = set()
        by_id = {s.id: s for s in self.out.sections}
        for s in self.out.sections:
            if s.id in used or s.intro.strip():
                node: ParsedSection | None = s
                while node is not None and node.id not in keep:
                    keep.add(node.id)
                    node = by_id.get(node.parent) if node.parent else None
        self.out.sections = [s for s in self.out.sections if s.id in keep]


_MARKER = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)]))([ \t]*)")


def _content_indent(first_line: str) -> int:
    """The column where a list item's content starts ("1.  text" -> 4)."""
    line = first_line.expandtabs(4)
    m = _MARKER.match(line)
    if not m:
        return 0
    spaces = len(m.group(2))
    if spaces == 0 or spaces > 4 or m.end() == len(line):
        spaces = 1
    return len(m.group(1)) + spaces


def _outdent(line: str, columns: int) -> str:
    """``line`` less up to ``columns`` leading blanks (tabs count to the next stop of 4)."""
    if columns <= 0:
        return line
    width = 0
    for i, c in enumerate(line):
        if c == " ":
            width += 1
        elif c == "\t":
            width += 4 - width % 4
        else:
            return line[i:] if width <= columns else " " * (width - columns) + line[i:]
        if width >= columns:
            rest = line[i + 1 :]
            return " " * (width - columns) + rest
    return ""


def _head_inline(item: SyntaxTreeNode) -> Token | None:
    if item.children and item.children[0].type == "paragraph" and item.children[0].children:
        return item.children[0].children[0].token
    return None


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def parse_markdown(text: str, *, name: str = "Imported list") -> ParsedList:
    """Parse a markdown list. ``name`` titles the section of items that come before any
    heading. Never raises on odd markdown: what is not understood is kept as free text."""
    from markdown_it.tree import SyntaxTreeNode

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    md = _markdown()
    tokens = md.parse(text, {})
    return _Walker(text, name).walk(SyntaxTreeNode(tokens))


# ----------------------------------------------------------------- into a catalogue


def _norm_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def _slug_source(title: str) -> str:
    return _PREFIX.sub("", title) or title


def _insert_section(catalogue: Catalogue, section: Section) -> None:
    """Append a section, or put it after the last descendant of its parent."""
    if section.parent is None:
        catalogue.sections.append(section)
        return
    parents = {s.id: s.parent for s in catalogue.sections}

    def under(sid: str) -> bool:
        seen: set[str] = set()
        current: str | None = sid
        while current is not None and current not in seen:
            if current == section.parent:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    index = len(catalogue.sections)
    for i, s in enumerate(catalogue.sections):
        if under(s.id):
            index = i + 1
    catalogue.sections.insert(index, section)


def _resolve_under(catalogue: Catalogue, under: str, report: ImportReport) -> str:
    for s in catalogue.sections:
        if s.id == under:
            return s.id
    folded = _norm_title(under)
    for s in catalogue.sections:
        if _norm_title(s.title) == folded:
            return s.id
    taken = {s.id for s in catalogue.sections}
    section = Section(id=unique_id(slugify(under), taken), title=under.strip())
    catalogue.sections.append(section)
    report.sections_added.append(section)
    return section.id


def import_into(
    catalogue: Catalogue,
    parsed: ParsedList,
    *,
    under_section: str | None = None,
    dry_run: bool = False,
    added: date | None = None,
) -> ImportReport:
    """Add the parsed list to ``catalogue`` (in place unless ``dry_run``).

    - ``under_section`` (a section id or title; created when no section has it) becomes the
      parent of the list's top-level sections.
    - A section with the same title under the same parent is reused, not duplicated.
    - A resource whose exact URL is already in the catalogue is skipped and reported; so is a
      url-less one whose title a url-less entry already has. A URL listed twice in the list
      itself gives one entry in both sections (reported too).
    - New resources get ``added`` (default: today).
    """
    report = ImportReport(dry_run=dry_run)
    target = copy.deepcopy(catalogue) if dry_run else catalogue
    when = added or date.today()
    root = _resolve_under(target, under_section, report) if under_section else None

    mapping: dict[str, str] = {}
    for ps in parsed.sections:
        parent = mapping.get(ps.parent, root) if ps.parent else root
        existing = next(
            (
                s
                for s in target.sections
                if s.parent == parent and _norm_title(s.title) == _norm_title(ps.title)
            ),
            None,
        )
        if existing is not None:
            if not existing.intro and ps.intro:
                existing.intro = ps.intro
            mapping[ps.id] = existing.id
            continue
        taken = {s.id for s in target.sections}
        section = Section(
            id=unique_id(slugify(ps.title), taken), title=ps.title, parent=parent, intro=ps.intro
        )
        _insert_section(target, section)
        report.sections_added.append(section)
        mapping[ps.id] = section.id

    by_url: dict[str, Resource] = {r.url: r for r in target.resources if r.url}
    by_title: dict[str, Resource] = {_norm_title(r.title): r for r in target.resources if not r.url}
    new_ids: set[str] = set()
    taken_ids = {rid for r in target.resources for rid in (r.id, *r.aliases)}
    for pr in parsed.resources:
        sections = [mapping[s] for s in pr.sections if s in mapping] or (
            [root] if root else [_fallback_section(target, report, parsed)]
        )
        known = by_url.get(pr.url) if pr.url else by_title.get(_norm_title(pr.title))
        if known is not None:
            within = known.id in new_ids
            if within:
                known.sections.extend(s for s in sections if s not in known.sections)
            report.skipped.append(
                SkippedItem(
                    title=pr.title,
                    url=pr.url,
                    existing_id=known.id,
                    reason="same-url" if pr.url else "same-title",
                    within_list=within,
                )
            )
            continue
        rid = unique_id(slugify(_slug_source(pr.title)), taken_ids)
        taken_ids.add(rid)
        new_ids.add(rid)
        resource = Resource(
            id=rid,
            title=pr.title,
            kind=pr.kind,
            sections=sections,
            url=pr.url,
            authors=list(pr.authors),
            venue=pr.venue,
            year=pr.year,
            description=pr.description,
            added=when,
        )
        target.resources.append(resource)
        report.added.append(resource)
        if resource.url:
            by_url[resource.url] = resource
        else:
            by_title[_norm_title(resource.title)] = resource
    return report


def _fallback_section(catalogue: Catalogue, report: ImportReport, parsed: ParsedList) -> str:
    """A section for resources whose own section is unknown (cannot happen with a list from
    :func:`parse_markdown`, which always gives one; kept for hand-built lists)."""
    return _resolve_under(catalogue, "Imported", report)
