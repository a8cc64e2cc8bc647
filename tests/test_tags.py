"""Tags: the normal form, near-spelling detection and counts (no CLI)."""

from __future__ import annotations

import re

import pytest

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.tags import is_normal
from mlsd_cli.lookup.tags import is_near_spelling
from mlsd_cli.lookup.tags import near_duplicate_pairs
from mlsd_cli.lookup.tags import near_duplicates
from mlsd_cli.lookup.tags import normalize_tag
from mlsd_cli.lookup.tags import suggest
from mlsd_cli.lookup.tags import tag_counts

from .conftest import BOOK_SEED
from .conftest import SCALE_SEED
from .conftest import seed_path


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Feature Store", "feature-store"),
        ("feature_store", "feature-store"),
        (" FEATURE-store ", "feature-store"),
        ("ML/Ops", "ml-ops"),
        ("A/B testing", "a-b-testing"),
        ("Café  ranking", "cafe-ranking"),
        ("--streaming--", "streaming"),
        ("GPT-4", "gpt-4"),
        ("!!!", ""),
        # words of any script: Cyrillic, CJK, Greek, Devanagari, Arabic, Hebrew
        ("Ранжирование", "ранжирование"),
        ("Линейный  поиск", "линейный-поиск"),  # й keeps its breve (not a Latin letter)
        ("推荐系统", "推荐系统"),
        ("機械学習 / 推薦", "機械学習-推薦"),
        ("Μηχανική Μάθηση", "μηχανική-μάθηση"),  # Greek keeps its accents, composed (NFC)
        ("ΣΟΦΙΑΣ", "σοφιασ"),  # case-folded: final sigma is sigma
        ("हिन्दी खोज", "हिन्दी-खोज"),  # vowel signs are part of the word
        ("تعلم الآلة", "تعلم-الآلة"),
        ("חיפוש", "חיפוש"),
        # accented Latin: folded to the ASCII letters, as before
        ("Équité", "equite"),
        ("Straße", "strasse"),
        ("Ａｍｌ_ｏｐｓ", "aml-ops"),  # full-width letters (NFKD)
        ("naïve-bayes", "naive-bayes"),
        # nothing but punctuation, symbols or spaces: no tag at all
        ("«—»", ""),
        ("…  ・ ¿?", ""),
        ("🙂", ""),
    ],
)
def test_normal_form(raw: str, normal: str) -> None:
    assert normalize_tag(raw) == normal
    assert is_normal(normal) == bool(normal)
    if normal:
        assert normalize_tag(normal) == normal  # idempotent
        assert not is_normal(raw) or raw == normal


def test_ascii_tags_keep_the_form_they_had() -> None:
    """Every tag of the shipped catalogue (all written under the ASCII-only rule) is normal."""
    from mlsd_cli.catalogue import store

    shipped = store.load(store.find_catalogue(None, env={}, cwd=None))
    tags = {t for r in shipped.resources for t in r.tags}
    assert tags and all(normalize_tag(t) == t and is_normal(t) for t in tags)


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("ранжрование", "ранжирование"),  # a letter missing inside the word
        ("ранжирвоание", "ранжирование"),  # two letters swapped
        ("поиск-линейный", "линейный-поиск"),  # word order
        ("推荐-系统", "推荐系统"),  # separators
        ("μηχανκή-μάθηση", "μηχανική-μάθηση"),
    ],
)
def test_near_spellings_in_any_script(new: str, existing: str) -> None:
    assert near_duplicates(new, [existing, "kafka"]) == [existing]
    assert near_duplicate_pairs([new, existing, "kafka"]) == [tuple(sorted((new, existing)))]


def test_suggestions_in_any_script() -> None:
    assert suggest("ранжировани", ["ранжирование", "kafka"]) == ["ранжирование"]


# (new tag, existing tag): near spellings that should be flagged.
POSITIVE = [
    # plural / singular
    ("feature-stores", "feature-store"),
    ("feature-store", "feature-stores"),
    ("embeddings", "embedding"),
    ("libraries", "library"),
    ("indexes", "index"),
    ("caches", "cache"),
    ("llms", "llm"),
    ("gnns", "gnn"),
    ("data-lakes", "data-lake"),
    ("recommendation-systems", "recommendation-system"),
    # one-edit typos: missing, extra, wrong or swapped letter
    ("recomender", "recommender"),
    ("recommender", "recomender"),
    ("steaming", "streaming"),
    ("kubernets", "kubernetes"),
    ("transfomer", "transformer"),
    ("monitorign", "monitoring"),
    ("labeling", "labelling"),
    ("anomoly-detection", "anomaly-detection"),
    # separators and word order
    ("ml-ops", "mlops"),
    ("mlops", "ml-ops"),
    ("pre-training", "pretraining"),
    ("real-time", "realtime"),
    ("ab-testing", "a-b-testing"),
    ("store-feature", "feature-store"),
    ("search-semantic", "semantic-search"),
    # several at once, and input not yet in normal form
    ("Feature Stores", "feature-store"),
    ("ML_Ops", "mlops"),
    ("recomender-systems", "recommender-system"),
]

# Related or merely similar-looking tags that are different things.
NEGATIVE = [
    ("nlp", "cv"),
    ("nlp", "nlu"),
    ("ml", "dl"),
    ("gpu", "tpu"),
    ("ctr", "cvr"),
    ("bert", "gpt"),
    ("gpt-3", "gpt-4"),
    ("python2", "python3"),
    ("batching", "matching"),
    ("ranking", "banking"),
    ("ranking", "re-ranking"),
    ("search", "research"),
    ("vision", "versioning"),
    ("caching", "hashing"),
    ("online-learning", "offline-learning"),
    ("model-serving", "model-server"),
    ("recommender", "recommendation"),
    ("feature-store", "feature-engineering"),
    ("streaming", "batch"),
    ("mlops", "ml-platform"),
    ("kafka", "flink"),
    ("real-time", "near-real-time"),
    ("data", "date"),
    ("scale", "scaled"),
    ("deliver", "delivery"),
    ("smart", "start"),
    ("sample", "simple"),
    ("optical", "optimal"),
    ("embedding", "embedding"),  # equal: not a near spelling of itself
    ("Streaming", "streaming"),  # equal once normalised
]


