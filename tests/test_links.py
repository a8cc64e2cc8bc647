"""The link checker (library) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from email.utils import formatdate

import pytest

from mlsd_cli import __version__
from mlsd_cli.cli.options import compile_excludes
from mlsd_cli.cli.options import parse_status_codes
from mlsd_cli.errors import InputError
from mlsd_cli.web.checker import CheckOptions
from mlsd_cli.web.checker import check_links
from mlsd_cli.web.checker import interleave_by_host
from mlsd_cli.web.checker import parse_retry_after
from mlsd_cli.web.results import BROKEN
from mlsd_cli.web.results import OK
from mlsd_cli.web.results import REDIRECTED
from mlsd_cli.web.results import SOFT
from mlsd_cli.web.results import LinkResult

from .httpserver import PDF_BYTES
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import by_method
from .httpserver import http_server as http_server  # the fixture
from .httpserver import redirect

#: Small timeouts and no waiting: tests stay fast.
FAST = CheckOptions(timeout=2.0, backoff=0.01, host_delay=0.0, retries=2)


def check_one(url: str, options: CheckOptions = FAST) -> LinkResult:
    [result] = check_links([url], options)
    return result


# ----------------------------------------------------------------- plain answers


def test_ok_page_needs_one_head_with_an_honest_user_agent(http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200, "<p>hi</p>"))
    result = check_one(http_server.url("/ok"))
    assert (result.outcome, result.status, result.error) == (OK, 200, None)
    assert (result.attempts, result.method, result.redirects) == (1, "HEAD", [])
    assert http_server.methods("/ok") == ["HEAD"]
    _method, _path, headers = http_server.requests[0]
    assert re.match(rf"mlsd/{re.escape(__version__)} \(link checker", headers["User-Agent"])


@pytest.mark.parametrize(("status", "phrase"), [(404, "Not Found"), (410, "Gone")])
def test_404_and_410_are_broken_without_retries(
    http_server: TestServer, status: int, phrase: str
) -> None:
    http_server.route("/gone", Reply(status))
    result = check_one(http_server.url("/gone"))
    assert (result.outcome, result.status) == (BROKEN, status)
    assert result.error == f"HTTP {status} {phrase}"
    assert result.attempts == 1
    assert http_server.methods("/gone") == ["HEAD", "GET"]  # HEAD may lie: GET confirms


def test_500_that_succeeds_on_retry(http_server: TestServer) -> None:
    http_server.route("/flaky", Reply(500), Reply(503), Reply(200))
    result = check_one(http_server.url("/flaky"))
    assert (result.outcome, result.status, result.attempts) == (OK, 200, 2)
    assert http_server.methods("/flaky") == ["HEAD", "GET", "GET"]
    assert result.waited > 0


def test_500_forever_gives_up_after_the_retries(http_server: TestServer) -> None:
    http_server.route("/down", Reply(500))
    result = check_one(http_server.url("/down"), replace(FAST, retries=1))
    assert (result.outcome, result.status, result.attempts) == (BROKEN, 500, 2)
    assert result.error == "HTTP 500 Internal Server Error"
    assert http_server.count("/down") == 3  # HEAD + GET, then GET


def test_429_with_retry_after_is_honoured(http_server: TestServer) -> None:
    http_server.route("/busy", Reply(429, headers={"Retry-After": "1"}), Reply(200))
    result = check_one(http_server.url("/busy"))
    assert (result.outcome, result.attempts) == (OK, 2)
    assert result.waited == 1.0  # the server's Retry-After, not the 0.01 s backoff
    assert http_server.methods("/busy") == ["HEAD", "HEAD"]  # no GET while rate limited


def test_a_retry_after_beyond_the_cap_is_not_waited_for(http_server: TestServer) -> None:
    http_server.route("/busy", Reply(429, headers={"Retry-After": "3600"}))
    result = check_one(http_server.url("/busy"))
    assert (result.outcome, result.status, result.attempts, result.waited) == (SOFT, 429, 1, 0)
    assert "rate limited" in (result.error or "")


def test_persistent_403_and_429_are_soft(http_server: TestServer) -> None:
    http_server.route("/bot-wall", Reply(403))
    http_server.route("/throttled", Reply(429))
    results = check_links([http_server.url("/bot-wall"), http_server.url("/throttled")], FAST)
    assert [(r.outcome, r.status) for r in results] == [(SOFT, 403), (SOFT, 429)]
    assert results[1].attempts == 3  # 429 is retried first


def test_accepted_status_codes_are_configurable(http_server: TestServer) -> None:
    http_server.route("/forbidden", Reply(403))
    options = CheckOptions(
        timeout=2, backoff=0.01, host_delay=0, accept=parse_status_codes("200..299,403")
    )
    assert check_one(http_server.url("/forbidden"), options).outcome == OK


def test_405_for_head_falls_back_to_get(http_server: TestServer) -> None:
    http_server.route("/no-head", by_method(HEAD=Reply(405), GET=Reply(200, "fine")))
    result = check_one(http_server.url("/no-head"))
    assert (result.outcome, result.status, result.method) == (OK, 200, "GET")
    assert http_server.methods("/no-head") == ["HEAD", "GET"]


def test_non_html_content_is_fine(http_server: TestServer) -> None:
    http_server.route("/paper.pdf", Reply(200, PDF_BYTES, content_type="application/pdf"))
    assert check_one(http_server.url("/paper.pdf")).outcome == OK


# ----------------------------------------------------------------- redirects


def test_redirect_chain_is_reported_and_only_leading_permanent_moves_count(
    http_server: TestServer,
) -> None:
    http_server.route("/a", redirect("/b", 301))
    http_server.route("/b", redirect("/c", 302))
    http_server.route("/c", redirect("/final", 308))
    http_server.route("/final", Reply(200))
    result = check_one(http_server.url("/a"))
    assert (result.outcome, result.status) == (REDIRECTED, 200)
    assert [(h.status, h.url, h.location) for h in result.redirects] == [
        (301, http_server.url("/a"), http_server.url("/b")),
        (302, http_server.url("/b"), http_server.url("/c")),
        (308, http_server.url("/c"), http_server.url("/final")),
    ]
    assert result.final_url == http_server.url("/final")
    assert result.moved_to == http_server.url("/b")  # the 302 is temporary: /b is the address


def test_permanent_chain_moves_to_the_end(http_server: TestServer) -> None:
    http_server.route("/old", redirect("/older-new", 301))
    http_server.route("/older-new", redirect("/new", 308))
    http_server.route("/new", Reply(200))
    http_server.route("/temp", redirect("/new", 302))
    moved, temporary = check_links([http_server.url("/old"), http_server.url("/temp")], FAST)
    assert moved.moved_to == http_server.url("/new")
    assert (temporary.outcome, temporary.moved_to) == (REDIRECTED, None)


def test_redirect_to_a_broken_page_is_broken_and_not_a_move(http_server: TestServer) -> None:
    http_server.route("/moved-away", redirect("/nothing-here", 301))
    result = check_one(http_server.url("/moved-away"))
    assert (result.outcome, result.status, result.moved_to) == (BROKEN, 404, None)
    assert result.final_url == http_server.url("/nothing-here")


def test_redirect_loop_is_broken(http_server: TestServer) -> None:
    http_server.route("/ping", redirect("/pong", 302))
    http_server.route("/pong", redirect("/ping", 301))
    result = check_one(http_server.url("/ping"))
    assert (result.outcome, result.error) == (BROKEN, "redirect loop")
    assert result.attempts == 1  # a loop is not retried


def test_only_http_is_ever_requested(http_server: TestServer) -> None:
    http_server.route("/to-ftp", redirect("ftp://example.com/file", 301))
    results = check_links(
        ["ftp://example.com/x", "file:///etc/passwd", http_server.url("/to-ftp")], FAST
    )
    assert [r.outcome for r in results] == [BROKEN, BROKEN, BROKEN]
    assert results[0].error is not None and "ftp" in results[0].error
    assert results[0].attempts == 0 and results[1].attempts == 0
    assert results[2].error is not None and "non-http" in results[2].error
    assert [p for _m, p, _h in http_server.requests] == ["/to-ftp", "/to-ftp"]


# ----------------------------------------------------------------- slow, endless, refused


def test_response_slower_than_the_timeout(http_server: TestServer) -> None:
    http_server.route("/slow", Reply(200, delay=10))
    options = CheckOptions(timeout=0.3, backoff=0.01, host_delay=0, retries=1)
    result = check_one(http_server.url("/slow"), options)
    assert (result.outcome, result.status) == (BROKEN, None)
    assert result.error == "timed out after 0.3 s"
    assert result.attempts == 2
    assert http_server.methods("/slow") == ["HEAD", "GET"]  # HEAD hung: the retry uses GET


def test_endless_body_stops_at_the_cap(http_server: TestServer) -> None:
    http_server.route("/endless", by_method(HEAD=Reply(405), GET=Reply(200, "x", endless=True)))
    result = check_one(http_server.url("/endless"))
    assert (result.outcome, result.status, result.method) == (OK, 200, "GET")


def test_slow_drip_body_cannot_hang_the_check(http_server: TestServer) -> None:
    drip = Reply(200, "x", endless=True, drip=0.05)
    http_server.route("/drip", by_method(HEAD=Reply(501), GET=drip))
    options = CheckOptions(timeout=0.5, backoff=0.01, host_delay=0, retries=0)
    result = check_one(http_server.url("/drip"), options)
    assert (result.outcome, result.status) == (OK, 200)  # the status is known; reading stops


def test_connection_refused_is_broken_at_once() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check_one(f"http://127.0.0.1:{port}/")
    assert (result.outcome, result.error, result.attempts) == (BROKEN, "connection refused", 1)


# ----------------------------------------------------------------- many URLs


def test_per_host_and_global_limits_hold(http_server: TestServer) -> None:
    for i in range(12):
        http_server.route(f"/p{i}", Reply(200, delay=0.1))
    urls = [http_server.url(f"/p{i}") for i in range(12)]
    results = check_links(urls, CheckOptions(concurrency=10, per_host=2, host_delay=0))
    assert all(r.outcome == OK for r in results)
    assert http_server.max_active_requests <= 2
    http_server.max_active_requests = 0
    results = check_links(urls, CheckOptions(concurrency=3, per_host=10, host_delay=0))
    assert all(r.outcome == OK for r in results)
    assert http_server.max_active_requests <= 3


def test_hundreds_of_urls_on_a_bounded_number_of_connections(http_server: TestServer) -> None:
    http_server.route("/x", Reply(200))
    urls = [http_server.url(f"/x?n={i}") for i in range(200)]
    seen: list[str] = []
    results = check_links(
        urls + urls[:5],
        CheckOptions(concurrency=8, per_host=8, host_delay=0),
        on_result=lambda r: seen.append(r.url),
    )
    assert [r.url for r in results] == urls  # once each, in the order given
    assert sorted(seen) == sorted(urls)
    assert all(r.outcome == OK for r in results)
    assert http_server.count("/x") == 200
    assert http_server.max_open_connections <= 8  # one host: one pool of --per-host


# ----------------------------------------------------------------- option parsing


def test_parse_status_codes() -> None:
    assert parse_status_codes("200..299,403") == frozenset([*range(200, 300), 403])
    assert parse_status_codes("200-204, 999") == frozenset([200, 201, 202, 203, 204, 999])
    for bad in ("", "abc", "200..", "299..200", "42"):
        with pytest.raises(InputError, match="--accept"):
            parse_status_codes(bad)


def test_compile_excludes() -> None:
    [pattern] = compile_excludes([r"example\.com"])
    assert pattern.search("https://example.com/x")
    with pytest.raises(InputError, match="--exclude: '\\(' is not a valid regular expression"):
        compile_excludes(["("])


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_interleave_by_host() -> None:
    urls = [
        "https://a.org/1",
        "https://a.org/2",
        "https://a.org/3",
        "https://b.org/1",
        "https://c.org/1",
        "https://b.org/2",
    ]
    assert interleave_by_host(urls) == [
        "https://a.org/1",
        "https://b.org/1",
        "https://c.org/1",
        "https://a.org/2",
        "https://b.org/2",
        "https://a.org/3",
    ]


def test_bad_options_are_input_errors_naming_the_field() -> None:
    for field, value, message in [
        ("concurrency", 0, "must be at least 1, not 0"),
        ("per_host", -1, "must be at least 1, not -1"),
        ("timeout", 0, "must be more than 0 seconds, not 0"),
        ("retries", -1, "cannot be negative, not -1"),
        ("host_delay", -0.5, "cannot be negative, not -0.5"),
    ]:
        with pytest.raises(InputError) as info:
            CheckOptions(**{field: value})
        assert (info.value.field, info.value.message) == (field, message)
        assert "--" not in str(info.value)  # the core names no command-line flag


def test_more_hosts_than_open_pools(http_server: TestServer) -> None:
    # 12 servers (12 host:port pools) with room for 8 pools: idle pools are closed and
    # reopened as the round-robin queue comes back to their host; every link still works.
    servers = [http_server] + [TestServer().start() for _ in range(11)]
    try:
        urls = []
        for server in servers:
            server.route("/a", Reply(200))
            urls += [server.url(f"/a?{i}") for i in range(3)]
        results = check_links(urls, CheckOptions(concurrency=2, per_host=2, host_delay=0))
        assert [r.outcome for r in results] == [OK] * len(urls)
        assert all(server.count("/a") == 3 for server in servers)
        assert all(server.max_open_connections <= 2 for server in servers)
    finally:
        for server in servers[1:]:
            server.stop()
