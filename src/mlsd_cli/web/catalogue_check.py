"""Checking a catalogue's links: which to request, what earlier runs say, and the verdicts.

:func:`check_catalogue` takes the entries to check, skips the URLs it should not request
(excluded, not http(s), checked OK within ``max_age``), checks the rest with
:func:`mlsd_cli.web.checker.check_links`, records the results in the link state
(:mod:`mlsd_cli.web.linkstate`) and judges each URL: ok, redirected, soft, failing (broken for
fewer than ``dead_after`` runs in a row), dead, or skipped. Rewriting moved URLs is a write:
:mod:`mlsd_cli.changes.redirects`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.errors import InputError
from mlsd_cli.errors import MlsdError
from mlsd_cli.web import linkstate
from mlsd_cli.web.checker import CheckOptions
from mlsd_cli.web.checker import check_links
from mlsd_cli.web.linkstate import utc_stamp
from mlsd_cli.web.results import LinkResult

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.web.archive import Snapshot

#: The verdicts of a run, in the order reports list them.
VERDICTS = ("ok", "redirected", "soft", "failing", "dead", "skipped")


@dataclass
class LinkReport:
    """One URL of a run: what was found and what it means, given earlier runs."""

    url: str
    #: Ids of the resources with this URL.
    resources: list[str]
    #: ok, redirected, soft, failing, dead or skipped.
    verdict: str
    result: LinkResult | None = None
    #: Consecutive failing runs, this one included.
    failures: int = 0
    #: Why the link was skipped, or what is wrong with it.
    reason: str | None = None
    last_ok: datetime | None = None
    last_checked: datetime | None = None
    #: :meth:`to_json` as ``--json`` prints it, once the link is judged (:meth:`render_json`).
    rendered: str | None = field(default=None, repr=False, compare=False)

    def render_json(self) -> str:
        """:meth:`to_json` as the ``--json`` document holds it (indented at its depth there),
        kept for :meth:`CheckReport.json_text`: call it once the link is judged."""
        self.rendered = _pretty(self.to_json(), 2)
        return self.rendered

    def to_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "url": self.url,
            "resources": self.resources,
            "verdict": self.verdict,
            "status": result.status if result else None,
            "reason": self.reason,
            "final_url": result.final_url if result else None,
            "redirects": [
                {"status": r.status, "url": r.url, "location": r.location}
                for r in (result.redirects if result else [])
            ],
            "moved_to": result.moved_to if result else None,
            "failures": self.failures,
            "attempts": result.attempts if result else 0,
            "method": result.method if result else None,
            "last_checked": utc_stamp(self.last_checked),
            "last_ok": utc_stamp(self.last_ok),
        }


@dataclass
class CheckReport:
    links: list[LinkReport]
    state_file: Path
    checked_at: datetime
    dead_after: int
    state_warning: str | None = None
    #: Why the link state could not be saved (this run's results are not remembered): the
    #: command reports the results, then answers with this as its error (exit 2).
    state_error: str | None = None
    catalogue: Path | None = None
    #: With ``--suggest-archive``: dead URL -> its archived copy (None: the archive has none).
    archives: dict[str, Snapshot | None] | None = None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for link in self.links:
            counts[link.verdict] += 1
        return counts

    @property
    def has_dead(self) -> bool:
        return any(link.verdict == "dead" for link in self.links)

    def to_json(self, fixed: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
        """The ``mlsd check --json`` document (schema in docs/check.md)."""
        document = self.to_json_head(fixed)
        document["links"] = [link.to_json() for link in self.links]
        return document

    def to_json_head(self, fixed: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
        """:meth:`to_json` with ``links`` (in its place) None."""
        counts = self.counts()
        return {
            "catalogue": str(self.catalogue) if self.catalogue else None,
            "state_file": str(self.state_file),
            "checked_at": utc_stamp(self.checked_at),
            "dead_after": self.dead_after,
            "summary": {"total": len(self.links), **counts},
            "links": None,
            "fixed": [{"resource": rid, "old": old, "new": new} for rid, old, new in fixed],
            **({} if self.archives is None else {"archive": self._archives_json()}),
        }

    def json_text(self, fixed: Sequence[tuple[str, str, str]] = ()) -> str:
        """``json.dumps(self.to_json(fixed), ensure_ascii=False, indent=2)``, character for
        character, from the links' texts rendered while the check ran (the others now)."""
        document = self.to_json_head(fixed)
        parts = []
        for key, value in document.items():
            if key == "links":
                links = [link.rendered or link.render_json() for link in self.links]
                text = "[\n    " + ",\n    ".join(links) + "\n  ]" if links else "[]"
            else:
                text = _pretty(value, 1)
            parts.append(f"  {json.dumps(key)}: {text}")
        return "{\n" + ",\n".join(parts) + "\n}"

    def _archives_json(self) -> dict[str, Any]:
        return {
            url: None if s is None else {"url": s.url, "timestamp": s.timestamp}
            for url, s in (self.archives or {}).items()
        }

    def moves(self) -> dict[str, str]:
        """Permanently moved URLs that work at their new address: old -> new."""
        return {
            link.url: link.result.moved_to
            for link in self.links
            if link.result is not None and link.result.moved_to
        }


