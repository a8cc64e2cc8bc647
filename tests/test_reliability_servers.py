"""Issue 12: hostile servers against ``mlsd add URL`` and ``mlsd check``, in bounded time and
memory.

Each hostile behaviour is served by a real server on 127.0.0.1 (:mod:`tests.httpserver`, and
a raw socket for the header drip); ``mlsd`` runs as a real process, and its peak resident
memory is the kernel's high-water mark for that process (``VmHWM`` in ``/proc/self/status``,
read as it exits: :data:`PEAK`). Not ``getrusage``/``wait4``'s ``ru_maxrss``: on Linux a
child's figure starts from the RSS of the forked parent, here the whole test run.

The bounds, for every behaviour and both commands:

- **time**: the command's own deadline is 1 s (``$MLSD_FETCH_TIMEOUT=1`` for add, ``--timeout
  1 --retries 0`` for check); it must end by itself within :data:`KILL_AFTER_S` (a watchdog
  kills it otherwise, and the test fails);
- **memory**: a peak RSS of at most :data:`MAX_RSS_MIB` MiB (about 30 MiB is mlsd's own,
  ~50 MiB with httpx loaded), where keeping what these servers send would take hundreds
  of MiB: the endless body arrives at loopback speed, the gzip bomb inflates to 256 MiB.

And the command's usual answer: add goes on without the page (a warning, exit 0, the entry
added); check reports the link (exit 0 or 1), no traceback, no control character printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store

from .conftest import SAMPLE_TOML
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import html_page
from .httpserver import http_server as http_server  # the fixture
from .test_reliability_hostile import UNSAFE_OUTPUT
from .test_reliability_hostile import header_drip as header_drip  # the fixture

#: Runs mlsd, and at its exit writes its peak RSS (kB) to $PEAK_FILE.
PEAK = r"""
import atexit, os, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(peak)
atexit.register(report)
sys.argv[0] = "mlsd"
from mlsd_cli.__main__ import run
run()
"""
KILL_AFTER_S = 60.0
MAX_RSS_MIB = 100
BOMB_MIB = 256


def _gzip_bomb(mib: int) -> bytes:
    """``mib`` MiB of zeros, gzip-compressed (about 250 KiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(mib)) + packer.flush()


@pytest.fixture(scope="module")
def hostile() -> Iterator[dict[str, str]]:
    """The hostile behaviours, by name -> URL (the header drip is added by the test)."""
    with TestServer() as server:
        server.route("/endless", Reply(200, "<html><head><title>x", endless=True))
        server.route("/drip", Reply(200, "<html><head><title>x", endless=True, drip=0.05))
        server.route(
            "/huge-header", Reply(200, "<title>x</title>", headers={"X-Big": "a" * (8 << 20)})
        )
        many = {f"X-Many-{n}": "b" * 64 for n in range(60_000)}
        server.route("/many-headers", Reply(200, "<title>x</title>", headers=many))
        server.route(
            "/gzip-bomb",
            Reply(200, _gzip_bomb(BOMB_MIB), headers={"Content-Encoding": "gzip"}),
        )
        yield {name: server.url(f"/{name}") for name in
               ("endless", "drip", "huge-header", "many-headers", "gzip-bomb")}  # fmt: skip


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mib: float
    seconds: float
    killed: bool


def _mlsd(args: list[str], tmp: Path, env: dict[str, str]) -> Run:
    """Run ``mlsd ARGS`` with a watchdog at KILL_AFTER_S; its peak RSS from :data:`PEAK`."""
    out, err, peak = (tmp / f"{args[0]}-{id(args)}.{n}" for n in ("out", "err", "peak"))
    with out.open("wb") as o, err.open("wb") as e:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", PEAK, *args], stdout=o, stderr=e,
                                stdin=subprocess.DEVNULL,
                                env={**os.environ, **env, "PEAK_FILE": str(peak)})  # fmt: skip
        watchdog = threading.Timer(KILL_AFTER_S, proc.kill)
        watchdog.start()
        proc.wait()
        watchdog.cancel()
    peak_mib = int(peak.read_text()) / 1024 if peak.exists() else float("inf")
    return Run(proc.returncode, out.read_text("utf-8"), err.read_text("utf-8"), peak_mib,
               time.monotonic() - start, proc.returncode == -9)  # fmt: skip


def _check_bounds(name: str, run: Run) -> None:
    assert not run.killed, f"{name}: still running after {KILL_AFTER_S:.0f} s"
    assert run.peak_mib <= MAX_RSS_MIB, f"{name}: peak RSS {run.peak_mib:.0f} MiB"
    assert "Traceback" not in run.stderr, (name, run.stderr)
    assert not UNSAFE_OUTPUT.search(run.stdout + run.stderr), (name, run.stdout, run.stderr)


