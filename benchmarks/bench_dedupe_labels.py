"""The current matcher on the labelled duplicate pairs of real, overlapping lists (issue 10).

    python benchmarks/bench_dedupe_labels.py                 # markdown report, default threshold
    python benchmarks/bench_dedupe_labels.py --threshold 90
    python benchmarks/bench_dedupe_labels.py --misses        # ...and list every miss
    python benchmarks/bench_dedupe_labels.py --min-tier same # identity evidence only
    python benchmarks/bench_dedupe_labels.py --json          # the figures as JSON
    python benchmarks/bench_dedupe_labels.py --sweep 85,90,95,98   # one run per threshold

Reads ``tests/data/dedupe_labels.tsv`` (rules in ``tests/data/dedupe_labels.md``), writes one
catalogue holding every labelled entry (named by URL, or by title when url-less) in the
catalogue format of ``docs/catalogue.md``, runs ``mlsd dedupe --json -c CAT`` once through the
CLI, and counts a labelled pair as *predicted* when both entries are in one reported group.
Only ``same`` counts as a duplicate: ``related`` and ``different`` pairs are negatives. Pair
precision, recall and F1, overall and per kind, on the held part (where figures are reported)
and on the dev part (where thresholds and rules may be chosen), plus the misses by failure class.
Deterministic; it is not a timing benchmark.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from dedupe_candidates import entry_name  # noqa: E402

LABELS = ROOT / "tests" / "data" / "dedupe_labels.tsv"
KINDS = ("blog", "paper", "talk", "book", "tool")
SPLITS = ("held", "dev")
CATALOGUE_KIND = {"blog": "blog", "paper": "paper", "talk": "talk", "book": "book", "tool": "other"}


@dataclass(frozen=True)
class Pair:
    key: str
    kind: str
    label: str
    failure_class: str
    split: str
    source: str
    a: tuple[str, str]  # (url, title); url "" when url-less
    b: tuple[str, str]


def read_labels(path: Path = LABELS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Pair(
            r["pair_key"],
            r["kind"],
            r["label"],
            r["failure_class"],
            r["split"],
            r["source"],
            (r["url_a"], r["title_a"]),
            (r["url_b"], r["title_b"]),
        )
        for r in rows
    ]


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def catalogue_text(pairs: list[Pair]) -> tuple[str, dict[str, str]]:
    """A catalogue holding every labelled entry once; and the id given to each entry name."""
    entries: dict[str, tuple[str, str, str]] = {}
    for p in pairs:
        for url, title in (p.a, p.b):
            name = entry_name(url or None, title)
            entries.setdefault(name, (url, title, CATALOGUE_KIND[p.kind]))
    lines = [
        "[catalogue]",
        "format = 1",
        'title = "Labelled duplicate pairs"',
        "",
        "[[sections]]",
        'id = "labelled"',
        'title = "Labelled"',
    ]
    ids: dict[str, str] = {}
    for n, name in enumerate(sorted(entries)):
        url, title, kind = entries[name]
        ids[name] = f"e{n:04d}"
        lines += ["", "[[resources]]", f'id = "{ids[name]}"', f"title = {_toml_string(title)}"]
        if url:
            lines.append(f"url = {_toml_string(url)}")
        lines += [f'kind = "{kind}"', 'sections = ["labelled"]']
    return "\n".join(lines) + "\n", ids


def predicted_in_process(
    pairs: list[Pair], threshold: float | None = None, min_tier: str | None = None
) -> set[frozenset[str]]:
    """What :func:`predicted_pairs` gives, through the library (no subprocess): the catalogue
    of :func:`catalogue_text`, parsed, and ``find_duplicate_groups`` on it."""
    import tomllib

    from mlsd_cli.catalogue.schema import catalogue_from_dict
    from mlsd_cli.matching.duplicates import POSSIBLE_TIER
    from mlsd_cli.matching.duplicates import find_duplicate_groups

    text, ids = catalogue_text(pairs)
    name_of = {i: name for name, i in ids.items()}
    cat = catalogue_from_dict(tomllib.loads(text))
    groups = find_duplicate_groups(cat, threshold=threshold, min_tier=min_tier or POSSIBLE_TIER)
    found: set[frozenset[str]] = set()
    for group in groups:
        names = [name_of[i] for i in group.ids]
        found.update(frozenset((x, y)) for n, x in enumerate(names) for y in names[n + 1 :])
    return found


def predicted_pairs(
    pairs: list[Pair], threshold: float | None, min_tier: str | None = None
) -> set[frozenset[str]]:
    """Entry-name pairs that ``mlsd dedupe`` puts in one group."""
    text, ids = catalogue_text(pairs)
    name_of = {i: name for name, i in ids.items()}
    with tempfile.TemporaryDirectory(prefix="mlsd-labels-") as tmp:
        cat = Path(tmp) / "labelled.toml"
        cat.write_text(text, encoding="utf-8")
        args = [sys.executable, "-m", "mlsd_cli", "dedupe", "--json", "-c", str(cat)]
        if threshold is not None:
            args += ["--threshold", str(threshold)]
        if min_tier is not None:
            args += ["--min-tier", min_tier]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mlsd dedupe failed ({proc.returncode}): {proc.stderr}")
    found: set[frozenset[str]] = set()
    for group in json.loads(proc.stdout or "[]"):
        names = [name_of[i] for i in group["ids"]]
        found.update(frozenset((x, y)) for n, x in enumerate(names) for y in names[n + 1 :])
    return found


def _scores(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def outcome(pair: Pair, found: set[frozenset[str]]) -> str:
    """tp, fp, fn or tn for one labelled pair."""
    names = (entry_name(url or None, title) for url, title in (pair.a, pair.b))
    predicted = frozenset(names) in found
    same = pair.label == "same"
    return {(True, True): "tp", (False, True): "fp", (True, False): "fn"}.get(
        (same, predicted), "tn"
    )


def figures(
    pairs: list[Pair], found: set[frozenset[str]], split: str
) -> dict[str, dict[str, float]]:
    """Counts and pair precision/recall/F1 per kind, for all kinds, and for the real pairs only."""
    part = [p for p in pairs if p.split == split]
    groups = {kind: [p for p in part if p.kind == kind] for kind in KINDS}
    groups["all"] = part
    groups["all, real only"] = [p for p in part if p.source == "real"]
    out: dict[str, dict[str, float]] = {}
    for name, chosen in groups.items():
        labels = Counter(p.label for p in chosen)
        counts = Counter(outcome(p, found) for p in chosen)
        precision, recall, f1 = _scores(counts["tp"], counts["fp"], counts["fn"])
        out[name] = {
            "pairs": len(chosen),
            **{label: labels[label] for label in ("same", "related", "different")},
            **{c: counts[c] for c in ("tp", "fp", "fn")},
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        }
    return out


def table(pairs: list[Pair], found: set[frozenset[str]], split: str) -> list[str]:
    lines = [
        "| kind | pairs | same | related | different | TP | FP | FN | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, f in figures(pairs, found, split).items():
        shown = name if name in KINDS else f"**{name}**"
        lines.append(
            f"| {shown} | {f['pairs']} | {f['same']} | {f['related']} | {f['different']} | "
            f"{f['tp']} | {f['fp']} | {f['fn']} | {f['precision']:.2f} | {f['recall']:.2f} | "
            f"{f['f1']:.2f} |"
        )
    return lines


def sweep(pairs: list[Pair], thresholds: list[float]) -> list[str]:
    """Overall precision/recall and per-kind recall at several thresholds (one run each)."""
    lines = [
        "| threshold | part | precision | recall | F1 | " + " | ".join(KINDS) + " (recall) |",
        "| ---: | --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in KINDS) + " |",
    ]
    for threshold in thresholds:
        found = predicted_pairs(pairs, threshold)
        for split in SPLITS:
            f = figures(pairs, found, split)
            kinds = " | ".join(f"{f[k]['recall']:.2f}" for k in KINDS)
            lines.append(
                f"| {threshold:g} | {split} | {f['all']['precision']:.2f} | "
                f"{f['all']['recall']:.2f} | {f['all']['f1']:.2f} | {kinds} |"
            )
    return lines


def misses(pairs: list[Pair], found: set[frozenset[str]], every: bool) -> list[str]:
    lines: list[str] = []
    for kind_of_miss, title in (("fn", "Missed duplicates"), ("fp", "Wrongly reported")):
        wrong = [p for p in pairs if outcome(p, found) == kind_of_miss]
        classes = Counter(c for p in wrong for c in p.failure_class.split(","))
        listed = ", ".join(f"{c} {n}" for c, n in classes.most_common()) or "none"
        lines.append(f"- {title} ({len(wrong)}, both parts) by failure class: {listed}")
        if every:
            for p in wrong:
                lines.append(
                    f"  - [{p.split} {p.kind} {p.source}] {p.a[1]!r} <{p.a[0] or '-'}> vs "
                    f"{p.b[1]!r} <{p.b[0] or '-'}> ({p.failure_class})"
                )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threshold", type=float, default=None, help="passed to mlsd dedupe")
    parser.add_argument("--min-tier", default=None, help="passed to mlsd dedupe")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--sweep", metavar="T,T,...", help="overall figures at these thresholds (one run each)"
    )
    args = parser.parse_args()
    pairs = read_labels()
    if args.sweep:
        print("\n".join(sweep(pairs, [float(t) for t in args.sweep.split(",")])))
        return
    found = predicted_pairs(pairs, args.threshold, args.min_tier)
    if args.json:
        report = {split: figures(pairs, found, split) for split in SPLITS}
        print(json.dumps({"threshold": args.threshold, **report}, indent=2))
        return
    setting = f"--threshold {args.threshold:g}" if args.threshold is not None else "its default"
    if args.min_tier:
        setting += f", --min-tier {args.min_tier}"
    sources = Counter(p.source for p in pairs)
    out = [
        f"Current matcher (`mlsd dedupe --json`, {setting}) on {len(pairs)} labelled pairs "
        f"({sources['real']} real, {sources['synthetic']} synthetic) of "
        "`tests/data/dedupe_labels.tsv`; a pair is predicted when both entries are in one group; "
        "only `same` is a duplicate.",
    ]
    for split in SPLITS:
        part = "held part (report these)" if split == "held" else "dev part (tune on these)"
        out += ["", f"**{part}**", "", *table(pairs, found, split)]
    out += ["", *misses(pairs, found, args.misses)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
