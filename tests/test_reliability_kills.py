"""Issue 12, the kill matrix: real ``mlsd`` processes killed with SIGKILL while they write.

The commands (add, edit, tag, remove) run as ``python -m mlsd_cli`` on a catalogue of
:data:`ENTRIES` entries (about 0.3 MB: big enough for the load cache, so the cache folder is
written too). They are killed

- **at each step of the save**, reached for certain: a small shim started before mlsd
  (:data:`STOP_AT`) stops the process at that step and tells the test, which kills it: with
  the lock held, with the temp file written but not synced, before the rename, after it, and
  while the load cache is replaced;
- **when the temp file appears** (the test watches the folder, no shim);
- **at random moments** (seeded delays over the command's run, no shim).

After every kill: the catalogue loads and holds the old bytes or the new ones (those the same
command writes when it is not killed), never anything else; the lock is free at once (the next
writer takes it with a timeout of 0: the kernel released it); and after the next write there
is no temp file left, beside the catalogue or in the cache folder. No assertion depends on
timing: a random kill that lands before or after the save must leave the same guarantees.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

Run = Callable[..., Result]

ENTRIES = 700
#: The commands killed, by name (each also run whole, in process, for its new bytes).
OPS: dict[str, list[str]] = {
    "add": ["add", "https://example.org/new/post", "--title", "A brand new post",
            "--kind", "blog", "--section", "platforms", "--yes", "--no-fetch"],
    "edit": ["edit", "r7", "--title", "An edited title"],
    "tag": ["tag", "r9", "+killed"],
    "remove": ["remove", "r11", "--yes"],
}  # fmt: skip
#: The next write, after each kill.
NEXT_WRITE = ["tag", "r3", "+after-the-kill"]

#: Started instead of ``mlsd``: patches the step named by argv[1] to write one byte to the
#: file descriptor in $KILL_FD and wait there to be killed, then runs mlsd's own entry point.
STOP_AT = r"""
import fcntl, os, signal, sys
step = sys.argv.pop(1)
fd = int(os.environ["KILL_FD"])
cache = os.environ["MLSD_CACHE_DIR"]
def stop():
    os.write(fd, b"!")
    while True:
        signal.pause()
def catalogue_temp(name):
    return str(name).endswith(".mlsd-tmp") and not str(name).startswith(cache)
real_flock, real_fsync, real_replace = fcntl.flock, os.fsync, os.replace
def flock(f, how):
    real_flock(f, how)
    if step == "lock held" and how & fcntl.LOCK_EX:
        stop()
def fsync(f):
    if step == "temp written" and catalogue_temp(os.readlink(f"/proc/self/fd/{f}")):
        stop()
    real_fsync(f)
renamed = False
def replace(src, dst, *a, **k):
    global renamed
    into_cache = str(dst).startswith(cache)
    if step == "before the rename" and not into_cache:
        stop()
    if step == "cache" and into_cache and renamed:  # the save's cache, not the load's
        stop()
    real_replace(src, dst, *a, **k)
    renamed = renamed or not into_cache
    if step == "after the rename" and not into_cache:
        stop()
