"""Import time: ``mlsd import`` of the largest corpus list into a fresh catalogue.

    python benchmarks/bench_import.py                 # prints a markdown report
    python benchmarks/bench_import.py --runs 9        # more runs (default 5)
    python benchmarks/bench_import.py --update-docs   # ...and writes it into docs/benchmarks.md

Each run is the whole process, as a user meets it: ``python -m mlsd_cli import LIST -c CAT``
into a catalogue just made with ``mlsd init`` (not timed), so interpreter start-up, imports,
reading, matching and the atomic write all count. The floor is ``python -c pass`` timed in the
same run, between the imports. The figure is the median of the runs; the load average (1 min)
is read before and after, since the machine may be shared. The corpus is ``../shared/corpus/``
beside the project, else the copy in ``tests/data/corpus/``; the largest list by size is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:import:start -->", "<!-- bench:import:end -->"
COMMAND = "python benchmarks/bench_import.py --update-docs"


def corpus() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        shared = base / "shared" / "corpus"
        if shared.is_dir():
            return shared
    return ROOT / "tests" / "data" / "corpus"


def largest(folder: Path) -> Path:
    return max(folder.glob("*__*.md"), key=lambda p: p.stat().st_size)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MLSD_CATALOGUE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _mlsd(*args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", *args],
        env=_env(),
        check=False,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: items held back as possible duplicates, as add's
        raise SystemExit(f"mlsd {' '.join(args)}: exit {done.returncode}")
    return elapsed


def _bare() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def measure(source: Path, runs: int) -> dict[str, float]:
    load_before = os.getloadavg()[0]
    times, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            cat = str(Path(tmp) / f"c{n}.toml")
            _mlsd("init", cat)
            times.append(_mlsd("import", str(source), "-c", cat))
            floors.append(_bare())
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "floor": statistics.median(floors),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def report(source: Path, runs: int, m: dict[str, float]) -> str:
    size = source.stat().st_size / 1000
    return "\n".join(
        [
            f"Command: `{COMMAND}` (writes this section). `mlsd import` of the largest corpus "
            f"list (`{source.name}`, {size:.0f} kB) into a fresh catalogue, the whole process, "
            f"median of {runs} runs; floor: `python -c pass` in the same run.",
            "",
            "| median | min | max | `python -c pass` | ratio | load average (1 min) before / after |",
            "| ---: | ---: | ---: | ---: | ---: | --- |",
            f"| {m['median']:.2f} s | {m['min']:.2f} s | {m['max']:.2f} s | {m['floor']:.3f} s "
            f"| {m['median'] / m['floor']:.1f}x | {m['load_before']:.2f} / {m['load_after']:.2f} |",
        ]
    )


def update_docs(text: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    section = f"{START}\n## Import\n\n{text}\n{END}"
    if START in docs and END in docs:
        head, rest = docs.split(START, 1)
        docs = head + section + rest.split(END, 1)[1]
    else:
        docs = docs.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(docs, encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)
    source = largest(corpus())
    text = report(source, args.runs, measure(source, args.runs))
    print(text)
    if args.update_docs:
        update_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
