"""Raw HTML entries of a markdown list (issue 9, shape 8), read with the stdlib HTML parser.

``<ul><li><a href="u">One</a> - first</li></ul>``, ``<details><summary><b><a href="u">Widget</a>
</b> - Makes widgets.</summary> - [GitHub](g)</details>``, ``<tr><td><a href="u">Cell</a></td>
<td>Lives here.</td></tr>`` and a bullet ``- <b><a href="u">Gizmo</a></b> - Does things.``
are written the way markdown writes them (``**[Widget](u)** - Makes widgets. - [GitHub](g)``),
one line an entry, so the markdown item rules read them exactly as their markdown twins.
Text outside tags is kept as written (markdown links inside an HTML block stay links).
"""

from __future__ import annotations

from html.parser import HTMLParser

#: Tags that hold one entry each.
_ENTRY_TAGS = frozenset({"li", "details", "tr", "p", "dt", "dd"})
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*"}


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[str] = []
        self.current: list[str] = []
        self.hrefs: list[str | None] = []
        self.cells = 0

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.entries.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ENTRY_TAGS and not (tag == "p" and self.hrefs):
            self.flush()
            self.cells = 0
        if tag == "a":
            href = dict(attrs).get("href")
            self.hrefs.append(href)
            if href:
                self.current.append("[")
        elif tag in _MARKS:
            self.current.append(_MARKS[tag])
        elif tag == "td" or tag == "th":
            if self.cells:
                self.current.append(" - ")
            self.cells += 1
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href:
                self.current.append(f"]({href})")
        elif tag in _MARKS:
            self.current.append(_MARKS[tag])
        elif tag == "summary":
            self.current.append(" ")
        elif tag in _ENTRY_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)


def html_to_markdown_lines(html: str) -> list[str]:
    """``html`` as markdown, one line an entry (an ``<li>``, a ``<details>``, a table row, a
    paragraph); anchors become ``[text](href)``, ``<b>``/``<i>`` emphasis, images nothing."""
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.entries


def has_html_anchor(text: str) -> bool:
    return "<a " in text.lower() or "<a\n" in text.lower()
