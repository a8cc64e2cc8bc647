"""Run mlsd and the baselines over the search evaluation set; print the tables (README.md).

    python benchmarks/search_eval/run.py                    # every query, one run
    python benchmarks/search_eval/run.py --quick            # every 5th query of each class
    python benchmarks/search_eval/run.py --limit 10 --output results.json
    python benchmarks/search_eval/run.py --split dev        # tune on dev only
    python benchmarks/search_eval/run.py --splits           # tables for all, dev and held
    python benchmarks/search_eval/run.py --write            # ...and put them in docs/

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: benchlib

from benchlib import ROOT
from benchlib import write_section
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
#: The files --write updates, each between its two markers.
DOCS = {
    ROOT / "docs" / "search.md": "search-eval",
    ROOT / "docs" / "benchmarks.md": "bench:search-eval",
}
#: Issue 11: mlsd at least this much above the best baseline (nDCG@10) in these classes...
MARGINS = {"vocabulary": 0.05, "known-item-typo": 0.05}
#: ...and the typo class at most this far below the clean known items.
TYPO_COST = 0.01


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
    def __init__(
        self,
        catalogues: dict[str, tuple[Catalogue, Catalogue]],
        jobs: int,
        in_process: bool = False,
    ) -> None:
        self.catalogues = catalogues
        self.jobs = jobs
        #: Rank mlsd through its Python API in this process (the same ranking, much faster).
        self.in_process = in_process
        self.engines: dict[tuple[str, str, bool], Engine] = {}
        self.seconds: dict[str, float] = defaultdict(float)

    def catalogue(self, query: dict[str, Any]) -> Catalogue:
        visible, hidden = self.catalogues[query["list"]]
        return visible if query["sections_searchable"] else hidden

    def engine(self, name: str, query: dict[str, Any]) -> Engine:
        key = (name, query["list"], query["sections_searchable"])
        if key not in self.engines:
            made = "mlsd-api" if name == "mlsd" and self.in_process else name
            self.engines[key] = make(made, self.catalogue(query))
        return self.engines[key]

    def rank(self, name: str, queries: list[dict[str, Any]]) -> list[list[str]]:
        engines = [self.engine(name, q) for q in queries]  # built outside the timing
        start = time.perf_counter()
        jobs = self.jobs if name == "mlsd" and not self.in_process else 1
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


def typo_pairs(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(the known item, its typo variant) of every known item with one among ``rows``."""
    by_id = {r["id"]: r for r in rows}
    return [
        (by_id[clean], r)
        for r in rows
        if r["class"] == "known-item-typo"
        and (clean := r["id"].replace("known-item-typo-", "known-item-", 1)) in by_id
    ]


def typo_cost(rows: list[dict[str, Any]], names: list[str]) -> str:
    """nDCG@10 of the known items with a typo variant, clean and with the typo, paired."""
    pairs = typo_pairs(rows)
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


def ndcg(rows: list[dict[str, Any]], cls: str, name: str) -> float:
    return mean([r[name]["nDCG@10"] for r in rows if r["class"] == cls])


def acceptance(rows: list[dict[str, Any]], names: list[str], split: str) -> list[str]:
    """Issue 11's acceptance on nDCG@10, one line per point, for ``split``."""
    part = [r for r in rows if split in ("all", r["split"])]
    baselines = [n for n in names if n in BASELINES]
    classes = [c for c in CLASS_ORDER if any(r["class"] == c for r in part)]
    gaps = {c: ndcg(part, c, "mlsd") - max(ndcg(part, c, b) for b in baselines) for c in classes}
    behind = [f"{c} {gaps[c]:+.3f}" for c in classes if gaps[c] < 0]
    lines = [
        "at least the best baseline in every class: "
        + (f"**not met** ({', '.join(behind)})" if behind else "**met**")
        + f" (smallest margin {min(gaps.values()):+.3f})"
    ]
    for cls, margin in MARGINS.items():
        if cls in gaps:
            verdict = "met" if gaps[cls] >= margin else "not met"
            lines.append(f"at least {margin:+.2f} in {cls}: **{verdict}** ({gaps[cls]:+.3f})")
    pairs = typo_pairs(part)
    if pairs:
        cost = mean([t["mlsd"]["nDCG@10"] - c["mlsd"]["nDCG@10"] for c, t in pairs])
        verdict = "met" if cost >= -TYPO_COST else "not met"
        lines.append(f"typo class within {TYPO_COST} of the clean one: **{verdict}** ({cost:+.3f})")
    return [f"- {split}: {line}" for line in lines]


