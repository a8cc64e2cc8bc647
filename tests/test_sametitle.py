"""Entries that share one core title: the few pairs of matching/sametitle.py join exactly what
every allowed pair joins (the same groups, and the same groups holding a title match), on
random entries; and kinds' host look-up answers as comparing with every host did."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.matching.blocking import UnionFind
from mlsd_cli.matching.evidence import Side
from mlsd_cli.matching.evidence import may_share_title
from mlsd_cli.matching.kinds import _VIDEO_HOSTS
from mlsd_cli.matching.kinds import _host_in
from mlsd_cli.matching.sametitle import joining_pairs
from mlsd_cli.matching.urls import identity_key

URLS = [
    None,
    "https://eng.acme.com/scaling-widgets",
    "https://www.acme.com/blog/scaling-widgets-2",
    "https://other.org/posts/widgets",
    "https://github.com/acme/widget",
    "https://widget.dev/",
    "https://arxiv.org/abs/2101.00001",
    "https://www.youtube.com/watch?v=abc",
    "https://medium.com/acme-eng/widgets-at-scale-1234",
]
KINDS = ["blog", "paper", "talk", "video", "book", "tool", "other", "course"]
entry = st.tuples(
    st.sampled_from(URLS),
    st.sampled_from(KINDS),
    st.integers(0, 3),  # identity root
    st.sampled_from([(), (), (1,), (2,)]),  # edition numbers left out of the core title
)


def _allowed(
    sides: list[Side], roots: list[int], extras: list[tuple[int, ...]], title: str
) -> Callable[[int, int], bool]:
    def allowed(x: int, y: int) -> bool:
        agree = not extras[x] or not extras[y] or extras[x] == extras[y]
        return agree and (roots[x] == roots[y] or may_share_title(sides[x], sides[y], title))

    return allowed


def _joined(n: int, roots: list[int], pairs: list[tuple[int, int]]) -> tuple[list[int], set[int]]:
    """Components (as roots) after the identity groups and ``pairs``; the components with a pair."""
    found = UnionFind(n)
    for x in range(n):
        for y in range(x):
            if roots[x] == roots[y]:
                found.union(x, y)
    for x, y in pairs:
        found.union(x, y)
    return [found.find(x) for x in range(n)], {found.find(x) for x, _y in pairs}


@settings(max_examples=400, deadline=None)
@given(st.lists(entry, min_size=2, max_size=12), st.sampled_from(["widgets at scale", "widgets"]))
def test_the_few_pairs_join_what_all_allowed_pairs_join(
    entries: list[tuple[str | None, str, int, tuple[int, ...]]], title: str
) -> None:
    sides = [Side(url, kind, identity_key(url) if url else None) for url, kind, _r, _e in entries]
    roots = [root for _u, _k, root, _e in entries]
    extras = [extra for _u, _k, _r, extra in entries]
    allowed = _allowed(sides, roots, extras, title)
    n = len(entries)
    every = [(x, y) for x in range(n) for y in range(x + 1, n) if allowed(x, y)]
    few = joining_pairs(sides, title, roots, extras)
    assert all(allowed(x, y) and x != y for x, y in few)
    assert _joined(n, roots, few) == _joined(n, roots, every)
    assert len(few) <= 4 * n  # linear, not quadratic


@given(st.text(alphabet="abcdeotuy.", min_size=0, max_size=20))
def test_host_look_up_answers_as_comparing_with_every_host(host: str) -> None:
    hosts = (*_VIDEO_HOSTS, "a.b", "tube.a")
    expected = any(host == h or host.endswith("." + h) for h in hosts)
    assert _host_in(host, hosts) == expected
    assert _host_in("www.youtube.com", _VIDEO_HOSTS) and not _host_in("notyoutube.com", hosts)
