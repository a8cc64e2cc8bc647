"""Chunked parsing (rtoml, a chunk of [[resources]] blocks at a time) means what tomli means."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import tomli
from hypothesis import event
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue import tomlparse
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import CatalogueError


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 entries, from any size: every case below is cut in several places."""
    monkeypatch.setattr(tomlparse, "CHUNK_ENTRIES", 3)
    monkeypatch.setattr(tomlparse, "CHUNK_MIN_CHARS", 0)


def _catalogue(n: int) -> str:
    catalogue = Catalogue(title="T", sections=[Section("s", "S")])
    for i in range(n):
        catalogue.resources.append(
            Resource(
                f"r{i}",
                f'Title {i} "quoted" \\ é',
                "blog",
                ["s"],
                url=f"https://x.example/{i}",
                tags=["a-b"],
                description=f'Line one\n\n[[resources]]\nid = "fake-{i}"' if i % 4 == 1 else "",
                added=date(2024, 1, i % 28 + 1),
            )
        )
    catalogue.not_duplicates = [("r0", "r2")]
    return store.dumps(catalogue)


def test_chunks_mean_what_the_whole_document_means() -> None:
    text = _catalogue(20)
    assert tomlparse.merged(text) is None  # a description holds a [[resources]] line
    plain = text.replace("Line one\n\n[[resources]]\n", "Line one\n\n[[ resources ]]\n")
    assert plain != text
    chunked = tomlparse.merged(plain)
    assert chunked is not None and chunked == tomli.loads(plain)
    assert len(tomlparse._cuts(plain)) > 4  # it was cut
    full = store.catalogue_from_dict(tomli.loads(text))
    assert store.parse_catalogue(text.encode()) == full  # the whole parse
    assert store.parse_catalogue(plain.encode()) == store.catalogue_from_dict(tomli.loads(plain))


@pytest.mark.parametrize(
    "text",
    [
        # a key of the head again after the entries: one document refuses it, chunks must too
        '[catalogue]\ntitle = "a"\n\n[[resources]]\nid = "x"\n\n[catalogue]\nformat = 1\n',
        '[catalogue]\n\n[[resources]]\nid = "x"\n\n[catalogue.more]\na = 1\n',
        # the head sets resources itself
        'resources = 1\n\n[[resources]]\nid = "x"\n',
        # [[not_duplicates]] in two chunks: one document appends, chunks must not guess
        '[[resources]]\nid = "a"\n\n[[not_duplicates]]\nids = ["a", "b"]\n'
        + '\n[[resources]]\nid = "b"\n' * 4
        + '\n[[not_duplicates]]\nids = ["a", "c"]\n',
        # a cut inside an array
        '[[resources]]\nid = "a"\ntags = [\n"x",\n\n[[resources]]\n]\n',
    ],
)
def test_what_chunks_cannot_settle_goes_to_tomli(text: str) -> None:
    assert tomlparse.merged(text) is None
    assert _outcome(lambda: store.parse_catalogue(text.encode(), "x")) == _outcome(
        lambda: _whole(text)
    )


def _whole(text: str) -> Catalogue:
    """The catalogue (or error) of the whole-document path: tomli, then the full check."""
    raw = store._parse_toml(text, "x")
    return store.catalogue_from_dict(raw, source="x", locate=store._line_locator(text))


def _outcome(parse: Callable[[], Catalogue]) -> object:
    try:
        return parse()
    except CatalogueError as error:
        return str(error)


def test_an_invalid_entry_in_a_chunk_gets_the_whole_parse_s_error() -> None:
    text = _catalogue(12).replace('id = "r8"', 'id = "R 8"').replace("Line one\n\n[[", "[[ ")
    assert tomlparse.merged(text) is not None
    message = _outcome(lambda: store.parse_catalogue(text.encode(), "x"))
    assert message == _outcome(lambda: _whole(text))
    assert isinstance(message, str) and message.startswith("x:")  # with its line


