"""Which URLs a catalogue may hold: http(s) with a valid host, no spaces or control characters.

``url_problem`` says why a URL cannot go in the catalogue; it is the schema's rule for every URL
field. Canonical forms and identity keys (for matching) live in :mod:`mlsd_cli.matching.urls`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")
#: ASCII white space and control characters, and any Unicode white space (``str.isspace``).
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
#: Unicode categories no URL may contain: controls (C0 and C1), invisible format characters
#: (zero-width spaces, bidirectional overrides, the BOM), and line, paragraph and space separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})


#: The common case, checked in one step: http(s), a plain host name, a port from 1 to 65535
#: (written without leading zeros) or none, no user info, and nothing but printable ASCII (no
#: backslash) after the host. Anything else (a non-ASCII character anywhere included) takes the
#: careful path below, which accepts every URL this one accepts.
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
    r"(?:[/?#][!-\[\]-~]*)?",  # printable ASCII but the backslash
    re.ASCII,
)


def _has_space_or_control(url: str) -> bool:
    """Does ``url`` hold white space, a control or a format character (of any script)?"""
    if _SPACE_OR_CONTROL.search(url):
        return True
    if url.isascii():
        return False
    import unicodedata

    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in url if ord(ch) > 0x7F)


def _parser_differential(url: str) -> str | None:
    """Why browsers (the WHATWG URL standard) and Python would read ``url`` differently, if they
    would: a backslash (a browser reads it as ``/``: ``http://evil.test\\@example.com/`` opens
    evil.test, Python sees the host example.com), user info (``user@`` before the host: the
    classic disguise of a host), a host with ``%`` escapes or a trailing dot trick, and a
    scheme without ``//``. Tabs, line breaks and blank space around the URL, which browsers
    silently drop, are refused before this."""
    if "\\" in url:
        return "contains a backslash (browsers read it as '/', so the URL leads elsewhere)"
    scheme, sep, rest = url.partition(":")
    if sep and scheme.lower() in ALLOWED_SCHEMES and not rest.startswith("//"):
        return "must start with http:// or https://"
    authority = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        return "contains user info before the host ('...@'), which can disguise the real host"
    if "%" in authority:
        return "has %-escapes in its host"
    return None


def url_problem(url: str) -> str | None:
    """None when ``url`` is an acceptable http/https URL, else a short reason."""
    if _PLAIN_HTTP_URL.fullmatch(url):
        return None
    if not url or url != url.strip():
        return "has blank space around it" if url else "is empty"
    if _has_space_or_control(url):
        return "contains spaces or control characters"
    differential = _parser_differential(url)
    if differential:
        return differential
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError:
        return "is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return (
            f"uses '{scheme}:', which mlsd does not allow"
            if scheme
            else "is not an absolute http(s) URL"
        )
    host = parts.hostname or ""
    if not host or host.startswith(".") or ".." in host:
        return "has no valid host"
    if port == 0:
        return "has an invalid port"
    return None


def is_http_url(url: str | None) -> bool:
    """True for a URL that ``url_problem`` accepts."""
    return bool(url) and url_problem(url or "") is None
