"""Bylines: the "(Author, Venue, Year)" parenthetical after a link in a markdown list.

Two dialects are read:

- **explicit**, what :func:`format_byline` writes: ``(Author A, Author B, **Org**, *Venue*,
  2019)``. The italic part is the venue, the bold part the organisation (:func:`byline_org`), a
  final four-digit part the year, every other part one author; a sole author stays an author
  even when it is an organisation's name (:func:`is_explicit`).
  Without a venue the authors are joined by ``"; "`` (``(Chuan Guo; Geoff Pleiss, 2017)``)
  unless the plain form reads back the same. Characters that would change the meaning
  (``\\ , ; * _ ( ) [ ]`` ...) are backslash-escaped, as markdown itself escapes them, so a
  README renders the names as written.
- **heuristic**, for hand-written lists: ``(Robert Chang, Airbnb Engineering & Data Science,
  2017)``, ``(Guo et al., 2017)``, ``(Yonghui Wu, Google AI Blog 2018)``,
  ``(Martin Zinkevich)``. The first part holds the authors (split on " and " / " & "), the
  middle parts the venue, a four-digit year ends it even without a comma, and "Jr."-style
  suffixes stay with their name.

No I/O, no printing: plain functions for the importer and the markdown exporter.
"""

from __future__ import annotations

import re

#: Characters escaped with a backslash in names and venues (all ASCII punctuation, so a
#: markdown renderer shows them without the backslash).
_ESCAPED = frozenset("\\`*_{}[]()<>#!|~,;&")
_NUMBERED = re.compile(r"^[0-9]{1,9}[.)]")
_YEAR = re.compile(r"^[0-9]{4}$")
_TRAILING_YEAR = re.compile(r"^(.*\S)\s+([0-9]{4})$")
#: A URL or a markdown link inside a parenthetical: a remark, not a byline.
_LINKISH = re.compile(r"(?<!\\)://|(?<!\\)\]\(")
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md)\.?$", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s+(?:and|&)\s+")

Byline = tuple[list[str], str | None, int | None]


# ----------------------------------------------------------------- escaping


def escape_inline(text: str) -> str:
    """Backslash-escape markdown punctuation (and the byline separators) in ``text``.

    A ``:`` before ``//`` is escaped too, so a name is never read as a URL, and so is what
    would make the text a list item or a heading at the start of a line ("- ", "1. ").
    """
    out = []
    for i, c in enumerate(text):
        if c in _ESCAPED or (c == ":" and text.startswith("//", i + 1)):
            out.append(f"\\{c}")
        else:
            out.append(c)
    # What would start a list, a heading underline or a numbered item at the start of a line.
    if out and out[0] in "-+=":
        out[0] = f"\\{out[0]}"
    numbered = _NUMBERED.match(text)
    if numbered:
        out[numbered.end() - 1] = f"\\{text[numbered.end() - 1]}"
    return "".join(out)


def unescape(text: str) -> str:
    """Undo markdown backslash escapes: ``\\,`` -> ``,`` (a backslash before a letter stays)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and _is_ascii_punct(text[i + 1]):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _is_ascii_punct(c: str) -> bool:
    return c.isascii() and not c.isalnum() and not c.isspace() and c.isprintable()


def _scan(text: str) -> list[tuple[str, bool]]:
    """``text`` as (character, escaped) pairs; the escaping backslashes are dropped."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and _is_ascii_punct(text[i + 1]):
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((c, False))
            i += 1
    return out


