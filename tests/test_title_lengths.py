"""The in-memory match index compares a title only with titles whose length lets them match."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from mlsd_cli.matching.index import TitleBlock

_TITLES = st.text(alphabet="abcde fgh", min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TITLES, min_size=1, max_size=40), _TITLES, st.floats(50, 100))
def test_near_keeps_every_title_that_can_score_the_threshold(
    titles: list[str], probe: str, threshold: float
) -> None:
    block = TitleBlock()
    for owner, title in enumerate(titles):
        block.add(title, owner)
    near = set(block.near(len(probe), threshold))
    assert near <= set(titles)
    assert {t for t in titles if fuzz.ratio(probe, t) >= threshold} <= near


def test_near_leaves_out_titles_of_other_lengths() -> None:
    block = TitleBlock()
    for owner, title in enumerate(["x" * n for n in range(1, 200)]):
        block.add(title, owner)
    near = block.near(100, 95.0)
    assert "x" * 100 in near
    assert "x" * 50 not in near and "x" * 150 not in near
    assert len(near) < 30  # of 199 titles, those of 89 to 112 characters