def check_catalogue(
    location: CatalogueLocation,
    resources: Sequence[Resource],
    options: CheckOptions | None = None,
    *,
    all_urls: Iterable[str] | None = None,
    dead_after: int = 2,
    max_age: timedelta | None = None,
    exclude: Sequence[re.Pattern[str]] = (),
    now: datetime | None = None,
    on_start: Callable[[int], Any] | None = None,
    on_result: Callable[[LinkResult], Any] | None = None,
    render_json: bool = False,
) -> CheckReport:
    """Check the URLs of ``resources``, remember the results, and judge them.

    ``all_urls`` (every URL of the catalogue) lets the state file forget URLs that left the
    catalogue. ``on_start`` receives the number of URLs about to be requested. Each result is
    judged as it comes in, while other requests are in flight; with ``render_json`` its link's
    JSON text is written then too, so that :meth:`CheckReport.json_text` only joins the texts.
    """
    if dead_after < 1:
        raise InputError(f"must be at least 1, not {dead_after}", field="dead_after")
    now = now or datetime.now(UTC)
    by_url: dict[str, list[str]] = {}
    for resource in resources:
        if resource.url:
            by_url.setdefault(resource.url, []).append(resource.id)
    state = linkstate.load_state(linkstate.state_path(location))

    reports: dict[str, LinkReport] = {}
    to_check: list[str] = []
    for url, ids in by_url.items():
        record = state.links.get(url)
        report = LinkReport(url, ids, "skipped")
        if record is not None:
            report.failures, report.last_ok = record.failures, record.last_ok
            report.last_checked = record.last_checked
        reports[url] = report
        pattern = next((p.pattern for p in exclude if p.search(url)), None)
        if pattern is not None:
            report.reason = f"excluded by --exclude {pattern!r}"
        elif url_problem(url):
            report.reason = f"not checked: the URL {url_problem(url)}"
        elif max_age is not None and linkstate.checked_ok_within(record, max_age, now):
            assert record is not None and record.last_ok is not None
            report.reason = f"checked OK {linkstate.age_text(now - record.last_ok)} ago"
        else:
            to_check.append(url)
    if on_start is not None:
        on_start(len(to_check))

    def settle(result: LinkResult) -> None:
        """Judge one result and remember it (while the other requests are in flight)."""
        record = linkstate.record_result(state, result, now)
        report = reports[result.url]
        report.result = result
        report.verdict = linkstate.verdict(result, record, dead_after)
        report.failures = record.failures
        report.last_ok = record.last_ok
        report.last_checked = record.last_checked
        report.reason = result.error
        if render_json:
            report.render_json()
        if on_result is not None:
            on_result(result)

    results = check_links(to_check, options, on_result=settle)
    keep = set(all_urls) if all_urls is not None else None
    if keep is not None:
        keep.update(by_url)
    state_error = None
    try:
        linkstate.save_state(
            state, updated={r.url for r in results}, keep=keep, catalogue=location.path
        )
    except (OSError, MlsdError) as exc:  # a folder in its place, a read-only folder...
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        state_error = f"could not save the link state to {state.path} ({reason}); this run's "
        state_error += "results are reported but not remembered"
    return CheckReport(
        links=list(reports.values()),
        state_file=state.path,
        checked_at=now,
        dead_after=dead_after,
        state_warning=state.warning,
        state_error=state_error,
        catalogue=location.path,
    )


def _pretty(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it ``depth`` levels
    deep in a document (JSON text holds no raw line end but those of the indentation)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


# ----------------------------------------------------------------- the report as text


def link_label(link: LinkReport, dead_after: int) -> str:
    """The verdict as reports print it: DEAD, failing (n/dead_after), soft or moved."""
    if link.verdict == "failing":
        return f"failing ({link.failures}/{dead_after})"
    return {"dead": "DEAD", "soft": "soft", "redirected": "moved"}[link.verdict]


def link_detail(link: LinkReport) -> str:
    result = link.result
    if link.verdict == "redirected" and result is not None:
        return f"moved to {result.moved_to}"
    if link.verdict == "dead":
        return f"{link.reason} ({link.failures} runs in a row)"
    return link.reason or ""


def link_status(link: LinkReport) -> str:
    result = link.result
    if result is None:
        return "-"
    if link.verdict == "redirected" and result.redirects:
        return str(result.redirects[0].status)
    return str(result.status) if result.status else "-"


def problems(report: CheckReport) -> list[LinkReport]:
    """The links a report lists: dead, failing, soft, then moved (to a working address)."""
    order = {"dead": 0, "failing": 1, "soft": 2, "redirected": 3}
    shown = [
        link
        for link in report.links
        if link.verdict in ("dead", "failing", "soft")
        or (link.verdict == "redirected" and link.result is not None and link.result.moved_to)
    ]
    return sorted(shown, key=lambda link: order[link.verdict])


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def _md_cell(text: str) -> str:
    """``text`` as inert markdown in a table cell: one line, no control characters, every
    markdown/HTML character escaped (so a URL or title can neither break the table nor
    inject a link, an image or HTML into the posted report)."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(flat.split())) or " "


def markdown_summary(report: CheckReport, *, title: str = "Link check") -> str:
    """The report as GitHub-flavoured markdown, for ``$GITHUB_STEP_SUMMARY`` or a comment:
    a heading, the counts, and a table of the links to look at (none: says so)."""
    counts = report.counts()
    shown = problems(report)
    out = [f"## {_md_cell(title)}", ""]
    dead = counts["dead"]
    verdict = f"**{dead} dead link{'s' if dead != 1 else ''}**" if dead else "No dead links."
    out += [f"{verdict} {len(report.links)} checked on {utc_stamp(report.checked_at)}.", ""]
    out += ["| " + " | ".join(counts) + " |", "|" + "---:|" * len(counts)]
    out += ["| " + " | ".join(str(n) for n in counts.values()) + " |", ""]
    if not shown:
        out += ["Nothing to look at.", ""]
        return "\n".join(out)
    out += ["| | Status | URL | Resource | Detail |", "|---|---:|---|---|---|"]
    for link in shown:
        cells = [
            link_label(link, report.dead_after),
            link_status(link),
            link.url,
            ", ".join(link.resources),
            link_detail(link),
        ]
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    out.append("")
    return "\n".join(out)