def split_unescaped(text: str, separators: str) -> list[str]:
    """Split raw markdown on unescaped separator characters; parts keep their escapes."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and _is_ascii_punct(text[i + 1]):
            current.append(text[i : i + 2])
            i += 2
            continue
        if c in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def matching_paren(text: str, start: int) -> int | None:
    """Index of the ``)`` closing the ``(`` at ``start`` (escapes honoured), or None."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def strip_parens(text: str) -> str:
    """``"(a, b)"`` -> ``"a, b"`` when the outer parentheses enclose the whole text."""
    text = text.strip()
    if text.startswith("(") and matching_paren(text, 0) == len(text) - 1:
        return text[1:-1].strip()
    return text


def _italic_inner(part: str) -> str | None:
    """The inside of ``*venue*`` / ``_venue_`` (raw), or None when ``part`` is not italic."""
    scanned = _scan(part)
    if len(scanned) < 3:
        return None
    first, last = scanned[0], scanned[-1]
    if first[1] or last[1] or first[0] != last[0] or first[0] not in "*_":
        return None
    if scanned[1] == (first[0], False):  # **bold** is not the venue marker
        return None
    return part[1:-1]


def _bold_inner(part: str) -> str | None:
    """The inside of ``**org**`` (raw), or None when ``part`` is not bold."""
    scanned = _scan(part)
    star = ("*", False)
    if len(scanned) < 5 or scanned[:2] != [star, star] or scanned[-2:] != [star, star]:
        return None
    if scanned[2] == star or scanned[-3] == star:  # ***x***
        return None
    return part[2:-2]


def _has_marked(parts: list[str]) -> bool:
    return any(
        _italic_inner(p.strip()) is not None or _bold_inner(p.strip()) is not None for p in parts
    )


def is_explicit(text: str) -> bool:
    """Is this byline written in the explicit dialect (an italic venue, a bold org or ``;``
    between authors)? Its authors are authors as written: the importer never reads a sole one
    as the organisation."""
    return _explicit_inner(strip_parens(text))


def _explicit_inner(inner: str) -> bool:
    parts = [p.strip() for p in split_unescaped(inner, ",")]
    return bool(inner) and (_has_marked(parts) or len(split_unescaped(inner, ";")) > 1)


def byline_org(text: str) -> str | None:
    """The organisation of an explicit byline, its bold part: ``(Jay Kreps, **LinkedIn**)``."""
    for part in split_unescaped(strip_parens(text), ","):
        bold = _bold_inner(part.strip())
        if bold is not None:
            return unescape(bold).strip() or None
    return None


# ----------------------------------------------------------------- parsing


def parse_byline(text: str) -> Byline:
    """``"(Robert Chang, Airbnb Engineering & Data Science, 2017)"`` -> (authors, venue, year).

    Accepts the text with or without its outer parentheses. Never raises: text that is not a
    byline gives its parts as best it can (see :func:`looks_like_byline` to decide first).
    """
    inner = strip_parens(text)
    if not inner:
        return [], None, None
    parts = [p.strip() for p in split_unescaped(inner, ",")]
    if _explicit_inner(inner):
        return _parse_explicit(parts)
    return _parse_heuristic(parts)


def _parse_explicit(parts: list[str]) -> Byline:
    year: int | None = None
    if len(parts) > 1 and _YEAR.match(parts[-1]):
        year = int(parts.pop())
    venue: str | None = None
    authors: list[str] = []
    for part in parts:
        if _bold_inner(part) is not None:  # the org (byline_org)
            continue
        italic = _italic_inner(part)
        if italic is not None and venue is None:
            venue = unescape(italic).strip() or None
            continue
        for name in split_unescaped(part, ";"):
            name = unescape(name).strip()
            if name:
                authors.append(name)
    return authors, venue, year


def _parse_heuristic(parts: list[str]) -> Byline:
    parts = [p for p in parts if p]
    year: int | None = None
    #: "(Cathy O'Neil, Crown Books 2016)": the part the year ends is the venue's.
    glued = False
    if parts and _YEAR.match(parts[-1]):
        year = int(parts.pop())
    elif parts:
        m = _TRAILING_YEAR.match(parts[-1])
        if m:
            parts[-1] = m.group(1)
            year = int(m.group(2))
            glued = True
    merged: list[str] = []
    for part in parts:
        if merged and _SUFFIX.match(unescape(part)):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    if not merged:
        return [], None, year
    # "(Ghemawat, Gobioff and Leung, SOSP 2003)": the author list runs on to the last part
    # made of names that ends the list (" and ", "et al.").
    last = 0
    for k in range(1, len(merged)):
        if not _names(merged[k]):
            break
        person = last == k - 1 and _person(merged[k]) and not (glued and k == len(merged) - 1)
        if _LIST_END.search(unescape(merged[k])) or person:
            last = k
    authors: list[str] = []
    for part in merged[: last + 1]:
        authors.extend(unescape(a).strip() for a in _AUTHOR_SPLIT.split(part))
    venue = ", ".join(unescape(p).strip() for p in merged[last + 1 :]) or None
    return [a for a in authors if a], venue, year


_LIST_END = re.compile(r"\s+and\s+|\bet al\.?$")
_PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "da", "di", "du", "del", "della",
        "la", "le", "et", "al", "al.", "bin", "ibn", "y",
    }
)  # fmt: skip


def _names(part: str) -> bool:
    """Does this byline part read as person names ("Gobioff and Leung", "Granger, Jr.")?"""
    for name in _AUTHOR_SPLIT.split(unescape(part)):
        words = name.split()
        if not 1 <= len(words) <= 4:
            return False
        for w in words:
            if w.casefold() not in _PARTICLES and not w[:1].isupper():
                return False
    return True


#: Words that make a byline part a venue or an organisation, not a person's name.
_NOT_PERSON = frozenset(
    {
        "blog", "engineering", "technology", "tech", "science", "research", "conference",
        "journal", "review", "magazine", "news", "ai", "labs", "lab", "team", "data", "press",
        "proceedings", "workshop", "symposium", "university", "inc", "inc.", "medium", "the",
        "of", "on", "for", "books", "book", "institute", "school", "college", "group",
        "systems", "cloud",
    }
)  # fmt: skip

