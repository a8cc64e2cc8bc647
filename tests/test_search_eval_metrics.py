"""The search evaluation's metrics and judging rule (benchmarks/search_eval/), on hand-computed cases."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "search_eval"))

from catalogues import Doc
from search_metrics import mrr_at
from search_metrics import ndcg_at
from search_metrics import paired_bootstrap
from search_metrics import recall_at
from vocabulary_rule import CONCEPTS
from vocabulary_rule import compile_pattern
from vocabulary_rule import grade


def test_ndcg_graded_hand_computed() -> None:
    # DCG = (2^1-1)/log2(2) + 0 + (2^2-1)/log2(4) = 1 + 1.5; ideal [2, 1] = 3 + 1/log2(3)
    expected = 2.5 / (3 + 1 / math.log2(3))
    assert ndcg_at(["a", "x", "b"], {"a": 1, "b": 2}) == pytest.approx(expected)
    assert ndcg_at(["a", "x", "b"], {"a": 1, "b": 2}) == pytest.approx(0.68853, abs=1e-5)


def test_ndcg_binary_perfect_missing_and_cut_off() -> None:
    assert ndcg_at(["x", "a"], {"a": 1}) == pytest.approx(1 / math.log2(3))
    assert ndcg_at(["a", "b"], {"a": 1, "b": 1}) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], {"a": 1}) == 0.0
    # the ideal is cut at k too: 12 relevant, the top 10 all relevant -> 1.0
    many = {f"d{i}": 1 for i in range(12)}
    assert ndcg_at([f"d{i}" for i in range(10)], many) == pytest.approx(1.0)
    # a relevant document at rank 11 does not count in nDCG@10
    assert ndcg_at([f"x{i}" for i in range(10)] + ["a"], {"a": 1}) == 0.0


def test_mrr_first_relevant_rank() -> None:
    assert mrr_at(["x", "y", "a", "b"], {"a": 1, "b": 2}) == pytest.approx(1 / 3)
    assert mrr_at(["a"], {"a": 1}) == 1.0
    assert mrr_at(["x", "y"], {"a": 1}) == 0.0
    assert mrr_at([f"x{i}" for i in range(10)] + ["a"], {"a": 1}) == 0.0


def test_recall_share_found_in_top_k() -> None:
    assert recall_at(["a", "x"], {"a": 1, "b": 1, "c": 2}) == pytest.approx(1 / 3)
    assert recall_at(["c", "b", "a"], {"a": 1, "b": 1, "c": 2}) == 1.0
    assert recall_at(["a", "b"], {"a": 1, "b": 1}, k=1) == 0.5
    assert recall_at(["x"], {}) == 0.0


def test_paired_bootstrap_constant_and_seeded() -> None:
    assert paired_bootstrap([1.0, 0.5, 0.0], [0.5, 0.0, -0.5]) == pytest.approx((0.5, 0.5, 0.5))
    a, b = [1.0, 0.0, 1.0, 0.5, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0, 0.5, 0.0]
    diff, low, high = paired_bootstrap(a, b)
    assert diff == pytest.approx(2 / 6)  # mean of 1, 0, 0, 0.5, -0.5, 1
    assert low < diff < high
    assert paired_bootstrap(a, b) == (diff, low, high)  # fixed seed: the same interval
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap([1.0], [1.0, 0.0])


def _doc(title: str, description: str = "", section: str = "") -> Doc:
    fields = dict.fromkeys(("description", "tags", "org", "authors", "venue", "sections"), "")
    fields.update(title=title, description=description, sections=section)
    return Doc(title, None, title, fields, (section,) if section else ())


def test_vocabulary_rule_grades_title_over_description_and_section() -> None:
    ctr = compile_pattern(next(a for n, _f, a in CONCEPTS if n == "ctr"))
    assert grade(ctr, _doc("Deep Interest Network for Click-Through Rate Prediction")) == 2
    assert grade(ctr, _doc("Ads ranking", description="improves CTR by 3%")) == 1
    assert grade(ctr, _doc("Ads ranking", section="Ads Ctr Prediction")) == 1
    assert grade(ctr, _doc("Electricity tariffs")) == 0  # "ctr" only inside a word


def test_vocabulary_rule_forms() -> None:
    def matches(concept: str, text: str) -> bool:
        alternatives = next(a for n, _f, a in CONCEPTS if n == concept)
        return compile_pattern(alternatives).search(text) is not None

    assert matches("ab-test", "Lessons from A/B testing at scale")
    assert matches("ab-test", "Under the Hood of Uber's Experimentation Platform")
    assert matches("llm", "Serving large  language models")  # any run of spaces
    assert matches("personal-ise-ize", "Artwork Personalization at Netflix")
    assert matches("personal-ise-ize", "Personalised home feed")
    assert not matches("personal-ise-ize", "Personal finance")
    assert matches("ann", "Approximate nearest neighbour search with HNSW")
    assert not matches("ann", "Annotation tooling")


def _row(qid: str, cls: str, split: str, mlsd: float, fts5: float) -> dict[str, object]:
    row: dict[str, object] = {"id": qid, "class": cls, "split": split, "query": qid}
    for name, value in (("mlsd", mlsd), ("fts5", fts5)):
        row[name] = {"nDCG@10": value, "MRR@10": value, "Recall@10": value, "top": []}
    return row


def test_acceptance_says_which_points_hold() -> None:
    from run import acceptance

    rows = [
        _row("known-item-a", "known-item", "held", 1.0, 1.0),
        _row("known-item-typo-a", "known-item-typo", "held", 0.98, 0.90),
        _row("company-topic-a", "company-topic", "held", 0.9, 1.0),
        _row("vocabulary-a", "vocabulary", "dev", 0.5, 0.9),
    ]
    held = acceptance(rows, ["mlsd", "fts5"], "held")
    assert held[0] == (
        "- held: at least the best baseline in every class: **not met** (company-topic -0.100)"
        " (smallest margin -0.100)"
    )
    assert held[1] == "- held: at least +0.05 in known-item-typo: **met** (+0.080)"
    assert held[2] == "- held: typo class within 0.01 of the clean one: **not met** (-0.020)"
    assert any(
        "vocabulary: **not met** (-0.400)" in line
        for line in acceptance(rows, ["mlsd", "fts5"], "all")
    )


def test_write_docs_replaces_only_between_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import run

    search_md, bench_md = tmp_path / "search.md", tmp_path / "benchmarks.md"
    search_md.write_text("a\n<!-- search-eval:start -->\nold\n<!-- search-eval:end -->\nz\n")
    bench_md.write_text("b\n<!-- bench:search-eval:start -->\n<!-- bench:search-eval:end -->\n")
    monkeypatch.setattr(run, "DOCS", {search_md: "search-eval", bench_md: "bench:search-eval"})
    rows = [_row("known-item-a", "known-item", "held", 1.0, 0.5)]
    run.write_docs(rows, ["mlsd", "fts5"], "Run time 1 s.", "python run.py --write")
    text = search_md.read_text()
    assert text.startswith("a\n<!-- search-eval:start -->\n") and text.endswith("end -->\nz\n")
    assert (
        "old" not in text
        and "Run time 1 s." in text
        and "| known-item | 1 | 1.000 | 0.500 |" in text
    )
    assert "+0.500" in bench_md.read_text()
