"""What ``mlsd check`` remembers between runs: one JSON file in mlsd's state folder.

The file is ``.mlsd/linkstate.json`` beside ``resources.toml`` (``.mlsd/linkstate-NAME.json``
beside any other ``NAME.toml``; :mod:`mlsd_cli.catalogue.statedir` decides), never inside the
catalogue, so the catalogue's history stays clean; it may be committed. A file an earlier mlsd
wrote beside the catalogue (``.mlsd-linkstate*.json``) is read while the new one is missing,
and removed once the new one is written. For the read-only catalogue shipped with mlsd, or a
catalogue in a directory mlsd may not write to, it lives in the user cache directory instead.
See ``docs/check.md`` for the format.

Per URL it keeps: when it was last checked, the outcome and status, where redirects led, the
number of consecutive failing runs, and when it last worked. A link is *dead* only once it has
failed ``dead_after`` runs in a row; before that it is *failing (n/N)*. A corrupt or foreign
state file is not an error: it is set aside with a warning and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.web.results import LinkResult

STATE_FORMAT = "mlsd-linkstate"
STATE_VERSION = 1


@dataclass
class LinkRecord:
    """The memory of one URL."""

    last_checked: datetime | None = None
    #: "ok", "redirected", "soft" or "broken" (see :mod:`mlsd_cli.web.results`).
    outcome: str | None = None
    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    #: Consecutive runs in which the link was broken (0 once it works again).
    failures: int = 0
    last_ok: datetime | None = None


@dataclass
class LinkState:
    path: Path
    links: dict[str, LinkRecord] = field(default_factory=dict)
    #: Set when the file on disk could not be used (it is rewritten on save).
    warning: str | None = None


# ----------------------------------------------------------------- where


def _user_cache_dir() -> Path:
    if os.environ.get("MLSD_CACHE_DIR"):
        return Path(os.environ["MLSD_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlsd"


def state_path(location: CatalogueLocation | Path) -> Path:
    """Where the link state of the catalogue at ``location`` lives."""
    from mlsd_cli.catalogue.store import CatalogueLocation

    if not isinstance(location, CatalogueLocation):
        location = CatalogueLocation(Path(location), "option")
    catalogue = location.path
    directory = catalogue.parent
    if location.read_only or not os.access(directory, os.W_OK):
        key = hashlib.blake2b(str(catalogue.resolve()).encode(), digest_size=8).hexdigest()
        name = "shipped" if location.read_only else key
        return _user_cache_dir() / f"linkstate-{name}.json"
    from mlsd_cli.catalogue import statedir

    return statedir.linkstate_file(catalogue)


# ----------------------------------------------------------------- reading and writing


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utc_stamp(value: datetime | None) -> str | None:
    """``2026-11-23T19:30:00Z`` (UTC, whole seconds): how the state file and reports write times."""
    if value is None:
        return None
    if isinstance(value.tzinfo, timezone):  # a fixed offset (UTC): equal means the same instant
        return _instant_stamp(value)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=256)
def _instant_stamp(value: datetime) -> str:
    """:func:`utc_stamp` of a time at a fixed offset, remembered: the links of a run share a few
    times (``now``, their last success), and formatting one is much of the cost of a record.
    (Not for a zone with daylight saving: two equal times there may be two instants.)"""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_from_json(raw: Any) -> LinkRecord | None:
    if not isinstance(raw, dict):
        return None
    status = raw.get("status")
    failures = raw.get("failures", 0)
    return LinkRecord(
        last_checked=_time(raw.get("last_checked")),
        outcome=raw.get("outcome") if isinstance(raw.get("outcome"), str) else None,
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        final_url=raw.get("final_url") if isinstance(raw.get("final_url"), str) else None,
        error=raw.get("error") if isinstance(raw.get("error"), str) else None,
        failures=failures if isinstance(failures, int) and failures >= 0 else 0,
        last_ok=_time(raw.get("last_ok")),
    )


def _record_to_json(record: LinkRecord) -> dict[str, Any]:
    return {
        "last_checked": utc_stamp(record.last_checked),
        "outcome": record.outcome,
        "status": record.status,
        "final_url": record.final_url,
        "error": record.error,
        "failures": record.failures,
        "last_ok": utc_stamp(record.last_ok),
    }


def _legacy(path: Path) -> Path | None:
    from mlsd_cli.catalogue import statedir

    return statedir.legacy_linkstate_file(path)


def _read(path: Path) -> tuple[dict[str, LinkRecord], str | None]:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        old = _legacy(path)  # the file an earlier mlsd wrote beside the catalogue
        return _read(old) if old is not None and old.is_file() else ({}, None)
    except IsADirectoryError:
        return {}, None  # a folder in its place: the save says so, as the run's one error
    except (OSError, ValueError, RecursionError) as exc:
        reason = (
            exc.strerror
            if isinstance(exc, OSError)
            else "nested too deeply"
            if isinstance(exc, RecursionError)
            else "not valid JSON"
        )
        return {}, f"ignoring the link state in {path} ({reason}); it will be rewritten"
    if (
        not isinstance(data, dict)
        or data.get("format") != STATE_FORMAT
        or not isinstance(data.get("links"), dict)
    ):
        return {}, f"ignoring {path}: not an mlsd link state file; it will be rewritten"
    if data.get("version") != STATE_VERSION:
        return {}, f"ignoring {path}: link state version {data.get('version')!r} is unknown"
    links = {}
    for url, raw in data["links"].items():
        record = _record_from_json(raw)
        if isinstance(url, str) and record is not None:
            links[url] = record
    return links, None


def load_state(path: Path) -> LinkState:
    """Read the state file; a missing one is empty, a corrupt one is empty with a warning."""
    links, warning = _read(Path(path))
    return LinkState(Path(path), links, warning)


def dumps_state(links: dict[str, LinkRecord], catalogue: Path | None = None) -> str:
    """The state file: ``json.dumps(payload, indent=1, ensure_ascii=False)``, byte for byte.

    Written faster than that: indentation sends json to its pure-Python encoder (20 ms for
    1,000 links); each record, a flat object of scalars, is written by the C encoder with the
    separators that indentation gives it (tests/test_linkstate_format.py compares the two)."""
    head = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "catalogue": str(catalogue.resolve()) if catalogue else None,
    }
    lines = [
        f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)},"
        for k, v in head.items()
    ]
    record = json.JSONEncoder(ensure_ascii=False, separators=(",\n   ", ": ")).encode
    url = json.JSONEncoder(ensure_ascii=False).encode
    body = ",\n".join(
        f"  {url(u)}: {{\n   {record(_record_to_json(links[u]))[1:-1]}\n  }}" for u in sorted(links)
    )
    lines.append(f' "links": {{\n{body}\n }}' if body else ' "links": {}')
    return "{\n" + "\n".join(lines) + "\n}\n"


def save_state(
    state: LinkState,
    *,
    updated: set[str] | None = None,
    keep: set[str] | None = None,
    catalogue: Path | None = None,
) -> None:
    """Write the state atomically.

    With ``updated``, the file is re-read first and only those URLs are replaced, so two runs
    at once lose nothing but their overlap. With ``keep``, URLs outside it (no longer in the
    catalogue) are dropped.
    """
    from mlsd_cli.catalogue.store import write_atomic

    path = state.path
    if updated is None:
        links = dict(state.links)
    else:
        links, _warning = _read(path)
        for url in updated:
            if url in state.links:
                links[url] = state.links[url]
    if keep is not None:
        links = {url: record for url, record in links.items() if url in keep}
    old = _legacy(path)
    if old is not None:  # in a state folder beside the catalogue (with its .gitignore)
        from mlsd_cli.catalogue import statedir

        statedir.ensure(path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dumps_state(links, catalogue).encode("utf-8"))
    state.links = links
    if old is not None:  # migrated: the new file holds what the old one did
        old.unlink(missing_ok=True)


# ----------------------------------------------------------------- deciding


def record_result(state: LinkState, result: LinkResult, now: datetime) -> LinkRecord:
    """Remember one run's result for a URL and return its updated record.

    Working links reset the failure count; broken ones add one; soft ones (403/429) leave it
    as it was: they say nothing either way.
    """
    from mlsd_cli.web.results import BROKEN
    from mlsd_cli.web.results import OK
    from mlsd_cli.web.results import REDIRECTED

    record = state.links.get(result.url) or LinkRecord()
    record.last_checked = now
    record.outcome = result.outcome
    record.status = result.status
    record.final_url = result.final_url
    record.error = result.error
    if result.outcome in (OK, REDIRECTED):
        record.failures = 0
        record.last_ok = now
    elif result.outcome == BROKEN:
        record.failures += 1
    state.links[result.url] = record
    return record


def verdict(result: LinkResult, record: LinkRecord, dead_after: int) -> str:
    """ok, redirected, soft, failing or dead."""
    from mlsd_cli.web.results import BROKEN

    if result.outcome != BROKEN:
        return result.outcome
    return "dead" if record.failures >= dead_after else "failing"


def checked_ok_within(record: LinkRecord | None, max_age: timedelta, now: datetime) -> bool:
    """Did the link work when last checked, no longer than ``max_age`` ago?"""
    if record is None or record.last_ok is None or record.failures:
        return False
    if record.outcome not in ("ok", "redirected") or record.last_checked != record.last_ok:
        return False
    return timedelta(0) <= now - record.last_ok <= max_age


def age_text(delta: timedelta) -> str:
    """'3 min', '5 h', '2 d'."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
