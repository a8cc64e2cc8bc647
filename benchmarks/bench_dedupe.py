"""Duplicate detection: the scorer choice, catalogue-wide dedupe at 1k/10k/100k, add's check.

    python benchmarks/bench_dedupe.py                  # everything, prints a markdown report
    python benchmarks/bench_dedupe.py --update-docs    # ...and writes it into the docs
    python benchmarks/bench_dedupe.py --pairs-only     # only the scorer/threshold table
    python benchmarks/bench_dedupe.py --before DIR     # also the whole process of another tree

Parts:

1. **Scorers** (``docs/matching.md``): precision and recall of rapidfuzz scorers and
   thresholds on the labelled pairs of ``tests/data/title_pairs.tsv``, titles normalised,
   with and without the "numbers must agree" rule.
2. **Dedupe** (``docs/benchmarks.md``): ``find_duplicate_groups`` on generated catalogues of
   1k, 10k and 100k entries with planted duplicates (``benchmarks/generate.py``), timed after
   the load, index build included; CPU time beside wall time (the machines are shared). Recall
   of the planted pairs everywhere, and at 10k recall against brute force: every pair
   through the same rules (``benchmarks/dedupe_reference.py``: rapidfuzz over all pairs of
   core titles, identity keys, slugs, tool evidence), then connected components.
3. **Whole process**: ``mlsd dedupe --json`` on the 10k and 100k files beside ``python -c
   pass`` in the same run (ratios).
4. **add's check**: ``find_duplicates_of`` against the 100k catalogue, the index built once.
5. **Quality** in the same run: pair precision and recall per kind on the labelled pairs of
   ``tests/data/dedupe_labels.tsv`` (held and dev parts, ``bench_dedupe_labels.py``'s table),
   and the targets: the 100k scan under 10 s, ``mlsd dedupe`` of 100k under 5 s whole process,
   add's check under 5 ms once the index is built.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchlib import OUT
from benchlib import ROOT
from benchlib import LoadAverage
from benchlib import best_warm
from benchlib import child_env
from benchlib import machine
from benchlib import python_pass
from benchlib import script_parser
from benchlib import source_trees
from benchlib import write_section

PAIRS = ROOT / "tests" / "data" / "title_pairs.tsv"
MATCHING_DOC = ROOT / "docs" / "matching.md"
sys.path.insert(0, str(ROOT / "src"))

from generate import generate  # noqa: E402

from mlsd_cli.catalogue import store  # noqa: E402
from mlsd_cli.matching.duplicates import DEFAULT_THRESHOLD  # noqa: E402
from mlsd_cli.matching.duplicates import MatchIndex  # noqa: E402
from mlsd_cli.matching.duplicates import find_duplicate_groups  # noqa: E402
from mlsd_cli.matching.duplicates import find_duplicates_of  # noqa: E402
from mlsd_cli.matching.titles import normalize_title  # noqa: E402
from mlsd_cli.matching.titles import title_numbers  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
PLANTED_SHARE = 0.03

# --------------------------------------------------------------------------- 1. scorers


def _labelled() -> list[tuple[bool, str, str]]:
    rows = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, a, b, _category = line.split("\t")
            rows.append((label == "1", normalize_title(a), normalize_title(b)))
    return rows


def scorer_table() -> tuple[str, dict[str, Any]]:
    from rapidfuzz import fuzz

    rows = _labelled()
    scorers: dict[str, Callable[..., float]] = {
        "ratio": fuzz.ratio,
        "token_sort_ratio": fuzz.token_sort_ratio,
        "token_set_ratio": fuzz.token_set_ratio,
        "partial_ratio": fuzz.partial_ratio,
        "WRatio": fuzz.WRatio,
    }
    rules: dict[str, Callable[[str, str], bool]] = {
        "numbers must agree": lambda a, b: title_numbers(a) == title_numbers(b),
        "no number rule": lambda a, b: True,
    }
    results = []
    for rule_name, rule in rules.items():
        for name, scorer in scorers.items():
            scores = [(same, scorer(a, b) if rule(a, b) else 0.0) for same, a, b in rows]
            for threshold in range(70, 101):
                tp = sum(1 for same, s in scores if same and s >= threshold)
                fp = sum(1 for same, s in scores if not same and s >= threshold)
                fn = sum(1 for same, s in scores if same and s < threshold)
                precision = tp / (tp + fp) if tp + fp else 1.0
                recall = tp / (tp + fn)
                f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
                results.append((rule_name, name, threshold, precision, recall, f1, fp, fn))
    positives = sum(same for same, _a, _b in rows)
    lines = [
        f"{len(rows)} labelled pairs ({positives} duplicates, {len(rows) - positives} "
        "different resources). Best threshold (by F1, then precision) per scorer:",
        "",
        "| rule | scorer | threshold | precision | recall | F1 | false pos. | false neg. |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rule_name in rules:
        for name in scorers:
            best = max(
                (r for r in results if r[0] == rule_name and r[1] == name),
                key=lambda r: (round(r[5], 4), r[3], r[2]),
            )
            lines.append(
                f"| {best[0]} | {best[1]} | {best[2]} | {best[3]:.3f} | {best[4]:.3f} | "
                f"{best[5]:.3f} | {best[6]} | {best[7]} |"
            )
    lines += [
        "",
        "The chosen scorer (`ratio`, numbers must agree) around its threshold:",
        "",
        "| threshold | precision | recall | F1 | false pos. | false neg. |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    chosen = {}
    for r in results:
        if r[0] == "numbers must agree" and r[1] == "ratio" and 86 <= r[2] <= 99:
            lines.append(f"| {r[2]} | {r[3]:.3f} | {r[4]:.3f} | {r[5]:.3f} | {r[6]} | {r[7]} |")
            if r[2] == DEFAULT_THRESHOLD:
                chosen = {"precision": r[3], "recall": r[4]}
    return "\n".join(lines), chosen


# --------------------------------------------------------------------------- 2. dedupe


def _catalogue_file(n: int) -> tuple[Path, list[tuple[str, str]]]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"dedupe-{n}.toml"
    catalogue, planted = generate(n, seed=1, duplicates=int(n * PLANTED_SHARE))
    text = store.dumps(catalogue)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path, planted


def _timed(func: Callable[[], Any]) -> tuple[Any, float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _planted_recall(groups: list[Any], planted: list[tuple[str, str]]) -> float:
    group_of = {rid: k for k, g in enumerate(groups) for rid in g.ids}
    found = sum(1 for a, b in planted if a in group_of and group_of[a] == group_of.get(b))
    return found / len(planted) if planted else 1.0


def _brute_force_components(catalogue: Any) -> tuple[set[tuple[str, ...]], int, float]:
    """Connected components of all pairs matched by comparing every pair against the rules
    (``benchmarks/dedupe_reference.py``: rapidfuzz's loop over all titles, no blocking)."""
    import dedupe_reference

    start = time.perf_counter()
    pairs = dedupe_reference.all_pairs(catalogue)
    roots = dedupe_reference.components(len(catalogue.resources), pairs)
    members: dict[int, list[str]] = {}
    for i, r in enumerate(catalogue.resources):
        members.setdefault(roots[i], []).append(r.id)
    found = {tuple(m) for m in members.values() if len(m) > 1}
    return found, len(pairs), time.perf_counter() - start


def _pairs_inside(groups: set[tuple[str, ...]]) -> set[tuple[str, str]]:
    out = set()
    for g in groups:
        for x, a in enumerate(g):
            for b in g[x + 1 :]:
                out.add((a, b) if a < b else (b, a))
    return out


def dedupe_runs() -> tuple[list[str], dict[int | str, Any]]:
    lines = [
        "| entries | planted pairs | groups found | planted found | `find_duplicate_groups` "
        "wall | CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    facts: dict[int | str, Any] = {}  # size -> scan figures; "brute" -> brute force
    for n in SIZES:
        path, planted = _catalogue_file(n)
        catalogue = store.load(path)
        runs = 3 if n < 100_000 else 2
        walls, cpus = [], []
        groups: list[Any] = []
        for _ in range(runs):
            fresh = store.load(path)  # a fresh object: no cached index
            groups, wall, cpu = _timed(partial(find_duplicate_groups, fresh))
            walls.append(wall)
            cpus.append(cpu)
        recall = _planted_recall(groups, planted)
        facts[n] = {"wall": min(walls), "cpu": min(cpus), "groups": len(groups), "recall": recall}
        lines.append(
            f"| {n:,} | {len(planted):,} | {len(groups):,} | {recall:.1%} | "
            f"{min(walls):.2f} s | {min(cpus):.2f} s |"
        )
        if n == 10_000:
            brute, brute_pairs, brute_time = _brute_force_components(catalogue)
            ours = {g.ids for g in groups}
            brute_pair_set = _pairs_inside(brute)
            our_pair_set = _pairs_inside(ours)
            missed = len(brute_pair_set - our_pair_set)
            facts["brute"] = {
                "groups": len(brute),
                "same_groups": brute == ours,
                "pair_recall": 1 - missed / len(brute_pair_set) if brute_pair_set else 1.0,
                "extra": len(our_pair_set - brute_pair_set),
                "time": brute_time,
                "pairs": brute_pairs,
            }
    return lines, facts


# --------------------------------------------------------------------------- 3. process


def process_runs(trees: dict[str, Path]) -> tuple[list[str], dict[int, float]]:
    """``mlsd dedupe --json`` of 10k and 100k, each tree's best of 3 after a run that fills
    its load cache (exit 1: groups found); the last tree's times are the ones judged."""
    lines = [
        "| command | wall (best of 3) | x `python -c pass` |",
        "| --- | ---: | ---: |",
    ]
    baseline = min(python_pass(5))
    lines.append(f"| `python -c pass` | {baseline * 1000:.0f} ms | 1.0 |")
    took_of: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="mlsd-bench-dedupe-") as tmp:
        for n in (10_000, 100_000):
            path = OUT / f"dedupe-{n}.toml"
            args = [sys.executable, "-m", "mlsd_cli", "dedupe", "--json", "-c", str(path)]
            for tree, src in trees.items():
                env = child_env(Path(tmp) / f"cache-{tree}", src)
                took = took_of[n] = best_warm(args, env, 3, ok=(0, 1))
                label = "load cached" if len(trees) == 1 else f"load cached, {tree}"
                lines.append(
                    f"| `mlsd dedupe --json -c dedupe-{n // 1000}k.toml` ({label}) | "
                    f"{took:.2f} s | {took / baseline:.0f} |"
                )
    return lines, took_of


def quality() -> list[str]:
    """The labelled pairs' precision and recall per kind (held, then dev), in this run."""
    from bench_dedupe_labels import SPLITS
    from bench_dedupe_labels import predicted_in_process
    from bench_dedupe_labels import read_labels
    from bench_dedupe_labels import table

    pairs = read_labels()
    found = predicted_in_process(pairs)
    out = [
        f"Quality in the same run, `find_duplicate_groups` at its defaults on the {len(pairs)} "
        "labelled pairs of `tests/data/dedupe_labels.tsv` (`benchmarks/bench_dedupe_labels.py`"
        "'s table; rules and split in `tests/data/dedupe_labels.md`):",
    ]
    for split in SPLITS:
        out += ["", f"**{split} part**", "", *table(pairs, found, split)]
    return out


def targets(
    facts: dict[int | str, Any], took_of: dict[int, float], add: dict[str, Any]
) -> list[str]:
    scan, whole, check = facts[100_000], took_of[100_000], add["median"]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**MISSED**"

    return [
        f"- The 100k scan (`find_duplicate_groups`, index build included): {scan['wall']:.2f} s "
        f"wall, {scan['cpu']:.2f} s CPU; target under 10 s: {verdict(scan['wall'] < 10)}.",
        f"- `mlsd dedupe --json` of 100k, whole process: {whole:.2f} s; target under 5 s: "
        f"{verdict(whole < 5)}.",
        f"- add's check against 100k, index built: {check * 1000:.1f} ms (median of 200); target "
        f"under 5 ms: {verdict(check < 0.005)}.",
    ]


# --------------------------------------------------------------------------- 4. add's check


def add_check() -> tuple[list[str], dict[str, Any]]:
    path = OUT / "dedupe-100000.toml"
    catalogue = store.load(path)
    rng = random.Random(3)
    index, build_wall, build_cpu = _timed(lambda: MatchIndex(catalogue.resources))
    queries = []
    for _ in range(200):
        r = catalogue.resources[rng.randrange(len(catalogue.resources))]
        title = r.title if rng.random() < 0.5 else r.title.replace("e", "", 1) + " (video)"
        url = r.url if rng.random() < 0.5 else f"https://new.example.org/post-{rng.random()}"
        queries.append((url, title))
    times = []
    found = 0
    for url, title in queries:
        start = time.perf_counter()
        found += bool(find_duplicates_of(catalogue, url=url, title=title, index=index))
        times.append(time.perf_counter() - start)
    times.sort()
    # What `mlsd add` pays: the first call on a freshly loaded catalogue builds the index.
    fresh = store.load(path)
    _, first_wall, _ = _timed(
        lambda: find_duplicates_of(fresh, url=queries[0][0], title=queries[0][1])
    )
    _, second_wall, _ = _timed(
        lambda: find_duplicates_of(fresh, url=queries[1][0], title=queries[1][1])
    )
    facts = {
        "median": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "build_wall": build_wall,
        "build_cpu": build_cpu,
        "first": first_wall,
        "second": second_wall,
        "found": found,
    }
    lines = [
        "| `find_duplicates_of` against 100,000 entries | time |",
        "| --- | ---: |",
        f"| one check, index prepared (median of 200) | {facts['median'] * 1000:.1f} ms |",
        f"| one check, index prepared (95th percentile / max) | {facts['p95'] * 1000:.1f} / "
        f"{facts['max'] * 1000:.1f} ms |",
        f"| building the index (once per loaded catalogue; wall / CPU) | {build_wall:.2f} s / "
        f"{build_cpu:.2f} s |",
        f"| first check on a freshly loaded catalogue (builds the index) | {first_wall:.2f} s |",
        f"| second check on it (cached index, validity check included) | "
        f"{second_wall * 1000:.1f} ms |",
    ]
    return lines, facts


# --------------------------------------------------------------------------- the report


def main() -> None:
    parser = script_parser(__doc__, before=True)
    parser.add_argument("--pairs-only", action="store_true")
    args = parser.parse_args()

    table, chosen = scorer_table()
    pairs_report = (
        "Produced by `python benchmarks/bench_dedupe.py --pairs-only` (deterministic).\n\n" + table
    )
    print(pairs_report)
    if args.write:
        write_section(pairs_report, "bench:pairs", MATCHING_DOC)
    if args.pairs_only:
        return

    load = LoadAverage()
    dedupe_lines, facts = dedupe_runs()
    process_lines, took_of = process_runs(source_trees(args.before))
    add_lines, add_facts = add_check()
    quality_lines = quality()
    load.stop()
    brute = facts["brute"]
    command = "python benchmarks/bench_dedupe.py --update-docs"
    command += f" --before {args.before}" if args.before else ""
    body = "\n".join(
        [
            "### Dedupe and add's duplicate check",
            "",
            f"Produced by `{command}` on {machine(load)}. Catalogues from "
            "`benchmarks/generate.py N out.toml --duplicates 0.03N --seed 1`; times are "
            "after the load and include building the match index (identity keys, slugs, "
            "tools' project names, core and main titles); best of 3 runs (2 at 100k). CPU time is given because "
            "the machine is shared: wall time grows with the load, CPU time much less.",
            "",
            *dedupe_lines,
            "",
            f"**Target: a 100k catalogue scanned in under 10 s.** CPU time "
            f"{facts[100_000]['cpu']:.1f} s; the scan runs on one core, so on an idle machine "
            f"the wall time is about the CPU time. Wall time in this run: "
            f"{facts[100_000]['wall']:.1f} s ({'under' if facts[100_000]['wall'] < 10 else 'over'}"
            " the target at this load). At 10k the scan took "
            f"{facts[10_000]['wall']:.2f} s against {brute['time']:.1f} s for the brute force "
            f"below, {brute['time'] / facts[10_000]['wall']:.0f} times less.",
            "",
            "**Recall against brute force at 10k**: every one of the "
            f"{10_000 * 9_999 // 2:,} pairs through the same rules "
            "(`benchmarks/dedupe_reference.py`: rapidfuzz `ratio` over all core titles, "
            f"threshold {DEFAULT_THRESHOLD:g}, numbers must agree, `may_share_title`; identity "
            "keys, slugs, url-less titles, tool evidence) found "
            f"{brute['pairs']:,} matched pairs in {brute['groups']:,} groups "
            f"({brute['time']:.1f} s wall). `find_duplicate_groups` found "
            f"{'exactly the same groups' if brute['same_groups'] else 'different groups'}: "
            f"pair recall {brute['pair_recall']:.1%}, {brute['extra']} pairs it has that "
            "brute force has not. The generated titles come from a small vocabulary, so many "
            'different entries share a title ("Scaling fraud detection at scale"): most '
            "groups are such look-alikes, not the planted pairs; the planted recall column "
            "counts the planted pairs found in one group.",
            "",
            "Whole process, including start-up and the (cached) load, beside `python -c pass` "
            "in the same run:",
            "",
            *process_lines,
            "",
            "add's duplicate check (`find_duplicates_of`: identity key, slug and project-name "
            "look-ups, then rapidfuzz `ratio` over the distinct core titles that carry the same "
            "numbers, filtered by `may_share_title`) against the 100k catalogue; target under 0.3 s of matching. "
            f"{add_facts['found']} of 200 queries (half re-typed titles, half new URLs) found "
            "a candidate.",
            "",
            *add_lines,
            "",
            "Targets (issues 10 and 13):",
            "",
            *targets(facts, took_of, add_facts),
            "",
            *quality_lines,
        ]
    )
    print()
    print(body)
    if args.write:
        write_section(body, "bench:dedupe")
    if chosen:
        print(f"\nchosen settings: {chosen}", file=sys.stderr)


if __name__ == "__main__":
    main()
