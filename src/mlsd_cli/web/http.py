"""How mlsd talks HTTP, for every request it makes (the link checker and the page-metadata fetch).

- who it says it is: :func:`user_agent`, in :func:`request_headers` with what it accepts;
- the shared client settings: the default time budget and redirect limit;
- the few words a failure is told with: :func:`status_text` for an HTTP status,
  :func:`timed_out` for a spent time budget, :func:`describe_error` for a network error (and
  whether trying again may help).

httpx is imported by :func:`describe_error` only for an httpx error (the page-metadata fetch and
the archive look-up use httpx; the link checker has its own client, :mod:`mlsd_cli.web.transport`).
"""

from __future__ import annotations

import re

#: Seconds a request (connect, read) and a whole attempt on a URL may take by default.
DEFAULT_TIMEOUT = 10.0
#: The variable that sets the total time budget of ``mlsd add``'s page fetch, in seconds.
FETCH_TIMEOUT_ENV = "MLSD_FETCH_TIMEOUT"


def fetch_timeout(default: float = DEFAULT_TIMEOUT) -> float:
    """The page fetch's total deadline: ``$MLSD_FETCH_TIMEOUT`` seconds, else ``default``."""
    import os

    from mlsd_cli.errors import InputError

    text = os.environ.get(FETCH_TIMEOUT_ENV, "")
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise InputError(
            f"${FETCH_TIMEOUT_ENV} is {text!r}, not a number of seconds",
            hint=f"set it to a number such as 20, or unset it for {default:g}",
        )
    return value


#: Redirects followed at most.
MAX_REDIRECTS = 10
#: What mlsd asks for: pages first, anything else after.
ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"


def user_agent() -> str:
    """The User-Agent of every mlsd request: the tool, its version and what it is doing.

    (No project URL until the project has a public home: naming someone else's page would
    not be honest.)"""
    from mlsd_cli import __version__

    return f"mlsd/{__version__} (link checker of a curated reading list)"


def request_headers(agent: str | None = None) -> dict[str, str]:
    """The headers every mlsd request carries (``agent`` replaces the User-Agent)."""
    return {"User-Agent": agent or user_agent(), "Accept": ACCEPT}


def status_text(status: int) -> str:
    """``HTTP 404 Not Found`` (``HTTP 599`` for a status without a standard phrase)."""
    from http import HTTPStatus

    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def timed_out(seconds: float) -> str:
    """A time budget was spent before the answer came."""
    return f"timed out after {seconds:g} s"


class ConnectError(Exception):
    """No connection could be made (the OS or TLS error is the ``__cause__``)."""


class DroppedError(Exception):
    """The connection broke, or what came back was not an HTTP/1 answer."""


def describe_error(exc: BaseException) -> tuple[str, bool]:
    """A few words for a network error, and whether trying again may help."""
    text = str(exc).strip()
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    kind = _error_kind(exc)
    if kind == "timeout":
        return "timed out", True
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused", False
    if kind == "connect":
        if "Name or service not known" in text or "nodename nor servname" in text:
            return "host name does not resolve", False
        if "Temporary failure in name resolution" in text:
            return "host name lookup failed", True
        if "Connection refused" in text:
            return "connection refused", False
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return f"TLS error: {text.splitlines()[0][:120]}", False
        return f"cannot connect: {text.splitlines()[0][:120] if text else type(exc).__name__}", True
    if kind == "dropped":
        return f"connection dropped: {text[:120] if text else type(exc).__name__}", True
    if kind == "not-http":
        return "not an http(s) URL", False
    return f"{type(exc).__name__}: {text[:120]}", False


def _error_kind(exc: BaseException) -> str | None:
    """timeout, connect, dropped or not-http: mlsd's own client's errors and httpx's alike."""
    if isinstance(exc, ConnectError):
        return "connect"
    if isinstance(exc, DroppedError):
        return "dropped"
    if not type(exc).__module__.startswith("httpx"):
        return None
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "dropped"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "not-http"
    return None