def test_errors_are_tomli_s_with_their_line(tmp_path: pytest.TempPathFactory) -> None:
    text = _catalogue(12).replace('id = "r7"', 'id = "r7\nbroken')
    with pytest.raises(CatalogueError) as error:
        store.parse_catalogue(text.encode(), "cat.toml")
    line = text.split("\n").index('id = "r7') + 1
    assert error.value.location is not None and error.value.location.startswith(f"cat.toml:{line}:")


def test_deep_nesting_is_refused_in_one_line() -> None:
    text = _catalogue(6) + "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    with pytest.raises(CatalogueError, match="nested too deeply"):
        store.parse_catalogue(text.encode(), "cat.toml")


#: Lines a hand edit (or a bad merge) may leave in a catalogue: each is valid TOML on its own
#: or breaks the syntax, is a valid value or an invalid one, repeats an id or a key...
ODD_LINES = [
    'kind = "blgo"',
    'id = "r1"',
    'id = "R 1"',
    'aliases = ["r0"]',
    'aliases = ["other-1"]',
    "year = 99",
    "year = true",
    'tags = ["Bad Tag"]',
    'tags = ["good-tag", "good-tag-2"]',
    'url = "javascript:alert(1)"',
    'url = "https://ok.example/a?b#c"',
    'title = ""',
    'title = "a\\u001bb"',
    'description = "x\\u202ey"',
    'description = """\nmany\n\nlines"""',
    "sections = []",
    'sections = ["s", "nowhere"]',
    "added = 2024-01-01T00:00:00",
    "added = 2024-02-30",
    "unknown = 1",
    'org = "ACME"',
    "[[resources]]",
    '[[resources]]\nid = "new"\ntitle = "New"\nkind = "paper"\nsections = ["s"]',
    "[[ resources ]]",
    "[[not_duplicates]]",
    'ids = ["r0", "r3"]',
    "[catalogue]",
    "[[sections]]",
    '"""',
    "tags = [",
    "]",
    "",
]


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(0, 14),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(ODD_LINES), st.booleans()), max_size=4
    ),
    marker_in_text=st.booleans(),
)
@example(size=0, edits=[], marker_in_text=False)  # records, and no resource for them
@example(size=6, edits=[(2, '[[not_duplicates]]\nids = ["r0", "r1"]', False)], marker_in_text=False)
def test_the_chunked_path_gives_the_whole_parse_s_catalogue_or_error(
    size: int, edits: list[tuple[int, str, bool]], marker_in_text: bool
) -> None:
    """Random edits of a catalogue file, read in chunks of 3 entries: the same catalogue as
    tomli and the checked path give for the whole text, or the same error, word for word."""
    text = _catalogue(size)
    if not marker_in_text:  # a description's [[resources]] line: the chunks cannot settle it
        text = plain(text)
    assert_chunks_agree(text, edits)


def plain(text: str) -> str:
    """``text`` of :func:`_catalogue` with no [[resources]] line in a description."""
    return text.replace("Line one\n\n[[resources]]\n", "Line one\n\n[[ resources ]]\n")


def assert_chunks_agree(text: str, edits: list[tuple[int, str, bool]]) -> None:
    """``text`` with each edit (at a line, a line put in or in place of it) is read in chunks
    to the catalogue the whole parse gives, or to its error."""
    lines = text.split("\n")
    for where, line, replace in edits:
        at = where % len(lines)
        lines[at : at + replace] = [line]
    edited = "\n".join(lines)
    chunked = _outcome(lambda: store.parse_catalogue(edited.encode(), "x"))
    event("valid" if isinstance(chunked, Catalogue) else "an error")
    assert chunked == _outcome(lambda: _whole(edited))


def test_records_before_the_first_resource_are_kept() -> None:
    text = plain(_catalogue(6))
    records = '[[not_duplicates]]\nids = [\n    "r0",\n    "r2",\n]\n'
    assert text.endswith("\n" + records)
    head, first, rest = text.partition("[[resources]]\n")
    moved = head + records + "\n" + first + rest.removesuffix("\n" + records)
    assert tomli.loads(moved) == tomli.loads(text)
    assert store.parse_catalogue(moved.encode()).not_duplicates == [("r0", "r2")]
