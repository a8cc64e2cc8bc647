"""What the benchmark scripts share: where things are, how a process is run and timed, the
floor (``python -c pass``), the machine line with its load average, and the writer of a
section of docs/benchmarks.md.

Scripts import it from their own folder (``benchmarks/`` is on ``sys.path`` when a script of
it runs; scripts in a sub-folder and tests put it there). It imports nothing of mlsd, so a
script can time another source tree (``--before DIR``) with the interpreter running it.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: Generated catalogues and installed peers (git ignores it).
OUT = HERE / "out"
DOC = ROOT / "docs" / "benchmarks.md"
#: The floor every whole-process time is shown beside.
PYTHON_PASS = [sys.executable, "-c", "pass"]


# ----------------------------------------------------------------- where things are


def shared(name: str) -> Path:
    """``shared/<name>`` beside the project (the read-only lists: ``corpus``, ``seeds``).

    ``$MLSD_SHARED`` names that ``shared`` folder; else it is looked for beside the project
    and one level further up (a worktree under ``wt/`` sits one level deeper than main); else
    the copy kept with the tests, ``tests/data/<name>``, is used.
    """
    override = os.environ.get("MLSD_SHARED")
    bases = [Path(override)] if override else [ROOT.parent, ROOT.parent.parent]
    for base in bases:
        folder = base / name if override else base / "shared" / name
        if folder.is_dir():
            return folder
    return ROOT / "tests" / "data" / name


def size_name(n: int) -> str:
    """``10000`` -> ``"10k"``: the name of a generated catalogue's size."""
    return f"{n // 1000}k"


