"""Merging two entries into one without losing anything; recording "not duplicates"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.changes.merge import mark_not_duplicates
from mlsd_cli.changes.merge import merge_all
from mlsd_cli.changes.merge import merge_into
from mlsd_cli.changes.merge import merge_resources
from mlsd_cli.errors import InputError
from mlsd_cli.errors import MlsdError
from mlsd_cli.errors import NotFoundError

LOG_URL = "https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying"


def _keep() -> Resource:
    return Resource(
        id="the-log",
        title="The Log",
        kind="blog",
        sections=["streaming"],
        url=LOG_URL,
        org=None,
        authors=["Jay Kreps"],
        venue=None,
        year=2013,
        tags=["streaming"],
        description="Kafka's design, from the log up.",
        added=date(2024, 5, 1),
        aliases=["log-old"],
    )


def _other() -> Resource:
    return Resource(
        id="the-log-2",
        title="The Log: What every software engineer should know about real-time data's unifying abstraction",
        kind="other",
        sections=["platforms", "streaming"],
        url="http://engineering.linkedin.com/distributed-systems/log",
        org="LinkedIn",
        authors=["jay kreps", "Neha Narkhede"],
        venue="LinkedIn Engineering",
        year=2014,
        tags=["kafka", "streaming"],
        description="A long essay on logs.",
        added=date(2023, 1, 2),
        aliases=["the-log-3"],
    )


def test_merge_resources_keeps_everything() -> None:
    keep, other = _keep(), _other()
    merged = merge_resources(keep, other)
    assert merged.id == "the-log"
    # The longer title contains the shorter one: it says more.
    assert merged.title == other.title
    assert merged.kind == "blog"
    assert merged.sections == ["streaming", "platforms"]
    assert merged.url == LOG_URL
    assert merged.org == "LinkedIn"
    assert merged.authors == ["Jay Kreps", "Neha Narkhede"]
    assert merged.venue == "LinkedIn Engineering"
    assert merged.year == 2013
    assert merged.tags == ["streaming", "kafka"]
    assert merged.description == "Kafka's design, from the log up.\n\nA long essay on logs."
    assert merged.added == date(2023, 1, 2)
    assert merged.aliases == ["log-old", "the-log-2", "the-log-3"]
    # Neither input changed.
    assert keep == _keep() and other == _other()


def test_merge_resources_prefers_what_is_set_and_what_says_more() -> None:
    keep = Resource(id="a", title="Rules of ML", kind="other", sections=["s"])
    other = Resource(
        id="b",
        title="Rules of Machine Learning",
        kind="book",
        sections=["s"],
        url="https://developers.google.com/machine-learning/guides/rules-of-ml",
        year=2017,
        description="Zinkevich's 43 rules.",
    )
    merged = merge_resources(keep, other)
    assert merged.title == "Rules of ML"  # different words: the surviving entry's
    assert merged.kind == "book"
    assert merged.url == other.url
    assert merged.year == 2017
    assert merged.description == "Zinkevich's 43 rules."
    same_text = merge_resources(
        Resource(id="a", title="T", sections=["s"], description="Short."),
        Resource(id="b", title="T", sections=["s"], description="Short.  And more detail."),
    )
    assert same_text.description == "Short.  And more detail."


def test_merge_into_a_catalogue_saves_and_loads_again(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    cat.resources.append(
        Resource(
            id="ubers-michelangelo-2",
            title="Meet Michelangelo: Uber's Machine Learning Platform",
            kind="blog",
            sections=["streaming"],
            url="http://www.eng.uber.com/michelangelo-machine-learning-platform",
            tags=["mlops"],
        )
    )
    cat.not_duplicates = [
        ("facebook-ads-clicks", "ubers-michelangelo-2"),
        ("the-log", "ubers-michelangelo-2"),
    ]
    merged = merge_into(cat, "ubers-michelangelo", ["ubers-michelangelo-2"])
    assert [r.id for r in cat.resources] == ["ubers-michelangelo", "the-log", "facebook-ads-clicks"]
    assert merged.sections == ["platforms", "streaming"]
    assert merged.tags == ["ml-platform", "mlops"]
    assert merged.aliases == ["ubers-michelangelo-2"]
    assert cat.not_duplicates == [
        ("facebook-ads-clicks", "ubers-michelangelo"),
        ("the-log", "ubers-michelangelo"),
    ]
    store.save(cat, sample_catalogue)
    again = store.load(sample_catalogue)
    assert again.resource("ubers-michelangelo-2") is not None  # the old id still resolves
    assert again.resource("ubers-michelangelo-2").id == "ubers-michelangelo"  # type: ignore[union-attr]


def test_merging_two_entries_declared_different_drops_the_record(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    cat.not_duplicates = [("facebook-ads-clicks", "the-log")]
    merge_into(cat, "the-log", ["facebook-ads-clicks"])
    assert cat.not_duplicates == []


def test_merge_into_errors(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    with pytest.raises(NotFoundError):
        merge_into(cat, "the-log", ["nope"])
    with pytest.raises(InputError):
        merge_into(cat, "the-log", ["the-log"])
    assert len(cat.resources) == 3


def test_mark_not_duplicates(sample_catalogue: Path) -> None:
    cat = store.load(sample_catalogue)
    assert mark_not_duplicates(cat, ["the-log", "ubers-michelangelo", "facebook-ads-clicks"]) == 3
    assert mark_not_duplicates(cat, ["ubers-michelangelo", "the-log"]) == 0
    assert cat.not_duplicates == [
        ("facebook-ads-clicks", "the-log"),
        ("facebook-ads-clicks", "ubers-michelangelo"),
        ("the-log", "ubers-michelangelo"),
    ]
    with pytest.raises(InputError):
        mark_not_duplicates(cat, ["the-log", "the-log"])
    with pytest.raises(NotFoundError):
        mark_not_duplicates(cat, ["the-log", "missing"])


_IDS = [f"e{i}" for i in range(8)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([*_IDS, "gone"]), st.lists(st.sampled_from([*_IDS, "gone"]))),
        max_size=4,
    ),
    st.lists(st.tuples(st.sampled_from(_IDS), st.sampled_from(_IDS)), max_size=4),
)
def test_merge_all_is_merge_into_group_after_group(
    merges: list[tuple[str, list[str]]], pairs: list[tuple[str, str]]
) -> None:
    def fresh() -> Catalogue:
        return Catalogue(
            sections=[Section("s", "S")],
            resources=[
                Resource(rid, f"Title {rid}", "blog", ["s"], url=f"https://x.org/{rid}", tags=[rid])
                for rid in _IDS
            ],
            not_duplicates=sorted({(a, b) if a < b else (b, a) for a, b in pairs if a != b}),
        )

    def outcome(run: Callable[[Catalogue], object]) -> object:
        catalogue = fresh()
        try:
            run(catalogue)
        except MlsdError as exc:
            return type(exc), str(exc)
        return catalogue

    def one_by_one(catalogue: Catalogue) -> None:
        for keep, others in merges:
            merge_into(catalogue, keep, others)

    assert outcome(lambda c: merge_all(c, merges)) == outcome(one_by_one)
