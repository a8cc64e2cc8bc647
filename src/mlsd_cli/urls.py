"""URL checks and canonicalisation.

``url_problem`` says why a URL cannot go in the catalogue. Canonical forms are used for
matching only: the catalogue keeps every URL as the user wrote it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


def url_problem(url: str) -> str | None:
    """None when ``url`` is an acceptable http/https URL, else a short reason."""
    if not url or url != url.strip():
        return "has blank space around it" if url else "is empty"
    if any(c.isspace() for c in url) or any(ord(c) < 32 or ord(c) == 127 for c in url):
        return "contains spaces or control characters"
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
