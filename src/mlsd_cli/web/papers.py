"""Paper metadata by identifier, for ``mlsd add arxiv:ID`` and ``mlsd add doi:DOI``.

A paper named by its arXiv identifier or its DOI (:func:`mlsd_cli.matching.urls.paper_id`)
is not scraped from its page: :func:`fetch_paper` asks the service that registered it.

- **arXiv**: the API's Atom feed, ``GET {base}?id_list=ID&max_results=1``
  (``$MLSD_ARXIV_URL``, default ``https://export.arxiv.org/api/query``);
- **DOI**: Crossref's REST API, ``GET {base}/DOI`` (``$MLSD_CROSSREF_URL``, default
  ``https://api.crossref.org/works``). The request prefers CSL JSON
  (``application/vnd.citationstyles.csl+json``), so the base may also be ``https://doi.org``:
  DOI content negotiation, which answers for DataCite DOIs too. Both shapes are read.

Each gives a :class:`~mlsd_cli.web.metadata.PageMetadata`: title, authors, venue (arXiv's
journal reference, else "arXiv"; Crossref's container title), year (arXiv's first version;
Crossref's issued date) and kind (``paper``; ``book`` for Crossref's book types). An arXiv
paper's published DOI goes in ``other_urls``, so the duplicate check knows that address too.

What a reply cannot do: be larger than :data:`MAX_BYTES` (reading stops there), take longer
than the deadline in all (connecting, redirects, headers and body: ``$MLSD_FETCH_TIMEOUT``,
:func:`mlsd_cli.web.http.fetch_timeout`), declare XML entities (a DOCTYPE is refused before
parsing), nest JSON past the parser's limit, or bring control characters or bidi overrides
into a value (dropped, as from pages). Every failure is a :class:`PaperError`, one line.
httpx is imported inside :func:`fetch_paper` only.
"""

from __future__ import annotations

import html
import json
import os
import re
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from mlsd_cli.errors import InputError
from mlsd_cli.matching.urls import PaperId
from mlsd_cli.matching.urls import identity_key
from mlsd_cli.matching.urls import paper_id
from mlsd_cli.web import http
from mlsd_cli.web.metadata import MetadataError
from mlsd_cli.web.metadata import PageMetadata
from mlsd_cli.web.metadata import clean_text

ARXIV_ENV = "MLSD_ARXIV_URL"
ARXIV_DEFAULT = "https://export.arxiv.org/api/query"
CROSSREF_ENV = "MLSD_CROSSREF_URL"
CROSSREF_DEFAULT = "https://api.crossref.org/works"
#: A reply is read up to this many bytes; a larger one is refused.
MAX_BYTES = 4_000_000
#: Authors kept (a physics collaboration lists thousands); the rest are left out, with a note.
MAX_AUTHORS = 50

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ACCEPT = {
    "arxiv": "application/atom+xml, application/xml;q=0.9",
    "doi": "application/vnd.citationstyles.csl+json, application/json;q=0.9",
}
#: Crossref and CSL types that are books; every other type is a paper.
_BOOK_TYPES = frozenset({"book", "monograph", "edited-book", "reference-book", "book-set"})
_TAG = re.compile(r"<[^<>]{0,200}>")


class PaperError(MetadataError):
    """The service could not tell about the paper: unknown, unreachable, or a bad reply."""


def service(paper: PaperId) -> str:
    """Who is asked about ``paper``: "arXiv" or "Crossref"."""
    return "arXiv" if paper.scheme == "arxiv" else "Crossref"


def base_url(paper: PaperId) -> str:
    if paper.scheme == "arxiv":
        return (os.environ.get(ARXIV_ENV) or ARXIV_DEFAULT).rstrip("/")
    return (os.environ.get(CROSSREF_ENV) or CROSSREF_DEFAULT).rstrip("/")


def fetch_paper(paper: PaperId, *, timeout: float = http.DEFAULT_TIMEOUT) -> PageMetadata:
    """What arXiv or Crossref says about ``paper``. Raises :class:`PaperError` (one line)."""
    import asyncio

    import httpx

    if paper.scheme == "arxiv":
        url, params = base_url(paper), {"id_list": paper.value, "max_results": "1"}
    else:
        url, params = f"{base_url(paper)}/{quote(paper.value, safe='/')}", {}
    headers = {**http.request_headers(), "Accept": _ACCEPT[paper.scheme]}
    who = f"the {service(paper)} API"
    try:
        status, data = asyncio.run(_get(url, params, headers, timeout))
    except (TimeoutError, httpx.TimeoutException):
        raise PaperError(f"{who} did not answer: {http.timed_out(timeout)}", hint=_LATER) from None
    except httpx.TooManyRedirects:
        raise PaperError(f"{who} redirected too many times", hint=_LATER) from None
    except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
        reason = http.describe_error(exc)[0]
        raise PaperError(f"cannot reach {who} ({reason})", hint=_LATER) from None
    if status in (400, 404, 410):
        raise _unknown(paper)
    if status != 200:
        raise PaperError(f"{who} answered {http.status_text(status)}", hint=_LATER)
    if data is None:
        raise PaperError(f"{who}'s reply is over {MAX_BYTES // 1_000_000} MB", hint=_LATER)
    if paper.scheme == "arxiv":
        return parse_arxiv(data, paper)
    return parse_crossref(data, paper)


