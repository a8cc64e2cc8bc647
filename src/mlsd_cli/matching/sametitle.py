"""Many entries with one title: the few pairs that join what all their allowed pairs join.

A catalogue-wide scan meets titles that many entries share ("Scaling fraud detection at
scale": 50 of them in a generated 100k catalogue, 940,000 pairs in all). Every pair of them
that :func:`~mlsd_cli.matching.evidence.may_share_title` and the edition rule allow is a
match, but the scan only keeps what the matches join (the groups, and that a group has a title
match). :func:`joining_pairs` gives allowed pairs that join exactly the same entries, in time
linear in the entries (times the editions among them), instead of all of them:

- the edition rule splits the entries into worlds (no edition number left out of the core
  title, plus one edition's entries): inside a world every pair agrees, and every agreeing
  pair is inside one;
- in a world, a url-less entry may share a title with every other: a star from it joins all;
- else tools match no one; the others match on one site (a star a site), and across sites,
  for a title of two words or more, when a side's family is unknown (a star from it over
  all) or both are of one family of paper, talk, book or course (a star a family);
- two entries already known as the same resource (one root of the identity union-find) may
  always pair: one such pair a root, which joins nothing new but says the group holds a title
  match.

tests/test_sametitle.py compares the components and the pairs' groups with all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mlsd_cli.matching.evidence import CROSS_SITE_FAMILIES
from mlsd_cli.matching.evidence import Side


def joining_pairs(
    sides: Sequence[Side],
    title: str,
    roots: Sequence[int],
    extras: Sequence[tuple[int, ...]],
) -> list[tuple[int, int]]:
    """Allowed pairs ``(x, y)`` (positions in ``sides``, ``x < y`` not promised) of entries that
    share the core title ``title``, joining what all allowed pairs join (module docstring).
    ``roots[x]`` is entry x's identity root, ``extras[x]`` the edition numbers its core title
    left out."""
    plain = [x for x, e in enumerate(extras) if not e]
    editions: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for x, e in enumerate(extras):
        if e:
            editions[e].append(x)
    worlds = [plain + members for members in editions.values()] if editions else [plain]
    out: list[tuple[int, int]] = []
    spaced = " " in title
    for world in worlds:
        if len(world) > 1:
            _world_pairs(world, sides, spaced, out)
            _root_pairs(world, roots, out)
    return out


def _star(members: Sequence[int], out: list[tuple[int, int]]) -> None:
    first = members[0]
    out.extend((first, other) for other in members[1:])


def _world_pairs(
    world: list[int], sides: Sequence[Side], spaced: bool, out: list[tuple[int, int]]
) -> None:
    url_less = next((x for x in world if not sides[x].url), None)
    if url_less is not None:
        _star([url_less, *(x for x in world if x != url_less)], out)
        return
    others = [x for x in world if sides[x].family != "tool"]
    by_site: dict[str, list[int]] = defaultdict(list)
    for x in others:
        by_site[sides[x].site].append(x)
    for members in by_site.values():
        _star(members, out)
    if not spaced or len(by_site) < 2:
        return
    unknown = next((x for x in others if sides[x].family is None), None)
    if unknown is not None:
        _star([unknown, *(x for x in others if x != unknown)], out)
        return
    by_family: dict[str, list[int]] = defaultdict(list)
    for x in others:
        family = sides[x].family
        if family in CROSS_SITE_FAMILIES:
            by_family[family].append(x)
    for members in by_family.values():
        _star(members, out)


def _root_pairs(world: list[int], roots: Sequence[int], out: list[tuple[int, int]]) -> None:
    first_of: dict[int, int] = {}
    for x in world:
        seen = first_of.setdefault(roots[x], x)
        if seen != x:
            out.append((seen, x))
