"""Property tests: load(save(c)) == c, and save is byte-stable."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

# Any Unicode text a catalogue may hold (no surrogates; no terminal controls or bidi overrides,
# which the schema refuses: tests/test_reliability_hostile.py), nasty characters included.
text = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029",
    ),
    max_size=40,
)
nonblank = text.filter(lambda s: s.strip() != "")
ident = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,15}", fullmatch=True)
tag = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
url = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_~%/.-]{0,20}", fullmatch=True),
)


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    section_ids = draw(st.lists(ident, min_size=1, max_size=4, unique=True))
    sections = [Section(section_ids[0], draw(nonblank), None, draw(text))]
    for sid in section_ids[1:]:
        parent = draw(st.none() | st.sampled_from([s.id for s in sections]))
        sections.append(Section(sid, draw(nonblank), parent, draw(text)))
    ids = draw(st.lists(ident, max_size=6, unique=True))
    resources = [
        Resource(
            id=rid,
            title=draw(nonblank),
            kind=draw(st.sampled_from(KINDS)),
            sections=draw(
                st.lists(st.sampled_from(section_ids), min_size=1, max_size=2, unique=True)
            ),
            url=draw(st.none() | url),
            org=draw(st.none() | nonblank),
            authors=draw(st.lists(nonblank, max_size=3)),
            venue=draw(st.none() | nonblank),
            year=draw(st.none() | st.integers(1000, 9999)),
            tags=draw(st.lists(tag, max_size=3, unique=True)),
            description=draw(text),
            added=draw(st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1))),
        )
        for rid in ids
    ]
    pairs = []
    if len(ids) >= 2 and draw(st.booleans()):
        a, b = sorted(draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)))
        pairs.append((a, b))
    return Catalogue(
        title=draw(text),
        description=draw(text),
        sections=sections,
        resources=resources,
        not_duplicates=pairs,
    )


def _normalised(c: Catalogue) -> Catalogue:
    """What a save keeps: empty optional strings are left out, multi-line text uses LF."""

    def lf(text: str) -> str:
        return text.replace("\r\n", "\n") if "\n" in text.replace("\r\n", "\n") else text

    c.title, c.description = lf(c.title), lf(c.description)
    for s in c.sections:
        s.title, s.intro = lf(s.title), lf(s.intro)
    for r in c.resources:
        r.title, r.description = lf(r.title), lf(r.description)
        r.org = lf(r.org) if r.org else r.org
        r.venue = lf(r.venue) if r.venue else r.venue
        r.authors = [lf(a) for a in r.authors]
        r.org = r.org or None
        r.venue = r.venue or None
    for s in c.sections:
        s.parent = s.parent or None
    return c


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues())
def test_save_load_is_identity_and_save_is_stable(catalogue: Catalogue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resources.toml"
        store.save(catalogue, path)
        first = path.read_bytes()
        loaded = store.load(path)
        assert loaded == _normalised(catalogue)
        assert store.save(loaded, path) is False
        assert path.read_bytes() == first
        assert store.dumps(store.parse_catalogue(first)).encode() == first
