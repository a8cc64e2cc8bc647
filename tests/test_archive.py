"""``mlsd check --suggest-archive``: an archived copy for each dead link, from the Wayback
Machine availability API, here a local server replaying its answers ($MLSD_WAYBACK_URL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from typer.testing import Result

from mlsd_cli.web.archive import closest

from .httpserver import Reply
from .httpserver import Request
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture
from .test_cli_check import FAST
from .test_cli_check import make_catalogue

Cli = Callable[..., Result]
JSON = "application/json"
#: The URLs the replayed archive was asked about, in order (cleared by the fixture).
ASKED: list[str] = []


def answer(url: str, snapshot: str | None, stamp: str = "20190101123456") -> dict[str, object]:
    """The availability API's answer, in its recorded shape."""
    closest_ = (
        {"status": "200", "available": True, "url": snapshot, "timestamp": stamp}
        if snapshot
        else None
    )
    return {"url": url, "archived_snapshots": {"closest": closest_} if closest_ else {}}


@pytest.fixture
def wayback(http_server: TestServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """A replayed availability API: URL -> snapshot (None: nothing archived)."""
    known: dict[str, str | None] = {}

    def handle(request: Request) -> Reply:
        url = parse_qs(request.query)["url"][0]
        ASKED.append(url)
        if url.endswith("/flaky"):
            return Reply(503)
        body = json.dumps(answer(url, known.get(url)))
        return Reply(200, body, content_type=JSON)

    ASKED.clear()
    http_server.route("/wayback/available", handle)
    monkeypatch.setenv("MLSD_WAYBACK_URL", http_server.url("/wayback/available"))
    return known


def test_dead_links_get_their_archived_copy(
    cli: Cli, tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]
) -> None:
    for path in ("/gone", "/lost", "/flaky"):
        http_server.route(path, Reply(404))
    http_server.route("/ok", Reply(200))
    gone, lost, ok = http_server.url("/gone"), http_server.url("/lost"), http_server.url("/ok")
    wayback[gone] = f"http://web.archive.org/web/20190101123456/{gone}"
    path = make_catalogue(
        tmp_path,
        {
            "gone": (gone, []),
            "lost": (lost, []),
            "fine": (ok, []),
            "flaky": (http_server.url("/flaky"), []),
        },
    )
    result = cli("check", "-c", str(path), "--dead-after", "1", "--suggest-archive", *FAST)
    assert result.exit_code == 1
    lines = [
        line.split("\t") for line in result.stdout.splitlines() if line.startswith("archive\t")
    ]
    assert lines == [
        ["archive", "2019-01-01", gone, f"https://web.archive.org/web/20190101123456/{gone}"],
        ["archive", "-", lost, "-"],
    ]
    assert "could not ask the archive about " + http_server.url("/flaky") in result.stderr
    assert sorted(ASKED) == sorted([gone, lost, http_server.url("/flaky")])  # dead links only

    data = json.loads(
        cli(
            "check", "-c", str(path), "--dead-after", "1", "--suggest-archive", "--json", *FAST
        ).stdout
    )
    assert data["archive"][gone]["url"].startswith("https://web.archive.org/web/2019")
    assert data["archive"][lost] is None


def test_without_the_flag_the_archive_is_never_asked(
    cli: Cli, tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]
) -> None:
    http_server.route("/gone", Reply(404))
    path = make_catalogue(tmp_path, {"gone": (http_server.url("/gone"), [])})
    result = cli("check", "-c", str(path), "--dead-after", "1", "--json", *FAST)
    assert result.exit_code == 1 and "archive" not in json.loads(result.stdout)
    assert http_server.count("/wayback/available") == 0


