"""Whole-process wall time of `mlsd search` and `mlsd list`, beside `python -c pass`.

    python benchmarks/bench_cli.py                 # print the table
    python benchmarks/bench_cli.py --write         # ...and put it in docs/benchmarks.md
    python benchmarks/bench_cli.py --sizes 1000 --rounds 3   # a quick look
    python benchmarks/bench_cli.py --before DIR    # also the mlsd of another source tree

Catalogues: the shipped resources.toml, and synthetic ones of 1k, 10k and 100k entries made by
benchmarks/generate.py (kept in benchmarks/out/, which git ignores). Every command runs as a
real process, the installed `mlsd` console script of the interpreter running this script
(never a pyenv shim), with its output piped (plain text, as in scripts). The machines are
shared and noisy, so the rounds are interleaved (each round runs every command once, the
baseline included) and medians are compared as ratios to `python -c pass` of the same run.

Large catalogues are cached by the store after the first read (a JSON file keyed by the
content hash): "cold" is the first run with an empty cache directory (one run), "warm" the
median of the rounds after it. The shipped catalogue is below the cache threshold: it is
always parsed, so cold and warm are the same thing there.

With ``--before DIR`` (a source tree's root, e.g. ``git archive COMMIT src | tar -x -C DIR``)
every command also runs with that tree's mlsd, interleaved in the same rounds, each tree with
its own cache folder: issue 13 asks warm reads to stay at least as fast as before.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from benchlib import PYTHON_PASS
from benchlib import LoadAverage
from benchlib import catalogue_for
from benchlib import child_env
from benchlib import machine
from benchlib import mlsd_command
from benchlib import script_parser
from benchlib import size_name
from benchlib import source_trees
from benchlib import wall_time
from benchlib import write_section

SECTION = "bench:list-search"

QUERIES = {
    "search": ["search", "feature store"],
    "search (misspelt)": ["search", "recomender systm"],
}
LIST = ["list"]
#: (catalogue, command) -> (limit in seconds, limit as a multiple of `python -c pass`)
#: `python -c pass` on the machine the targets were set on (0.18 s / 11).
REFERENCE_BASELINE = 0.18 / 11
TARGETS = {
    ("shipped", "search"): (None, 11.0),
    ("10k", "search"): (0.5, None),
    ("100k", "search"): (2.0, None),
}


@dataclass
class Row:
    catalogue: str
    command: str
    argv: list[str]
    #: The source tree ("mlsd"; with --before, "before" or "after") and its environment.
    tree: str
    env: dict[str, str]
    cold: float | None = None
    warm: list[float] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return self.catalogue, self.command


def measure(
    sizes: list[int], rounds: int, trees: dict[str, Path]
) -> tuple[list[float], list[Row], dict[str, int]]:
    mlsd = mlsd_command()
    scratch = Path(tempfile.mkdtemp(prefix="mlsd-bench-"))
    try:
        envs = {tree: child_env(scratch / f"cache-{tree}", src) for tree, src in trees.items()}
        rows: list[Row] = []
        counts: dict[str, int] = {}
        for name in ["shipped", *map(size_name, sizes)]:
            path = catalogue_for(name)
            counts[name] = path.read_text(encoding="utf-8").count("\n[[resources]]\n")
            for command, args in [*QUERIES.items(), ("list", LIST)]:
                argv = [*mlsd, *args, "--catalogue", str(path)]
                rows += [Row(name, command, argv, tree, env) for tree, env in envs.items()]
        # Bytecode for mlsd and its dependencies, so that no round pays for compiling.
        for env in envs.values():
            wall_time([*mlsd, "--help"], env)
            wall_time(rows[0].argv, env)
        # Cold: the first read of each catalogue, with nothing in the load cache.
        for row in rows:
            shutil.rmtree(row.env["MLSD_CACHE_DIR"], ignore_errors=True)
            row.cold = wall_time(row.argv, row.env)
        base: list[float] = []
        for _ in range(rounds):
            base.append(wall_time(PYTHON_PASS, rows[0].env))
            for row in rows:
                row.warm.append(wall_time(row.argv, row.env))
        return base, rows, counts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def check_targets(base: float, rows: list[Row]) -> list[str]:
    """Each target, judged in seconds and as a ratio to `python -c pass` of this run.

    The issue gives "11x `python -c pass` (about 0.18 s here)": its machine starts Python in
    about 16 ms. A target in seconds is also given as the same ratio of that start-up time, which
    is what can be compared on a shared machine whose load slows every process down.
    """
    lines = []
    for row in rows:
        target = TARGETS.get(row.key)
        if not target or row.tree == "before":
            continue
        seconds, ratio = target
        warm = statistics.median(row.warm)
        head = (
            f"- `mlsd search` on the {row.catalogue} catalogue: {warm:.2f} s = {warm / base:.1f}x"
        )
        if seconds is None:
            assert ratio is not None
            verdict = "met" if warm <= ratio * base else "MISSED"
            lines.append(f"{head} `python -c pass`; target at most {ratio:.0f}x: **{verdict}**.")
        else:
            in_seconds = "met" if warm < seconds else "MISSED"
            equivalent = seconds / REFERENCE_BASELINE
            as_ratio = "met" if warm <= equivalent * base else "MISSED"
            lines.append(
                f"{head} `python -c pass`; target under {seconds} s: **{in_seconds}** in this "
                f"run; as a ratio (under {equivalent:.0f}x, {seconds} s on the reference "
                f"machine): **{as_ratio}**."
            )
    return lines


def render(
    base_runs: list[float],
    rows: list[Row],
    counts: dict[str, int],
    command: str,
    load: LoadAverage,
) -> str:
    base = statistics.median(base_runs)
    before = {row.key: statistics.median(row.warm) for row in rows if row.tree == "before"}
    columns = [("catalogue", "---"), ("entries", "---:"), ("command", "---")]
    columns += [("tree", "---")] * bool(before)
    columns += [(name, "---:") for name in ("cold (s)", "warm median (s)", "warm min (s)")]
    columns += [("warm / `python -c pass`", "---:")]
    columns += [("after / before (warm)", "---:")] * bool(before)
    out = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine(load)}, with:",
        "",
        f"    {command}",
        "",
        f"`python -c pass`: median **{base * 1000:.0f} ms** over {len(base_runs)} rounds "
        f'(min {min(base_runs) * 1000:.0f} ms). Queries: `search "feature store"` (words the '
        'catalogue has), `search "recomender systm"` (misspelt: builds the vocabulary and '
        "corrects both words); `list` prints every entry. Output piped, as in a script.",
        "",
        _line([name for name, _align in columns]),
        _line([align for _name, align in columns]),
    ]
    ratios: list[tuple[float, str]] = []
    for row in rows:
        warm = statistics.median(row.warm)
        cells = [row.catalogue, f"{counts[row.catalogue]:,}", row.command]
        cells += [row.tree] * bool(before)
        cells += [f"{row.cold:.2f}", f"{warm:.3f}", f"{min(row.warm):.3f}", f"{warm / base:.1f}x"]
        if before:
            ratio = warm / before[row.key] if row.tree == "after" else None
            cells.append("" if ratio is None else f"{ratio:.2f}x")
            if ratio is not None:
                ratios.append((ratio, f"{row.command} on {row.catalogue}"))
        out.append(_line(cells))
    out += [
        "",
        "Targets (warm medians):",
        "",
        *check_targets(base, rows),
        *_no_slower(ratios),
        "",
        "Where the time goes (100k, warm): start-up (Typer, the command's imports), loading "
        "the catalogue from the store's JSON cache, and reading the search index that "
        "`mlsd search` keeps beside it for catalogues of 2,000 entries or more (folded text of "
        "every field, entry offsets and the vocabulary; rebuilt when the file's content hash "
        "changes). The search itself finds words with `str.find` over one string per field, "
        "each distinct text once (sections, tags, organisations repeat), and bisects offsets "
        "back to texts, then entries; when enough entries hold every word to fill the limit, "
        "only those are scored. Cold runs parse and validate the TOML file, then write both "
        "caches.",
    ]
    return "\n".join(out)


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _no_slower(ratios: list[tuple[float, str]]) -> list[str]:
    """Issue 13: warm reads at least as fast as before (after / before at most 1.0x)."""
    if not ratios:
        return []
    held = sum(ratio <= 1.0 for ratio, _name in ratios)
    worst = max(ratios)
    return [
        f"- Warm reads at least as fast as before (after / before at most 1.0x): "
        f"**{held} of {len(ratios)} met** (highest {worst[0]:.2f}x, {worst[1]})."
    ]


def main() -> None:
    parser = script_parser(__doc__, before=True)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    command = "python benchmarks/bench_cli.py" + (" --write" if args.write else "")
    if args.sizes != [1000, 10000, 100000]:
        command += " --sizes " + " ".join(map(str, args.sizes))
    if args.rounds != 7:
        command += f" --rounds {args.rounds}"
    if args.before:
        command += f" --before {args.before}"
    trees = source_trees(args.before)
    load = LoadAverage()
    base, rows, counts = measure(args.sizes, args.rounds, trees)
    text = render(base, rows, counts, command, load.stop())
    print(text)
    if args.write:
        write_section(text, SECTION)


if __name__ == "__main__":
    main()
