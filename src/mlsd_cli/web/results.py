"""What checking a link found: the outcomes and the result record (shared by the checker and the
link state, so neither imports the other)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

OK = "ok"
REDIRECTED = "redirected"
SOFT = "soft"
BROKEN = "broken"


@dataclass
class Redirect:
    status: int
    url: str
    location: str


@dataclass
class LinkResult:
    """What checking one URL found."""

    url: str
    outcome: str
    #: The last HTTP status received (None when no answer came).
    status: int | None = None
    #: Where the redirects led (None when there were none or no answer came).
    final_url: str | None = None
    redirects: list[Redirect] = field(default_factory=list)
    #: Where the leading permanent (301/308) redirects lead, when the link works there.
    moved_to: str | None = None
    #: Why the link is broken or soft, in a few words.
    error: str | None = None
    attempts: int = 0
    #: The method of the last request: "HEAD" or "GET".
    method: str | None = None
    #: Seconds from the first request to the verdict, waits included.
    elapsed: float = 0.0
    #: Seconds spent waiting between attempts (backoff or Retry-After).
    waited: float = 0.0

    @property
    def failed(self) -> bool:
        return self.outcome == BROKEN