@pytest.mark.parametrize(("new", "existing"), POSITIVE)
def test_near_spellings_are_flagged(new: str, existing: str) -> None:
    assert near_duplicates(new, [existing, "kafka", "nlp"]) == [existing]


@pytest.mark.parametrize(("new", "existing"), NEGATIVE)
def test_different_tags_are_not_flagged(new: str, existing: str) -> None:
    assert near_duplicates(new, [existing]) == []


def test_near_duplicates_lists_every_near_spelling_once() -> None:
    existing = ["feature-store", "featurestore", "feature-stores", "kafka", "feature-store"]
    assert near_duplicates("feature_stores", existing) == ["feature-store", "featurestore"]
    assert near_duplicates("streaming", []) == []


def _catalogue(*tag_lists: list[str]) -> Catalogue:
    return Catalogue(
        resources=[Resource(id=f"r{i}", title=f"R {i}", tags=t) for i, t in enumerate(tag_lists)]
    )


def test_tag_counts_sorted_by_count_then_name() -> None:
    catalogue = _catalogue(
        ["streaming", "kafka"], ["streaming", "feature-store"], ["kafka", "streaming"], [], ["ab"]
    )
    assert tag_counts(catalogue) == [
        ("streaming", 3),
        ("kafka", 2),
        ("ab", 1),
        ("feature-store", 1),
    ]
    assert tag_counts(Catalogue()) == []


def test_tag_counts_count_entries_not_repeats() -> None:
    # The file format does not forbid a tag twice on one entry; it still is one entry.
    assert tag_counts(_catalogue(["x", "x"], ["x"])) == [("x", 2)]


def test_near_duplicate_pairs_over_a_vocabulary() -> None:
    tags = [
        "feature-store",
        "feature-stores",
        "recommender",
        "recomender",
        "mlops",
        "ml-ops",
        "nlp",
        "cv",
        "batching",
        "matching",
        "streaming",
    ]
    assert near_duplicate_pairs(tags) == [
        ("feature-store", "feature-stores"),
        ("ml-ops", "mlops"),
        ("recomender", "recommender"),
    ]


def test_near_duplicate_pairs_agree_with_the_pairwise_rule() -> None:
    vocabulary = sorted({normalize_tag(t) for pair in POSITIVE + NEGATIVE for t in pair})
    expected = sorted(
        (a, b)
        for i, a in enumerate(vocabulary)
        for b in vocabulary[i + 1 :]
        if is_near_spelling(a, b)
    )
    assert near_duplicate_pairs(vocabulary) == expected
    assert ("feature-store", "feature-stores") in expected
    assert ("batching", "matching") not in expected
    assert is_near_spelling("ML Ops", "mlops") and not is_near_spelling("mlops", "MLOps")


def test_near_duplicate_pairs_scale_to_many_tags() -> None:
    # Thousands of distinct tags: the pairwise search is indexed, not all-pairs in Python.
    tags = [f"topic-{i:05d}-alpha" for i in range(3000)] + ["topic-00007-alphas"]
    pairs = near_duplicate_pairs(tags)
    assert ("topic-00007-alpha", "topic-00007-alphas") in pairs
    # Digits differing is never a typo: topic-00001 and topic-00002 are different tags.
    assert all(a.rstrip("s") == b.rstrip("s") for a, b in pairs)


def test_on_the_words_of_the_real_seed_lists() -> None:
    """Every word of the two source lists as a tag: their real typos are found, and the many
    English words one letter apart from another are not."""
    text = seed_path(BOOK_SEED).read_text(encoding="utf-8")
    text += seed_path(SCALE_SEED).read_text(encoding="utf-8")
    words = {normalize_tag(w) for w in re.findall(r"[A-Za-z][A-Za-z-]+", text)}
    pairs = set(near_duplicate_pairs(words))
    typos = [
        ("adapation", "adaptation"),
        ("knowledge", "knowlegde"),
        ("predicting", "predictiong"),
        ("related", "releated"),
        ("contextual-bandit", "contextual-bandits"),
        ("model", "models"),
        ("netflix-techblog", "netflixtechblog"),
    ]
    different = [
        ("chase", "chose"),
        ("notice", "novice"),
        ("optical", "optimal"),
        ("qualify", "quality"),
        ("sample", "simple"),
        ("smart", "start"),
        ("video", "vimeo"),
        ("write", "wrote"),
        ("deliver", "delivery"),
        ("scale", "scaled"),
        ("recommended", "recommender"),
        ("described", "describes"),
        ("these", "those"),
    ]
    for a, b in typos + different:
        assert a in words and b in words, (a, b)  # the seeds really contain both
    assert [p for p in typos if p not in pairs] == []
    assert [p for p in different if p in pairs] == []


def test_suggest_for_a_tag_not_in_use() -> None:
    existing = ["feature-store", "feature-stores", "kafka", "streaming"]
    assert suggest("feature_stores", existing) == ["feature-store"]  # a near spelling
    assert suggest("feature-stor", existing) == ["feature-store", "feature-stores"]  # similar
    assert suggest("streamin", existing) == ["streaming"]
    assert suggest("nlp", existing) == []
    assert suggest("kafka", existing) == []  # the tag itself is never suggested
