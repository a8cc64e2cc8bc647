"""The checker parses a URL's ``scheme://host:port`` once per run (web/transport.py:
plain_origin_end, Pool's origins; web/checker.py: host_key): what a request sends and which host
limits it counts against are what parsing each URL afresh gives, whatever the URL holds."""

from __future__ import annotations

from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.web.checker import host_key
from mlsd_cli.web.transport import Pool
from mlsd_cli.web.transport import plain_origin_end

#: URL-ish text: the characters that change how urlsplit reads a netloc, and a few others.
parts = st.text(st.sampled_from("aZé0:@[]%/?#.\t\n\r -"), max_size=12)
schemes = st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:", ""])
urls = st.builds(lambda s, a, b: s + a + b, schemes, parts, parts)


def pool() -> Pool:
    made = Pool({"User-Agent": "t"}, max_hosts=8)
    made._proxies = {}  # whatever the environment says (proxies: tests/test_transport.py)
    return made


def fresh(method: str, url: str) -> object:
    try:
        return pool()._request_head(method, url)
    except ValueError as exc:
        return type(exc)


def fresh_host(url: str) -> object:
    try:
        return host_key(url)
    except ValueError as exc:
        return type(exc)


@settings(max_examples=400, deadline=None)
@given(st.lists(urls, min_size=1, max_size=6), st.sampled_from(["HEAD", "GET"]))
@example(["http://a:1/x", "http://a:1?y", "http://a:1#z", "http://a:1"], "HEAD")
@example(["http://u:p@a.org/x", "http://u:p@a.org/y"], "GET")
@example(["http://[::1]:8/a", "http://[::1]:8/b", "http://[::1/c"], "HEAD")
@example(["http://a\t.org/x", "http://a\t.org/y"], "HEAD")
def test_a_remembered_origin_answers_as_parsing_the_url_afresh(
    batch: list[str], method: str
) -> None:
    remembering = pool()
    known: dict[str, str] = {}
    for url in batch * 2:  # each URL after others of its origin, and after itself
        try:
            sent: object = remembering._request_head(method, url)
        except ValueError as exc:
            sent = type(exc)
        assert sent == fresh(method, url)
        try:
            host: object = host_key(url, known)
        except ValueError as exc:
            host = type(exc)
        assert host == fresh_host(url)


def test_only_a_plain_http_origin_is_remembered() -> None:
    assert plain_origin_end("http://a.org:8/x?y") == len("http://a.org:8")
    assert plain_origin_end("https://a.org") == len("https://a.org")
    assert plain_origin_end("https://a.org?q#f") == len("https://a.org")
    for url in ("HTTP://a.org/", "ftp://a.org/", "http://a\t.org/", "http://a\n.org/", "a.org"):
        assert plain_origin_end(url) == 0
