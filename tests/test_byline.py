"""Bylines: "(Author, Venue, Year)" parentheticals, read and written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.formats.byline import byline_org
from mlsd_cli.formats.byline import escape_inline
from mlsd_cli.formats.byline import format_byline
from mlsd_cli.formats.byline import is_explicit
from mlsd_cli.formats.byline import looks_like_byline
from mlsd_cli.formats.byline import parse_byline
from mlsd_cli.formats.byline import unescape

# Every byline of the two seed lists, with what a careful reader takes from it.
SEED_BYLINES = [
    (
        "(Robert Chang, Airbnb Engineering & Data Science, 2017)",
        ["Robert Chang"],
        "Airbnb Engineering & Data Science",
        2017,
    ),
    (
        "(Chaitanya Ekanadham, Netflix Technology Blog, 2018)",
        ["Chaitanya Ekanadham"],
        "Netflix Technology Blog",
        2018,
    ),
    ("(Bernardi et al., KDD, 2019)", ["Bernardi et al."], "KDD", 2019),
    ("(Gabriel Aldamiz, HackerNoon, 2018)", ["Gabriel Aldamiz"], "HackerNoon", 2018),
    ("(Sophia Ciocca, 2017)", ["Sophia Ciocca"], None, 2017),
    ("(Yonghui Wu, Google AI Blog 2018)", ["Yonghui Wu"], "Google AI Blog", 2018),
    ("(Martin Zinkevich)", ["Martin Zinkevich"], None, None),
    ("(Aseem Bansal, towards-infinity 2018)", ["Aseem Bansal"], "towards-infinity", 2018),
    ("(Robert Chang 2018)", ["Robert Chang"], None, 2018),
    ("(Martin Kleppmann, O’Reilly, 2017)", ["Martin Kleppmann"], "O’Reilly", 2017),
    ("(Bornstein et al, a16z 2022)", ["Bornstein et al"], "a16z", 2022),
    ("(Jay Kreps, LinkedIn / Confluent, 2013)", ["Jay Kreps"], "LinkedIn / Confluent", 2013),
    ("(Guo et al., 2017)", ["Guo et al."], None, 2017),
    ("(Guo et al. 2020)", ["Guo et al."], None, 2020),
    ("(OpenAI 2022)", ["OpenAI"], None, 2022),
    ("(2022)", [], None, 2022),
    ("(Ribeiro et al., ACL 2020)", ["Ribeiro et al."], "ACL", 2020),
    (
        "(Cheng et al., IEEE Signal Processing Magazine 2017)",
        ["Cheng et al."],
        "IEEE Signal Processing Magazine",
        2017,
    ),
    (
        "(Christopher Dossman, AI³ | Theory, Practice, Business 2017)",
        ["Christopher Dossman"],
        "AI³ | Theory, Practice, Business",
        2017,
    ),
    (
        "(Jeffrey C. Schlimmer and Richard H. Granger, Jr., 1986)",
        ["Jeffrey C. Schlimmer", "Richard H. Granger, Jr."],
        None,
        1986,
    ),
    (
        "(Michael Graff and Chris Sanden, Netflix Technology Blog 2018)",
        ["Michael Graff", "Chris Sanden"],
        "Netflix Technology Blog",
        2018,
    ),
    ("(Cathy O’Neil, Crown Books 2016)", ["Cathy O’Neil"], "Crown Books", 2016),
    ("(Google)", ["Google"], None, None),
]


@pytest.mark.parametrize(("text", "authors", "venue", "year"), SEED_BYLINES)
def test_seed_bylines(text: str, authors: list[str], venue: str | None, year: int | None) -> None:
    assert looks_like_byline(text)
    assert parse_byline(text) == (authors, venue, year)
    assert parse_byline(text[1:-1]) == (authors, venue, year)  # parentheses optional


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "(Ghemawat, Gobioff and Leung, SOSP 2003)",
            (["Ghemawat", "Gobioff", "Leung"], "SOSP", 2003),
        ),
        (
            "(Smith, Journal of Science and Technology, 2019)",
            (["Smith"], "Journal of Science and Technology", 2019),
        ),
        ("(Ada Lovelace, *Notes*, 1843)", (["Ada Lovelace"], "Notes", 1843)),
        ("(A, B, _Some Venue_, 2019)", (["A", "B"], "Some Venue", 2019)),
        ("(Chuan Guo; Geoff Pleiss, 2017)", (["Chuan Guo", "Geoff Pleiss"], None, 2017)),
        ("", ([], None, None)),
        ("()", ([], None, None)),
    ],
)
def test_other_bylines(text: str, expected: tuple[list[str], str | None, int | None]) -> None:
    assert parse_byline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "(a short checklist for ML systems design)",
        "(I asked this question on Twitter and got some interesting responses)",
        "(Releated to Stage 2, Faire has great blog post https://oreil.ly/AxFnJ)",
        "(Search Online)",
        "(see [here](https://example.org))",
        "()",
    ],
)
def test_remarks_are_not_bylines(text: str) -> None:
    assert not looks_like_byline(text)


@pytest.mark.parametrize(
    ("authors", "venue", "year", "expected"),
    [
        (
            ["Robert Chang"],
            "Airbnb Engineering & Data Science",
            2017,
            "(Robert Chang, *Airbnb Engineering \\& Data Science*, 2017)",
        ),
        (["Guo et al."], None, 2017, "(Guo et al., 2017)"),
        (["Michael Graff", "Chris Sanden"], None, 2018, "(Michael Graff and Chris Sanden, 2018)"),
        (["Martin Zinkevich"], None, None, "(Martin Zinkevich)"),
        ([], None, 2022, "(2022)"),
        ([], "KDD", None, "(*KDD*)"),
        ([], None, None, ""),
        (["Johnson and Johnson"], None, None, "(Johnson and Johnson;)"),
        (["Richard H. Granger, Jr."], None, 1986, "(Richard H. Granger\\, Jr., 1986)"),
    ],
)
def test_format(authors: list[str], venue: str | None, year: int | None, expected: str) -> None:
    assert format_byline(authors, venue, year) == expected
    assert parse_byline(expected) == (authors, venue, year)


@pytest.mark.parametrize(
    ("authors", "org", "venue", "year", "expected"),
    [
        (["Jay Kreps"], "LinkedIn", None, 2013, "(Jay Kreps, **LinkedIn**, 2013)"),
        ([], "UC Berkeley & Google", "IEEE", None, "(**UC Berkeley \\& Google**, *IEEE*)"),
        ([], "Uber", None, None, "(**Uber**)"),
    ],
)
def test_the_org_is_the_bold_part(
    authors: list[str], org: str, venue: str | None, year: int | None, expected: str
) -> None:
    assert format_byline(authors, venue, year, org) == expected
    assert parse_byline(expected) == (authors, venue, year)
    assert byline_org(expected) == org and is_explicit(expected)


def test_a_sole_author_named_like_an_org_is_written_as_an_author() -> None:
    """``(LinkedIn, 2022)`` reads as the org LinkedIn; an author called LinkedIn is written
    ``(LinkedIn;, 2022)``, which the importer keeps an author."""
    assert format_byline(["LinkedIn"], None, 2022) == "(LinkedIn, 2022)"
    text = format_byline(["LinkedIn"], None, 2022, org_names=frozenset({"linkedin"}))
    assert text == "(LinkedIn;, 2022)"
    assert parse_byline(text) == (["LinkedIn"], None, 2022) and is_explicit(text)
    assert not is_explicit("(LinkedIn, 2022)") and byline_org("(LinkedIn, 2022)") is None


def test_escape_round_trip() -> None:
    nasty = "a*b_c[d](e)\\f,g;h`i<j>k#l!m|n~o&p"
    assert unescape(escape_inline(nasty)) == nasty
    assert unescape("\\a stays") == "\\a stays"  # a backslash before a letter is literal


# Names as people type them, and worse: separators, markdown punctuation, brackets, digits.
_NASTY = st.sampled_from([*",;()[]*_\\`<>#!|~&'\". -", "et al.", " and ", "Jr.", "2019"])
_TEXT = st.lists(
    st.one_of(
        _NASTY,
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=6),
    ),
    max_size=6,
).map("".join)
_FIELD = _TEXT.map(lambda s: " ".join(s.split())).filter(bool)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    authors=st.lists(_FIELD, max_size=4),
    venue=st.one_of(st.none(), _FIELD),
    year=st.one_of(st.none(), st.integers(1000, 9999)),
    org=st.one_of(st.none(), _FIELD),
)
def test_format_then_parse_is_the_identity(
    authors: list[str], venue: str | None, year: int | None, org: str | None
) -> None:
    text = format_byline(authors, venue, year, org, org_names=frozenset(["x"]))
    assert parse_byline(text) == (authors, venue, year)
    assert byline_org(text) == org
    if text:  # and the importer takes it for a byline, not a remark
        assert looks_like_byline(text)
        assert "\n" not in text