def catalogue_for(name: str) -> Path:
    """The shipped catalogue (``"shipped"``), or benchmarks/generate.py's catalogue of a size
    (``"10k"``), generated into benchmarks/out/ on first use."""
    if name == "shipped":
        return ROOT / "resources.toml"
    n = int(name.removesuffix("k")) * 1000
    path = OUT / f"catalogue-{n}.toml"
    if not path.is_file():
        OUT.mkdir(exist_ok=True)
        print(f"generating {path.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(n), str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def source_trees(before: Path | None) -> dict[str, Path]:
    """The source folders timed: this checkout's ``src`` as ``"mlsd"``; with ``--before DIR``,
    that tree's ``src`` as ``"before"`` and this one's as ``"after"``.

    DIR must be a tree's root (holding ``src/mlsd_cli``): given anything else, the installed
    mlsd would run as "before" and the table would compare the new code with itself.
    """
    if before is None:
        return {"mlsd": ROOT / "src"}
    src = before.resolve() / "src"
    if not (src / "mlsd_cli").is_dir():
        raise SystemExit(f"--before {before}: no src/mlsd_cli there (give the tree's root)")
    return {"before": src, "after": ROOT / "src"}


def _tree_root(text: str) -> Path:
    root = Path(text)
    if not (root / "src" / "mlsd_cli").is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no src/mlsd_cli there (give the tree's root)")
    return root


def script_parser(doc: str | None, before: bool = False) -> argparse.ArgumentParser:
    """A script's options: its docstring as the help; ``--write`` (or ``--update-docs``) to put
    its figures in the docs; with ``before``, ``--before DIR``, a tree timed beside this one
    (refused at once unless DIR holds ``src/mlsd_cli``)."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--write",
        "--update-docs",
        action="store_true",
        dest="write",
        help="put the figures in docs/benchmarks.md (between the section's markers)",
    )
    if before:
        parser.add_argument(
            "--before", type=_tree_root, help="another source tree (its root), timed beside this"
        )
    return parser


# ----------------------------------------------------------------- running a process


def mlsd_command() -> list[str]:
    """The installed console script beside this interpreter (what a user runs; never a pyenv
    shim on PATH), else ``python -m mlsd_cli``."""
    script = Path(sys.executable).with_name("mlsd")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mlsd_cli"]


def child_env(cache: Path | None = None, src: Path | None = None) -> dict[str, str]:
    """This environment without mlsd's own variables (``MLSD_*``), bytecode written once and
    reused (what an installed mlsd does); with ``cache``, mlsd's cache folder; with ``src``,
    the source tree the child imports (``PYTHONPATH``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSD_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is not None:
        env["MLSD_CACHE_DIR"] = str(cache)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def wall_time(
    argv: list[str],
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
    stdout: int = subprocess.PIPE,
) -> float:
    """Wall seconds of one run of ``argv``: no terminal (stdin empty, stdout piped, as in a
    script, or ``subprocess.DEVNULL``); an exit code not in ``ok`` stops the benchmark with
    the end of the child's stderr."""
    start = time.perf_counter()
    proc = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        message = proc.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {message}")
    return elapsed


def best_warm(
    argv: list[str], env: dict[str, str] | None, repeat: int, ok: tuple[int, ...] = (0,)
) -> float:
    """The best wall time of ``repeat`` runs (output to /dev/null) after one that is not
    counted: it fills the load cache, as a curator's earlier command would have."""
    wall_time(argv, env, ok, subprocess.DEVNULL)
    return min(wall_time(argv, env, ok, subprocess.DEVNULL) for _ in range(repeat))


@dataclass
class Run:
    """One measured process: wall seconds, its own CPU seconds (user + system), its peak
    resident memory, its output."""

    wall: float
    cpu: float
    rss_mb: float
    stdout: str


#: Spawns the measured process from a small interpreter and writes its wall time, CPU time and
#: peak RSS (``os.wait4``: the child's own). On Linux a child's ``ru_maxrss`` is at least its
#: parent's RSS when it was spawned (exec keeps the old memory's high-water mark): spawned
#: straight from a script that holds a 100k catalogue, every child would show the script's
#: 300 MB.
_LAUNCHER = """import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    f.write(f"{elapsed} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(
    argv: list[str],
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
    answers: str = "",
) -> Run:
    """Run ``argv`` through :data:`_LAUNCHER`: its wall time, CPU time, peak memory and
    stdout. Not a terminal: stdin holds ``answers``, output goes to files. An exit code not
    in ``ok`` stops the benchmark with the end of the child's stderr."""
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as figures,
    ):
        stdin.write(answers.encode())
        stdin.seek(0)
        launcher = [sys.executable, "-c", _LAUNCHER, figures.name, *argv]
        code = subprocess.run(launcher, env=env, stdin=stdin, stdout=out, stderr=err).returncode
        out.seek(0)
        err.seek(0)
        measures = figures.read().split()
        if code not in ok or len(measures) != 3:
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(argv)} failed ({code}): {message}")
        wall, cpu, rss_kb = measures
        return Run(float(wall), float(cpu), int(rss_kb) / 1024, out.read().decode(errors="replace"))


def python_pass(runs: int) -> list[float]:
    """Wall seconds of ``runs`` runs of ``python -c pass``: the floor of a whole process."""
    return [wall_time(PYTHON_PASS) for _ in range(runs)]


# ----------------------------------------------------------------- the machine


@dataclass
class LoadAverage:
    """The 1-minute load average when the run started and when it ended (:meth:`stop`)."""

    start: float = field(default_factory=lambda: os.getloadavg()[0])
    end: float | None = None

    def stop(self) -> LoadAverage:
        self.end = os.getloadavg()[0]
        return self

    def __str__(self) -> str:
        end = os.getloadavg()[0] if self.end is None else self.end
        return f"load average {self.start:.1f} at the start, {end:.1f} at the end"


def machine(load: LoadAverage) -> str:
    """``x86_64, 2 cores (load average 0.9 at the start, 1.0 at the end), Python 3.11.7``."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({load}), Python {platform.python_version()}"
    )


# ----------------------------------------------------------------- the docs


def markers(name: str) -> tuple[str, str]:
    """The two markers around a generated section: ``<!-- NAME:start -->``, ``...:end -->``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(text: str, name: str, doc: Path = DOC, append: bool = False) -> None:
    """Put ``text`` between the markers ``name`` (e.g. ``bench:startup``) of ``doc``,
    replacing what was there. Markers not found: the run stops, or with ``append`` the
    section is added at the end of ``doc``."""
    start, end = markers(name)
    content = doc.read_text(encoding="utf-8")
    block = f"{start}\n{text}\n{end}"
    found = re.search(re.escape(start) + ".*?" + re.escape(end), content, re.DOTALL)
    if found is not None:
        content = content[: found.start()] + block + content[found.end() :]
    elif append:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    else:
        raise SystemExit(f"{doc}: markers {start} ... {end} not found")
    doc.write_text(content, encoding="utf-8")
    print(f"wrote the {name} section of {doc}", file=sys.stderr)
