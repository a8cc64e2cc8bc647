"""The link state file is written as ``json.dumps(..., indent=1)`` would write it, byte for
byte (web/linkstate.py writes it faster), whatever the URLs and records hold."""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.web.linkstate import LinkRecord
from mlsd_cli.web.linkstate import _record_to_json
from mlsd_cli.web.linkstate import dumps_state
from mlsd_cli.web.linkstate import utc_stamp

#: A few shared instants too (the records of one run share their times: dumps_state formats
#: each distinct one once), one of them also in another time zone.
SHARED = [datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)]
OTHER_ZONE = SHARED[0].astimezone(timezone(timedelta(hours=-7)))
times = (
    st.none()
    | st.sampled_from([*SHARED, OTHER_ZONE])
    | st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
records = st.builds(
    LinkRecord,
    last_checked=times,
    outcome=st.none() | st.sampled_from(["ok", "redirected", "soft", "broken"]),
    status=st.none() | st.integers(100, 999),
    final_url=st.none() | st.text(max_size=30),
    error=st.none() | st.text(max_size=30),
    failures=st.integers(0, 50),
    last_ok=times,
)


def reference(links: dict[str, LinkRecord], catalogue: Path | None) -> str:
    payload = {
        "format": "mlsd-linkstate",
        "version": 1,
        "catalogue": str(catalogue.resolve()) if catalogue else None,
        "links": {url: _record_to_json(links[url]) for url in sorted(links)},
    }
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=40), records, max_size=8), st.booleans())
def test_the_state_file_is_what_indented_json_would_be(
    links: dict[str, LinkRecord], with_catalogue: bool
) -> None:
    catalogue = Path('/tmp/cätalogue "x".toml') if with_catalogue else None
    assert dumps_state(links, catalogue) == reference(links, catalogue)


def afresh(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
#: One wall time twice (the hour the clocks go back): equal as times, two instants.
FALL_BACK = [datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=f) for f in (0, 1)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*SHARED, OTHER_ZONE, *FALL_BACK])
        | st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.none()
            | st.just(UTC)
            | st.just(timezone(timedelta(hours=-7)))
            | st.just(NEW_YORK),
            allow_imaginary=False,
        ),
        max_size=8,
    )
)
def test_a_time_is_written_as_formatting_it_afresh_would(values: list[datetime]) -> None:
    for value in [*values, *reversed(values)]:  # utc_stamp remembers the fixed-offset ones
        assert utc_stamp(value) == afresh(value)