fcntl.flock, os.fsync, os.replace = flock, fsync, replace
from mlsd_cli.__main__ import run
sys.argv[0] = "mlsd"
run()
"""
STEPS = ["lock held", "temp written", "before the rename", "after the rename", "cache"]


def _big_catalogue(path: Path) -> None:
    sections = [Section("platforms", "ML platforms"), Section("streaming", "Streaming systems")]
    resources = [
        Resource(
            id=f"r{i}",
            title=f"Post number {i} on feature stores, ranking and serving at scale",
            kind="blog",
            sections=[sections[i % 2].id],
            url=f"https://example.org/posts/{i}",
            org=f"Org {i % 97}",
            authors=[f"Author {i % 31}", f"Writer {i % 17}"],
            tags=["mlops", f"topic-{i % 23}"],
            description="A synthetic entry of the kill tests. " * 3,
        )
        for i in range(ENTRIES)
    ]
    store.save(Catalogue(title="Kill tests", sections=sections, resources=resources), path)


@dataclass
class Bench:
    """A folder per command: the catalogue, its old bytes and the bytes the command writes."""

    path: Path
    old: bytes
    new: bytes
    cache: Path

    def reset(self) -> None:
        """The old bytes again, and their load cache warm: the command then loads from the
        cache, as a second command on a large catalogue does (and may splice its write)."""
        self.path.write_bytes(self.old)
        store.load(self.path)


@pytest.fixture
def benches(tmp_path: Path, cli: Run) -> dict[str, Bench]:
    base = tmp_path / "base.toml"
    _big_catalogue(base)
    assert base.stat().st_size > store.CACHE_MIN_BYTES  # the cache is written too
    old = base.read_bytes()
    out = {}
    for name, args in OPS.items():
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "resources.toml"
        shutil.copyfile(base, path)
        result = cli(*args, "--catalogue", str(path))
        assert result.exit_code == 0, result.stderr
        out[name] = Bench(path, old, path.read_bytes(), Path(os.environ["MLSD_CACHE_DIR"]))
        assert out[name].new != old
        out[name].reset()
    return out


def _start(bench: Bench, op: str, step: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``mlsd OP`` on the bench (through the shim when ``step``); the read end of the
    shim's pipe is returned (-1 without it)."""
    args = [*OPS[op], "--catalogue", str(bench.path)]
    env = {**os.environ, "MLSD_CACHE_DIR": str(bench.cache)}
    if step is None:
        command, fds, read_end = [sys.executable, "-m", "mlsd_cli", *args], (), -1
    else:
        read_end, write_end = os.pipe()
        env["KILL_FD"] = str(write_end)
        command, fds = [sys.executable, "-c", STOP_AT, step, *args], (write_end,)
    proc = subprocess.Popen(
        command, env=env, pass_fds=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if step is not None:
        os.close(int(env["KILL_FD"]))
    return proc, read_end


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def _temps(bench: Bench, *, cache: bool = True) -> list[Path]:
    """Temp files in the catalogue's folder (its state folder too) and in the cache folder."""
    folders = (bench.path.parent, bench.cache)[: 2 if cache else 1]
    return [p for folder in folders for p in folder.rglob(f"*{store.TEMP_SUFFIX}")]


def _after_the_kill(bench: Bench, cli: Run) -> str:
    """The guarantees after a kill; returns what the file holds ("old" or "new")."""
    data = bench.path.read_bytes()
    assert data in (bench.old, bench.new), "the catalogue is neither the old nor the new file"
    store.load(bench.path)  # and it loads
    with store.locked(bench.path, timeout=0):  # no stale lock: free at once
        pass
    result = cli(*NEXT_WRITE, "--catalogue", str(bench.path), env={"MLSD_LOCK_TIMEOUT": "0"})
    assert result.exit_code == 0, result.stderr
    assert _temps(bench) == []  # the next write removed the killed writer's leftovers
    assert "after-the-kill" in next(
        r.tags for r in store.load(bench.path).resources if r.id == "r3"
    )
    bench.reset()
    return "old" if data == bench.old else "new"


@pytest.mark.slow
def test_kills_at_each_step_of_the_save(benches: dict[str, Bench], cli: Run) -> None:
    """Each step, each time with two of the commands (10 kills, every command at least
    twice): killed before the rename the file is the old one, after it the new one; a
    leftover temp file, beside the catalogue or in the cache folder, is gone after the next
    write."""
    expected = {
        "lock held": "old",
        "temp written": "old",
        "before the rename": "old",
        "after the rename": "new",
        "cache": "new",
    }
    ops = list(OPS)
    for n, step in enumerate(STEPS):
        for op in (ops[n % 4], ops[(n + 2) % 4]):
            bench = benches[op]
            proc, ready = _start(bench, op, step)
            with os.fdopen(ready, "rb") as signal_pipe:
                reached = signal_pipe.read(1)
            assert reached == b"!", f"{op} never reached the step '{step}'"
            if step in ("temp written", "before the rename"):
                assert [p.parent for p in _temps(bench)] == [bench.path.parent]
            if step == "cache":
                assert [p.parent for p in _temps(bench)] == [bench.cache]
            _kill(proc)
            assert _after_the_kill(bench, cli) == expected[step], (op, step)


@pytest.mark.slow
def test_kills_when_the_temp_file_appears_and_at_random_moments(
    benches: dict[str, Bench], cli: Run
) -> None:
    """8 kills without the shim, each command twice: 4 the moment the catalogue's folder
    shows a temp file (or when the command ends, if it wins the race), 4 after a seeded
    random share of a command's run time here. Whatever the moment, the same guarantees."""
    rng = random.Random(12)
    start = time.monotonic()
    proc, _ = _start(benches["tag"], "tag")
    assert proc.wait(timeout=120) == 0
    run_time = time.monotonic() - start
    benches["tag"].reset()
    outcomes = []
    for n in range(8):
        op = list(OPS)[n % 4]
        bench = benches[op]
        proc, _ = _start(bench, op)
        if n < 4:
            while proc.poll() is None and not _temps(bench, cache=False):
                time.sleep(0.0005)  # leave the command the CPU; its save takes longer
        else:
            time.sleep(rng.uniform(0, 1.2) * run_time)
        landed = bool(_temps(bench, cache=False))
        _kill(proc)
        outcomes.append((_after_the_kill(bench, cli), landed))
    print("kills (file after, a temp file there at the kill):", outcomes)
