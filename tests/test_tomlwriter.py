"""mlsd's TOML writer writes exactly what tomli-w writes, for the catalogue's value types."""

from __future__ import annotations

import tomllib
from datetime import date

import tomli_w
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue.tomlwriter import dumps_table
from mlsd_cli.catalogue.tomlwriter import format_string

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
values = st.one_of(
    text,
    st.integers(-(2**63), 2**63 - 1),
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    st.lists(text, max_size=4),
    st.booleans(),
)
tables = st.dictionaries(
    st.from_regex(r"[a-z_][a-z0-9_-]{0,10}", fullmatch=True), values, max_size=8
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_same_bytes_as_tomli_w(table: dict[str, object]) -> None:
    ours = dumps_table(table)
    assert ours == tomli_w.dumps(table, multiline_strings=True)
    back = tomllib.loads(ours)
    assert back.keys() == table.keys()


def test_escapes() -> None:
    assert format_string('say "hi" \\ now') == '"say \\"hi\\" \\\\ now"'
    assert format_string("tab\tand\x7fdel\x00") == '"tab\tand\\u007fdel\\u0000"'
    assert format_string("two\r\nlines") == '"""\ntwo\nlines"""'
    assert tomllib.loads("x = " + format_string('a"""b\n\\c'))["x"] == 'a"""b\n\\c'
