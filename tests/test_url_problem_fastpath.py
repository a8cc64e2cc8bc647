"""url_problem's one-regex fast path never accepts what the careful path would refuse.

Deterministic: the found counter-examples are pinned, every white-space, control and format code
point is tried in every part of a URL, and hypothesis runs derandomized (the same examples on
every run).
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import urls

#: The same examples on every run, and no example database carried between runs.
DETERMINISTIC = settings(derandomize=True, database=None, deadline=None)

#: Every code point that is white space or a control, format or separator character.
FORBIDDEN = [
    chr(code)
    for code in range(sys.maxunicode + 1)
    if chr(code).isspace() or unicodedata.category(chr(code)) in {"Cc", "Cf", "Zl", "Zp", "Zs"}
]

#: A URL with one character put in its host, path, query or fragment.
POSITIONS = {
    "host": "https://exa{}mple.com/",
    "path": "https://example.com/a{}b",
    "query": "https://example.com/a?q={}x",
    "fragment": "https://example.com/a#b{}c",
}


def careful(url: str) -> str | None:
    """url_problem with the fast path switched off."""
    saved = urls._PLAIN_HTTP_URL
    urls._PLAIN_HTTP_URL = re.compile(r"(?!)")
    try:
        return urls.url_problem(url)
    finally:
        urls._PLAIN_HTTP_URL = saved


def test_the_sweep_covers_the_characters_it_is_about() -> None:
    assert {"\u00a0", "\u0085", "\u2003", "\u3000", "\u200b", "\u202e", "\ufeff"} <= set(FORBIDDEN)
    assert {"\x00", "\x1f", " ", "\x7f", "\x9f", "\u2028", "\u2029"} <= set(FORBIDDEN)


@pytest.mark.parametrize(
    "url",
    [
        # Found by the property test: the fast path (re.ASCII) took them for plain URLs.
        "https://example.com/a\u00a0b",
        "https://example.com/\u0085x",
        "https://example.com/?q=\u2003x",
        "https://example.com/#\u3000x",
    ],
)
def test_found_unicode_spaces_are_refused_by_both_paths(url: str) -> None:
    assert urls.url_problem(url) == "contains spaces or control characters"
    assert careful(url) == "contains spaces or control characters"


@pytest.mark.parametrize("position", POSITIONS)
def test_no_space_control_or_format_character_anywhere(position: str) -> None:
    template = POSITIONS[position]
    accepted = [
        f"U+{ord(ch):04X}"
        for ch in FORBIDDEN
        if urls.url_problem(template.format(ch)) is None or careful(template.format(ch)) is None
    ]
    assert accepted == []


@pytest.mark.parametrize("position", POSITIONS)
def test_both_paths_agree_on_every_ascii_character_and_some_letters(position: str) -> None:
    template = POSITIONS[position]
    characters = [chr(code) for code in range(0x80)] + ["é", "ü", "ж", "中", "😀"]
    disagree = [
        repr(ch)
        for ch in characters
        if (urls.url_problem(template.format(ch)) is None) != (careful(template.format(ch)) is None)
    ]
    assert disagree == []


def test_letters_of_any_script_stay_allowed() -> None:
    for url in ("https://bücher.de/", "https://example.com/wiki/Жизнь", "https://例え.jp/パス"):
        assert urls.url_problem(url) is None


@DETERMINISTIC
@given(st.from_regex(urls._PLAIN_HTTP_URL, fullmatch=True))
def test_fast_path_accepts_only_what_the_careful_path_accepts(url: str) -> None:
    assert urls.url_problem(url) is None
    assert careful(url) is None


@DETERMINISTIC
@given(st.text(max_size=8), st.sampled_from(sorted(POSITIONS.values())))
def test_both_paths_agree_on_any_text_in_a_url(text: str, template: str) -> None:
    url = template.format(text)
    assert (urls.url_problem(url) is None) == (careful(url) is None)


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
