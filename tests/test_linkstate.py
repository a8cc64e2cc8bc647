"""The link state file, and check_catalogue across runs against a real local server."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.store import CatalogueLocation
from mlsd_cli.changes.redirects import fix_redirects
from mlsd_cli.cli.options import compile_excludes
from mlsd_cli.cli.options import parse_duration
from mlsd_cli.errors import InputError
from mlsd_cli.web.catalogue_check import check_catalogue
from mlsd_cli.web.checker import CheckOptions
from mlsd_cli.web.linkstate import LinkRecord
from mlsd_cli.web.linkstate import LinkState
from mlsd_cli.web.linkstate import checked_ok_within
from mlsd_cli.web.linkstate import load_state
from mlsd_cli.web.linkstate import record_result
from mlsd_cli.web.linkstate import save_state
from mlsd_cli.web.linkstate import state_path
from mlsd_cli.web.linkstate import verdict
from mlsd_cli.web.results import BROKEN
from mlsd_cli.web.results import OK
from mlsd_cli.web.results import SOFT
from mlsd_cli.web.results import LinkResult

from . import ondisk
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture
from .httpserver import redirect

FAST = CheckOptions(timeout=2.0, backoff=0.01, host_delay=0.0, retries=0)
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


# ----------------------------------------------------------------- where the file lives


def test_state_file_lives_in_the_state_folder_beside_the_catalogue(tmp_path: Path) -> None:
    path = state_path(CatalogueLocation(tmp_path / "resources.toml", "directory"))
    assert path == tmp_path / ".mlsd" / "linkstate.json"
    other = state_path(tmp_path / "my list.toml")
    assert other == tmp_path / ".mlsd" / "linkstate-my_list.json"


def test_shipped_catalogue_keeps_its_state_in_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    shipped = CatalogueLocation(store.shipped_catalogue_path(), "shipped")
    assert state_path(shipped) == tmp_path / "cache" / "linkstate-shipped.json"


# ----------------------------------------------------------------- reading and writing


def test_round_trip_and_format(tmp_path: Path) -> None:
    path = tmp_path / ".mlsd" / "linkstate.json"
    state = LinkState(path)
    state.links["https://a.org/"] = LinkRecord(
        last_checked=T0, outcome=BROKEN, status=404, error="HTTP 404 Not Found", failures=1
    )
    state.links["https://b.org/"] = LinkRecord(last_checked=T0, outcome=OK, status=200, last_ok=T0)
    save_state(state, catalogue=tmp_path / "resources.toml")
    raw = json.loads(path.read_text())
    assert raw["format"] == "mlsd-linkstate" and raw["version"] == 1
    assert raw["catalogue"] == str((tmp_path / "resources.toml").resolve())
    assert raw["links"]["https://a.org/"] == {
        "last_checked": "2024-05-01T12:00:00Z",
        "outcome": "broken",
        "status": 404,
        "final_url": None,
        "error": "HTTP 404 Not Found",
        "failures": 1,
        "last_ok": None,
    }
    again = load_state(path)
    assert again.warning is None
    assert again.links == state.links
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", path.name]  # no temp


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"some": "other file"}', "not an mlsd link state file"),
        (b'{"format": "mlsd-linkstate", "version": 99, "links": {}}', "version 99"),
    ],
)
def test_unusable_state_file_is_set_aside_with_a_warning(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / ".mlsd" / "linkstate.json"
    path.parent.mkdir()
    path.write_bytes(content)
    state = load_state(path)
    assert state.links == {}
    assert state.warning is not None and why in state.warning and str(path) in state.warning
    save_state(state)
    assert load_state(path).warning is None


def test_save_merges_with_a_concurrent_run_and_prunes(tmp_path: Path) -> None:
    path = tmp_path / ".mlsd" / "linkstate.json"
    mine = load_state(path)
    theirs = load_state(path)
    record_result(mine, LinkResult("https://a.org/", OK, status=200), T0)
    record_result(theirs, LinkResult("https://b.org/", OK, status=200), T0)
    save_state(theirs, updated={"https://b.org/"})
    save_state(mine, updated={"https://a.org/"})
    assert set(load_state(path).links) == {"https://a.org/", "https://b.org/"}
    save_state(mine, updated=set(), keep={"https://a.org/"})
    assert set(load_state(path).links) == {"https://a.org/"}


# ----------------------------------------------------------------- deciding


def test_dead_only_after_n_consecutive_failures(tmp_path: Path) -> None:
    state = LinkState(tmp_path / "s.json")
    url = "https://a.org/"
    broken = LinkResult(url, BROKEN, status=404)
    soft = LinkResult(url, SOFT, status=403)
    ok = LinkResult(url, OK, status=200)
    steps = []
    for result in (broken, soft, broken, broken, ok, broken):
        record = record_result(state, result, T0)
        steps.append((verdict(result, record, 3), record.failures))
    assert steps == [
        ("failing", 1),
        ("soft", 1),  # a 403 says nothing either way: the count stays
        ("failing", 2),
        ("dead", 3),
        ("ok", 0),
        ("failing", 1),
    ]
    assert state.links[url].last_ok == T0


def test_checked_ok_within() -> None:
    ok = LinkRecord(last_checked=T0, outcome=OK, status=200, last_ok=T0)
    assert checked_ok_within(ok, timedelta(days=7), T0 + timedelta(days=6))
    assert not checked_ok_within(ok, timedelta(days=7), T0 + timedelta(days=8))
    assert not checked_ok_within(None, timedelta(days=7), T0)
    soft_since = LinkRecord(last_checked=T0 + timedelta(hours=1), outcome=SOFT, last_ok=T0)
    assert not checked_ok_within(soft_since, timedelta(days=7), T0 + timedelta(hours=2))
    failing = LinkRecord(last_checked=T0, outcome=BROKEN, failures=1, last_ok=T0)
    assert not checked_ok_within(failing, timedelta(days=7), T0)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("7d", 7 * 86400),
        ("12h", 43200),
        ("90m", 5400),
        ("30s", 30),
        ("1w2d", 9 * 86400),
        ("1.5h", 5400),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["", "7", "seven days", "7x", "d7"])
def test_parse_duration_rejects(bad: str) -> None:
    with pytest.raises(InputError, match="--max-age"):
        parse_duration(bad)


# ----------------------------------------------------------------- whole runs


def _catalogue(tmp_path: Path, urls: dict[str, str]) -> CatalogueLocation:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Links")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("links", "Links"))
        for rid, url in urls.items():
            catalogue.resources.append(
                Resource(id=rid, title=rid.title(), url=url, sections=["links"])
            )
    return CatalogueLocation(path, "option")


def _resources(location: CatalogueLocation) -> list[Resource]:
    return store.load(location.path).resources


def test_two_runs_only_repeated_failures_are_dead(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200))
    http_server.route("/gone", Reply(404))
    http_server.route("/blip", Reply(500), Reply(500), Reply(200))  # down in run 1 only
    location = _catalogue(
        tmp_path,
        {
            "ok": http_server.url("/ok"),
            "gone": http_server.url("/gone"),
            "blip": http_server.url("/blip"),
            "same-as-ok": http_server.url("/ok"),
        },
    )
    before = location.path.read_bytes()

    first = check_catalogue(location, _resources(location), FAST, now=T0)
    verdicts = {link.url.rsplit("/", 1)[1]: (link.verdict, link.failures) for link in first.links}
    assert verdicts == {"ok": ("ok", 0), "gone": ("failing", 1), "blip": ("failing", 1)}
    assert first.links[0].resources == ["ok", "same-as-ok"]
    assert not first.has_dead
    assert first.state_file == tmp_path / ".mlsd" / "linkstate.json"

    second = check_catalogue(location, _resources(location), FAST, now=T0 + timedelta(days=1))
    verdicts = {link.url.rsplit("/", 1)[1]: (link.verdict, link.failures) for link in second.links}
    assert verdicts == {"ok": ("ok", 0), "gone": ("dead", 2), "blip": ("ok", 0)}
    assert second.has_dead
    assert second.counts() == {
        "ok": 2,
        "redirected": 0,
        "soft": 0,
        "failing": 0,
        "dead": 1,
        "skipped": 0,
    }
    assert location.path.read_bytes() == before  # the catalogue itself is never touched
    state = json.loads(second.state_file.read_text())
    assert state["links"][http_server.url("/gone")]["failures"] == 2
    assert state["links"][http_server.url("/blip")]["last_ok"] == "2024-05-02T12:00:00Z"


def test_dead_after_is_configurable(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/gone", Reply(410))
    location = _catalogue(tmp_path, {"gone": http_server.url("/gone")})
    report = check_catalogue(location, _resources(location), FAST, dead_after=1, now=T0)
    assert [link.verdict for link in report.links] == ["dead"]
    with pytest.raises(InputError, match="must be at least 1") as info:
        check_catalogue(location, _resources(location), FAST, dead_after=0)
    assert info.value.field == "dead_after"


def test_max_age_and_exclude_skip_links(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200))
    http_server.route("/gone", Reply(404))
    http_server.route("/private", Reply(200))
    location = _catalogue(
        tmp_path,
        {
            "ok": http_server.url("/ok"),
            "gone": http_server.url("/gone"),
            "private": http_server.url("/private"),
        },
    )
    excludes = compile_excludes([r"/priv"])
    check_catalogue(location, _resources(location), FAST, exclude=excludes, now=T0)
    assert http_server.count("/private") == 0
    requests = http_server.count("/ok")
    started: list[int] = []
    report = check_catalogue(
        location,
        _resources(location),
        FAST,
        exclude=excludes,
        max_age=timedelta(days=7),
        now=T0 + timedelta(hours=3),
        on_start=started.append,
    )
    by_name = {link.url.rsplit("/", 1)[1]: link for link in report.links}
    assert (by_name["ok"].verdict, by_name["ok"].reason) == ("skipped", "checked OK 3 h ago")
    assert http_server.count("/ok") == requests  # not asked again
    assert by_name["gone"].verdict == "dead"  # failing links are always checked again
    assert by_name["private"].verdict == "skipped"
    assert by_name["private"].reason == "excluded by --exclude '/priv'"
    assert started == [1]


def test_state_forgets_urls_that_left_the_catalogue(
    tmp_path: Path, http_server: TestServer
) -> None:
    http_server.route("/a", Reply(200))
    http_server.route("/b", Reply(200))
    location = _catalogue(tmp_path, {"a": http_server.url("/a"), "b": http_server.url("/b")})
    check_catalogue(location, _resources(location), FAST, now=T0)
    with ondisk.editing(location) as catalogue:
        catalogue.resources = [r for r in catalogue.resources if r.id == "a"]
    resources = _resources(location)
    report = check_catalogue(
        location, resources, FAST, all_urls=[r.url or "" for r in resources], now=T0
    )
    assert set(json.loads(report.state_file.read_text())["links"]) == {http_server.url("/a")}


def test_fix_redirects_rewrites_permanent_moves(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/old", redirect("/new", 301))
    http_server.route("/new", Reply(200))
    http_server.route("/temp", redirect("/new", 307))
    location = _catalogue(
        tmp_path, {"moved": http_server.url("/old"), "temp": http_server.url("/temp")}
    )
    report = check_catalogue(location, _resources(location), FAST, now=T0)
    assert report.moves() == {http_server.url("/old"): http_server.url("/new")}
    changes = fix_redirects(location, report.moves(), store.load(location))
    assert changes == [("moved", http_server.url("/old"), http_server.url("/new"))]
    urls = {r.id: r.url for r in _resources(location)}
    assert urls == {"moved": http_server.url("/new"), "temp": http_server.url("/temp")}
    assert fix_redirects(location, {}, store.load(location)) == []
