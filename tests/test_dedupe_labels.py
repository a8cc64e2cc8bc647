"""The labelled duplicate pairs (tests/data/dedupe_labels.tsv) keep the shape the benchmark needs."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
LABELS = DATA / "dedupe_labels.tsv"
COLUMNS = [
    "pair_key",
    "kind",
    "label",
    "failure_class",
    "split",
    "source",
    "selected_by",
    "generator",
    "url_a",
    "title_a",
    "url_b",
    "title_b",
]
KINDS = {"blog", "paper", "talk", "book", "tool"}


def _rows() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _name(url: str, title: str) -> str:
    return url if url else f"title:{title}"


def test_every_row_is_complete_and_valid() -> None:
    rows = _rows()
    assert len(rows) >= 300
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["label"] in {"same", "related", "different"}, r
        assert r["split"] in {"dev", "held"}, r
        assert r["source"] in {"real", "synthetic"}, r
        assert r["failure_class"], r
        assert r["title_a"] and r["title_b"], r
        assert r["url_a"] or r["url_b"], r  # at most one side url-less
        assert all(ch.isprintable() for v in r.values() for ch in v), r


def test_pair_keys_are_unique_and_derived_from_the_entries() -> None:
    rows = _rows()
    keys = [r["pair_key"] for r in rows]
    assert len(set(keys)) == len(keys)
    for r in rows:
        a, b = _name(r["url_a"], r["title_a"]), _name(r["url_b"], r["title_b"])
        assert a < b, r  # side a sorts first
        assert r["pair_key"] == hashlib.sha1(f"{a}\n{b}".encode()).hexdigest()[:12], r


def test_most_pairs_are_real() -> None:
    sources = Counter(r["source"] for r in _rows())
    assert sources["real"] >= 300
    assert sources["real"] > 2 * sources["synthetic"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_duplicates_and_non_duplicates_in_both_parts(kind: str) -> None:
    rows = [r for r in _rows() if r["kind"] == kind]
    for split in ("dev", "held"):
        labels = Counter(r["label"] for r in rows if r["split"] == split)
        assert labels["same"] >= 5, (kind, split, labels)
        assert labels["related"] + labels["different"] >= 3, (kind, split, labels)
    assert sum(r["label"] == "same" for r in rows) >= 20


def test_the_split_is_balanced_within_each_kind_and_label() -> None:
    strata = Counter((r["kind"], r["label"], r["split"]) for r in _rows())
    for kind, label, _ in strata:
        dev, held = strata[(kind, label, "dev")], strata[(kind, label, "held")]
        assert abs(dev - held) <= 1, (kind, label, dev, held)


def test_the_counts_in_the_rules_file_are_the_files_counts() -> None:
    rows = _rows()
    strata = Counter((r["kind"], r["label"], r["split"]) for r in rows)
    same_by_source = Counter((r["kind"], r["source"]) for r in rows if r["label"] == "same")
    text = (DATA / "dedupe_labels.md").read_text(encoding="utf-8")
    for kind in sorted(KINDS):
        cells = [
            f"{strata[(kind, label, 'dev')]} / {strata[(kind, label, 'held')]}"
            for label in ("same", "related", "different")
        ]
        real, synthetic = same_by_source[(kind, "real")], same_by_source[(kind, "synthetic")]
        assert f"| {kind} | {' | '.join(cells)} | {real} / {synthetic} |" in text, kind