def report(rows: list[dict[str, Any]], names: list[str], splits: tuple[str, ...]) -> str:
    """The tables of every split (all three metrics), as printed and as --write writes them."""
    out = []
    for split in splits:
        part = [r for r in rows if split in ("all", r["split"])]
        if len(splits) > 1:
            out.append(f"#### {split} ({len(part)} queries)\n")
        out += [table(part, metric, names) + "\n" for metric in METRICS]
    return "\n".join(out)


def write_docs(rows: list[dict[str, Any]], names: list[str], tail: str, command: str) -> None:
    """Put the figures of this run between the markers of docs/search.md and docs/benchmarks.md."""
    verdicts = "\n".join(acceptance(rows, names, "held") + acceptance(rows, names, "all"))
    head = f"Figures of one run of every engine over {len(rows)} queries, the command\n\n    {command}\n"
    held = [r for r in rows if r["split"] == "held"]
    texts = {
        "search-eval": f"{head}\nAcceptance (issue 11, nDCG@10):\n\n{verdicts}\n\n"
        + report(rows, names, SPLITS)
        + f"\n{tail}",
        "bench:search-eval": f"{head}\nAll {len(rows)} queries:\n\n"
        + table(rows, "nDCG@10", names)
        + f"\n\nHeld half ({len(held)} queries; the weights were tuned on the other half):\n\n"
        + table(held, "nDCG@10", names)
        + f"\n\nAcceptance (issue 11, nDCG@10):\n\n{verdicts}",
    }
    for path, marker in DOCS.items():
        write_section(texts[marker], marker, path)


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
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="rank mlsd through its Python API, not one process a query (same ranking; tuning)",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="put the figures in docs/search.md and docs/benchmarks.md (a full run of every "
        "engine only)",
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N worst queries a class")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown or args.jobs < 1 or (args.limit is not None and args.limit < 1):
        problem = f"unknown engine {unknown[0]!r} (valid: {', '.join(ENGINES)})" if unknown else ""
        raise SystemExit(f"error: {problem or '--jobs and --limit must be 1 or more'}")
    if args.write and (
        args.quick or args.limit or args.split != "all" or set(names) != set(ENGINES)
    ):
        raise SystemExit(
            "error: --write needs a full run: no --quick, --limit, --split or --engines"
        )
    started = time.perf_counter()
    queries = load(args.set, args.quick, args.limit, args.split)
    with tempfile.TemporaryDirectory(prefix="mlsd-search-eval-") as tmp:
        catalogues = build_all(Path(tmp), sorted({q["list"] for q in queries}))
        built = time.perf_counter() - started
        runner = Runner(catalogues, args.jobs, args.in_process)
        rows = score(queries, runner, names)
    total = time.perf_counter() - started
    print(f"{len(queries)} queries over {len(catalogues)} lists; top {K}\n")
    print(report(rows, names, SPLITS if args.splits or args.write else (args.split,)))
    cost = typo_cost(rows, names)
    timings = ", ".join(f"{n} {runner.seconds[n]:.1f} s" for n in names)
    mode = " (mlsd in this process)" if args.in_process else ""
    run_time = f"Run time {total:.0f} s: catalogues {built:.0f} s; searching{mode}: {timings}."
    tail = (cost + "\n\n" if cost else "") + run_time
    print(tail)
    if args.write:
        command = "python benchmarks/search_eval/run.py --write" + (
            " --in-process" if args.in_process else ""
        )
        write_docs(rows, names, tail, command)
    if args.worst > 0 and "mlsd" in names and set(names) & set(BASELINES):
        print("\n" + worst(rows, names, args.worst))
    if args.output:
        args.output.write_text(
            json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
