"""Whole-process writes and cold starts of mlsd beside buku 5.1 on the same entries (issue 13).

    pip install buku==5.1                                    # the peer; not a dependency of mlsd
    python benchmarks/bench_writes.py                        # 10k and 100k, 5 rounds: the table
    python benchmarks/bench_writes.py --write                # ...and put it in docs/benchmarks.md
    python benchmarks/bench_writes.py --sizes 1000 --rounds 1   # a quick look
    PYTHONPATH=/tmp/old/src python benchmarks/bench_writes.py --label before --write
                                                             # another version's figures

Catalogues are benchmarks/generate.py's (kept in benchmarks/out/); each size's buku database
holds the same entries (URL, title, tags, description), built with buku's own schema. Every
command is a real process (mlsd's console script beside this interpreter, ``buku --nostdin``),
output piped, in a scratch copy. Rounds are interleaved (``python -c pass``, then each write by
mlsd and by buku), each round on other entries; medians, with each child's peak RSS from
``os.wait4``. The load average is recorded before and after.

- **one-entry writes**: add (no fetch), edit (a new title), tag (+ a tag), remove. Before the
  rounds mlsd makes one write, as a curator's earlier command would have: the load cache then
  knows the file's layout and a write splices (a file edited by hand is written whole once).
- **cold start**: ``list`` and ``search "feature store"`` with no caches (the first command
  after the file changed), and warm (the median of the rounds after).
- **bulk writes**: ``tag`` on the entries of six years (~43% of the entries: 4.3k at 10k,
  43k at 100k), and ``import`` of 300 and 3,000 new items into the 10k catalogue; linear means
  10x the entries costs at most about 10x the time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import catalogue_for
from bench_cli import child_env
from bench_cli import mlsd_command
from bench_cli import size_name
from bench_cli import write_section

START, END = "<!-- bench:writes:{label}:start -->", "<!-- bench:writes:{label}:end -->"
BULK_YEARS = [str(y) for y in range(2012, 2018)]


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    def add(self, seconds: float, rss_kb: int) -> None:
        self.seconds.append(seconds)
        self.rss_mb.append(rss_kb / 1024)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


#: Spawns the measured process from a small interpreter and writes its wall time and peak RSS.
#: On Linux a child's ``ru_maxrss`` is at least its parent's RSS when it was spawned (exec
#: records the old memory's high-water mark), and this script holds a 100k catalogue: timed
#: straight from here, every child would show this script's 300 MB.
_LAUNCHER = """import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    f.write(f"{elapsed} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(argv: list[str], env: dict[str, str], sample: Sample | None = None) -> str:
    """Run one process; record its wall time and peak RSS (``os.wait4``, through
    :data:`_LAUNCHER`) in ``sample``; return its stdout. Output goes to files: not a
    terminal, as in a script."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as measured,
    ):
        launcher = [sys.executable, "-c", _LAUNCHER, measured.name, *argv]
        code = subprocess.run(launcher, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        out.seek(0)
        err.seek(0)
        if code.returncode != 0:
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(argv)} failed ({code.returncode}): {message}")
        if sample is not None:
            elapsed, rss_kb = measured.read().split()
            sample.add(float(elapsed), int(rss_kb))
        return out.read().decode(errors="replace")


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
    path = scratch / f"w{n}.toml"
    shutil.copyfile(catalogue_for(size_name(n)), path)
    env = child_env(scratch / "cache")
    cat = ["--catalogue", str(path)]
    run([*mlsd, "list", *cat], env)  # the load cache
    run([*mlsd, "tag", "r0", "+warm-up", "--yes", *cat], env)  # a write: the layout is known
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
        run(
            [sys.executable, "-c", "pass"],
            env,
            ops.setdefault("python -c pass", {}).setdefault("", Sample()),
        )
        for op, (mine, theirs) in commands.items():
            run(mine, env, ops.setdefault(op, {}).setdefault("mlsd", Sample()))
            run(theirs, benv, ops[op].setdefault("buku", Sample()))
    return ops


def cold_starts(n: int, rounds: int, scratch: Path) -> dict[str, dict[str, Sample]]:
    """``list`` and ``search`` with no caches (a fresh cache folder each run), then warm."""
    mlsd = mlsd_command()
    path = catalogue_for(size_name(n))
    cat = ["--catalogue", str(path)]
    out: dict[str, dict[str, Sample]] = {}
    for name, args in (("list", ["list"]), ("search", ["search", "feature store"])):
        cold, warm = Sample(), Sample()
        for k in range(rounds):
            env = child_env(scratch / f"cold-{n}-{name}-{k}")
            run([*mlsd, *args, *cat], env, cold)
            run([*mlsd, *args, *cat], env, warm)
        out[name] = {"cold": cold, "warm": warm}
    return out


def _markdown_list(count: int, seed: int) -> str:
    lines = ["# Imported", "", "## Bench section", ""]
    for i in range(count):
        lines.append(
            f"- [Imported resource {seed}-{i} on streaming features]"
            f"(https://import.example.org/{seed}/{i}) - What item {i} says about it."
        )
    return "\n".join(lines) + "\n"


def bulk(sizes: list[int], scratch: Path) -> list[tuple[str, int, Sample]]:
    """Bulk writes once each: tag on ~43% of the entries at each size, import 300 and 3,000."""
    mlsd = mlsd_command()
    rows: list[tuple[str, int, Sample]] = []
    for n in sizes:
        path = scratch / f"b{n}.toml"
        shutil.copyfile(catalogue_for(size_name(n)), path)
        env = child_env(scratch / f"bulk-cache-{n}")
        cat = ["--catalogue", str(path)]
        run([*mlsd, "tag", "r0", "+warm-up", "--yes", *cat], env)
        years = [a for y in BULK_YEARS for a in ("--year", y)]
        chosen = run([*mlsd, "list", *years, "--json", *cat], env).count('"id":')
        sample = Sample()
        run([*mlsd, "tag", *years, "+bulk-tag", "--yes", *cat], env, sample)
        rows.append((f"tag +bulk-tag ({n:,} entries)", chosen, sample))
    n = min(sizes)
    for count in (300, 3000):
        path = scratch / f"i{count}.toml"
        shutil.copyfile(catalogue_for(size_name(n)), path)
        env = child_env(scratch / f"import-cache-{count}")
        source = scratch / f"list-{count}.md"
        source.write_text(_markdown_list(count, count), encoding="utf-8")
        cat = ["--catalogue", str(path)]
        run([*mlsd, "tag", "r0", "+warm-up", "--yes", *cat], env)
        sample = Sample()
        run([*mlsd, "import", str(source), "--section", "chapter-2", *cat], env, sample)
        rows.append((f"import ({n:,} entries)", count, sample))
    return rows


def render(
    label: str,
    command: str,
    load: tuple[float, float],
    base: Sample,
    results: dict[int, dict[str, dict[str, Sample]]],
    colds: dict[int, dict[str, dict[str, Sample]]],
    bulk_rows: list[tuple[str, int, Sample]],
) -> str:
    floor = base.median
    out = [
        f"**{label}**: measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"{os.cpu_count()} cores (load average {load[0]:.1f} at the start, {load[1]:.1f} at "
        f"the end), Python {platform.python_version()}, with `{command}`. "
        f"`python -c pass`: median {floor * 1000:.0f} ms.",
        "",
        "| entries | write | mlsd (s) | buku (s) | mlsd / buku | mlsd peak RSS (MB) "
        "| buku peak RSS (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, ops in results.items():
        for op, by in ops.items():
            if op == "python -c pass":
                continue
            mine, theirs = by["mlsd"], by["buku"]
            out.append(
                f"| {n:,} | {op} | {mine.median:.2f} | {theirs.median:.2f} | "
                f"{mine.median / theirs.median:.1f}x | {max(mine.rss_mb):.0f} | "
                f"{max(theirs.rss_mb):.0f} |"
            )
    out += [
        "",
        "| entries | command | cold (s) | cold peak RSS (MB) | warm (s) | warm peak RSS (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for n, commands in colds.items():
        for name, by in commands.items():
            cold, warm = by["cold"], by["warm"]
            out.append(
                f"| {n:,} | {name} | {cold.median:.2f} | {max(cold.rss_mb):.0f} | "
                f"{warm.median:.2f} | {max(warm.rss_mb):.0f} |"
            )
    out += ["", "| bulk write | items | s | peak RSS (MB) |", "| --- | ---: | ---: | ---: |"]
    for name, items, sample in bulk_rows:
        out.append(f"| {name} | {items:,} | {sample.median:.2f} | {max(sample.rss_mb):.0f} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--label", default="after", help="the docs section: before or after")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
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
    load_before = os.getloadavg()[0]
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
    text = render(
        args.label, command, (load_before, os.getloadavg()[0]), base, results, colds, bulk_rows
    )
    print(text)
    if args.write:
        write_section(text, START.format(label=args.label), END.format(label=args.label))
        print(f"\nwrote the {args.label} writes section of docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
