"""The visible text of markdown, on one line: the awesome style's one-line descriptions and
intros (:mod:`mlsd_cli.formats.markdown`), and the URL key of awesome-lint's double-link rule."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit


def plain(text: str) -> str:
    """One line of text: runs of blanks (line breaks too) become one space."""
    return " ".join(text.split())


#: Markdown to plain text, roughly: enough for one-line awesome-list descriptions (whose
#: text is escaped again afterwards, so a rough edge can cost looks, never safety).
_TO_TEXT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+)"), ""),
    (re.compile(r"!?\[([^\]]*)\]\((?:[^()\n]|\([^()\n]*\))*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"(?m)^[ ]{0,3}\[[^\]]+\]:.*$"), ""),
    (re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"(`+)(.+?)\1", re.DOTALL), r"\2"),
    (re.compile(r"(\*\*|__|~~|\*|_)(?=\S)(.+?)(?<=\S)\1", re.DOTALL), r"\2"),
)
#: A backslash-escaped character is text: it is set aside (as a private-use character) before
#: the passes above, so that ``\*\*x\*\*`` stays ``**x**`` rather than reading as emphasis.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_SET_ASIDE = 0xF0000
_SET_ASIDE_CHAR = re.compile("[\U000f0021-\U000f007e]")
_MARKUP = re.compile(r"[\\`*_\[\]<>&#~]|^\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)", re.MULTILINE)


def to_text(markdown: str) -> str:
    """The visible text of some markdown, on one line (links give their text)."""
    if _MARKUP.search(markdown):
        markdown = _ESCAPED.sub(lambda m: chr(_SET_ASIDE + ord(m.group(1))), markdown)
        for pattern, replacement in _TO_TEXT:
            markdown = pattern.sub(replacement, markdown)
        markdown = html.unescape(markdown)
        markdown = _SET_ASIDE_CHAR.sub(lambda m: chr(ord(m.group()) - _SET_ASIDE), markdown)
    return plain(markdown)


def first_paragraph_text(text: str) -> str:
    """The visible text of the first paragraph of ``text``, one line."""
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        visible = to_text(block)
        if visible:
            return visible
    return ""


def all_text(text: str) -> str:
    """The visible text of every block of ``text``, joined on one line."""
    return plain(" ".join(to_text(block) for block in re.split(r"\n[ \t]*\n", text.strip())))


def sentence(text: str) -> str:
    """Capitalised, ending with '.', '!', '?' or '…' (awesome-lint's description rules)."""
    text = plain(text).rstrip(":;,-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    if not re.search(r"[.!?…][\"”]?$", text):
        text += "."
    return text


_SIMPLE_URL = re.compile(r"https?://([a-z0-9.-]+)(/[^?#:@]*)?", re.IGNORECASE)


def awesome_url_key(url: str) -> str:
    """The URL as awesome-lint's double-link rule compares it (normalize-url, scheme off)."""
    simple = _SIMPLE_URL.fullmatch(url)
    if simple is not None and "/index." not in url:  # no port, query or fragment: the quick way
        host = simple.group(1).lower().removeprefix("www.")
        return host + (simple.group(2) or "").rstrip("/")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    path = re.sub(r"/index\.[a-z]+$", "/", parts.path or "/").rstrip("/")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_")
        )
    )
    return urlunsplit(("", host, path, query, parts.fragment)).removeprefix("//")


#: The line an export made with a feed address writes under the description, and that an
#: import reads as that address (never as text): the one place its wording is decided.
FEED_LINE = "New entries: [Atom feed]({})"
_FEED_LINE = re.compile(r"New entries: \[Atom feed\]\((<[^<>\n]*>|[^\s()]+)\)")


def feed_line(destination: str) -> str:
    """The feed line for a link ``destination`` (already written as markdown wants it)."""
    return FEED_LINE.format(destination)


def feed_in(text: str) -> str | None:
    """The feed address when ``text`` is a feed line (see :data:`FEED_LINE`), else None."""
    match = _FEED_LINE.fullmatch(text.strip())
    return match.group(1).removeprefix("<").removesuffix(">") if match else None
