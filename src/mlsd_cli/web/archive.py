"""Archived copies of dead links: the Wayback Machine availability API.

:func:`find_snapshots` asks ``GET {base}?url=URL`` for each URL, one at a time (dead links are
few, and the archive asks for gentle clients), and keeps the closest snapshot the archive says
is available with status 200 and an http(s) address. The base URL is
``$MLSD_WAYBACK_URL`` (tests point it at a local server), else :data:`DEFAULT_BASE`. A failed
question is a note, never an error: the link stays dead, with no suggestion.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from mlsd_cli.catalogue.urls import is_http_url
from mlsd_cli.web.http import DEFAULT_TIMEOUT
from mlsd_cli.web.http import describe_error
from mlsd_cli.web.http import request_headers
from mlsd_cli.web.http import status_text

DEFAULT_BASE = "https://archive.org/wayback/available"
ENV_VAR = "MLSD_WAYBACK_URL"


@dataclass(frozen=True)
class Snapshot:
    #: The archived copy's address.
    url: str
    #: When it was taken: YYYYMMDDhhmmss (UTC), as the archive gives it.
    timestamp: str

    @property
    def date(self) -> str:
        t = self.timestamp
        return f"{t[:4]}-{t[4:6]}-{t[6:8]}" if len(t) >= 8 and t[:8].isdigit() else t


@dataclass
class ArchiveAnswers:
    #: URL -> its snapshot, or None when the archive has none.
    snapshots: dict[str, Snapshot | None] = field(default_factory=dict)
    #: URL -> why the archive could not be asked (the URL has no answer then).
    errors: dict[str, str] = field(default_factory=dict)


def base_url() -> str:
    return (os.environ.get(ENV_VAR) or DEFAULT_BASE).rstrip("/")


def closest(answer: Any) -> Snapshot | None:
    """The usable snapshot in one availability answer (JSON), if any."""
    if not isinstance(answer, dict):
        return None
    snapshots = answer.get("archived_snapshots")
    best = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(best, dict) or best.get("available") is not True:
        return None
    url, stamp = best.get("url"), best.get("timestamp")
    if str(best.get("status", "200")) != "200" or not isinstance(url, str) or not is_http_url(url):
        return None
    return Snapshot(
        url.replace("http://web.archive.org/", "https://web.archive.org/", 1), str(stamp or "")
    )


def find_snapshots(urls: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT) -> ArchiveAnswers:
    """Ask the archive about each URL (each once)."""
    import httpx

    answers = ArchiveAnswers()
    base = base_url()
    with httpx.Client(headers=request_headers(), timeout=timeout, follow_redirects=True) as client:
        for url in dict.fromkeys(urls):
            try:
                response = client.get(base, params={"url": url})
            except httpx.HTTPError as exc:
                answers.errors[url] = describe_error(exc)[0]
                continue
            if response.status_code != 200:
                answers.errors[url] = status_text(response.status_code)
                continue
            try:
                answers.snapshots[url] = closest(response.json())
            except ValueError:
                answers.errors[url] = "the archive's answer is not JSON"
    return answers
