"""Run mlsd and the baselines over the search evaluation set; print the tables (README.md).

    python benchmarks/search_eval/run.py                    # every query, one run
    python benchmarks/search_eval/run.py --quick            # every 5th query of each class
    python benchmarks/search_eval/run.py --limit 10 --output results.json
    python benchmarks/search_eval/run.py --split dev        # tune on dev only
    python benchmarks/search_eval/run.py --splits           # tables for all, dev and held

Tuning honesty: every query is in one of two halves by the SHA-1 of its id (:func:`split_of`);
weights and vocabulary are tuned looking at ``dev`` only, and ``held`` is what is reported.

Every engine ranks the same catalogues (built through the mlsd CLI from the same lists) over the
same fields. Per class: nDCG@10, MRR@10 and Recall@10 of each engine, and the difference mlsd -
best baseline with a paired bootstrap 95% interval (10,000 resamples, seed 11).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from build_set import CLASS_ORDER
from build_set import OUT
from catalogues import Catalogue
from catalogues import build_all
from catalogues import doc_key
from engines import BASELINES
from engines import ENGINES
from engines import Engine
from engines import make
from search_metrics import METRICS
from search_metrics import mean
from search_metrics import paired_bootstrap

K = 10


SPLITS = ("all", "dev", "held")


def split_of(query: dict[str, Any]) -> str:
    """'dev' or 'held': the half of the set a query is in (even or odd first byte of a SHA-1).

    Paired queries share a half (a topic and its hidden-sections twin, a known item and its
    typo variant), and so do all the queries of one vocabulary concept, on every list: what is
    tuned on a dev concept never shows in a held one.
    """
    source = str(query.get("source", ""))
    if query["class"] == "vocabulary":
        key = source
    else:
        key = query["id"].replace("topic-hidden-", "topic-", 1)
        key = key.replace("known-item-typo-", "known-item-", 1)
    return "dev" if hashlib.sha1(key.encode("utf-8")).digest()[0] % 2 == 0 else "held"


def load(path: Path, quick: bool, limit: int | None, split: str = "all") -> list[dict[str, Any]]:
    if not path.exists():
        raise SystemExit(
            f"error: {path} not found; build it with benchmarks/search_eval/build_set.py"
        )
    queries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in queries:
        if split == "all" or split_of(q) == split:
            by_class[q["class"]].append(q)
    chosen = []
    for cls in CLASS_ORDER:
        subset = by_class[cls][::5] if quick else by_class[cls]
        chosen.extend(subset[:limit] if limit is not None else subset)
    return chosen


def grades_of(query: dict[str, Any], catalogue: Catalogue) -> dict[str, int]:
    grades = {doc_key(r["url"], r["title"]): r["grade"] for r in query["relevant"]}
    missing = set(grades) - {d.key for d in catalogue.docs}
    if missing:
        raise SystemExit(
            f"error: {query['id']}: relevant document {sorted(missing)[0]!r} is not in the "
            "catalogue; the set is out of date: rebuild it with build_set.py"
        )
    return grades


class Runner:
    def __init__(self, catalogues: dict[str, tuple[Catalogue, Catalogue]], jobs: int) -> None:
        self.catalogues = catalogues
        self.jobs = jobs
        self.engines: dict[tuple[str, str, bool], Engine] = {}
        self.seconds: dict[str, float] = defaultdict(float)

    def catalogue(self, query: dict[str, Any]) -> Catalogue:
        visible, hidden = self.catalogues[query["list"]]
        return visible if query["sections_searchable"] else hidden

    def engine(self, name: str, query: dict[str, Any]) -> Engine:
        key = (name, query["list"], query["sections_searchable"])
        if key not in self.engines:
            self.engines[key] = make(name, self.catalogue(query))
        return self.engines[key]

    def rank(self, name: str, queries: list[dict[str, Any]]) -> list[list[str]]:
        engines = [self.engine(name, q) for q in queries]  # built outside the timing
        start = time.perf_counter()
        jobs = self.jobs if name == "mlsd" else 1
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            pairs = zip(engines, queries, strict=True)
            ranked = list(pool.map(lambda eq: eq[0].search(eq[1]["query"], K), pairs))
        self.seconds[name] += time.perf_counter() - start
        return ranked


def score(queries: list[dict[str, Any]], runner: Runner, names: list[str]) -> list[dict[str, Any]]:
    ranked = {name: runner.rank(name, queries) for name in names}
    rows = []
    for i, q in enumerate(queries):
        grades = grades_of(q, runner.catalogue(q))
        row: dict[str, Any] = {"id": q["id"], "class": q["class"], "query": q["query"]}
        row["split"] = split_of(q)
        for name in names:
            row[name] = {m: f(ranked[name][i], grades, K) for m, f in METRICS.items()}
            row[name]["top"] = ranked[name][i]
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]], metric: str, names: list[str]) -> str:
    baselines = [n for n in names if n in BASELINES]
    head = ["class", "n", *names]
    if "mlsd" in names and baselines:
        head += ["best baseline", "mlsd - best (95% CI)"]
    lines = [f"**{metric}**", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for cls in CLASS_ORDER:
        of_class = [r for r in rows if r["class"] == cls]
        if not of_class:
            continue
        values = {n: [r[n][metric] for r in of_class] for n in names}
        cells = [cls, str(len(of_class)), *(f"{mean(values[n]):.3f}" for n in names)]
        if "mlsd" in names and baselines:
            best = max(baselines, key=lambda n: (mean(values[n]), -baselines.index(n)))
            diff, low, high = paired_bootstrap(values["mlsd"], values[best])
            cells += [best, f"{diff:+.3f} [{low:+.3f}, {high:+.3f}]"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def typo_cost(rows: list[dict[str, Any]], names: list[str]) -> str:
    """nDCG@10 of the known items with a typo variant, clean and with the typo, paired."""
    by_id = {r["id"]: r for r in rows}
    pairs = [
        (by_id[clean], r)
        for r in rows
        if r["class"] == "known-item-typo"
        and (clean := r["id"].replace("known-item-typo-", "known-item-", 1)) in by_id
    ]
    if not pairs:
        return ""
    cells = []
    for n in names:
        clean = mean([c[n]["nDCG@10"] for c, _t in pairs])
        typo = mean([t[n]["nDCG@10"] for _c, t in pairs])
        cells.append(f"{n} {clean:.3f} -> {typo:.3f} ({typo - clean:+.3f})")
    return f"Typo cost, nDCG@10 of the {len(pairs)} paired known items: " + "; ".join(cells) + "."


def worst(rows: list[dict[str, Any]], names: list[str], n: int) -> str:
    """Per class, the n queries where mlsd's nDCG@10 is furthest below the best baseline's."""
    baselines = [b for b in names if b in BASELINES]
    lines = [
        f"Queries where mlsd trails the best baseline most (nDCG@10, at most {n} a class):",
        "",
    ]
    for cls in CLASS_ORDER:
        gaps = []
        for r in (r for r in rows if r["class"] == cls):
            best = max(r[b]["nDCG@10"] for b in baselines)
            if r["mlsd"]["nDCG@10"] < best:
                gaps.append((r["mlsd"]["nDCG@10"] - best, r["id"], r["query"], best))
        for gap, qid, query, best in sorted(gaps)[:n]:
            lines.append(
                f"- {cls} {qid} {query!r}: mlsd {best + gap:.3f}, best baseline {best:.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=OUT, help="the evaluation set (JSON lines)")
    parser.add_argument("--quick", action="store_true", help="every 5th query of each class")
    parser.add_argument("--limit", type=int, help="at most N queries of each class")
    parser.add_argument("--jobs", type=int, default=1, help="mlsd processes run at once")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines")
    parser.add_argument("--output", type=Path, help="also write per-query results (JSON)")
    parser.add_argument("--split", choices=SPLITS, default="all", help="only this half")
    parser.add_argument(
        "--splits", action="store_true", help="print the tables of all, dev and held (one run)"
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N worst queries a class")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown or args.jobs < 1 or (args.limit is not None and args.limit < 1):
        problem = f"unknown engine {unknown[0]!r} (valid: {', '.join(ENGINES)})" if unknown else ""
        raise SystemExit(f"error: {problem or '--jobs and --limit must be 1 or more'}")
    started = time.perf_counter()
    queries = load(args.set, args.quick, args.limit, args.split)
    with tempfile.TemporaryDirectory(prefix="mlsd-search-eval-") as tmp:
        catalogues = build_all(Path(tmp), sorted({q["list"] for q in queries}))
        built = time.perf_counter() - started
        runner = Runner(catalogues, args.jobs)
        rows = score(queries, runner, names)
    total = time.perf_counter() - started
    print(f"{len(queries)} queries over {len(catalogues)} lists; top {K}\n")
    for split in SPLITS if args.splits else (args.split,):
        part = [r for r in rows if split in ("all", r["split"])]
        if args.splits:
            print(f"### {split} ({len(part)} queries)\n")
        for metric in METRICS:
            print(table(part, metric, names) + "\n")
    cost = typo_cost(rows, names)
    if cost:
        print(cost + "\n")
    timings = ", ".join(f"{n} {runner.seconds[n]:.1f} s" for n in names)
    print(f"Run time {total:.0f} s: catalogues {built:.0f} s; searching: {timings}.")
    if args.worst > 0 and "mlsd" in names and set(names) & set(BASELINES):
        print("\n" + worst(rows, names, args.worst))
    if args.output:
        args.output.write_text(
            json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
