"""The duplicate matcher on the labelled pairs of real, overlapping lists (issue 10).

The figures are measured in-process (the catalogue ``benchmarks/bench_dedupe_labels.py``
builds, ``find_duplicate_groups`` on it); the floors sit a little under what the matcher
measured when they were pinned (docs/matching.md gives the figures): thresholds and rules were
chosen on the dev part, the held part is reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.matching.duplicates import POSSIBLE_TIER
from mlsd_cli.matching.duplicates import SAME_RESOURCE_TIER
from mlsd_cli.matching.duplicates import find_duplicate_groups

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_dedupe_labels import figures
from bench_dedupe_labels import predicted_in_process
from bench_dedupe_labels import read_labels

PAIRS = read_labels()

#: Held part, both tiers (measured: precision 1.00, recall 0.98; every kind of 20 pairs or
#: more at recall 0.91 or above).
HELD_PRECISION = 0.97
HELD_RECALL = 0.94
KIND_RECALL = 0.87
#: Dev part (measured: precision 1.00, recall 0.77).
DEV_PRECISION = 0.97
DEV_RECALL = 0.72


@pytest.fixture(scope="module")
def found() -> set[frozenset[str]]:
    return predicted_in_process(PAIRS)


def test_held_part_meets_the_acceptance_floors(found: set[frozenset[str]]) -> None:
    held = figures(PAIRS, found, "held")
    assert held["all"]["precision"] >= HELD_PRECISION, held["all"]
    assert held["all"]["recall"] >= HELD_RECALL, held["all"]
    big = [kind for kind, f in held.items() if kind not in ("all", "all, real only")]
    big = [kind for kind in big if held[kind]["pairs"] >= 20]
    assert set(big) >= {"blog", "paper", "talk", "tool"}
    for kind in big:
        assert held[kind]["recall"] >= KIND_RECALL, (kind, held[kind])


def test_dev_part_keeps_its_figures(found: set[frozenset[str]]) -> None:
    dev = figures(PAIRS, found, "dev")
    assert dev["all"]["precision"] >= DEV_PRECISION, dev["all"]
    assert dev["all"]["recall"] >= DEV_RECALL, dev["all"]


def test_related_pairs_stay_apart(found: set[frozenset[str]]) -> None:
    """Part 1/part 2, a paper and its follow-up, a talk and its post, a tool and its family."""
    from dedupe_candidates import entry_name

    related = [p for p in PAIRS if p.label == "related"]
    assert len(related) >= 30
    joined = [
        p.key
        for p in related
        if frozenset(entry_name(u or None, t) for u, t in (p.a, p.b)) in found
    ]
    assert len(joined) <= 1, joined


def test_the_same_resource_tier_alone_is_never_wrong() -> None:
    only_same = predicted_in_process(PAIRS, min_tier=SAME_RESOURCE_TIER)
    for split in ("held", "dev"):
        f = figures(PAIRS, only_same, split)["all"]
        assert f["precision"] >= 0.97 and f["recall"] >= 0.45, (split, f)


# --------------------------------------------------------------------------- the rules


def _groups(*entries: tuple[str, str | None, str]) -> list[tuple[tuple[str, ...], str]]:
    resources = [
        Resource(id=f"e{n}", title=title, kind=kind, sections=["s"], url=url)
        for n, (title, url, kind) in enumerate(entries)
    ]
    cat = Catalogue(title="t", sections=[Section("s", "S")], resources=resources)
    return [(g.ids, g.tier) for g in find_duplicate_groups(cat)]


SAME = SAME_RESOURCE_TIER
POSSIBLE = POSSIBLE_TIER


@pytest.mark.parametrize(
    ("a", "b", "tier"),
    [
        # a post moved to another host of its site, or another path: the same slug
        (
            ("Forecasting at Uber", "https://eng.uber.com/forecasting-introduction/", "blog"),
            ("Forecasting at Uber: An Introduction", "https://www.uber.com/blog/forecasting-introduction/", "blog"),
            SAME,
        ),
        (
            ("LogDevice", "https://code.facebook.com/posts/357056558062811/logdevice-a-distributed-data-store-for-logs/", "blog"),
            ("LogDevice: a distributed data store for logs", "https://engineering.fb.com/2017/08/31/core-infra/logdevice-a-distributed-data-store-for-logs/", "blog"),
            SAME,
        ),
        # an archive copy, an AMP copy, O'Reilly's two hosts of one book
        (
            ("Scaling HDFS at Uber", "https://eng.uber.com/scaling-hdfs/", "blog"),
            ("Scaling HDFS (archived)", "https://web.archive.org/web/2019/https://eng.uber.com/scaling-hdfs/", "blog"),
            SAME,
        ),
        (
            ("Counting things", "https://blog.cloudflare.com/counting-things-a-lot-of-different-things/", "blog"),
            ("How we built rate limiting", "https://blog.cloudflare.com/counting-things-a-lot-of-different-things/amp/", "blog"),
            SAME,
        ),
        (
            ("Database Internals", "https://learning.oreilly.com/library/view/database-internals/9781492040330/", "book"),
            ("Database Internals: A Deep Dive", "https://www.oreilly.com/library/view/database-internals/9781492040330/", "book"),
            SAME,
        ),
        # a book on its own site and on a shop, where the shop adds "1st Edition"
        (
            ("Designing Machine Learning Systems", "https://huyenchip.com/books/", "book"),
            ("Designing Machine Learning Systems: An Iterative Process for Production-Ready Applications 1st Edition", "https://www.amazon.com/Designing-Machine-Learning-Systems-Production-Ready/dp/1098107969", "book"),
            POSSIBLE,
        ),
        # a tool's site and its repository; a renamed repository
        (
            ("Feast", "https://github.com/feast-dev/feast", "other"),
            ("Feast - an open source feature store", "https://feast.dev/", "other"),
            SAME,
        ),
        (
            ("Optuna", "https://github.com/optuna/optuna", "other"),
            ("Optuna: A hyperparameter optimization framework", "https://github.com/pfnet/optuna", "other"),
            SAME,
        ),
        # a paper on arXiv and in the proceedings, with the venue in the title
        (
            ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "paper"),
            ("Attention is All you Need (NIPS 2017)", "https://papers.nips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html", "paper"),
            POSSIBLE,
        ),
        # a talk on two hosts, the speaker and the event in one title
        (
            ("Simple Made Easy", "https://www.infoq.com/presentations/Simple-Made-Easy/", "talk"),
            ("Simple Made Easy - Rich Hickey (Strange Loop 2011)", "https://www.youtube.com/watch?v=SxdOUGdseq4", "video"),
            POSSIBLE,
        ),
    ],
)  # fmt: skip
def test_one_resource_in_two_places(
    a: tuple[str, str, str], b: tuple[str, str, str], tier: str
) -> None:
    assert _groups(a, b) == [(("e0", "e1"), tier)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Stream Processing Hard Problems Part 1", "Stream Processing Hard Problems Part 2"),
        (("Big Data Processing at Spotify: The Road to Scio (Part 1)", "https://labs.spotify.com/2017/10/16/big-data-processing-at-spotify-the-road-to-scio-part-1/", "blog"),
         ("Big Data Processing at Spotify: The Road to Scio (Part 2)", "https://labs.spotify.com/2017/10/23/big-data-processing-at-spotify-the-road-to-scio-part-2/", "blog")),
        # the same title from two companies
        (("Building a Real-time Feature Store", "https://doordash.engineering/2020/11/19/building-a-gigascale-ml-feature-store-with-redis/", "blog"),
         ("Building a Real-time Feature Store", "https://www.tecton.ai/blog/real-time-feature-store/", "blog")),
        # a talk and the blog post it is based on
        (("Turning the database inside-out with Apache Samza", "https://www.confluent.io/blog/turning-the-database-inside-out-with-apache-samza/", "blog"),
         ("Turning the database inside-out with Apache Samza - Martin Kleppmann", "https://www.youtube.com/watch?v=fU9hR3kiOK0", "video")),
        # one short name, two projects; one vendor, two repositories; a project's family
        (("Infinity", "https://github.com/infiniflow/infinity", "other"),
         ("Infinity", "https://github.com/michaelfeil/infinity", "other")),
        (("Future AGI", "https://github.com/future-agi/ai-evaluation", "other"),
         ("Future AGI", "https://github.com/future-agi/futureagi-sdk", "other")),
        (("TensorFlow", "https://github.com/tensorflow/tensorflow", "other"),
         ("TensorFlow Federated", "https://github.com/tensorflow/federated", "other")),
        (("Widget", "https://github.com/acme/widget", "other"),
         ("KWidget", "https://github.com/kde/kwidget", "other")),
        # two editions, two books' tables of contents on one site
        (("Machine Learning Systems Design (Stanford CS 329S, Winter 2021)", None, "course"),
         ("Machine Learning Systems Design (Stanford CS 329S, Winter 2022)", None, "course")),
        (("Designing Machine Learning Systems", "https://huyenchip.com/books/", "book"),
         ("Designing Machine Learning Systems: An Iterative Process for Production-Ready Applications, 2nd Edition", "https://www.amazon.com/dp/B0000000", "book")),
        (("Site Reliability Engineering", "https://sre.google/sre-book/table-of-contents/", "book"),
         ("The Site Reliability Workbook", "https://sre.google/workbook/table-of-contents/", "book")),
    ],
)  # fmt: skip
def test_different_resources_stay_apart(
    a: str | tuple[str, str | None, str], b: str | tuple[str, str | None, str]
) -> None:
    sides = [(x, None, "blog") if isinstance(x, str) else x for x in (a, b)]
    assert _groups(*sides) == []
