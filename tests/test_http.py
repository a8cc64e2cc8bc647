"""One set of HTTP conventions (web/http.py): the link checker and the page-metadata fetch send
the same headers and tell the same failure in the same words. Against a real local server."""

from __future__ import annotations

import socket

import pytest

from mlsd_cli.web import http
from mlsd_cli.web.checker import CheckOptions
from mlsd_cli.web.checker import check_links
from mlsd_cli.web.metadata import MetadataError
from mlsd_cli.web.metadata import fetch_metadata

from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

FAST = CheckOptions(timeout=0.3, backoff=0.0, host_delay=0.0, retries=0)


def checker_reason(url: str) -> str | None:
    [result] = check_links([url], FAST)
    return result.error


def fetch_reason(url: str) -> str:
    with pytest.raises(MetadataError) as info:
        fetch_metadata(url, timeout=0.3)
    message = info.value.message
    prefix = f"could not fetch {url}: "
    assert message.startswith(prefix)
    return message[len(prefix) :]


def test_both_send_the_same_headers(http_server: TestServer) -> None:
    http_server.route("/page", Reply(200, "<html><head><title>T</title></head></html>"))
    check_links([http_server.url("/page")], FAST)
    fetch_metadata(http_server.url("/page"), timeout=5)
    sent = {(h["User-Agent"], h["Accept"]) for _method, _path, h in http_server.requests}
    assert sent == {(http.user_agent(), http.ACCEPT)}
    assert http.user_agent().startswith("mlsd/")


def test_a_refused_connection_is_told_alike() -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    assert checker_reason(url) == fetch_reason(url) == "connection refused"


def test_a_timeout_is_told_alike(http_server: TestServer) -> None:
    http_server.route("/slow", Reply(200, "late", delay=3))
    url = http_server.url("/slow")
    assert checker_reason(url) == fetch_reason(url) == "timed out after 0.3 s"


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_error_status_is_told_alike(http_server: TestServer, status: int) -> None:
    http_server.route("/gone", Reply(status, "gone"))
    url = http_server.url("/gone")
    assert checker_reason(url) == fetch_reason(url) == http.status_text(status)


def test_status_text() -> None:
    assert http.status_text(404) == "HTTP 404 Not Found"
    assert http.status_text(599) == "HTTP 599"
