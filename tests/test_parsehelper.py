"""The helper process that parses the last chunks: the same catalogue, or the same error, as the
whole tomli parse; anything going wrong with the helper only costs time."""

from __future__ import annotations

import marshal
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import parsehelper
from mlsd_cli.catalogue import store
from mlsd_cli.catalogue import tomlparse
from mlsd_cli.catalogue.model import Catalogue

from .test_tomlparse import ODD_LINES
from .test_tomlparse import _catalogue
from .test_tomlparse import _outcome
from .test_tomlparse import _whole
from .test_tomlparse import assert_chunks_agree
from .test_tomlparse import plain

pytestmark = pytest.mark.skipif(
    not parsehelper.available(parsehelper.MIN_CHUNKS), reason="no fork here (not Linux)"
)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 entries, and a helper for any number of them."""
    monkeypatch.setattr(tomlparse, "CHUNK_ENTRIES", 3)
    monkeypatch.setattr(tomlparse, "CHUNK_MIN_CHARS", 0)
    monkeypatch.setattr(parsehelper, "MIN_CHUNKS", 1)


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> list[parsehelper.Helper]:
    """Every helper started, as started."""
    started: list[parsehelper.Helper] = []
    real = parsehelper.start

    def start(*args: Any) -> parsehelper.Helper | None:
        helper = real(*args)
        assert helper is not None
        started.append(helper)
        return helper

    monkeypatch.setattr(parsehelper, "start", start)
    return started


def _plain(n: int) -> str:
    """A catalogue of ``n`` entries whose chunks all parse (no [[resources]] line in a text)."""
    return plain(_catalogue(n))


def test_the_helper_reads_the_last_chunks(helpers: list[parsehelper.Helper]) -> None:
    text = _plain(20)
    catalogue = store.parse_catalogue(text.encode(), "x")
    assert len(helpers) == 1
    assert catalogue == _whole(text) and len(catalogue.resources) == 20
    assert catalogue.not_duplicates == [("r0", "r2")]  # a table after the last resource


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 14),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(ODD_LINES), st.booleans()), max_size=4
    ),
)
def test_with_the_helper_the_catalogue_or_error_is_the_whole_parse_s(
    size: int, edits: list[tuple[int, str, bool]]
) -> None:
    assert_chunks_agree(_plain(size), edits)


def test_a_helper_that_dies_costs_only_time(
    monkeypatch: pytest.MonkeyPatch, helpers: list[parsehelper.Helper]
) -> None:
    monkeypatch.setattr(parsehelper, "_settled", lambda part, sections: os._exit(7))
    text = _plain(20)
    assert store.parse_catalogue(text.encode(), "x") == _whole(text)
    assert len(helpers) == 1


@pytest.mark.parametrize(
    "answer",
    [b"\x00not marshal", marshal.dumps(([["x"]], {})), marshal.dumps(("a", "b", "c"))],
)
def test_what_the_helper_sends_is_checked(
    monkeypatch: pytest.MonkeyPatch, helpers: list[parsehelper.Helper], answer: bytes
) -> None:
    monkeypatch.setattr(parsehelper, "_settled", lambda part, sections: answer)
    text = _plain(20)
    assert store.parse_catalogue(text.encode(), "x") == _whole(text)
    assert len(helpers) == 1


def test_a_chunk_with_a_date_outside_the_resources_is_read_here() -> None:
    text = _plain(20) + "\n[extra]\nwhen = 2024-01-01\n"
    message = _outcome(lambda: store.parse_catalogue(text.encode(), "x"))
    assert message == _outcome(lambda: _whole(text))
    assert isinstance(message, str) and "unknown top-level entry 'extra'" in message


def test_the_helper_is_ended_when_the_reader_gives_up(
    monkeypatch: pytest.MonkeyPatch, helpers: list[parsehelper.Helper]
) -> None:
    monkeypatch.setattr(parsehelper, "_settled", lambda part, sections: signal.pause())
    chunks = tomlparse.Chunks(_plain(20))
    reading = chunks.resources()
    assert isinstance(next(reading), list)  # a chunk read here, the helper meanwhile
    pid = helpers[0]._pid
    assert pid > 0
    reading.close()  # an error in a chunk, or Ctrl-C: the helper is stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_no_helper_is_forked_beside_another_thread() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parsehelper.available(100)
    finally:
        stop.set()
        other.join()
    assert parsehelper.available(100)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.slow
def test_ctrl_c_while_the_helper_reads_ends_both(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the terminal's process group) while the helper is at work: mlsd says
    so in one line and exits 130, and no helper is left running."""
    import subprocess
    import sys
    import time

    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.model import Section

    catalogue = Catalogue(sections=[Section("s", "S")])
    catalogue.resources = [
        Resource(f"r{i}", f"Title {i}", "blog", ["s"], url=f"https://x.example/{i}", tags=["t"])
        for i in range(40_000)
    ]
    path = tmp_path / "resources.toml"
    path.write_text(store.dumps(catalogue), encoding="utf-8")
    for attempt in range(5):  # each run is cold (a new cache folder) until one is caught
        env = {**os.environ, "MLSD_CACHE_DIR": str(tmp_path / f"cache-{attempt}")}
        mlsd = subprocess.Popen(
            [sys.executable, "-m", "mlsd_cli", "list", "-c", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group, as a terminal's job
        )
        while mlsd.poll() is None and not _children(mlsd.pid):
            time.sleep(0.001)
        if mlsd.poll() is not None:  # done before the helper was seen: try again
            assert mlsd.wait() == 0
            continue
        os.killpg(mlsd.pid, signal.SIGINT)
        _, stderr = mlsd.communicate(timeout=60)
        assert mlsd.returncode == 130, stderr
        assert b"interrupted" in stderr and b"Traceback" not in stderr
        with pytest.raises(ProcessLookupError):
            os.killpg(mlsd.pid, 0)  # nothing left in its group: the helper is gone too
        return
    pytest.fail("the helper was never seen at work")
