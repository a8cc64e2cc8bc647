"""Ranking metrics of the search evaluation, and the paired bootstrap of a difference.

``ranked`` is an engine's result list (document keys, best first); ``grades`` maps every
relevant document's key to its grade (1 or more); anything not in it is not relevant.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from collections.abc import Sequence


def _dcg(gains: Sequence[int]) -> float:
    return sum((2.0**g - 1) / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k: gain 2^grade - 1, discount log2(rank + 1), ideal = the grades sorted."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg([grades.get(key, 0) for key in ranked[:k]]) / ideal


def mrr_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first relevant result in the top k; 0 when there is none."""
    for rank, key in enumerate(ranked[:k], start=1):
        if grades.get(key, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """The share of the relevant documents found in the top k."""
    relevant = {key for key, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


METRICS = {"nDCG@10": ndcg_at, "MRR@10": mrr_at, "Recall@10": recall_at}


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def paired_bootstrap(
    a: Sequence[float], b: Sequence[float], resamples: int = 10_000, seed: int = 11
) -> tuple[float, float, float]:
    """mean(a - b) and its 95% percentile interval, resampling the paired queries."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} and {len(b)}")
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    if not diffs:
        return 0.0, 0.0, 0.0
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(rng.choices(diffs, k=n)) / n for _ in range(resamples))
    low, high = means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]
    return mean(diffs), low, high
