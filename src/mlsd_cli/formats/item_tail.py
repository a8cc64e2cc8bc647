"""What an item's first paragraph says around its link: decoration before it, tags, byline,
note and description after it (issue 9's shapes 1, 2, 5 and 6; rules in docs/import.md).

Works on the item's markdown source as written (``raw``), on the part after the link's closing
``)`` (``rest``, images and inline HTML already cut out by the caller). No markdown parsing
here beyond code spans and balanced brackets, which :mod:`mlsd_cli.formats.byline` reads.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

from mlsd_cli.formats.byline import byline_org
from mlsd_cli.formats.byline import is_explicit
from mlsd_cli.formats.byline import looks_like_byline
from mlsd_cli.formats.byline import matching_paren
from mlsd_cli.formats.byline import parse_byline
from mlsd_cli.formats.byline import strip_parens

SEPARATOR = re.compile(r"^\s*(?:-{1,2}|–|—|:|\.|\|)(?:\s+|$)")
_SEARCH_ONLINE = re.compile(r"search\s+online")
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s+")
_SHORTCODE = re.compile(r"^:[a-z0-9_+-]+:")
_CODE = re.compile(r"^(`+)(.+?)\1(?!`)")
_YEAR = re.compile(r"^(?:19|20)[0-9]{2}$")
_EMPHASIS = re.compile(r"^(?:\*\*|__|~~|\*|_)")


def is_emoji(c: str) -> bool:
    """A pictograph or its joiners (variation selectors, ZWJ, skin tones)."""
    return (
        unicodedata.category(c) == "So" or c in "\u200d\ufe0f\ufe0e" or 0x1F3FB <= ord(c) <= 0x1F3FF
    )


_PICTURE = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>|</?(?:b|strong|i|em|span|br)\b[^>]*>", re.I
)


def strip_decoration(text: str) -> str:
    """``text`` less a leading task-list box, emphasis markers, emoji, ``:shortcode:``s, images
    (``![icon](i.png)``, ``<img src>``) and formatting tags: what is left before a link when the
    link is the entry ("**[Name](u)**", "- [ ] [Name](u)", "🚀 [Rocket](u)",
    ``<img src="i.png"> [Iconic](u)``)."""
    text = _PICTURE.sub("", _CHECKBOX.sub("", text))
    out = []
    i = 0
    while i < len(text):
        code = _SHORTCODE.match(text, i) if text[i] == ":" else None
        if code:
            i = code.end()
            continue
        c = text[i]
        if c not in "*_~" and not c.isspace() and not is_emoji(c):
            out.append(c)
        i += 1
    return "".join(out)


#: A sentence's last mark (not backslash-escaped), then closing quotes, brackets, emphasis.
_SENTENCE_END = re.compile(r"(?<!\\)[.!?:;][\"'’”)\]*_]*$")
_NOT_AN_END = re.compile(
    r"(?:\bet al|\b[A-Z]|\bvs|\bInc|\bCo|\bLtd|\bJr|\bSr|\bNo)\.[\"'’”)\]*_]*$"
)
#: "Note: some links ...": a word or two, an unescaped colon, a lowercase word.
_LABEL_SENTENCE = re.compile(r"^[*_]*[^\s:\\]+(?:\s[^\s:\\]+)?[*_]*(?<!\\):[*_]*\s+[a-z]")
_LEAD_END = re.compile(r"\s(?:-{1,2}|–|—)\s")


def is_prose(raw: str) -> bool:
    """Is a link-less item (its first paragraph's markdown, ``raw``) prose: advice, a question,
    a legend, a note, rather than the name of a resource? (Issue 9 shape 9: only a title-like
    line is a url-less resource.) What is before a `` - `` separator is judged (the rest is a
    description).

    Prose: a sentence (ending in ``.``, ``!``, ``?``, ``:`` or ``;``, but not in "et al." or
    an initial), a "Label: lowercase words" note ("Note: some links need ..."), or a legend
    (two pictographs or more, each before a lowercase word: "📄 paper, 🎥 video"). A name
    ("Designing Data-Intensive Applications", "Why Tiktok Made Its Users So Obsessive") is
    none of these; a mark escaped with a backslash (``Rules of ML\\.``, as the markdown export
    writes a url-less title) is the title's own."""
    text = " ".join(raw.split())
    lead = _LEAD_END.split(text, maxsplit=1)[0]
    if not lead:
        return True
    if _SENTENCE_END.search(lead) and not _NOT_AN_END.search(lead):
        return True
    if _LABEL_SENTENCE.match(lead):
        return True
    words = text.split()
    legend = sum(
        1
        for w, nxt in itertools.pairwise(words)
        if all(is_emoji(c) for c in w) and nxt[:1].islower()
    )
    return legend >= 2


def as_title(escaped: str) -> str:
    """A url-less title, already escaped as inline markdown, written so that :func:`is_prose`
    reads it back as a title: its final sentence mark and a label's colon backslash-escaped
    (they render the same)."""
    out = escaped
    lead = _LEAD_END.split(escaped, maxsplit=1)[0]
    # the whole title, then what is before a " - " (is_prose judges that part: "A ! - 0")
    for scope in (escaped, lead) if lead != escaped else (escaped,):
        end = _SENTENCE_END.search(scope)
        if end and not _NOT_AN_END.search(scope):
            i = end.start()
            out = f"{out[:i]}\\{out[i:]}"
    label = _LABEL_SENTENCE.match(out)
    if label:
        colon = out.index(":", 0, label.end())
        out = f"{out[:colon]}\\{out[colon:]}"
    return out


def without_checkbox(text: str) -> str:
    return _CHECKBOX.sub("", text, count=1)


@dataclass
class Tail:
    """What follows an entry's link."""

    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    org: str | None = None
    #: The byline was mlsd's explicit dialect: its sole author is no org (byline.is_explicit).
    explicit: bool = False
    note: str = ""
    description: str = ""
    #: Text with no separator that reads as part of the title ("[Designing ML](u) book").
    glue: str = ""
    #: Text with no separator and no tell: the caller decides (the old reading).
    loose: str = ""

    @property
    def has_byline(self) -> bool:
        return bool(self.authors) or self.venue is not None or self.year is not None


def _skip_lead(text: str) -> str:
    """Closing emphasis of a bold/italic link, emoji and shortcodes at the start of ``text``."""
    while True:
        before = text
        text = text.lstrip()
        if (m := _EMPHASIS.match(text)) and text[m.end() : m.end() + 1] not in ("(", "["):
            text = text[m.end() :]
        if m := _SHORTCODE.match(text):
            text = text[m.end() :]
        while text and is_emoji(text[0]):
            text = text[1:]
        if text == before:
            return text


def _group(text: str) -> tuple[str, str, str] | None:
    """A leading ``(...)``, ``*(...)*`` or ``[...]`` (not a link): (kind, inner, after).
    An emphasised parenthetical (``*(Ranking Model)*``) is a remark ("note"), never a byline:
    the byline dialect puts emphasis on the venue inside the parentheses."""
    mark = ""
    if text[:1] in "*_" and text[1:2] in "([":
        mark = text[0]
    body = text[len(mark) :]
    if body.startswith("("):
        close = matching_paren(body, 0)
        if close is None:
            return None
        after = body[close + 1 :]
        if mark and after.startswith(mark):
            after = after[len(mark) :]
        return ("note" if mark else "paren"), body[: close + 1], after
    if body.startswith("["):
        depth = 0
        for i, c in enumerate(body):
            depth += c == "["
            depth -= c == "]"
            if depth == 0:
                after = body[i + 1 :]
                if after.startswith("(") or after.startswith("["):
                    return None  # a link
                if mark and after.startswith(mark):
                    after = after[len(mark) :]
                return "bracket", body[1:i], after
    return None


def _leading_link(text: str) -> str:
    """The markdown link ``[label](target)`` that starts ``text``, as written, or ""."""
    depth = 0
    for i, c in enumerate(text):
        depth += c == "["
        depth -= c == "]"
        if depth == 0:
            if text[i + 1 : i + 2] != "(":
                return ""
            close = matching_paren(text, i + 1)
            return text[: close + 1] if close is not None else ""
    return ""


def _apply(tail: Tail, group: str) -> None:
    tail.authors, tail.venue, tail.year = parse_byline(group)
    tail.org, tail.explicit = byline_org(group) or tail.org, is_explicit(group)


def read_tail(rest: str) -> Tail:
    """Read what follows a link: code-span tags (a year, and beside a year a capitalised tag
    that is the organisation), a parenthetical byline or note, a bracketed note, a trailing
    ", Name, 2015" byline, then the separator and the description."""
    tail = Tail()
    codes: list[str] = []
    notes: list[str] = []
    links: list[str] = []
    text = _skip_lead(_BLANK_LINK.sub(" ", rest))
    while text:
        if m := _CODE.match(text):
            codes.append(m.group(2).strip())
            text = _skip_lead(text[m.end() :])
            continue
        if text[:1] in "/|" and _LINK_START.match(text[1:]):
            text = text[1:].lstrip()
        if text.startswith("[") and (link := _leading_link(text)):
            links.append(link)
            text = _skip_lead(text[len(link) :].lstrip(" ,"))
            continue
        group = _group(text)
        if group is None:
            break
        kind, inner, after = group
        if kind == "paren" and _SEARCH_ONLINE.fullmatch(inner.strip("() ").casefold()):
            pass
        elif kind == "paren" and _decoration(inner):
            pass  # "(MIT)", "(⭐ 1.2k)": a licence or a star count, like a badge
        elif kind == "paren" and not tail.has_byline and looks_like_byline(inner):
            _apply(tail, inner)
        else:
            notes.append(inner.strip() if kind == "bracket" else strip_parens(inner))
        text = _skip_lead(after)
    _read_codes(tail, codes)
    text = _by_line(tail, text)
    separator = SEPARATOR.match(text)
    if text.startswith(","):
        text = _trailing_names(tail, text[1:].strip())
        separator = SEPARATOR.match(text)
    if separator:
        tail.description = text[separator.end() :].strip()
    elif text.strip():
        tail.loose = text.strip()
    notes = [n.strip(" ,;/|") for n in notes]
    tail.note = "\n\n".join(n for n in [*notes, " ".join(links)] if re.search(r"\w", n))
    return tail


_LINK_START = re.compile(r"\s*!?\[")
#: A link whose text was only an image (a linked badge, the image already blanked out).
_BLANK_LINK = re.compile(r"\[\s*\]\((?:[^()\s]|\([^()\s]*\))*\)")
#: A licence named alone in parentheses: ``(MIT)``, ``(Apache-2.0)``, ``(GPL-3.0 licence)``.
_LICENCE = re.compile(
    r"(?:MIT|ISC|Unlicense|WTFPL|Zlib|(?:L|A)?GPL|BSD|MPL|EPL|Apache|CC0|CC[- ]BY(?:[- ]SA|[- ]NC|"
    r"[- ]ND)*)(?:[- ]?v?\d(?:\.\d)?(?:\+|-only|-or-later)?)?(?:[- ]\d-Clause)?"
    r"(?:\s+licen[cs]ed?)?",
    re.IGNORECASE,
)
#: A star count: ``(⭐ 1.2k)``, ``(10 stars)``, ``(★ 500)``.
_STARS = re.compile(
    r"(?:[⭐★🌟]\ufe0f?\s*)?\d[\d.,]*\s*[kKmM]?\s*(?:[⭐★🌟]\ufe0f?|stars?)?", re.IGNORECASE
)
#: ``by Jane Doe`` / ``by Jane Doe and Ann Lee`` after the link, before a separator or the end.
_BY = re.compile(r"^by\s+([^-–—|:;,.()\[\]]+?)\s*(?=(?:\s[-–—|]|[:;,.])\s|[.]?$)")


def _decoration(inner: str) -> bool:
    """A parenthetical that is no text of the entry: a licence or a star count."""
    inner = inner.strip("() ").strip()
    has_mark = any(c in inner for c in "⭐★🌟") or "star" in inner.casefold()
    return bool(_LICENCE.fullmatch(inner) or (has_mark and _STARS.fullmatch(inner)))


def _by_line(tail: Tail, text: str) -> str:
    """``by Jane Doe - desc`` after the link: the authors; returns what follows them."""
    m = _BY.match(text)
    if tail.authors or m is None or not looks_like_byline(f"({m.group(1)})"):
        return text
    authors, venue, year = parse_byline(f"({m.group(1)})")
    if venue is not None or year is not None or not authors:
        return text
    tail.authors = authors
    return text[m.end() :]


def _trailing_names(tail: Tail, text: str) -> str:
    """``, Jane Doe`` / ``, Tyler Akidau, 2015`` after a link: a byline without parentheses.
    Returns what follows the names (links, a separator and a description), or ``text``."""
    cut = _LINK_START.search(text)
    names, after = (text[: cut.start()], text[cut.start() :]) if cut else (text, "")
    names = names.strip().rstrip(",")
    if tail.authors or not names or not looks_like_byline(f"({names})"):
        return text
    authors, venue, year = parse_byline(f"({names})")
    if venue is not None or not authors:
        return text
    tail.authors = authors
    tail.year = year if year is not None else tail.year
    return after


def _read_codes(tail: Tail, codes: list[str]) -> None:
    years = [c for c in codes if _YEAR.match(c)]
    if years and tail.year is None:
        tail.year = int(years[0])
    if years:
        names = [c for c in codes if not _YEAR.match(c) and c[:1].isupper()]
        if names and tail.org is None:
            tail.org = names[0]
