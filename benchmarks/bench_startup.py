"""Start-up: `mlsd --version`, `mlsd --help` and every command's `--help`, beside a Typer
hello-world (benchmarks/typer_hello.py) and `python -c pass`, whole process, in one run.

    python benchmarks/bench_startup.py                    # print the table
    python benchmarks/bench_startup.py --write            # ...and put it in docs/benchmarks.md
    python benchmarks/bench_startup.py --before DIR       # also time the mlsd of another tree
    python benchmarks/bench_startup.py --rounds 3         # a quick look

Issue 13's targets: `mlsd --version` within 1.5x of the hello-world, `mlsd --help` and every
`mlsd COMMAND --help` within 2x of the hello-world's `--help` (both drawn by rich). Every
command runs as a real process: mlsd as the installed console script beside this interpreter,
importing the package of the tree timed (``PYTHONPATH=TREE/src``: this checkout, or
``--before DIR``, e.g. a ``git worktree add DIR COMMIT`` of an older version); the peers with
the same interpreter and environment. Rounds are interleaved (each round runs every command
once), output piped; medians are compared, and the minimum is shown as well. Bytecode is
compiled before the first round.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from benchlib import HERE
from benchlib import PYTHON_PASS
from benchlib import ROOT
from benchlib import LoadAverage
from benchlib import child_env
from benchlib import machine
from benchlib import measured
from benchlib import mlsd_command
from benchlib import script_parser
from benchlib import source_trees
from benchlib import write_section

SECTION = "bench:startup"
VERSION_TARGET, HELP_TARGET = 1.5, 2.0


@dataclass
class Row:
    name: str
    args: list[str]
    #: The peer this row is judged against ("" for the peers themselves).
    peer: str = ""
    #: Tree ("" for a peer) -> wall seconds of each round.
    times: dict[str, list[float]] = field(default_factory=dict)
    #: Tree -> CPU seconds (user + system) of each round.
    cpu: dict[str, list[float]] = field(default_factory=dict)
    #: The ratio to the peer this row must stay within (None: shown, judged against --before).
    target: float | None = HELP_TARGET

    def add(self, tree: str, run: tuple[float, float]) -> None:
        self.times.setdefault(tree, []).append(run[0])
        self.cpu.setdefault(tree, []).append(run[1])


def command_names(src: Path) -> list[str]:
    """The commands of the tree at ``src``, in the order `mlsd --help` lists them."""
    code = "from mlsd_cli.cli import COMMANDS; print(' '.join(n for _m, n in COMMANDS))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env_for(src), capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def env_for(src: Path) -> dict[str, str]:
    return {**child_env(src=src), "COLUMNS": "100"}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run."""
    done = measured(argv, env)
    return done.wall, done.cpu


def rows_for(commands: list[str]) -> list[Row]:
    hello = [sys.executable, str(HERE / "typer_hello.py")]
    rows = [
        Row("`python -c pass`", PYTHON_PASS),
        Row("Typer hello-world", hello),
        Row("Typer hello-world `--help`", [*hello, "--help"]),
        Row("`mlsd --version`", ["--version"], peer="Typer hello-world", target=VERSION_TARGET),
        Row("`mlsd --help`", ["--help"], peer="Typer hello-world `--help`"),
    ]
    rows += [
        Row(f"`mlsd {name} --help`", [name, "--help"], peer="Typer hello-world `--help`")
        for name in commands
    ]
    # Issue 14: `mlsd list` on the shipped catalogue stays as fast as before (--before DIR).
    shipped = str(ROOT / "resources.toml")
    rows.append(
        Row("`mlsd list` (shipped)", ["list", "-c", shipped], "`python -c pass`", target=None)
    )
    return rows


def measure(rows: list[Row], trees: dict[str, Path], rounds: int) -> None:
    mlsd = mlsd_command()
    for src in trees.values():  # compile bytecode, check every command works
        for row in rows:
            if row.peer:
                run_once([*mlsd, *row.args], env_for(src))
    for _ in range(rounds):
        for row in rows:
            if not row.peer:
                row.add("", run_once(row.args, env_for(ROOT / "src")))
                continue
            for tree, src in trees.items():
                row.add(tree, run_once([*mlsd, *row.args], env_for(src)))


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(rows: list[Row], trees: dict[str, Path], rounds: int, load: LoadAverage) -> str:
    peers = {row.name: statistics.median(row.times[""]) for row in rows if not row.peer}
    base = peers["`python -c pass`"]
    command = " ".join(["python benchmarks/bench_startup.py", *sys.argv[1:]])
    names = list(trees)
    out = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine(load)}, {rounds} interleaved "
        "rounds: wall medians in ms (min), "
        "CPU medians (user + system) in ms, ratios of the wall medians to the peer's, with:",
        "",
        f"    {command}",
        "",
        _line(
            ["command", *(f"{t} wall" for t in names), *(f"{t} CPU" for t in names), "peer"]
            + [f"{t} / peer" for t in names]
            + ["target"]
        ),
        "| --- |" + " ---: |" * (2 * len(names)) + " --- |" + " ---: |" * (len(names) + 1),
    ]
    blank = [""] * (len(names) - 1)
    for row in rows:
        if not row.peer:
            wall = f"{peers[row.name] * 1000:.0f} ({min(row.times['']) * 1000:.0f})"
            cpu = f"{statistics.median(row.cpu['']) * 1000:.0f}"
            out.append(_line([row.name, wall, *blank, cpu, *blank, "", *([""] * len(names)), ""]))
    verdicts = []
    for row in rows:
        if not row.peer:
            continue
        peer = peers[row.peer]
        medians = {t: statistics.median(row.times[t]) for t in names}
        target = row.target
        out.append(
            _line(
                [row.name]
                + [f"{medians[t] * 1000:.0f} ({min(row.times[t]) * 1000:.0f})" for t in names]
                + [f"{statistics.median(row.cpu[t]) * 1000:.0f}" for t in names]
                + [row.peer.replace(" `--help`", " --help")]
                + [f"{medians[t] / peer:.2f}x" for t in names]
                + [f"{target}x" if target is not None else "no slower than before"]
            )
        )
        if target is not None:
            verdicts.append(medians[names[-1]] / peer <= target)
    last = names[-1]
    worst = max(
        (statistics.median(r.times[last]) / peers[r.peer], r.name)
        for r in rows
        if r.peer and r.target is not None
    )
    out += [
        "",
        f"`python -c pass`: {base * 1000:.0f} ms. Targets ({last}): `mlsd --version` within "
        f"{VERSION_TARGET}x of the hello-world, every help within {HELP_TARGET}x of the "
        f"hello-world's `--help`: **{sum(verdicts)} of {len(verdicts)} met** (highest ratio "
        f"{worst[0]:.2f}x, {worst[1]}).",
    ]
    return "\n".join(out)


def main() -> None:
    parser = script_parser(__doc__, before=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    timed = source_trees(args.before)
    load = LoadAverage()
    rows = rows_for(command_names(ROOT / "src"))
    measure(rows, timed, args.rounds)
    text = render(rows, timed, args.rounds, load.stop())
    print(text)
    if args.write:
        write_section(text, SECTION)


if __name__ == "__main__":
    main()
