"""Issue 12: writes through links, the lock (busy, not writable), leftover temp files.

docs/reliability.md names these tests as the proof of its promises.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

Run = Callable[..., Result]


def _tags(path: Path, rid: str) -> list[str]:
    return next(r.tags for r in store.load(path).resources if r.id == rid)


def _one_error_line(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# ----------------------------------------------------------------- links


def test_a_write_through_a_symlink_updates_the_real_file(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    link = other / "link.toml"
    link.symlink_to(sample_catalogue)
    for n in range(3):
        result = cli("tag", "the-log", f"+via-link-{n}", "--catalogue", str(link))
        assert result.exit_code == 0, result.stderr
    assert link.is_symlink()  # the link is still a link...
    assert _tags(sample_catalogue, "the-log")[-3:] == ["via-link-0", "via-link-1", "via-link-2"]
    # ...the lock and temp files belong to the real file, nothing is left beside the link
    assert sorted(p.name for p in other.iterdir()) == ["link.toml"]
    assert store.lock_path(link) == store.lock_path(sample_catalogue)


def test_a_hard_linked_catalogue_is_refused_and_both_names_kept(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    twin = tmp_path / "twin.toml"
    os.link(sample_catalogue, twin)
    before = sample_catalogue.read_bytes()
    line = _one_error_line(cli("tag", "the-log", "+x", "--catalogue", str(twin)))
    assert "2 hard links" in line
    assert sample_catalogue.read_bytes() == before
    assert os.stat(twin).st_ino == os.stat(sample_catalogue).st_ino  # the link is not broken


def test_export_to_a_symlinked_readme_writes_the_real_readme(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    real = tmp_path / "docs" / "README.md"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "README.md"
    link.symlink_to(real)
    result = cli(
        "export", "--format", "markdown", "-o", str(link), "--catalogue", str(sample_catalogue)
    )
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert "Michelangelo" in real.read_text(encoding="utf-8")


# ----------------------------------------------------------------- the lock


def test_a_busy_lock_names_its_live_holder_and_never_says_delete(
    cli: Run, sample_catalogue: Path
) -> None:
    before = sample_catalogue.read_bytes()
    with store.locked(sample_catalogue):
        result = cli(
            "tag",
            "the-log",
            "+x",
            "--catalogue",
            str(sample_catalogue),
            env={"MLSD_LOCK_TIMEOUT": "0"},
        )
    line = _one_error_line(result)
    assert "busy" in line and f"pid {os.getpid()} (running)" in line
    assert "MLSD_LOCK_TIMEOUT" in line
    assert "delete" not in line.replace("never delete", "")
    assert sample_catalogue.read_bytes() == before


def test_a_bad_lock_timeout_is_one_line(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "tag", "the-log", "+x", "--catalogue", str(sample_catalogue), env={"MLSD_LOCK_TIMEOUT": "x"}
    )
    assert "MLSD_LOCK_TIMEOUT" in _one_error_line(result)


def test_a_killed_holder_leaves_no_stale_lock(sample_catalogue: Path) -> None:
    code = (
        "import sys, os; from pathlib import Path; from mlsd_cli.catalogue import store\n"
        "with store.locked(Path(sys.argv[1])):\n"
        "    print('held', flush=True); os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(sample_catalogue)], capture_output=True, text=True
    )
    assert proc.stdout == "held\n" and proc.returncode == -9
    with store.locked(sample_catalogue, timeout=0):  # free at once: the kernel released it
        pass


def test_a_lock_path_that_is_a_folder_is_one_line(cli: Run, sample_catalogue: Path) -> None:
    lock = store.lock_path(sample_catalogue)
    lock.mkdir(parents=True)
    before = sample_catalogue.read_bytes()
    line = _one_error_line(cli("tag", "the-log", "+x", "--catalogue", str(sample_catalogue)))
    assert str(lock) in line and "Is a directory" in line
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize(
    ("errno_", "words"),
    [(errno.EACCES, "Permission denied"), (errno.EROFS, "Read-only file system")],
)
def test_a_lock_that_cannot_be_created_or_opened_is_one_line(
    cli: Run, sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch, errno_: int, words: str
) -> None:
    """A read-only folder or lock file (the OS's answer is injected: the tests may run as
    root, whom permissions do not stop)."""
    lock = store.lock_path(sample_catalogue)
    real_open = os.open

    def refusing_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == lock:
            raise OSError(errno_, os.strerror(errno_), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    before = sample_catalogue.read_bytes()
    line = _one_error_line(cli("tag", "the-log", "+x", "--catalogue", str(sample_catalogue)))
    assert str(lock) in line and words in line
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- temp files


def _kill_at_the_save(path: Path) -> None:
    """A writer killed after its temp file is written, before the rename."""
    code = (
        "import os, sys; from pathlib import Path; from mlsd_cli.catalogue import store\n"
        "os.replace = lambda *a: os.kill(os.getpid(), 9)\n"
        "store.write_atomic(Path(sys.argv[1]), b'half of a new catalogue')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True)
    assert proc.returncode == -9


def test_the_next_write_removes_temp_files_of_killed_writers(
    cli: Run, sample_catalogue: Path
) -> None:
    before = sample_catalogue.read_bytes()
    for _ in range(3):
        _kill_at_the_save(sample_catalogue)
    temps = [p for p in sample_catalogue.parent.iterdir() if p.name.endswith(".mlsd-tmp")]
    # each killed writer removed its dead predecessor's leftover before dying itself
    assert len(temps) == 1 and sample_catalogue.read_bytes() == before  # not corrupted
    result = cli("tag", "the-log", "+after", "--catalogue", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert [p for p in sample_catalogue.parent.iterdir() if p.name.endswith(".mlsd-tmp")] == []
    assert "after" in _tags(sample_catalogue, "the-log")


def test_a_live_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    mine = tmp_path / f".out.md.{os.getpid()}-abc{store.TEMP_SUFFIX}"
    mine.write_bytes(b"being written")
    store.write_atomic(target, b"new")
    assert mine.exists() and target.read_bytes() == b"new"


def test_one_gitignore_line_covers_every_file_mlsd_leaves() -> None:
    ignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text(encoding="utf-8")
    assert f"*{store.TEMP_SUFFIX}" in ignore.splitlines()


# ----------------------------------------------------------------- concurrent writers


@pytest.mark.slow
def test_twenty_mixed_writers_half_through_a_symlink_lose_nothing(
    sample_catalogue: Path, tmp_path: Path
) -> None:
    """14 adds and 6 tag edits at once, every other one through a symbolic link: every add
    and every tag that exited 0 is in the file; a writer refused (a stale plan: the entry it
    tags changed meanwhile) said so on stderr and exited 2; nothing is lost silently."""
    from .test_concurrent_add import run_together

    link_dir = tmp_path / "other"
    link_dir.mkdir()
    link = link_dir / "link.toml"
    link.symlink_to(sample_catalogue)
    paths = [str(sample_catalogue), str(link)]
    adds = [
        ["add", f"https://example.org/w/{n}", "--title", f"Writer {n} post", "--kind", "blog",
         "--section", "platforms", "--yes", "--no-fetch", "--catalogue", paths[n % 2]]
        for n in range(14)
    ]  # fmt: skip
    tags = [
        ["tag", ["the-log", "ubers-michelangelo", "facebook-ads-clicks"][n % 3], f"+w-{n}",
         "--catalogue", paths[n % 2]]
        for n in range(6)
    ]  # fmt: skip
    results = run_together(tmp_path, adds + tags, timeout=180)
    catalogue = store.load(sample_catalogue)
    titles = {r.title for r in catalogue.resources}
    for n, result in enumerate(results[:14]):
        assert result.returncode == 0, result.stderr
        assert f"Writer {n} post" in titles
    tags_now = {t for r in catalogue.resources for t in r.tags}
    for n, result in enumerate(results[14:]):
        if result.returncode == 0:
            assert f"w-{n}" in tags_now
        else:  # refused, and said so
            assert result.returncode == 2 and "mlsd: error:" in result.stderr
            assert f"w-{n}" not in tags_now
    assert link.is_symlink()
    assert store.dumps(catalogue) == sample_catalogue.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.rglob(f"*{store.TEMP_SUFFIX}")]
