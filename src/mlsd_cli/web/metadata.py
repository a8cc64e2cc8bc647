"""Page metadata for ``mlsd add``: what a web page says about itself.

:func:`fetch_metadata` downloads a page (bounded in size and time, redirects followed) and
:func:`parse_html_metadata` reads its ``<title>``, Open Graph (``og:*``), Highwire/Google
Scholar (``citation_*``), Twitter card and JSON-LD tags with the standard library's
``html.parser``. The kind comes from the URL first
(:func:`mlsd_cli.matching.kinds.kind_from_url`, the rule ``mlsd import`` uses too).

Precedence (the first present, non-empty value wins; among repeated tags, the first):

- title: og:title, citation_title, twitter:title, then ``<title>`` with a site-name suffix
  (" | Netflix TechBlog", " - Medium", "| by Jane Doe") or an arXiv ``[1234.5678]`` prefix trimmed
- description: og:description, meta description, twitter:description
- authors: every citation_author ("Last, First" becomes "First Last"), then article:author
  (names, not profile URLs), then meta author, then JSON-LD author names
- year: citation_publication_date, citation_date, citation_online_date,
  article:published_time, JSON-LD datePublished, meta date
- site_name: og:site_name
- kind: :func:`~mlsd_cli.matching.kinds.kind_from_url` of the final URL, then og:type
  video/article, then "paper" when citation tags are present

Request headers, limits and the wording of network errors: :mod:`mlsd_cli.web.http`. httpx is
imported inside :func:`fetch_metadata` only.
"""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from mlsd_cli.errors import MlsdError
from mlsd_cli.matching.kinds import kind_from_url
from mlsd_cli.web import http

DEFAULT_MAX_BYTES = 2_000_000


class MetadataError(MlsdError):
    """A page could not be fetched (bad URL, network error, HTTP error status)."""


@dataclass
class PageMetadata:
    """What a page says about itself; every field may be missing."""

    url: str
    final_url: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    site_name: str | None = None
    kind: str | None = None
    #: Where it was published (a paper's journal or conference: :mod:`mlsd_cli.web.papers`).
    venue: str | None = None
    #: Other addresses of the same work (an arXiv paper's DOI), for the duplicate check.
    other_urls: list[str] = field(default_factory=list)
    #: What was odd about the page and skipped (nested JSON-LD...): the command warns.
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- kind from URL

# --------------------------------------------------------------------------- HTML parsing


