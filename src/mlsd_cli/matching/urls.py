"""URL canonicalisation and identity keys, for matching.

Canonical forms are used for matching only: the catalogue keeps every URL as the user wrote it.
Which URLs are valid at all is :mod:`mlsd_cli.catalogue.urls`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode
from urllib.parse import urlsplit

from mlsd_cli.catalogue.urls import ALLOWED_SCHEMES
from mlsd_cli.errors import InputError

# --------------------------------------------------------------------------- canonical forms

#: Query parameters that track where a click came from; they never name a different page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "ref_url",
        "spm",
        "si",
        "trk",
        "trkcampaign",
        "share",
        "usp",
        "feature",
        "sharetype",
    }
)
#: Medium (and its custom domains) add these to every link to a post.
MEDIUM_PARAMS = frozenset({"source", "sk", "gi", "postpublishedtype", "responsesopen"})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "vero_", "hmb_")
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX_FILES = frozenset(
    {"index.html", "index.htm", "index.php", "index.shtml", "default.htm", "default.aspx"}
)
#: Hosts that are the same site under another name.
_HOST_ALIASES = {
    "x.com": "twitter.com",
    "youtube-nocookie.com": "youtube.com",
    "dx.doi.org": "doi.org",
    "export.arxiv.org": "arxiv.org",
    "blog.x.com": "blog.twitter.com",
}
_URL_SHAPE = re.compile(
    r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL
)
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _fix_percent(match: re.Match[str]) -> str:
    char = chr(int(match.group(0)[1:], 16))
    return char if char in _UNRESERVED else match.group(0).upper()


@functools.lru_cache(maxsize=4096)
def _canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    host = host.replace(".m.wikipedia.org", ".wikipedia.org")
    return _HOST_ALIASES.get(host, host)


def _is_tracking(name: str, medium: bool) -> bool:
    key = name.lower()
    if key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES):
        return True
    return medium and key in MEDIUM_PARAMS


def canonical_url(url: str) -> str:
    """The form of ``url`` used to tell whether two URLs name the same page.

    https and http, host case, ``www.``/``m.``, default ports, a trailing slash,
    ``index.html``, the fragment, tracking parameters (``utm_*``, ``fbclid``, ``gclid``,
    Medium's ``source``...) and the order of the query make no difference. For matching only:
    the catalogue keeps the URL as the user wrote it. Anything that is not an http(s) URL is
    returned stripped, otherwise unchanged.
    """
    parts = _canonical_parts(url)
    if parts is None:
        return url.strip()
    host, path, query, fragment = parts
    text = f"https://{host}{path}"
    if query:
        text = f"{text}?{query}"
    return f"{text}#{fragment}" if fragment else text


def _canonical_parts(url: str) -> tuple[str, str, str, str] | None:
    """(host, path, query, fragment) of the canonical URL; None for a non-http(s) URL."""
    text = url.strip()
    match = _URL_SHAPE.match(text)
    if match is None:
        return None
    scheme, netloc, path, raw_query, raw_fragment = match.groups()
    scheme = scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return None
    if "@" in netloc or ":" in netloc or "[" in netloc:  # user info, port, IPv6: the careful parser
        try:
            split = urlsplit(text)
            hostname, port = split.hostname, split.port
        except ValueError:
            return None
    else:
        hostname, port = netloc, None
    if not hostname:
        return None
    host = _canonical_host(hostname)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if "%" in path:
        path = _PERCENT.sub(_fix_percent, path)
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_FILES:
        path = head
    path = path.rstrip("/")
    if path.endswith("/amp"):  # an AMP copy: blog.cloudflare.com/<post>/amp/
        path = path[: -len("/amp")]
    query = ""
    if raw_query:
        medium = host == "medium.com" or host.endswith(".medium.com") or bool(_medium_id(path))
        pairs = [
            (name, value)
            for name, value in parse_qsl(raw_query, keep_blank_values=True)
            if not _is_tracking(name, medium)
        ]
        query = urlencode(sorted(pairs), quote_via=quote)
    fragment = raw_fragment if raw_fragment and raw_fragment.startswith("!") else ""
    return host, path, query, fragment


# --------------------------------------------------------------------------- identity keys

_ARXIV_ID = re.compile(
    r"^(?:abs|pdf|html|format|ps)/((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}))"
    r"(?:v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)
_ARXIV_HOSTS = frozenset({"arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org", "alphaxiv.org"})
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_DOI = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
#: A Medium post id: 10-12 lower-case hex digits after the last dash of the slug.
_HEX = frozenset("0123456789abcdef")
_GOOGLE_DOC = re.compile(
    r"^/(?:document|presentation|spreadsheets|drawings|forms|file)(?:/u/\d+)?/d/(?:e/)?"
    r"([A-Za-z0-9_-]{20,})"
)
_PMLR = re.compile(r"^/(v\d+)/([a-z0-9_-]+?)(?:/[a-z0-9_-]+)?(?:\.html|\.pdf)?$", re.IGNORECASE)
_ACL = re.compile(r"^/(?:anthology/)?([A-Z]?\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+)(?:\.pdf)?$", re.I)


def _medium_id(path: str) -> str | None:
    """The Medium post id at the end of ``path`` (after the slug's last dash), if any."""
    if not path or path[-1] not in _HEX:
        return None
    post = path.rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    if not 10 <= len(post) <= 12 or not _HEX.issuperset(post):
        return None
    # Random hex has both digits and letters; a slug word or a plain number is not an id.
    if post.isdigit() or not any(c.isdigit() for c in post):
        return None
    return post


def _doi_in(text: str) -> str | None:
    match = _DOI.search(unquote(text))
    if not match:
        return None
    doi = match.group(1).rstrip("/.").lower()
    for suffix in (".pdf", "/full", "/abstract", "/pdf"):
        doi = doi.removesuffix(suffix)
    return doi


_ARCHIVED = re.compile(r"^https?://(?:web\.)?archive\.org/web/[0-9]{1,14}[a-z_]*/(.+)$", re.I)
_INNER_SCHEME = re.compile(r"^(https?):/+", re.IGNORECASE)


def unwrap_url(url: str) -> str:
    """The page a ``web.archive.org/web/<timestamp>/<url>`` copy is of; other URLs unchanged."""
    match = _ARCHIVED.match(url.strip())
    if match is None:
        return url
    inner = match.group(1)
    if _INNER_SCHEME.match(inner):
        return _INNER_SCHEME.sub(lambda m: f"{m.group(1)}://", inner, count=1)
    return f"http://{inner}"


def identity_key(url: str) -> str:
    """What ``url`` points at, for finding duplicates.

    Known shapes give a key that survives every way of writing them: ``arxiv:1706.04599``
    (``abs/``, ``pdf/``, versions, ``.pdf``), ``youtube:8jTo3bVni3E`` (``watch?v=``,
    ``youtu.be/``, ``embed/``, ``shorts/``), ``doi:10.1145/3240323.3240372`` (doi.org and
    publishers' ``/doi/`` URLs), ``medium:9272d3d4739d`` (a Medium post on medium.com, a
    publication or a custom domain), ``gdoc:<id>`` (Google Docs and Drive), ``twitter:<id>``,
    ``vimeo:<id>``, ``ieee:<n>``, ``pmlr:v97/zhao19a``, ``acl:2020.acl-main.442``,
    ``openreview:<id>``, ``github:owner/repo``, ``amazon:<ASIN>``.
    O'Reilly books (``learning.oreilly.com`` or ``www.oreilly.com`` ``/library/view/<slug>/<isbn>``)
    give ``oreilly:<isbn>``; a ``web.archive.org`` copy gives the key of the page it archived.
    Anything else gives :func:`canonical_url`.
    """
    parts = _canonical_parts(unwrap_url(url))
    if parts is None:
        return url.strip()
    host, path, query, fragment = parts
    key = _known_key(host, path, dict(parse_qsl(query, keep_blank_values=True)) if query else {})
    if key:
        return key
    text = f"https://{host}{path}"
    if query:
        text = f"{text}?{query}"
    return f"{text}#{fragment}" if fragment else text


_KEYED_HOSTS = frozenset(
    {
        *_ARXIV_HOSTS,
        "youtube.com",
        "music.youtube.com",
        "youtu.be",
        "vimeo.com",
        "player.vimeo.com",
        "doi.org",
        "ieeexplore.ieee.org",
        "docs.google.com",
        "drive.google.com",
        "twitter.com",
        "proceedings.mlr.press",
        "aclanthology.org",
        "aclweb.org",
        "openreview.net",
        "github.com",
    }
)


_OREILLY_HOSTS = frozenset({"oreilly.com", "learning.oreilly.com", "safaribooksonline.com"})
_OREILLY_BOOK = re.compile(r"^/library/view/[^/]+/(\d{9,13}[0-9x]?)(?:/|$)", re.IGNORECASE)


def _known_key(host: str, path: str, query: dict[str, str]) -> str | None:
    if host in _OREILLY_HOSTS:
        book = _OREILLY_BOOK.match(path + "/")
        if book:
            return f"oreilly:{book.group(1).lower()}"
    if host in _KEYED_HOSTS or host.startswith("amazon.") or "/doi/" in path or "doi" in query:
        key = _site_key(host, path, query)
        if key:
            return key
    post = _medium_id(path)
    return f"medium:{post}" if post else None


def _site_key(host: str, path: str, query: dict[str, str]) -> str | None:
    segments = [s for s in path.split("/") if s]
    if host in _ARXIV_HOSTS:
        match = _ARXIV_ID.match("/".join(segments))
        if match:
            return f"arxiv:{match.group(1).lower()}"
    if host in ("youtube.com", "music.youtube.com"):
        video = query.get("v")
        if not video and len(segments) >= 2 and segments[0] in ("embed", "v", "shorts", "live"):
            video = segments[1]
        if video and _YOUTUBE_ID.match(video):
            return f"youtube:{video}"
    if host == "youtu.be" and segments and _YOUTUBE_ID.match(segments[0]):
        return f"youtube:{segments[0]}"
    if host in ("vimeo.com", "player.vimeo.com"):
        numbers = [s for s in segments if s.isdigit()]
        if numbers:
            return f"vimeo:{numbers[0]}"
    doi = None
    if host == "doi.org":
        doi = _doi_in(path.lstrip("/"))
    elif "/doi/" in path or query.get("doi"):
        doi = _doi_in(path) or _doi_in(query.get("doi", ""))
    if doi:
        arxiv = _ARXIV_DOI.match(doi)
        return f"arxiv:{arxiv.group(1)}" if arxiv else f"doi:{doi}"
    if host == "ieeexplore.ieee.org":
        number = query.get("arnumber") or next(
            (b for a, b in itertools.pairwise(segments) if a == "document"), None
        )
        if number and number.isdigit():
            return f"ieee:{number}"
    if host in ("docs.google.com", "drive.google.com"):
        match = _GOOGLE_DOC.match(path)
        if match:
            return f"gdoc:{match.group(1)}"
        if query.get("id") and segments[:1] == ["open"]:
            return f"gdoc:{query['id']}"
    if (
        host == "twitter.com"
        and len(segments) >= 3
        and segments[1] in ("status", "statuses")
        and segments[2].isdigit()
    ):
        return f"twitter:{segments[2]}"
    if host == "proceedings.mlr.press":
        match = _PMLR.match(path)
        if match:
            return f"pmlr:{match.group(1).lower()}/{match.group(2).lower()}"
    if host in ("aclanthology.org", "aclweb.org"):
        match = _ACL.match(path)
        if match:
            return f"acl:{match.group(1).lower()}"
    if host == "openreview.net" and query.get("id") and segments[:1] in (["forum"], ["pdf"]):
        return f"openreview:{query['id']}"
    if host == "github.com" and len(segments) == 2:
        return f"github:{segments[0].lower()}/{segments[1].lower().removesuffix('.git')}"
    if host.startswith("amazon.") and "dp" in segments[:-1]:
        asin = segments[segments.index("dp") + 1]
        if len(asin) == 10 and asin.isalnum():
            return f"amazon:{asin.upper()}"
    return None


# --------------------------------------------------------------------------- paper identifiers

_ARXIV_BARE = re.compile(
    r"^((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?$", re.IGNORECASE
)
_DOI_BARE = re.compile(r"^10\.\d{4,9}/\S+$")
_ID_PREFIX = re.compile(r"^(arxiv|doi)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class PaperId:
    """A paper named by its arXiv identifier or its DOI, as ``mlsd add`` takes it.

    The identifier is not stored apart: :attr:`url` is the canonical address the entry keeps,
    and its :func:`identity_key` is :attr:`key`, so every way of writing the paper (``abs/``,
    ``pdf/``, a version, ``dx.doi.org``, a publisher's ``/doi/`` page) is the same resource.
    """

    #: "arxiv" or "doi".
    scheme: str
    #: The arXiv id without its version (``1706.03762``, ``cs/0112017``) or the DOI, lower-case.
    value: str

    @property
    def key(self) -> str:
        return f"{self.scheme}:{self.value.lower()}"

    @property
    def url(self) -> str:
        if self.scheme == "arxiv":
            return f"https://arxiv.org/abs/{self.value}"
        return f"https://doi.org/{quote(self.value, safe='/:;()')}"

    def __str__(self) -> str:
        return self.key


def paper_id(text: str) -> PaperId | None:
    """The paper ``text`` names: ``arxiv:ID``, ``doi:DOI`` (any case, versions dropped), or an
    arXiv URL (``abs/``, ``pdf/``, versioned, ``export.arxiv.org``) or a ``doi.org`` /
    ``dx.doi.org`` URL (an arXiv DOI, ``10.48550/arXiv.ID``, is the arXiv paper). None for
    anything else (other URLs keep being read as pages).

    Raises InputError (field ``url``) for ``arxiv:`` or ``doi:`` followed by something that is
    not an identifier of that scheme.
    """
    text = text.strip()
    prefixed = _ID_PREFIX.match(text)
    if prefixed:
        return _prefixed(prefixed.group(1).lower(), prefixed.group(2).strip(), text)
    parts = _canonical_parts(text)
    if parts is None or parts[0] not in (*_ARXIV_HOSTS, "doi.org"):
        return None
    key = identity_key(text)
    scheme, _, value = key.partition(":")
    if scheme == "arxiv" or (scheme == "doi" and parts[0] == "doi.org"):
        if scheme == "arxiv":  # the id as written (old-style archives keep their case)
            match = _ARXIV_ID.match("/".join(s for s in parts[1].split("/") if s))
            value = match.group(1) if match else value
        return PaperId(scheme, value)
    return None


def _prefixed(scheme: str, value: str, text: str) -> PaperId:
    if scheme == "arxiv":
        match = _ARXIV_BARE.match(value)
        if match:
            return PaperId("arxiv", match.group(1))
        raise InputError(
            f"{text!r} is not an arXiv identifier",
            field="url",
            hint="write it as arxiv:1706.03762 (or arxiv:cs/0112017 for an older paper)",
        )
    doi = _doi_in(value) if _DOI_BARE.match(value) else None
    if doi is None:
        raise InputError(
            f"{text!r} is not a DOI", field="url", hint="write it as doi:10.1145/3240323.3240372"
        )
    arxiv = _ARXIV_DOI.match(doi)
    if arxiv and _ARXIV_BARE.match(arxiv.group(1)):
        return PaperId("arxiv", arxiv.group(1))
    return PaperId("doi", doi)
