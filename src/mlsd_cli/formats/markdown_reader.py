"""Reading a markdown curated list ("awesome list", a book's resources page) into the catalogue.

:func:`parse_markdown` walks markdown-it-py's token tree (never line regexes) and returns plain
dataclasses (what one list item's first paragraph says is read by
:mod:`mlsd_cli.formats.markdown_heads`); :func:`mlsd_cli.changes.importing.import_into` adds
them to a :class:`~mlsd_cli.catalogue.model.Catalogue`.

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

import re
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.model import slugify
from mlsd_cli.catalogue.model import unique_id
from mlsd_cli.formats.byline import KNOWN_ORGS
from mlsd_cli.formats.html_items import has_html_anchor
from mlsd_cli.formats.html_items import html_to_markdown_lines
from mlsd_cli.formats.item_tail import is_prose
from mlsd_cli.formats.markdown_heads import Head
from mlsd_cli.formats.markdown_heads import heading_links
from mlsd_cli.formats.markdown_heads import inline_token
from mlsd_cli.formats.markdown_heads import markdown_parser
from mlsd_cli.formats.markdown_heads import plain_inline
from mlsd_cli.formats.markdown_heads import read_head
from mlsd_cli.formats.markdown_text import feed_in
from mlsd_cli.matching.kinds import guess_kind

if TYPE_CHECKING:
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
    org: str | None = None
    #: The byline was mlsd's explicit dialect: a sole author stays an author.
    explicit: bool = False
    #: Markdown; may be several paragraphs.
    description: str = ""
    #: 1-based line of the item in the source.
    line: int = 0


@dataclass
class ReadWarning:
    """Something of the list the reader could not read as its author meant it."""

    #: 1-based line of the source where it starts.
    line: int
    message: str


@dataclass
class ParsedList:
    """A whole markdown list: sections in document order, resources in document order."""

    sections: list[ParsedSection] = field(default_factory=list)
    resources: list[ParsedResource] = field(default_factory=list)
    #: The local id of the section that is the list's own title: the document's only level-1
    #: heading, its first heading, holding no item of its own (its intro is the front matter).
    #: :func:`~mlsd_cli.changes.importing.import_into` makes it the catalogue's title and
    #: description when the catalogue has none (or the same title), a section otherwise.
    front: str | None = None
    #: The text before the first heading of a list with no title heading (its logo and pitch):
    #: the catalogue's description when it has none, else the first section's intro.
    preamble: str = ""
    #: The feed address of an export's feed line (markdown_text.FEED_LINE), not text.
    feed: str | None = None
    warnings: list[ReadWarning] = field(default_factory=list)

    def section(self, local_id: str) -> ParsedSection | None:
        for s in self.sections:
            if s.id == local_id:
                return s
        return None


# ----------------------------------------------------------------- the walk

_LISTS = ("bullet_list", "ordered_list")


def _has_byline(head: Head) -> bool:
    """A link-less item with a byline (authors, a venue or a year) names a resource: never
    prose, whatever its last mark (``- Rules of ML (*Why?*)``)."""
    return bool(head.authors or head.year or head.venue)


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
        #: read_head's answer per inline token (by id: the tree holds every token alive).
        self.heads: dict[int, Head] = {}
        #: Sections that hold a table of contents (dropped when they hold nothing else).
        self.navs: set[str] = set()
        #: The target the last free text went to, when that text was a prose bullet.
        self.bullets_of: ParsedSection | ParsedResource | None = None

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
        if self.preamble and level >= 2 and not self.out.sections:  # no title: the list's own
            self.out.preamble = "\n\n".join(self.preamble)
        elif self.preamble:
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

    def add_free_text(self, text: str, bullet: bool = False) -> None:
        """Append ``text`` to the current target's text; a ``bullet`` (a prose item) after
        another of the same target goes on the next line, so the bullets stay one list."""
        text = text.strip("\n")
        if not text.strip():
            return
        if not self.out.resources and self.out.feed is None:
            self.out.feed = feed_in(text)
            if self.out.feed is not None:  # an export's feed line, above every item
                return
        joint = "\n" if bullet and self.bullets_of is self.target else "\n\n"
        self.bullets_of = self.target if bullet else None
        if self.target is None:
            if joint == "\n" and self.preamble:
                self.preamble[-1] += joint + text
            else:
                self.preamble.append(text)
            return
        target = self.target
        if isinstance(target, ParsedSection):
            target.intro = f"{target.intro}{joint}{text}" if target.intro else text
        elif target is not None:
            target.description = (
                f"{target.description}{joint}{text}" if target.description else text
            )

    # -- blocks

    def walk(self, root: SyntaxTreeNode) -> ParsedList:
        colon = False
        for node in root.children:
            if node.type == "heading":
                level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
                inline = node.children[0].token if node.children else None
                title = plain_inline(inline.children if inline else None)
                if not title:  # an empty "#": no section
                    continue
                while self.stack and self.stack[-1][0] >= level:
                    self.stack.pop()
                parent = self.stack[-1][1] if self.stack else None
                section = self.new_section(title, level, parent)
                links = heading_links(inline) if inline is not None else ""
                if links:  # "### [Queues](u)": the heading's link is kept, in its intro
                    section.intro = f"{section.intro}\n\n{links}" if section.intro else links
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
                if re.fullmatch(r"\s*<!--.*-->\s*", text, re.DOTALL):
                    pass
                elif not (has_html_anchor(text) and self.html_entries(text)):
                    self.add_intro(text)
                colon = False
            elif node.type in ("fence", "code_block", "blockquote"):
                self.add_free_text(self.source(node))
                colon = False
        if self.preamble:  # free text and no heading, no item at all
            self.section_id()
        self.prune()
        self.orgs_not_authors()
        self.out.front = self.front_section()
        return self.out

    def orgs_not_authors(self) -> None:
        """A sole "author" that is a known organisation, a section of the list or another
        item's org is the org ("(LinkedIn, 2022)", "(Zalando, 2023)" in a list with a
        "Zalando" section)."""
        names = {s.title.casefold() for s in self.out.sections}
        names |= {r.org.casefold() for r in self.out.resources if r.org}
        for r in self.out.resources:
            if len(r.authors) == 1 and r.org is None and not r.explicit:
                name = r.authors[0].casefold()
                if name in names or name in KNOWN_ORGS:
                    r.org, r.authors = r.authors[0], []

    def html_entries(self, html: str) -> bool:
        """An HTML block of entries (``<ul><li>``, ``<details>``, a ``<table>``): each entry read
        as its markdown twin; its link-less lines stay section text. False when none is an
        entry (the block is then free text as written)."""
        lines = html_to_markdown_lines(html)
        heads = [(line, read_head(inline_token(line))) for line in lines]
        if not any(h.what == "resource" and h.url for _, h in heads):
            return False
        sid = self.section_id()
        line = 0  # HTML entries have no line of their own
        for text, head in heads:
            if not (head.what == "resource" and head.url):
                self.target = self.out.section(sid)
                self.add_free_text(text)
                continue
            for h in [head, *head.more]:
                self.out.resources.append(_from_head(h, sid, line))
        self.target = self.out.section(sid)
        return True

    def front_section(self) -> str | None:
        """The list's title section (see :attr:`ParsedList.front`), if it has one."""
        sections = self.out.sections
        if not sections or sections[0].level != 1 or sections[0].parent is not None:
            return None
        first = sections[0]
        if any(s.level <= 1 for s in sections[1:]):
            return None
        if any(first.id in r.sections for r in self.out.resources):
            return None
        return first.id

    def top_list(self, node: SyntaxTreeNode, colon: bool) -> None:
        items = list(node.children)
        if self.is_nav(node):  # a table of contents: no resource, and no section opened for it
            if self.current is not None:
                self.navs.add(self.current)
            return
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

    def head(self, inline: Token) -> Head:
        """:func:`read_head`, once per item (nested lists ask about their items again)."""
        key = id(inline)
        if key not in self.heads:
            self.heads[key] = read_head(inline)
        return self.heads[key]

    def item_has_link(self, item: SyntaxTreeNode) -> bool:
        head = _head_inline(item)
        if head is not None and self.head(head).url is not None:
            return True
        # "- Caching" over "- Read-through" over links: a label of labels of links
        return any(b.type in _LISTS and self.list_has_links(b) for b in item.children[1:])

    def item(self, item: SyntaxTreeNode, sid: str) -> list[ParsedResource]:
        inline = _head_inline(item)
        rest = list(item.children[1:] if inline is not None else item.children)
        head = self.head(inline) if inline is not None else Head("empty")
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
        prose = inline is not None and (is_prose(inline.content) or self.prose_lists(rest))
        if head.what == "label" and not _has_byline(head) and prose:
            # "- Keep the first model simple.", "- Why does it drift?", "- ⭐ marks a classic",
            # "- Tips" over "- Keep it simple." / "- Why not?"
            first = self.lines[item.map[0]].expandtabs(4) if item.map else ""
            margin = len(first) - len(first.lstrip())
            self.add_free_text(self.source(item, margin), bullet=True)  # section text
            return created
        resource = _from_head(head, sid, _line(item))
        resource.description = ""
        self.out.resources.append(resource)
        created.append(resource)
        for other in head.more:  # "Stream processing: [ksql](u1), [faust](u2)"
            sibling = _from_head(other, sid, resource.line)
            self.out.resources.append(sibling)
            created.append(sibling)
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

    def is_nav(self, node: SyntaxTreeNode) -> bool:
        """Is every item of this list (and of its sub-lists) an in-page link or empty?"""
        for item in node.children:
            inline = _head_inline(item)
            what = read_head(inline).what if inline is not None else "empty"
            if what not in ("nav", "empty"):
                return False
            rest = item.children[1:] if inline is not None else item.children
            if any(b.type not in _LISTS or not self.is_nav(b) for b in rest):
                return False
        return True

    def prose_lists(self, blocks: list[SyntaxTreeNode]) -> bool:
        """Are ``blocks`` lists of link-less prose bullets only (a label's tips, steps)?"""
        if not blocks or any(b.type not in _LISTS for b in blocks):
            return False
        for block in blocks:
            for sub in block.children:
                inline = _head_inline(sub)
                head = self.head(inline) if inline is not None else None
                if inline is None or head is None or head.what != "label" or _has_byline(head):
                    return False
                if not (is_prose(inline.content) or self.prose_lists(list(sub.children[1:]))):
                    return False
        return True

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
                header = [plain_inline(i.children if i else None) for i in inlines]
                continue
            link_cell = None
            for index, inline in enumerate(inlines):
                if inline is None:
                    continue
                head = read_head(inline)
                if head.url:
                    link_cell = (index, head)
                    break
            if link_cell is None:
                continue
            index, head = link_cell
            others: list[tuple[str, str]] = []
            for k, inline in enumerate(inlines):
                if k == index or inline is None or not plain_inline(inline.children):
                    continue  # the link, an empty cell, a cell of badges only
                name = header[k] if k < len(header) and header[k] else ""
                if name.casefold() in _ORG_COLUMNS and head.org is None:
                    _org_cell(head, plain_inline(inline.children))
                    continue
                others.append((name, inline.content.strip()))
            # One describing cell is the description; several are named by their headings.
            cells_text = (
                others[0][1]
                if len(others) == 1
                else " · ".join(f"{n}: {v}" if n else v for n, v in others)
            )
            resource = _from_head(head, self.section_id(), (row.map[0] + 1) if row.map else 0)
            resource.description = "\n\n".join(p for p in (head.description, cells_text) if p)
            resource.kind = guess_kind(resource.title, resource.url)
            self.out.resources.append(resource)
            found = True
        return found

    def prune(self) -> None:
        """Drop the sections over a table of contents ("Contents") that hold nothing else: no
        resources, no intro, no kept sub-sections. Other empty headings stay sections."""
        used = {sid for r in self.out.resources for sid in r.sections}
        keep: set[str] = set()
        by_id = {s.id: s for s in self.out.sections}
        for s in self.out.sections:
            if s.id in used or s.intro.strip() or s.id not in self.navs:
                node: ParsedSection | None = s
                while node is not None and node.id not in keep:
                    keep.add(node.id)
                    node = by_id.get(node.parent) if node.parent else None
        self.out.sections = [s for s in self.out.sections if s.id in keep]


