"""Search quality on the SHIPPED catalogue: realistic queries must put the right entry in the top 3.

Companies, topics, authors' surnames and misspelt queries, as a reader of the lists would type
them. Each case names the entry it expects by id.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.lookup.search import search

from .conftest import ROOT

TOP = 3

CASES: list[tuple[str, str, str]] = [
    # (kind of query, query, expected id)
    ("company", "uber michelangelo", "ubers-michelangelo"),
    ("company", "instacart", "space-time-and-groceries"),
    ("company", "dropbox ocr", "creating-a-modern-ocr-pipeline-using-computer-vision"),
    ("company", "netflix metaflow", "open-sourcing-metaflow-a-human-centric-framework-for"),
    ("company", "booking.com", "150-successful-machine-learning-models-6-lessons-learned"),
    ("company", "lyft fraud", "from-shallow-to-deep-learning-in-fraud"),
    ("company", "doordash data platform", "how-doordash-is-scaling-its-data-platform-to"),
    ("company", "weibo flink", "machine-learning-with-flink-in-weibo"),
    ("company", "instagram explore", "powered-by-ai-instagrams-explore-recommender-system"),
    ("topic", "feature store", "ubers-michelangelo"),
    ("topic", "contextual bandits", "active-learning-and-contextual-bandits"),
    ("topic", "concept drift", "beyond-incremental-processing-tracking-concept-drift"),
    ("topic", "dataset shift", "failing-loudly-an-empirical-study-of-methods-for"),
    ("topic", "weak supervision", "an-overview-of-weak-supervision"),
    ("topic", "federated learning", "towards-federated-learning-at-scale-system-design"),
    ("topic", "model calibration", "on-calibration-of-modern-neural-networks"),
    ("topic", "stream processing", "stream-processing-hard-problems-part-1-killing-lambda"),
    ("topic", "canary analysis", "automated-canary-analysis-at-netflix-with-kayenta"),
    ("topic", "event driven architecture", "the-many-meanings-of-event-driven-architecture"),
    ("topic", "how to train neural networks", "a-recipe-for-training-neural-networks"),
    ("author", "grbovic", "machine-learning-powered-search-ranking-of-airbnb-experiences"),
    ("author", "kreps", "the-log-what-every-software-engineer-should-know"),
    ("author", "karpathy", "a-recipe-for-training-neural-networks"),
    ("author", "kleppmann", "designing-data-intensive-applications"),
    ("author", "robert chang", "using-machine-learning-to-predict-value-of-homes"),
    ("misspelt", "recomender systm", "powered-by-ai-instagrams-explore-recommender-system"),
    ("misspelt", "kubeflw", "the-winding-road-to-better-machine-learning-infrastructure"),
    ("misspelt", "discover weekley", "spotifys-discover-weekly-how-machine-learning-finds-your"),
    ("misspelt", "interpretible machine learning", "interpretable-machine-learning"),
    ("misspelt", "michaelangelo", "ubers-michelangelo"),
    ("misspelt", "grbovich", "machine-learning-powered-search-ranking-of-airbnb-experiences"),
    ("misspelt", "frad detection", "from-shallow-to-deep-learning-in-fraud"),
]


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return store.load(ROOT / "resources.toml")


def test_there_are_enough_cases_of_each_kind() -> None:
    kinds = [kind for kind, _query, _id in CASES]
    assert len(CASES) >= 15
    assert {kind: kinds.count(kind) >= 4 for kind in set(kinds)} == {
        "company": True,
        "topic": True,
        "author": True,
        "misspelt": True,
    }


def test_every_expected_entry_exists(shipped: Catalogue) -> None:
    missing = [rid for _kind, _query, rid in CASES if shipped.resource(rid) is None]
    assert missing == []


@pytest.mark.parametrize(("kind", "query", "expected"), CASES, ids=[c[1] for c in CASES])
def test_expected_entry_is_in_the_top_3(
    shipped: Catalogue, kind: str, query: str, expected: str
) -> None:
    hits = search(shipped, query, limit=TOP)
    top = [h.resource.id for h in hits]
    assert expected in top, f"{kind} query {query!r}: top {TOP} were {top}"


def test_company_name_finds_all_its_case_studies(shipped: Catalogue) -> None:
    netflix = {r.id for r in shipped.resources if r.org == "Netflix"}
    assert len(netflix) >= 5
    found = [h.resource.id for h in search(shipped, "netflix", limit=len(netflix))]
    assert set(found) == netflix


def test_readme_command_prints_ranked_results_from_the_shipped_catalogue(tmp_path: Path) -> None:
    """`mlsd search "feature store"`, run from a directory with no catalogue of its own."""
    env = {k: v for k, v in os.environ.items() if k != "MLSD_CATALOGUE"}
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "search", "feature store"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert rows[0][1] == "ubers-michelangelo"
    scores = [float(row[0]) for row in rows]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True)