class _MetaParser(HTMLParser):
    """Collects ``<title>``, ``<meta>`` and JSON-LD; stops caring after ``</head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.title_done = False
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_title = False
        self._in_json_ld = False
        self._script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title_done:
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            key = values.get("property") or values.get("name") or values.get("itemprop")
            if key and "content" in values:
                self.meta.setdefault(key.strip().lower(), []).append(values["content"])
        elif tag == "script":
            kind = dict(attrs).get("type") or ""
            if kind.strip().lower() == "application/ld+json":
                self._in_json_ld = True
                self._script = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title_done = True
        elif tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append("".join(self._script))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif self._in_json_ld:
            self._script.append(data)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, []):
                cleaned = _clean(value, MAX_DESCRIPTION_CHARS)
                if cleaned:
                    return cleaned
        return None

    def all(self, key: str) -> list[str]:
        return [c for c in (_clean(v) for v in self.meta.get(key, [])) if c]


_SPACE = re.compile(r"\s+")


#: A fetched title or name is cut to this many characters, a description to the second.
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 2000
#: JSON-LD nested deeper than this is not read (a hostile page could nest it 100k levels).
MAX_JSON_LD_DEPTH = 20


def _clean(text: str | None, limit: int = MAX_TITLE_CHARS) -> str:
    """One line of plain text: white space collapsed, terminal controls and bidi overrides
    dropped (:mod:`mlsd_cli.catalogue.controls`), at most ``limit`` characters."""
    from mlsd_cli.catalogue.controls import drop_unsafe

    text = _SPACE.sub(" ", drop_unsafe((text or "")[: limit * 4])).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: One line of plain text from a fetched value (:mod:`mlsd_cli.web.papers` reads with it too).
clean_text = _clean


_STRONG_SEPARATORS = (" | ", " · ", " — ", " – ", " :: ", " » ", " • ")
_KNOWN_SITES = {
    "medium",
    "youtube",
    "vimeo",
    "twitter",
    "x",
    "linkedin",
    "substack",
    "arxiv",
    "arxiv.org",
    "github",
    "google research",
    "towards data science",
    "slideshare",
    "speaker deck",
    "infoq",
    "hacker news",
    "reddit",
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _is_site_name(segment: str, host: str, site_name: str | None) -> bool:
    squashed = _squash(segment)
    if not squashed:
        return False
    if site_name and squashed == _squash(site_name):
        return True
    if segment.strip().casefold() in _KNOWN_SITES:
        return True
    labels = [label for label in host.split(".") if label not in ("www", "com", "org", "net")]
    host_squashed = "".join(labels)
    if len(squashed) >= 3 and (squashed in host_squashed or host_squashed in squashed):
        return True
    # "Netflix TechBlog" on netflixtechblog.com, "Uber Engineering" on eng.uber.com
    return (
        any(len(label) >= 3 and label in squashed for label in labels) and len(segment.split()) <= 4
    )


def trim_title(title: str, url: str, site_name: str | None = None) -> str:
    """``<title>`` without a site-name suffix or prefix, or an arXiv ``[id]`` prefix."""
    title = _clean(title)
    host = (urlsplit(url).hostname or "").lower()
    title = re.sub(r"^\[\d{4}\.\d{4,5}(v\d+)?\]\s*", "", title)  # arXiv: "[1706.03762] Title"
    for _ in range(3):
        before = title
        for sep in (*_STRONG_SEPARATORS, " - "):
            head, found, tail = title.rpartition(sep)
            if not found or not head.strip():
                continue
            strong = sep != " - "
            if _is_site_name(tail, host, site_name) or (
                strong and re.match(r"(?i)^by\s", tail.strip())
            ):
                title = head.strip()
                break
            lead, found, rest = title.partition(sep)
            if found and rest.strip() and _is_site_name(lead, host, site_name):
                title = rest.strip()
                break
        if title == before:
            break
    return title


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def _year_of(value: str | None) -> int | None:
    if not value:
        return None
    match = _YEAR.search(value)
    if not match:
        return None
    year = int(match.group(1))
    return year if 1900 <= year <= date.today().year + 1 else None


def _person(name: str) -> str:
    """'Vaswani, Ashish' -> 'Ashish Vaswani'; other shapes unchanged."""
    name = _clean(name)
    last, comma, first = name.partition(",")
    if comma and first.strip() and "," not in first and len(last.split()) <= 3:
        return f"{first.strip()} {last.strip()}"
    return name


def _names(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if re.match(r"(?i)^(https?:|www\.)", value):  # article:author is often a profile URL
            continue
        name = _person(value)
        if name and name not in out:
            out.append(name)
    return out


def _split_authors(value: str) -> list[str]:
    parts = re.split(r"\s*;\s*|\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", value)
    return [p for p in (_clean(p) for p in parts) if p]


def _json_ld_objects(scripts: list[str], warnings: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any, depth: int) -> None:
        if depth > MAX_JSON_LD_DEPTH:
            raise RecursionError
        if isinstance(node, dict):
            found.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if key in node:
                    walk(node[key], depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)

    for script in scripts:
        try:
            walk(json.loads(script), 0)
        except ValueError:
            continue
        except RecursionError:
            warnings.append(
                f"the page's JSON-LD is nested too deeply (over {MAX_JSON_LD_DEPTH} levels); "
                "it was skipped"
            )
    return found


def _json_ld_authors(objects: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for obj in objects:
        authors = obj.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and _clean(name) and _clean(name) not in names:
                names.append(_clean(name))
        if names:
            break
    return names


def parse_html_metadata(html: str, url: str) -> PageMetadata:
    """Read the metadata of an HTML page (pure: no network). ``url`` is the page's address."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    site_name = _clean(parser.first("og:site_name")) or None
    title = _clean(parser.first("og:title", "citation_title", "twitter:title", "dc.title")) or None
    if not title and parser.title_parts:
        title = trim_title("".join(parser.title_parts), url, site_name) or None
    description = parser.first(
        "og:description", "description", "twitter:description", "citation_abstract"
    )
    description = _clean(description, MAX_DESCRIPTION_CHARS) or None
    warnings: list[str] = []
    objects = _json_ld_objects(parser.json_ld, warnings)

    authors = _names(parser.all("citation_author"))
    if not authors:
        authors = _names(parser.all("article:author"))
    if not authors:
        for value in parser.all("author") or parser.all("dc.creator"):
            authors.extend(a for a in _names(_split_authors(value)) if a not in authors)
    if not authors:
        authors = _json_ld_authors(objects)

    year = None
    for key in (
        "citation_publication_date",
        "citation_date",
        "citation_online_date",
        "citation_year",
        "article:published_time",
    ):
        year = _year_of(parser.first(key))
        if year:
            break
    if year is None:
        for obj in objects:
            published = obj.get("datePublished")
            if isinstance(published, str) and (year := _year_of(published)):
                break
    if year is None:
        year = _year_of(parser.first("date", "dc.date", "pubdate", "publish-date"))

    kind = kind_from_url(url)
    og_type = (parser.first("og:type") or "").lower()
    if kind is None and og_type.startswith("video"):
        kind = "video"
    if kind is None and (parser.first("citation_title") or parser.all("citation_author")):
        kind = "paper"
    if kind is None and og_type == "article":
        kind = "blog"
    return PageMetadata(
        url=url,
        title=title,
        description=description,
        authors=authors,
        year=year,
        site_name=site_name,
        kind=kind,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- fetching

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


#: Charsets a page may not choose: UTF-7 (and its kin) can hide markup and controls in plain
#: ASCII, and browsers refuse it too (WHATWG Encoding). The page is read as UTF-8 instead.
_REFUSED_CHARSETS = frozenset({"utf7", "utf-7", "unicode-1-1-utf-7", "csunicode11utf7", "x-utf-7"})


def _refused_charset(charset: str) -> bool:
    import codecs

    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return False
    return name in _REFUSED_CHARSETS or charset.lower() in _REFUSED_CHARSETS


def decode_html(data: bytes, content_type: str | None) -> str:
    """Decode with the charset the response or the page declares (else UTF-8), never failing."""
    candidates: list[str] = []
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if match:
            candidates.append(match.group(1))
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    candidates.append("utf-8")
    for charset in candidates:
        if _refused_charset(charset):
            continue  # read as the next candidate says (in the end: UTF-8)
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - utf-8 always exists


def _fetch_error(url: str, reason: str) -> MetadataError:
    return MetadataError(
        f"could not fetch {url}: {reason}",
        hint="check the URL",
    )


def _is_pdf(content_type: str, url: str, head: bytes) -> bool:
    return (
        content_type.startswith("application/pdf")
        or head.startswith(b"%PDF-")
        or urlsplit(url).path.lower().endswith(".pdf")
    )


async def _download(url: str, timeout: float, max_bytes: int) -> tuple[str, str, bytes]:
    """The final URL, content type and first bytes of ``url``, within ``timeout`` seconds in
    all: the answer's headers (redirects included) must come in time (else TimeoutError), and
    the body is read until the deadline at the latest (what came by then is used). A read
    timeout alone restarts with every byte: a server sending one byte a second would never
    time out."""
    import asyncio

    import httpx

    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=http.MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={**http.request_headers(), "Accept-Encoding": "gzip, deflate"},
    ) as client:
        async with asyncio.timeout_at(deadline):
            response = await client.send(client.build_request("GET", url), stream=True)
        try:
            final_url = str(response.url)
            if response.status_code >= 400:
                raise _fetch_error(url, http.status_text(response.status_code))
            content_type = (response.headers.get("content-type") or "").lower()
            if not final_url.lower().startswith(("http://", "https://")):
                raise _fetch_error(url, "redirected to a non-http URL")
            chunks: list[bytes] = []
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(deadline):
                    await _read_head(response, content_type, max_bytes, chunks)
        finally:
            await response.aclose()
    return final_url, content_type, b"".join(chunks)[:max_bytes]