def _run_against(
    urls: dict[str, str],
    tmp: Path,
    text: Callable[[str], str],
    args: Callable[[str, str], list[str]],
    env: dict[str, str],
) -> dict[str, Run]:
    """Run mlsd against every URL at once, each on its own catalogue (``text(url)``, at
    ``tmp/NAME.toml``); check the bounds of every run; print the figures."""
    jobs = {}
    for name, url in urls.items():
        path = tmp / f"{name}.toml"
        path.write_text(text(url), encoding="utf-8")
        jobs[name] = [*args(name, url), "--catalogue", str(path)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = {name: pool.submit(_mlsd, command, tmp, env) for name, command in jobs.items()}
        runs = {name: future.result() for name, future in futures.items()}
    for name, run in runs.items():
        _check_bounds(name, run)
    print({name: f"{run.peak_mib:.0f} MiB, {run.seconds:.1f} s" for name, run in runs.items()})
    return runs


def _with_two_links(url: str) -> str:
    text = SAMPLE_TOML.replace("https://eng.uber.com/michelangelo-machine-learning-platform/", url)
    return re.sub(r"https://engineering\.linkedin\.com/\S+\"", url + '?2"', text)


@pytest.mark.slow
def test_add_is_bounded_in_time_and_memory_against_hostile_servers(
    tmp_path: Path, hostile: dict[str, str], header_drip: str
) -> None:
    def add(name: str, url: str) -> list[str]:
        return ["add", url, "--title", f"Hostile {name}", "--kind", "blog",
                "--section", "platforms", "--yes"]  # fmt: skip

    urls = {**hostile, "header-drip": header_drip}
    runs = _run_against(urls, tmp_path, lambda url: SAMPLE_TOML, add, {"MLSD_FETCH_TIMEOUT": "1"})
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stderr)  # the add goes on without the page
        if name in ("huge-header", "many-headers", "header-drip"):  # no page at all
            assert "warning" in run.stderr, (name, run.stderr)
        titles = [r.title for r in store.load(tmp_path / f"{name}.toml").resources]
        assert f"Hostile {name}" in titles


@pytest.mark.slow
def test_check_is_bounded_in_time_and_memory_against_hostile_servers(
    tmp_path: Path, hostile: dict[str, str], header_drip: str
) -> None:
    def check(name: str, url: str) -> list[str]:
        return ["check", "--timeout", "1", "--retries", "0", "--json"]

    urls = {**hostile, "header-drip": header_drip}
    runs = _run_against(urls, tmp_path, _with_two_links, check, {})
    for name, run in runs.items():
        assert run.returncode in (0, 1), (name, run.stderr)
        report = json.loads(run.stdout)
        assert report["summary"]["total"] == 2, (name, report)  # both links reported


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [("gzip", lambda b: zlib.compress(b, wbits=31)), ("deflate", zlib.compress), ("", bytes)],
)
def test_an_encoded_page_is_read_and_a_bomb_is_cut_at_the_cap(
    http_server: TestServer, encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    """The bounded decoder reads ordinary gzip and deflate pages as httpx did; the byte cap
    counts inflated bytes: a title past it is not read (the bomb above is never inflated
    whole)."""
    from mlsd_cli.web.metadata import fetch_metadata

    page = html_page(title="Encoded page").encode()
    headers = {"Content-Encoding": encoding} if encoding else {}
    http_server.route("/page", Reply(200, pack(page), headers=headers))
    assert fetch_metadata(http_server.url("/page")).title == "Encoded page"
    late = f'<html><head><meta name="pad" content="{"x" * 200_000}"><title>Late</title></head>'
    http_server.route("/late", Reply(200, pack(late.encode()), headers=headers))
    assert fetch_metadata(http_server.url("/late"), max_bytes=1_000_000).title == "Late"
    assert fetch_metadata(http_server.url("/late"), max_bytes=100_000).title is None  # cut


def test_an_encoding_mlsd_did_not_ask_for_gives_no_page(http_server: TestServer) -> None:
    from mlsd_cli.web.metadata import fetch_metadata

    http_server.route("/br", Reply(200, b"\x1b\x00garbage", headers={"Content-Encoding": "br"}))
    assert fetch_metadata(http_server.url("/br")).title is None
    assert http_server.requests[-1][2].get("Accept-Encoding") == "gzip, deflate"