#: Organisations a byline names often enough to be read as the org, not an author
#: ("(LinkedIn, 2022)"); a name that is a section of the list counts too (the reader's rule).
KNOWN_ORGS = frozenset(
    {
        "airbnb", "alibaba", "amazon", "apple", "baidu", "booking.com", "bytedance", "doordash",
        "dropbox", "ebay", "etsy", "facebook", "google", "deepmind", "instacart", "linkedin",
        "lyft", "meta", "microsoft", "netflix", "nvidia", "openai", "pinterest", "reddit",
        "salesforce", "shopify", "snap", "spotify", "stripe", "tencent", "twitter", "uber",
        "walmart", "yelp", "zalando", "zillow", "mercari", "grab", "gojek", "swiggy", "zomato",
        "yandex", "ibm", "intel", "oracle", "adobe", "paypal", "x", "anthropic", "huggingface",
        "hugging face", "databricks", "snowflake", "cloudflare", "github", "gitlab", "atlassian",
        "slack", "twitch", "wayfair", "coupang", "rakuten", "line", "naver", "kakao",
    }
)  # fmt: skip


def _person(part: str) -> bool:
    """Two to four capitalised words, none a venue's or an organisation's: "Mike Del Balso"."""
    words = unescape(part).split()
    if not 2 <= len(words) <= 4:
        return False
    return not any(w.casefold().strip(".,&") in _NOT_PERSON for w in words)


_ROLE_WORDS = frozenset(
    {
        "engineer", "engineers", "director", "manager", "lead", "vp", "cto", "ceo", "founder",
        "architect", "developer", "fellow", "sde", "ses", "sre", "head", "scientist",
        "researcher", "principal", "senior", "staff", "chief", "president", "officer",
    }
)  # fmt: skip


def speaker_in_title(text: str) -> tuple[str, list[str], str | None] | None:
    """``Scaling Slack - Bing Wei, Software Engineer (Infrastructure) at Slack`` (a talk's link
    text): (title, authors, org). Only when the part after the last " - " is names then a
    comma: ``Kafka - Message Broker`` is a title. The org is what follows the role's last
    " at ", or the part itself when it is no role (``Eric Brewer, UC Berkeley & Google``)."""
    title, dash, byline = text.rpartition(" - ")
    if not dash or not title.strip() or "," not in byline:
        return None
    names, _, role = byline.partition(",")
    if not _names(names) or re.search(r"[()!?]", names):
        return None
    authors = [a.strip() for a in _AUTHOR_SPLIT.split(names) if a.strip()]
    role = role.strip()
    org: str | None = None
    if " at " in role:
        org = role.rpartition(" at ")[2].strip() or None
    elif role and not any(w.casefold().strip(".,()") in _ROLE_WORDS for w in role.split()):
        org = role if all(w[:1].isupper() or w == "&" for w in role.split()) else None
    return title.strip(), authors, org


def looks_like_byline(text: str) -> bool:
    """Is this parenthetical an author/venue/year byline (not a remark such as
    "(a short checklist for ML systems design)" or "(Search Online)")?"""
    inner = strip_parens(text)
    if not inner or _LINKISH.search(inner):
        return False
    if _explicit_inner(inner):
        return True
    parts = [p.strip() for p in split_unescaped(inner, ",")]
    plain = unescape(inner)
    first = plain[0]
    caseless = first.isalpha() and not first.islower() and not first.isupper()  # メルカリ
    if not (first.isupper() or first.isdigit() or caseless):
        return False
    if plain.casefold() == "search online":
        return False
    authors, venue, year = _parse_heuristic(parts)
    longest = max((len(p.split()) for p in [*authors, venue or ""]), default=0)
    return longest <= (8 if year is not None else 5)


# ----------------------------------------------------------------- formatting


def format_byline(
    authors: list[str],
    venue: str | None,
    year: int | None,
    org: str | None = None,
    *,
    org_names: frozenset[str] = frozenset(),
) -> str:
    """The markdown byline ``(Author A, Author B, **Org**, *Venue*, 2019)``, or "" when all are
    empty.

    :func:`parse_byline` (and :func:`byline_org` for the org) reads it back exactly (for names
    without surrounding blanks or line breaks): the inverse the markdown export -> import round
    trip relies on. ``org_names`` (casefolded) are the names the importer would read as the
    org when one stands alone (:data:`KNOWN_ORGS`, the list's sections and orgs): such a sole
    author is written in the explicit dialect, ``(LinkedIn;)``, which keeps it an author.
    """
    names = [a.strip() for a in authors if a.strip()]
    place = venue.strip() if venue and venue.strip() else None
    company = org.strip() if org and org.strip() else None
    tail = [str(year)] if year is not None else []
    if place is not None or company is not None:
        parts = [escape_inline(a) for a in names]
        parts += [f"**{escape_inline(company)}**"] if company is not None else []
        parts += [f"*{escape_inline(place)}*"] if place is not None else []
        return f"({', '.join([*parts, *tail])})"
    if not names:
        return f"({tail[0]})" if tail else ""
    plain = f"({', '.join([' and '.join(escape_inline(a) for a in names), *tail])})"
    sole_org = len(names) == 1 and names[0].casefold() in org_names
    if not sole_org and parse_byline(plain) == (names, None, year) and looks_like_byline(plain):
        return plain
    explicit = "; ".join(escape_inline(a) for a in names)
    if len(names) == 1:
        explicit += ";"
    return f"({', '.join([explicit, *tail])})"
