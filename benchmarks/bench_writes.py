"""Whole-process writes and cold starts of mlsd beside buku 5.1 on the same entries (issue 13).

    pip install buku==5.1                                    # the peer; not a dependency of mlsd
    python benchmarks/bench_writes.py                        # 10k and 100k, 5 rounds: the tables
    python benchmarks/bench_writes.py --write                # ...and put them in docs/benchmarks.md
    python benchmarks/bench_writes.py --sizes 1000 --rounds 1   # a quick look
    PYTHONPATH=/tmp/old/src python benchmarks/bench_writes.py --label before --write
                                                             # another version's figures

Catalogues are benchmarks/generate.py's (kept in benchmarks/out/); each size's buku database
holds the same entries (URL, title, tags, description), built with buku's own schema. Every
command is a real process (mlsd's console script beside this interpreter, ``buku --nostdin``),
output piped, in a scratch copy. Rounds are interleaved (``python -c pass``, then each write by
mlsd and by buku), each round on other entries; medians, with each child's peak RSS from
``os.wait4``. The load average is recorded before and after; ``python -c pass`` is the floor.

- **one-entry writes**: add (no fetch), edit (a new title), tag (+ a tag), remove. Before the
  rounds mlsd makes one write, as a curator's earlier command would have: the load cache then
  knows the file's layout and a write splices (a file edited by hand is written whole once).
  Issue 13's targets: at 10k no slower than buku; at 100k at most 3x buku, under 1 s and
  under 150 MB (a size under 100k is judged by the 10k target, a larger one by the 100k one).
- **cold start**: ``list`` and ``search "feature store"`` with no caches (the first command
  after the file changed), and warm (the median of the rounds after), beside buku's ``-p``
  and ``-S feature store`` (reads: buku keeps no cache). Targets: 10k under 0.5 s, 100k
  under 3 s and 300 MB.
- **bulk writes**, once each at every size: ``tag`` on the entries of six years (~43% of the
  entries: 4.3k at 10k, 43k at 100k), ``import`` of 300 and of 3,000 new items, and ``dedupe
  --merge`` of 100 groups (the first 100 that ``mlsd dedupe`` reports, each merged into its
  first entry: the answers are given on stdin with ``MLSD_INTERACTIVE=1``). Linear: at a
  larger size the time grows at most as much as the entries (time ratio <= entries ratio).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from benchlib import PYTHON_PASS
from benchlib import LoadAverage
from benchlib import Run
from benchlib import catalogue_for
from benchlib import child_env
from benchlib import machine
from benchlib import measured
from benchlib import mlsd_command
from benchlib import script_parser
from benchlib import size_name
from benchlib import write_section

BULK_YEARS = [str(y) for y in range(2012, 2018)]
#: Items of each bulk import; groups of the bulk merge.
IMPORTS = (300, 3000)
MERGE_GROUPS = 100


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    def add(self, run: Run) -> None:
        self.seconds.append(run.wall)
        self.rss_mb.append(run.rss_mb)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run(
    argv: list[str],
    env: dict[str, str],
    sample: Sample | None = None,
    ok: tuple[int, ...] = (0,),
    answers: str = "",
) -> str:
    """Run one process (:func:`benchlib.measured`); record its wall time and peak RSS in
    ``sample``; return its stdout."""
    done = measured(argv, env, ok, answers)
    if sample is not None:
        sample.add(done)
    return done.stdout


def buku_db(catalogue: Path, target: Path) -> int:
    """A buku database (buku's schema) with the catalogue's entries; returns how many."""
    import tomli

    from mlsd_cli.catalogue.schema import catalogue_from_dict

    entries = catalogue_from_dict(tomli.loads(catalogue.read_text(encoding="utf-8"))).resources
    target.parent.mkdir(parents=True, exist_ok=True)
    run(["buku", "--nostdin", "--np", "--nc", "-p", "1"], _buku_env(target.parent))  # schema
    with sqlite3.connect(target) as db:
        db.executemany(
            "INSERT INTO bookmarks (URL, metadata, tags, desc, flags) VALUES (?, ?, ?, ?, 0)",
            [
                (
                    r.url or f"https://example.org/{r.id}",
                    r.title,
                    f",{','.join(r.tags)},",
                    r.description,
                )
                for r in entries
            ],
        )
    return len(entries)


def _buku_env(db_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["BUKU_DEFAULT_DBDIR"] = str(db_dir)
    return env


def writes(n: int, rounds: int, scratch: Path) -> dict[str, dict[str, Sample]]:
    """Median wall time and peak RSS of one-entry writes by mlsd and buku at size ``n``."""
    mlsd = mlsd_command()
    cat, env = _scratch_copy(n, scratch, "w")
    path = Path(cat[1])
    benv = _buku_env(scratch / f"buku{n}")
    buku_db(path, scratch / f"buku{n}" / "bookmarks.db")
    b = ["buku", "--nostdin", "--np", "--nc", "--tacit"]
    ops: dict[str, dict[str, Sample]] = {}
    for k in range(rounds):
        new = f"https://bench.example.org/new-{k}"
        commands = {
            "add": (
                [
                    *mlsd,
                    "add",
                    new,
                    "--title",
                    f"Bench {k}",
                    "--kind",
                    "blog",
                    "--section",
                    "chapter-3",
                    "--no-fetch",
                    "--yes",
                    *cat,
                ],
                [*b, "--offline", "-a", new, "bench", "--title", f"Bench {k}"],
            ),
            "edit": (
                [*mlsd, "edit", f"r{10 + k}", "--title", f"Edited {k}", *cat],
                [*b, "-u", str(11 + k), "--title", f"Edited {k}"],
            ),
            "tag": (
                [*mlsd, "tag", f"r{20 + k}", f"+bench-{k}", "--yes", *cat],
                [*b, "-u", str(21 + k), "--tag", "+", f"bench-{k}"],
            ),
            "remove": (
                [*mlsd, "remove", f"r{30 + k}", "--yes", *cat],
                [*b, "-d", str(31 + k)],
            ),
        }
        run(PYTHON_PASS, env, ops.setdefault("python -c pass", {}).setdefault("", Sample()))
        for op, (mine, theirs) in commands.items():
            run(mine, env, ops.setdefault(op, {}).setdefault("mlsd", Sample()))
            run(theirs, benv, ops[op].setdefault("buku", Sample()))
    return ops


def cold_starts(n: int, rounds: int, scratch: Path) -> dict[str, dict[str, Sample]]:
    """``list`` and ``search`` with no caches (a fresh cache folder each run), then warm; and
    buku's ``-p`` (every record) and ``-S`` (records with all the words) on the database of
    the writes at this size (the same entries, a few of them written by the rounds)."""
    mlsd = mlsd_command()
    path = catalogue_for(size_name(n))
    cat = ["--catalogue", str(path)]
    benv = _buku_env(scratch / f"buku{n}")
    b = ["buku", "--nostdin", "--np", "--nc"]
    out: dict[str, dict[str, Sample]] = {}
    for name, args, theirs in (
        ("list", ["list"], ["-p"]),
        ("search", ["search", "feature store"], ["-S", "feature", "store"]),
    ):
        cold, warm, buku = Sample(), Sample(), Sample()
        for k in range(rounds):
            env = child_env(scratch / f"cold-{n}-{name}-{k}")
            run([*mlsd, *args, *cat], env, cold)
            run([*mlsd, *args, *cat], env, warm)
            run([*b, *theirs], benv, buku)
        out[name] = {"cold": cold, "warm": warm, "buku": buku}
    return out


def _markdown_list(count: int, seed: int) -> str:
    lines = ["# Imported", "", "## Bench section", ""]
    for i in range(count):
        lines.append(
            f"- [Imported resource {seed}-{i} on streaming features]"
            f"(https://import.example.org/{seed}/{i}) - What item {i} says about it."
        )
    return "\n".join(lines) + "\n"


@dataclass
class Bulk:
    """One bulk write at one size."""

    op: str
    entries: int
    items: int
    sample: Sample


def _scratch_copy(n: int, scratch: Path, name: str) -> tuple[list[str], dict[str, str]]:
    """A copy of the size-``n`` catalogue as a curator's earlier commands leave it: its load
    cache knows the layout (a write made) and its match store knows every entry (an add made:
    the first duplicate check fills it, see docs/matching.md). The ``--catalogue`` option and
    the environment to run mlsd on it."""
    path = scratch / f"{name}-{n}.toml"
    shutil.copyfile(catalogue_for(size_name(n)), path)
    env = child_env(scratch / f"{name}-cache-{n}")
    cat = ["--catalogue", str(path)]
    mlsd = mlsd_command()
    run([*mlsd, "tag", "r0", "+warm-up", "--yes", *cat], env)
    warm_add = ["https://bench.example.org/warm-up", "--title", "Warm-up entry", "--kind", "blog"]
    run([*mlsd, "add", *warm_add, "--section", "chapter-3", "--no-fetch", "--yes", *cat], env)
    return cat, env


def merge_answers(groups: list[dict[str, Any]], count: int) -> tuple[str, int]:
    """What a curator types to merge the first ``count`` groups (each into its first entry),
    then q; and how many groups that merges. Per group: m, keep 1, the others (asked when
    there are more than two), y to the preview (a version that does not ask reads the y as a
    wrong answer to the next group's question, and asks again)."""
    lines = []
    for group in groups[:count]:
        lines += ["m", "1"]
        if len(group["ids"]) > 2:
            lines.append(" ".join(str(k) for k in range(2, len(group["ids"]) + 1)))
        lines.append("y")
    if len(groups) > count:
        lines.append("q")
    return "".join(f"{line}\n" for line in lines), min(count, len(groups))


def bulk(sizes: list[int], scratch: Path) -> list[Bulk]:
    """Every bulk write once at every size: tag on ~43% of the entries, import of 300 and of
    3,000 items, dedupe --merge of 100 groups."""
    mlsd = mlsd_command()
    rows: list[Bulk] = []
    years = [a for y in BULK_YEARS for a in ("--year", y)]
    for n in sizes:
        cat, env = _scratch_copy(n, scratch, "tag")
        chosen = run([*mlsd, "list", *years, "--json", *cat], env).count('"id":')
        sample = Sample()
        run([*mlsd, "tag", *years, "+bulk-tag", "--yes", *cat], env, sample)
        rows.append(
            Bulk(
                f"tag +bulk-tag on the entries of {BULK_YEARS[0]}-{BULK_YEARS[-1]}",
                n,
                chosen,
                sample,
            )
        )
    for count in IMPORTS:
        source = scratch / f"list-{count}.md"
        source.write_text(_markdown_list(count, count), encoding="utf-8")
        for n in sizes:
            cat, env = _scratch_copy(n, scratch, f"import{count}")
            sample = Sample()
            run([*mlsd, "import", str(source), "--section", "chapter-2", *cat], env, sample)
            rows.append(Bulk(f"import of {count:,} items", n, count, sample))
    for n in sizes:
        cat, env = _scratch_copy(n, scratch, "merge")
        groups = json.loads(run([*mlsd, "dedupe", "--json", *cat], env, ok=(0, 1)))
        answers, planned = merge_answers(groups, MERGE_GROUPS)
        sample = Sample()
        merge_env = {**env, "MLSD_INTERACTIVE": "1"}
        out = run([*mlsd, "dedupe", "--merge", *cat], merge_env, sample, (0, 1), answers)
        merged = out.count("\nMerged ") + out.startswith("Merged ")
        if merged != planned:
            raise SystemExit(f"dedupe --merge at {n:,}: {merged} groups merged, {planned} meant")
        rows.append(Bulk(f"dedupe --merge of the first {MERGE_GROUPS} groups", n, merged, sample))
    return rows


# ----------------------------------------------------------------- the report


@dataclass(frozen=True)
class Target:
    """Issue 13's target for a size: at most ``ratio`` times buku's time, under ``seconds``,
    under ``mb`` of peak memory (None: not asked)."""

    text: str
    ratio: float | None = None
    seconds: float | None = None
    mb: float | None = None

    def verdict(self, seconds: float, mb: float, ratio: float | None = None) -> str:
        missed = []
        if self.ratio is not None and ratio is not None and ratio > self.ratio:
            missed.append(f"{ratio:.1f}x buku")
        if self.seconds is not None and seconds >= self.seconds:
            missed.append(f"{seconds:.2f} s")
        if self.mb is not None and mb >= self.mb:
            missed.append(f"{mb:.0f} MB")
        return f"**MISSED** ({', '.join(missed)})" if missed else "met"


#: One-entry writes and cold starts: the target at 10k (any size under 100k) and at 100k.
WRITE_TARGETS = (
    Target("<= 1x buku", ratio=1.0),
    Target("<= 3x buku, < 1 s, < 150 MB", 3.0, 1.0, 150),
)
COLD_TARGETS = (Target("< 0.5 s", seconds=0.5), Target("< 3 s, < 300 MB", seconds=3.0, mb=300))


def target_for(targets: tuple[Target, Target], n: int) -> Target:
    return targets[1] if n >= 100_000 else targets[0]


def _tally(name: str, verdicts: list[str]) -> str:
    met = sum(v == "met" for v in verdicts)
    return f"{name}: **{met} of {len(verdicts)} met**."


def _writes_table(results: dict[int, dict[str, dict[str, Sample]]]) -> list[str]:
    """One-entry writes beside buku, and beside ``python -c pass`` of the same rounds."""
    out = [
        "| entries | write | mlsd (s) | buku (s) | mlsd / buku | mlsd / floor | mlsd peak RSS (MB) "
        "| buku peak RSS (MB) | target | verdict |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    verdicts = []
    for n, ops in results.items():
        base = ops["python -c pass"][""]
        out.append(
            f"| {n:,} | `python -c pass` (the floor) | {base.median:.2f} |  |  | 1.0x | "
            f"{max(base.rss_mb):.0f} |  |  |  |"
        )
        target = target_for(WRITE_TARGETS, n)
        for op, by in ops.items():
            if op == "python -c pass":
                continue
            mine, theirs = by["mlsd"], by["buku"]
            ratio, rss = mine.median / theirs.median, max(mine.rss_mb)
            verdicts.append(target.verdict(mine.median, rss, ratio))
            out.append(
                f"| {n:,} | {op} | {mine.median:.2f} | {theirs.median:.2f} | {ratio:.1f}x | "
                f"{mine.median / base.median:.1f}x | {rss:.0f} | {max(theirs.rss_mb):.0f} | "
                f"{target.text} | {verdicts[-1]} |"
            )
    return [*out, "", _tally("Targets (issue 13), one-entry writes", verdicts)]


def _cold_table(floor: float, colds: dict[int, dict[str, dict[str, Sample]]]) -> list[str]:
    """Reads: cold and warm beside buku (which keeps no cache), the cold start judged."""
    out = [
        "| entries | command | cold (s) | cold / floor | cold peak RSS (MB) | warm (s) "
        "| warm peak RSS (MB) | buku (s) | warm / buku | target (cold) | verdict |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    verdicts = []
    for n, commands in colds.items():
        target = target_for(COLD_TARGETS, n)
        for name, by in commands.items():
            cold, warm, buku = by["cold"], by["warm"], by["buku"]
            verdicts.append(target.verdict(cold.median, max(cold.rss_mb)))
            out.append(
                f"| {n:,} | {name} | {cold.median:.2f} | {cold.median / floor:.1f}x | "
                f"{max(cold.rss_mb):.0f} | {warm.median:.2f} | {max(warm.rss_mb):.0f} | "
                f"{buku.median:.2f} | {warm.median / buku.median:.1f}x | {target.text} | "
                f"{verdicts[-1]} |"
            )
    return [*out, "", _tally("Targets (issue 13), cold starts", verdicts)]


def _bulk_table(floor: float, rows: list[Bulk]) -> list[str]:
    out = [
        "| bulk write | entries | items | s | x floor | peak RSS (MB) | entries ratio "
        "| time / time at the smaller size | linear |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    first: dict[str, Bulk] = {}
    verdicts = []
    for row in rows:
        seconds = row.sample.median
        small = first.setdefault(row.op, row)
        cells = ["", "", ""]
        if small is not row:
            entries, took = row.entries / small.entries, seconds / small.sample.median
            verdicts.append("met" if took <= entries else "**MISSED**")
            cells = [f"{entries:.1f}x", f"{took:.1f}x", verdicts[-1]]
        out.append(
            f"| {row.op} | {row.entries:,} | {row.items:,} | {seconds:.2f} | "
            f"{seconds / floor:.1f}x | {max(row.sample.rss_mb):.0f} | {' | '.join(cells)} |"
        )
    if verdicts:
        out += ["", _tally("Linear (time ratio <= entries ratio), bulk writes", verdicts)]
    return out


def render(
    label: str,
    command: str,
    load: LoadAverage,
    base: Sample,
    results: dict[int, dict[str, dict[str, Sample]]],
    colds: dict[int, dict[str, dict[str, Sample]]],
    bulk_rows: list[Bulk],
) -> str:
    floor = base.median
    out = [
        f"**{label}**: measured {time.strftime('%Y-%m-%d %H:%M')} on {machine(load)}, with "
        f"`{command}`. `python -c pass` (the floor, in the same rounds): median "
        f"{floor * 1000:.0f} ms.",
        "",
        *_writes_table(results),
        "",
        *_cold_table(floor, colds),
        "",
        *_bulk_table(floor, bulk_rows),
    ]
    return "\n".join(out)


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--label", default="after", help="the docs section: before or after")
    args = parser.parse_args()
    if shutil.which("buku") is None:
        raise SystemExit("buku is not installed: pip install buku==5.1")
    command = "python benchmarks/bench_writes.py" + " ".join(
        [""]
        + (["--write"] if args.write else [])
        + ([f"--label {args.label}"] if args.label != "after" else [])
        + (["--sizes", *map(str, args.sizes)] if args.sizes != [10000, 100000] else [])
        + ([f"--rounds {args.rounds}"] if args.rounds != 5 else [])
    )
    load = LoadAverage()
    scratch = Path(tempfile.mkdtemp(prefix="mlsd-bench-writes-"))
    try:
        results = {n: writes(n, args.rounds, scratch) for n in args.sizes}
        base = Sample()
        for ops in results.values():
            pass_runs = ops["python -c pass"][""]
            base.seconds += pass_runs.seconds
        colds = {n: cold_starts(n, args.rounds, scratch) for n in args.sizes}
        bulk_rows = bulk(args.sizes, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    text = render(args.label, command, load.stop(), base, results, colds, bulk_rows)
    print(text)
    if args.write:
        write_section(text, f"bench:writes:{args.label}")


if __name__ == "__main__":
    main()
