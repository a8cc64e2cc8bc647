"""url_problem's one-regex fast path never accepts what the careful path would refuse."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import urls


def careful(url: str) -> str | None:
    """url_problem with the fast path switched off."""
    saved = urls._PLAIN_HTTP_URL
    urls._PLAIN_HTTP_URL = re.compile(r"(?!)")
    try:
        return urls.url_problem(url)
    finally:
        urls._PLAIN_HTTP_URL = saved


@settings(max_examples=500, deadline=None)
@given(st.from_regex(urls._PLAIN_HTTP_URL, fullmatch=True))
def test_fast_path_accepts_only_what_the_careful_path_accepts(url: str) -> None:
    assert urls.url_problem(url) is None
    assert careful(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/x y",
        "javascript:alert(1)",
        "https:///x",
        "http://a..b/",
        "http://a.com:0/",
        "file:///etc/passwd",
        "data:text/html,x",
        " https://a.com",
        "https://a.com/\x00",
    ],
)
def test_both_paths_refuse(url: str) -> None:
    assert urls.url_problem(url) is not None
    assert careful(url) is not None