async def _read_head(response: Any, content_type: str, max_bytes: int, chunks: list[bytes]) -> None:
    """Read the body into ``chunks`` up to ``</head>`` (every tag we read lives there), at most
    ``max_bytes``; of a PDF only the first chunk (the kind is all a PDF gives)."""
    size = 0
    tail = b""
    decode = _bounded_decoder(response.headers.get("content-encoding", ""))
    if decode is None:  # an encoding we did not ask for: no page
        return
    async for raw in response.aiter_raw():
        try:
            chunk = decode(raw, max_bytes - size)
        except zlib.error:  # a corrupt stream: what came before it is the page
            return
        chunks.append(chunk)
        size += len(chunk)
        if size >= max_bytes or _is_pdf(content_type, str(response.url), chunks[0][:8]):
            break
        window = (tail + chunk).lower()
        if b"</head>" in window:
            break
        tail = window[-8:]


def _bounded_decoder(encoding: str) -> Callable[[bytes, int], bytes] | None:
    """Decode the body's ``Content-Encoding`` (identity, gzip, deflate) never producing more
    than the room left: httpx's own decoder inflates a whole read at once, so a gzip bomb of
    64 KiB gave 64 MiB of zeros in one chunk. None: an encoding mlsd does not read."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return lambda data, room: data[:room]
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or zlib header, either

    def decode(data: bytes, room: int) -> bytes:
        return inflate.decompress(data, max(room, 1))  # the rest is never inflated

    return decode


def fetch_metadata(
    url: str, *, timeout: float = http.DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> PageMetadata:
    """Fetch ``url`` and read its metadata. Raises :class:`MetadataError` (one line).

    Redirects are followed (``final_url`` says where they led). At most ``max_bytes`` are
    read, reading stops at ``</head>``, and the whole fetch (connecting, redirects, headers
    and body) ends after ``timeout`` seconds at the latest, so a slow-drip server cannot hang
    it (:func:`mlsd_cli.web.http.fetch_timeout`: ``$MLSD_FETCH_TIMEOUT``). A PDF gives
    ``kind="paper"``; other non-HTML content gives what the URL says.
    """
    from mlsd_cli.catalogue.urls import url_problem

    problem = url_problem(url)
    if problem:
        raise MetadataError(f"cannot fetch '{url}': the URL {problem}", hint="give an http(s) URL")

    import asyncio

    import httpx

    try:
        final_url, content_type, data = asyncio.run(_download(url, timeout, max_bytes))
    except (TimeoutError, httpx.TimeoutException):
        raise _fetch_error(url, http.timed_out(timeout)) from None
    except httpx.TooManyRedirects:
        raise _fetch_error(url, "too many redirects (a redirect loop?)") from None
    except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
        raise _fetch_error(url, http.describe_error(exc)[0]) from None

    if _is_pdf(content_type, final_url, data[:8]):
        return PageMetadata(url=url, final_url=final_url, kind="paper")
    if content_type and not any(t in content_type for t in ("html", "xml")):
        return PageMetadata(url=url, final_url=final_url, kind=kind_from_url(final_url))
    metadata = parse_html_metadata(decode_html(data, content_type), final_url)
    metadata.url = url
    metadata.final_url = final_url
    return metadata