_LATER = "try again later, or give the fields as options with --no-fetch"


def _unknown(paper: PaperId) -> PaperError:
    return PaperError(f"{service(paper)} has no record of {paper}", hint="check the identifier")


async def _get(
    url: str, params: dict[str, str], headers: dict[str, str], timeout: float
) -> tuple[int, bytes | None]:
    """The status and body (None when over :data:`MAX_BYTES`), all within ``timeout``."""
    import asyncio

    import httpx

    async with (
        asyncio.timeout(timeout),
        httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=http.MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            headers=headers,
        ) as client,
        client.stream("GET", url, params=params) as response,
    ):
        if response.status_code != 200:
            return response.status_code, b""
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                return 200, None
        return 200, bytes(body)


# --------------------------------------------------------------------------- arXiv


def parse_arxiv(data: bytes, paper: PaperId) -> PageMetadata:
    """Read the arXiv API's Atom reply about ``paper`` (pure: no network)."""
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise PaperError("the arXiv API's reply declares a DOCTYPE; it was not read")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise PaperError(f"the arXiv API's reply is not well-formed XML ({exc})") from None
    if root.tag != f"{_ATOM}feed":
        raise PaperError("the arXiv API's reply is not an Atom feed")
    for entry in root.findall(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id") or ""
        if "/api/errors" in entry_id:  # how the API reported a bad id
            said = clean_text(entry.findtext(f"{_ATOM}summary")) or "an error"
            raise PaperError(f"arXiv says: {said}", hint="check the identifier")
        if identity_key(entry_id) == paper.key:
            return _arxiv_entry(entry, paper)
    raise _unknown(paper)


def _arxiv_entry(entry: ElementTree.Element, paper: PaperId) -> PageMetadata:
    title = clean_text(entry.findtext(f"{_ATOM}title"))
    if not title:
        raise _unknown(paper)
    names = [clean_text(a.findtext(f"{_ATOM}name")) for a in entry.findall(f"{_ATOM}author")]
    metadata = _metadata(paper, title, names)
    metadata.venue = clean_text(entry.findtext(f"{_ARXIV}journal_ref")) or "arXiv"
    metadata.year = _year(entry.findtext(f"{_ATOM}published"))
    doi = clean_text(entry.findtext(f"{_ARXIV}doi"))
    try:
        published = paper_id(f"doi:{doi}") if doi else None
    except InputError:
        published = None
    if published is None and doi:
        metadata.warnings.append(f"arXiv gives a DOI that is not one ({doi!r}); it was left out")
    if published is not None and published != paper:
        metadata.other_urls.append(published.url)
    return metadata


# --------------------------------------------------------------------------- Crossref / CSL


def parse_crossref(data: bytes, paper: PaperId) -> PageMetadata:
    """Read Crossref's JSON (``{"message": {...}}``) or CSL JSON about ``paper`` (pure)."""
    try:
        reply = json.loads(data)
    except RecursionError:
        raise PaperError("Crossref's reply is nested too deeply; it was not read") from None
    except ValueError:
        raise PaperError("Crossref's reply is not JSON") from None
    work = reply.get("message", reply) if isinstance(reply, dict) else None
    if not isinstance(work, dict):
        raise PaperError("Crossref's reply is not a record of a work")
    title = clean_text(_untag(_first(work.get("title"))))
    names = []
    for author in _list(work.get("author")):
        if isinstance(author, dict):
            parts = (author.get("given"), author.get("family"))
            name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
            literal = author.get("name") or author.get("literal")
            names.append(clean_text(name or (literal if isinstance(literal, str) else "")))
    metadata = _metadata(paper, title or None, names)
    event = work.get("event")
    venue = _first(work.get("container-title")) or (
        _first(event.get("name")) if isinstance(event, dict) else ""
    )
    metadata.venue = clean_text(_untag(venue)) or None
    for key in ("issued", "published-print", "published-online", "published", "created"):
        metadata.year = _date_year(work.get(key))
        if metadata.year:
            break
    kind = work.get("type")
    metadata.kind = "book" if isinstance(kind, str) and kind in _BOOK_TYPES else "paper"
    return metadata


def _first(value: Any) -> str:
    """A string, or the first string of a list (Crossref gives titles as lists)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _untag(text: str) -> str:
    """Crossref titles carry JATS/HTML markup (``<i>``, ``<jats:sub>``): the text only."""
    return html.unescape(_TAG.sub("", text)) if "<" in text or "&" in text else text


def _date_year(value: Any) -> int | None:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts else None
    year = first[0] if isinstance(first, list) and first else None
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    return year if isinstance(year, int) and 1000 <= year <= 9999 else None


# --------------------------------------------------------------------------- both


def _metadata(paper: PaperId, title: str | None, names: list[str]) -> PageMetadata:
    authors = list(dict.fromkeys(n for n in names if n))
    metadata = PageMetadata(url=paper.url, title=title, kind="paper")
    if len(authors) > MAX_AUTHORS:
        metadata.warnings.append(
            f"{service(paper)} lists {len(authors)} authors; the first {MAX_AUTHORS} were kept"
        )
        authors = authors[:MAX_AUTHORS]
    metadata.authors = authors
    return metadata


def _year(text: str | None) -> int | None:
    match = re.match(r"\s*(\d{4})-", text or "")
    return int(match.group(1)) if match else None