_ORG_COLUMNS = frozenset({"company", "organisation", "organization", "org", "who"})


def _org_cell(head: Head, text: str) -> None:
    """A table's "Company" cell: the org; "Cheng et al." people; "Stanford / Hamilton et al."
    both."""
    parts = [p.strip() for p in text.split(" / ") if p.strip()]
    people = [p for p in parts if re.search(r"\bet al\.?$", p)]
    orgs = [p for p in parts if p not in people]
    if people and not head.authors:
        head.authors = people
    head.org = orgs[0] if orgs else None


def _from_head(head: Head, sid: str, line: int) -> ParsedResource:
    resource = ParsedResource(head.title or (head.url or ""), head.url, sections=[sid], line=line)
    resource.authors, resource.venue, resource.year = list(head.authors), head.venue, head.year
    resource.org, resource.description = head.org, head.description
    resource.explicit = head.explicit
    resource.kind = guess_kind(resource.title, resource.url)
    return resource


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

    from mlsd_cli.catalogue.controls import UNSAFE

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = UNSAFE.sub("", text)  # terminal controls and bidi overrides: never imported
    md = markdown_parser()
    tokens = md.parse(text, {})
    parsed = _Walker(text, name).walk(SyntaxTreeNode(tokens))
    parsed.warnings.extend(_too_deep(tokens, int(md.options.maxNesting)))
    return parsed


def _too_deep(tokens: list[Token], limit: int) -> list[ReadWarning]:
    """A block opened at the parser's last nesting level has content it did not read (lists
    nested deeper than about ``limit / 2`` levels): that content stays the text of the item
    above it, not items. One warning, at the first such block."""
    for token in tokens:
        if token.nesting == 1 and token.level >= limit - 1 and token.map:
            return [
                ReadWarning(
                    token.map[0] + 1,
                    f"a list nested more than {limit // 2 - 1} levels deep: from this line on it"
                    " is kept as the text of the item above, not read as items",
                )
            ]
    return []
