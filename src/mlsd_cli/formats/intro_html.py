"""A list's section intros and front matter as markdown that renders as they did (issue 9, 13).

Lists put raw HTML and links to their own files in the text under a heading: a centred logo
(``<p align="center"><img src="..."></p>``), ``<br>`` line breaks, ``<a href>`` links,
``[the guide](./docs/guide.md)``. The export never writes raw HTML or a link that is not
http(s) (docs/export.md, Safety), so kept as written they would show as escaped tag text and
``[text]&#40;target)``. :func:`intro_markdown` writes them as the markdown that renders the
same: ``<img>`` an image, ``<br>`` a hard line break, ``<a>`` a link, ``<b>``/``<i>``/
``<code>`` emphasis and code, layout tags (``<p align>``, ``<div>``, ``<center>``, ...) their
content; a relative link its text and, in code, its target (``the guide (`./docs/guide.md`)``),
an in-page link its text. What markdown cannot say (alignment, an image's width) is lost.
Code spans and code blocks are left as written. Tags are read with the stdlib HTML parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mlsd_cli.catalogue.urls import url_problem

#: A tag or a comment, as CommonMark's raw HTML (attributes quoted or not).
_TAG = re.compile(
    r"<!--.*?-->"
    r"|</?[A-Za-z][A-Za-z0-9-]*"
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>",
    re.DOTALL,
)
_BR_THEN_NEWLINE = re.compile(r"<br\s*/?>[ \t]*\n", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: ``[text](target)`` / ``![alt](src)``, the text holding at most one level of brackets
#: (a badge: ``[![Build](img)](target)``).
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\](?:\([^()\s]*\))?)*)\]"
    r"\(\s*<?(?P<target>[^\s()<>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "s": "~~", "del": "~~"}
#: Tags whose start or end ends a paragraph.
_BLOCKS = frozenset(
    {"p", "div", "center", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "ul", "ol", "li",
     "blockquote", "section", "header", "footer", "details", "summary", "figure", "hr"}
)  # fmt: skip


def _web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and url_problem(url) is None


def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


class _Tag(HTMLParser):
    """One tag: its name, whether it closes, its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.name = ""
        self.closing = False
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.name, self.attrs = tag, {k: v or "" for k, v in attrs}

    def handle_endtag(self, tag: str) -> None:
        self.name, self.closing = tag, True


def _read_tag(raw: str) -> _Tag:
    tag = _Tag()
    tag.feed(raw)
    tag.close()
    return tag


class _Converter:
    def __init__(self, line_break: str) -> None:
        #: What a ``<br>`` becomes: the break mark (:func:`_break_mark`) and a newline.
        self.line_break = line_break + "\n"
        self.hrefs: list[str] = []  # the open <a>s' targets ("" for one that is no link)

    def tag(self, raw: str) -> str:
        if raw.startswith("<!--"):
            return ""
        tag = _read_tag(raw)
        name = tag.name
        if name == "br":
            return self.line_break
        if name == "img":
            src, alt = tag.attrs.get("src", "").strip(), tag.attrs.get("alt", "")
            return f"![{_escape_label(alt)}]({src})" if _web(src) else _escape_label(alt)
        if name == "a":
            return self.anchor(tag)
        if name in _EMPHASIS:
            return _EMPHASIS[name]
        return "\n\n" if name in _BLOCKS else ""

    def anchor(self, tag: _Tag) -> str:
        if not tag.closing:
            href = tag.attrs.get("href", "").strip()
            self.hrefs.append(href)
            return "[" if _web(href) else ""
        href = self.hrefs.pop() if self.hrefs else ""
        if _web(href):
            return f"]({href})"
        return f" (`{href}`)" if _relative(href) else ""


def _relative(target: str) -> bool:
    """A path beside the list (``./cache/README.md``, ``LICENSE``): no scheme, no anchor."""
    scheme = re.match(r"^[A-Za-z][\w+.-]*:", target)
    return bool(target) and not target.startswith(("#", "//")) and scheme is None


def _links(text: str) -> str:
    """Relative and in-page links (and images) as text; web links stay."""

    def change(match: re.Match[str]) -> str:
        target, label = match.group("target"), match.group("text")
        if _web(target):  # its text may hold an image that cannot show
            inner = _links(label)
            return match.group() if inner == label else f"{match.group('bang')}[{inner}]({target})"
        if match.group("bang"):  # an image that cannot show: its alt text
            return label
        inner = _links(label)
        if not _relative(target) or inner.startswith("!["):  # a badge keeps its image only
            return inner
        return f"{inner} (`{target}`)"

    return _LINK.sub(change, text)


def _inline(text: str, converter: _Converter) -> str:
    """``text`` (no code block in it) converted, its code spans left alone."""
    text = _BR_THEN_NEWLINE.sub("<br>", text)
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_links(_TAG.sub(lambda m: converter.tag(m.group()), text[last : span.start()])))
        out.append(span.group())
        last = span.end()
    out.append(_links(_TAG.sub(lambda m: converter.tag(m.group()), text[last:])))
    return "".join(out)


def intro_markdown(text: str) -> str:
    """``text`` (markdown, maybe with raw HTML) as markdown that renders as it did, with no raw
    HTML and no link but web links (see the module)."""
    if "<" not in text and "](" not in text:
        return text
    mark = _break_mark(text)
    converter = _Converter(mark)
    out: list[str] = []
    chunk: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is None and opening:
            out.append(_tidy(_inline("\n".join(chunk), converter), mark))
            chunk, fence = [], opening.group(1)[0] * len(opening.group(1))
            out.append(line)
        elif fence is not None:
            out.append(line)
            fence = None if line.strip().startswith(fence) else fence
        else:  # a line of an HTML block loses its indent (no code block once the tags go)
            chunk.append(line.lstrip() if line.lstrip().startswith("<") else line)
    out.append(_tidy(_inline("\n".join(chunk), converter), mark))
    return "\n".join(out).strip("\n")


def _break_mark(text: str) -> str:
    """A private-use character ``text`` does not hold: it marks the line breaks the conversion
    makes (``<br>``, two trailing spaces) until :func:`_tidy` has placed them."""
    return next(c for c in map(chr, range(0xE000, 0xF900)) if c not in text)


def _tidy(text: str, mark: str) -> str:
    """Blank runs and trailing blanks gone; the line breaks the conversion made (``mark``, then
    a newline) written as a backslash, or dropped where they end a paragraph (they would show
    nothing there). A backslash the text had at the end of a paragraph is its own: CommonMark
    shows it as a backslash, and so it stays."""
    text = re.sub(r"(?<=\S) {2,}\n", mark + "\n", text)  # a two-space line break
    text = re.sub(r"[ \t]+(?=\n|$)", "", text)
    text = re.sub(re.escape(mark) + r"\n(?=[ \t]*(?:\n|$))", "\n", text)
    text = text.replace(mark, "\\")
    return re.sub(r"\n{3,}", "\n\n", text)
