"""The one refusal policy for "is it already in the catalogue?" (asked of matching.known).

:func:`find_duplicates` asks :func:`mlsd_cli.matching.known.check_candidate`; what a command
does with the :class:`~mlsd_cli.matching.known.Verdict`:

- **the same resource** (same URL identity, a post moved on its site, a tool's site and its
  repository, a renamed repository, an id merged into an entry, or the same title with no URL
  on either side) is never added twice: ``add`` and ``edit`` refuse with
  :class:`DuplicateError` (exit 1, nothing written, even with ``--force``); ``import`` skips
  the item and reports it. All three say it in the same words (:func:`describe`):
  ``already in the catalogue as 'ID' (same URL): Title``.
- **a possible duplicate** (a similar title, or the same title less a subtitle) is never
  added without a decision: ``add`` asks on a terminal and refuses without one (exit 1)
  unless ``--force``; ``import`` holds the item back and reports it (``looks like 'ID'
  (similar title, score 97): Title``) unless ``--force``. ``edit`` does not ask: an entry's
  title is the curator's to change, and ``mlsd dedupe`` reports entries that came to look alike.
- a command that leaves something out because the catalogue has it exits 1 (findings), so
  ``import`` of a list that is already in exits 1 like ``add`` of a URL that is.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import ExitCode
from mlsd_cli.errors import MlsdError
from mlsd_cli.matching.duplicates import IDENTITY
from mlsd_cli.matching.duplicates import REASON_TEXT
from mlsd_cli.matching.duplicates import SAME_URL
from mlsd_cli.matching.duplicates import DuplicateCandidate
from mlsd_cli.matching.known import MERGED
from mlsd_cli.matching.known import SAME_RESOURCE
from mlsd_cli.matching.known import SAME_TITLE
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import Verdict
from mlsd_cli.matching.known import check_candidate

#: The verdict, under the name the add flow knows it by.
DuplicateReport = Verdict


def find_duplicates(
    catalogue: Catalogue,
    *,
    urls: Iterable[str | None] = (),
    titles: Iterable[str | None] = (),
    exclude_id: str | None = None,
) -> Verdict:
    """Check every URL (as given, and where it redirected) and every title (as typed, as
    fetched) against ``catalogue`` (:func:`~mlsd_cli.matching.known.check_candidate`)."""
    return check_candidate(catalogue, Candidate.of(urls, titles, exclude_id))


def describe(match: DuplicateCandidate) -> str:
    """The one line every command prints about a match."""
    r = match.resource
    reason = match.reasons[0]
    if reason == SAME_URL:
        return f"already in the catalogue as '{r.id}' (same URL): {r.title}"
    if reason == MERGED:
        merged = f"merged into it as '{match.alias}'"
        return f"already in the catalogue as '{r.id}' ({merged}): {r.title}"
    if reason in IDENTITY:  # same title (no URL), a moved post, a tool's site and repository...
        return f"already in the catalogue as '{r.id}' ({REASON_TEXT[reason]}): {r.title}"
    text = REASON_TEXT.get(reason, reason)
    return f"looks like '{r.id}' ({text}, score {match.score:.0f}): {r.title}"


class DuplicateError(MlsdError):
    """The resource is already in the catalogue (or looks like it). Exit 1, nothing written."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, message: str, report: Verdict, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.report = report

    def details(self) -> list[str]:
        return candidate_lines(self.report)

    def json_details(self) -> dict[str, Any]:
        return {
            "duplicates": [
                {
                    "id": c.resource.id,
                    "title": c.resource.title,
                    "score": round(c.score, 1),
                    "reasons": list(c.reasons),
                }
                for c in (*self.report.same, *self.report.similar)
            ]
        }


def candidate_lines(report: Verdict) -> list[str]:
    """One line a match, for a list under the message: id, title, score and reasons."""
    return [
        f"{c.resource.id}  {c.resource.title}  (score {c.score:.0f}; {', '.join(c.reasons)})"
        for c in (*report.same, *report.similar)
    ]


def same_url_error(report: Verdict, *, hint: str | None = None) -> DuplicateError:
    """The refusal of a candidate that is the same resource as ``report.same[0]``."""
    first = report.same[0]
    return DuplicateError(
        describe(first),
        report,
        hint=hint
        or f"to list it under another section too: mlsd edit {first.resource.id} --add-section "
        "SECTION",
    )


def similar_error(report: Verdict, candidates: Sequence[DuplicateCandidate]) -> DuplicateError:
    ids = ", ".join(f"'{c.resource.id}'" for c in candidates)
    return DuplicateError(
        f"looks like a duplicate of {ids} (similar title)",
        report,
        hint="check with `mlsd show ID`; add it anyway with `mlsd add --force`",
    )


def refusal(
    report: Verdict, *, accepted: Iterable[str] = (), force: bool = False
) -> DuplicateError | None:
    """The error to raise for ``report`` when adding, or None when the add may go ahead."""
    if report.same:
        return same_url_error(report)
    accepted_ids = set(accepted)
    unaccepted = [c for c in report.similar if c.resource.id not in accepted_ids]
    if unaccepted and not force:
        return similar_error(report, unaccepted)
    return None


def edit_refusal(catalogue: Catalogue, original: Resource, new: Resource) -> DuplicateError | None:
    """The error to raise when ``original`` is about to become ``new``, or None.

    Only what the edit changes is checked: a new URL against the other entries' URLs, a new
    title against the ids merged into them (and, with no URL, their url-less titles), so an
    entry that already matched another one can still be edited (``mlsd dedupe`` reports it).
    """
    url_changed = bool(new.url) and new.url != original.url
    title_changed = new.title != original.title
    if not (url_changed or title_changed):
        return None
    report = find_duplicates(catalogue, urls=[new.url], titles=[new.title], exclude_id=original.id)
    wanted = set(SAME_RESOURCE - {MERGED, SAME_TITLE}) if url_changed else set()
    if title_changed:
        wanted |= {MERGED, SAME_TITLE}
    same = [m for m in report.same if wanted.intersection(m.reasons)]
    if not same:
        return None
    return same_url_error(
        Verdict(same=same),
        hint="merge the two with `mlsd dedupe --merge`, or keep the URL on one of them",
    )
