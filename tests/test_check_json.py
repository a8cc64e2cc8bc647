"""``mlsd check --json`` prints ``json.dumps(report.to_json(), ensure_ascii=False, indent=2)``,
character for character, though each link's text is written while the check still runs
(web/catalogue_check.py: CheckReport.json_text), whatever the links hold."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.web.archive import Snapshot
from mlsd_cli.web.catalogue_check import VERDICTS
from mlsd_cli.web.catalogue_check import CheckReport
from mlsd_cli.web.catalogue_check import LinkReport
from mlsd_cli.web.results import LinkResult
from mlsd_cli.web.results import Redirect

texts = st.text(max_size=20)
times = st.none() | st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
)
redirects = st.builds(Redirect, status=st.integers(300, 399), url=texts, location=texts)
results = st.builds(
    LinkResult,
    url=texts,
    outcome=st.sampled_from(["ok", "redirected", "soft", "broken"]),
    status=st.none() | st.integers(100, 999),
    final_url=st.none() | texts,
    redirects=st.lists(redirects, max_size=3),
    moved_to=st.none() | texts,
    error=st.none() | texts,
    attempts=st.integers(0, 5),
    method=st.sampled_from([None, "HEAD", "GET"]),
)
links = st.builds(
    LinkReport,
    url=texts,
    resources=st.lists(texts, max_size=3),
    verdict=st.sampled_from(VERDICTS),
    result=st.none() | results,
    failures=st.integers(0, 9),
    reason=st.none() | texts,
    last_ok=times,
    last_checked=times,
)
snapshots = st.builds(
    Snapshot, url=texts, timestamp=st.text("0123456789", min_size=14, max_size=14)
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(links, max_size=6),
    st.lists(st.booleans(), max_size=6),
    st.lists(st.tuples(texts, texts, texts), max_size=3),
    st.none() | st.dictionaries(texts, st.none() | snapshots, max_size=3),
    st.booleans(),
)
def test_the_json_text_is_what_indented_json_would_be(
    reports: list[LinkReport],
    rendered_early: list[bool],
    fixed: list[tuple[str, str, str]],
    archives: dict[str, Snapshot | None] | None,
    with_catalogue: bool,
) -> None:
    for link, early in zip(reports, rendered_early, strict=False):
        if early:  # as check_catalogue does once the link is judged; the others at the end
            link.render_json()
    report = CheckReport(
        links=reports,
        state_file=Path("/tmp/.mlsd/linkstate.json"),
        checked_at=datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC),
        dead_after=2,
        catalogue=Path('/tmp/cätalogue "x".toml') if with_catalogue else None,
        archives=archives,
    )
    expected = json.dumps(report.to_json(fixed), ensure_ascii=False, indent=2)
    assert report.json_text(fixed) == expected
