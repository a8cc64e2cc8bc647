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

import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT
from benchlib import LoadAverage
from benchlib import child_env
from benchlib import python_pass
from benchlib import script_parser
from benchlib import shared
from benchlib import wall_time
from benchlib import write_section

SECTION = "bench:import"
COMMAND = "python benchmarks/bench_import.py --update-docs"


def largest(folder: Path) -> Path:
    return max(folder.glob("*__*.md"), key=lambda p: p.stat().st_size)


def _mlsd(*args: str) -> float:
    # Exit 1: items held back as possible duplicates, as add's.
    argv = [sys.executable, "-m", "mlsd_cli", *args]
    return wall_time(argv, child_env(src=ROOT / "src"), ok=(0, 1))


def measure(source: Path, runs: int) -> dict[str, float]:
    load = LoadAverage()
    times, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            cat = str(Path(tmp) / f"c{n}.toml")
            _mlsd("init", cat)
            times.append(_mlsd("import", str(source), "-c", cat))
            floors += python_pass(1)
    load.stop()
    assert load.end is not None
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "floor": statistics.median(floors),
        "load_before": load.start,
        "load_after": load.end,
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


def main(argv: list[str]) -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    source = largest(shared("corpus"))
    text = report(source, args.runs, measure(source, args.runs))
    print(text)
    if args.write:
        write_section(f"## Import\n\n{text}", SECTION, append=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