@pytest.mark.parametrize(
    "closest_",
    [
        {
            "status": "404",
            "available": True,
            "url": "https://web.archive.org/x",
            "timestamp": "2019",
        },
        {
            "status": "200",
            "available": False,
            "url": "https://web.archive.org/x",
            "timestamp": "2019",
        },
        {"status": "200", "available": True, "url": "javascript:alert(1)", "timestamp": "2019"},
        "not a dict",
    ],
)
def test_unusable_snapshots_are_no_snapshot(closest_: object) -> None:
    assert closest({"archived_snapshots": {"closest": closest_}}) is None


# ----------------------------------------------------------------- --fix-dead


def dead_pair(tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]) -> Path:
    """'gone' (archived) and 'lost' (not archived), both dead; 'fine' works."""
    for name in ("gone", "lost"):
        http_server.route(f"/{name}", Reply(404))
    http_server.route("/ok", Reply(200))
    http_server.route("/web/20190101123456/gone", Reply(200))
    gone = http_server.url("/gone")
    wayback[gone] = http_server.url("/web/20190101123456/gone")  # the copy, served here too
    return make_catalogue(
        tmp_path,
        {
            "gone": (gone, ["a"]),
            "lost": (http_server.url("/lost"), ["b"]),
            "fine": (http_server.url("/ok"), []),
        },
    )


def entries(path: Path) -> dict[str, tuple[str | None, list[str]]]:
    from mlsd_cli.catalogue import store

    return {r.id: (r.url, r.tags) for r in store.load(path).resources}


def test_fix_dead_with_yes_takes_the_copy_or_the_tag(
    cli: Cli, tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]
) -> None:
    path = dead_pair(tmp_path, http_server, wayback)
    result = cli("check", "-c", str(path), "--dead-after", "1", "--fix-dead", "--yes", *FAST)
    assert result.exit_code == 1, result.stderr  # the links were dead: still a finding
    assert "Replaced 1 dead URL(s) with archived copies; tagged 1 dead." in result.stdout
    got = entries(path)
    assert got["gone"] == (wayback[http_server.url("/gone")], ["a"])
    assert got["lost"] == (http_server.url("/lost"), ["b", "dead"])
    assert got["fine"] == (http_server.url("/ok"), [])
    again = cli("check", "-c", str(path), "--dead-after", "1", "--fix-dead", "--yes", *FAST)
    assert again.exit_code == 1 and "Replaced" not in again.stdout  # nothing more to write
    assert entries(path)["lost"][1] == ["b", "dead"]


def test_fix_dead_without_a_terminal_refuses_up_front(
    cli: Cli, tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]
) -> None:
    path = dead_pair(tmp_path, http_server, wayback)
    before = path.read_bytes()
    result = cli("check", "-c", str(path), "--fix-dead", *FAST)
    assert result.exit_code == 2 and "--fix-dead" in result.stderr and "add --yes" in result.stderr
    assert http_server.requests == [] and path.read_bytes() == before


def test_fix_dead_asks_for_each_link_then_once_more(
    tmp_path: Path, http_server: TestServer, wayback: dict[str, str | None]
) -> None:
    import os
    import sys

    import pexpect

    path = dead_pair(tmp_path, http_server, wayback)
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "140"}
    env.pop("MLSD_INTERACTIVE", None)
    args = ["-m", "mlsd_cli", "check", "-c", str(path), "--dead-after", "1", "--fix-dead", *FAST]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=30)
    try:
        child.expect(
            r"/gone: replace with the copy of 2019-01-01 \(r\), tag dead \(d\), skip \(s\)\?"
        )
        child.sendline("s")
        child.expect(r"/lost: no archived copy; tag dead \(d\) or skip \(s\)\?")
        child.sendline("")  # Enter: the default, tag dead
        child.expect(r"Write 1 change\(s\) to .*\? \[y/N\]")
        child.sendline("y")
        child.expect("tagged 1 dead")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 1
    got = entries(path)
    assert got["gone"] == (http_server.url("/gone"), ["a"])  # skipped
    assert got["lost"] == (http_server.url("/lost"), ["b", "dead"])
