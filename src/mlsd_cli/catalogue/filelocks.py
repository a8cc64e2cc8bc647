"""The write lock: an advisory ``flock`` on a lock file, with the holder written inside.

The kernel releases a ``flock`` when its process ends, however it ends (a kill included), so
a lock held by a dead process cannot exist: a writer that finds the lock taken knows that a
live process holds it. The holder writes ``pid``, host and start time into the file, so the
one who waits can say who it waits for. The file is opened without truncation (a waiter must
not erase the holder's line) and is never deleted (deleting a held lock file would let a
second writer lock a new file while the first still writes).

Where ``fcntl`` is missing (Windows) the :mod:`filelock` package does the locking.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

#: The first pause between two tries; it doubles up to :data:`_MAX_PAUSE_S`.
_FIRST_PAUSE_S = 0.005
_MAX_PAUSE_S = 0.1


class LockBusy(Exception):
    """The lock stayed taken for the whole wait; ``holder`` says by whom (a phrase)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` running (on this host)?"""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - no cheap test elsewhere: assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def holder_text(content: str) -> str:
    """Describe the holder from the lock file's line ``pid host start``."""
    parts = content.split()
    try:
        pid, host, start = int(parts[0]), parts[1], float(parts[2])
    except (IndexError, ValueError):
        return "held by another mlsd command"
    since = f"for {max(0.0, time.time() - start):.0f} s"
    if host != socket.gethostname():
        return f"held by pid {pid} on {host} {since}"
    state = "running" if pid_alive(pid) else "not visible from here"
    return f"held by mlsd pid {pid} ({state}) {since}"


def _try_lock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return holder_text(os.pread(fd, 200, 0).decode("utf-8", "replace"))
    return "held by another mlsd command"  # pragma: no cover


@contextlib.contextmanager
def hold(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock on ``path`` (created if missing), waiting up to ``timeout`` seconds.

    Raises :class:`LockBusy` when the wait ends, OSError when the file cannot be opened.
    """
    if os.name != "posix":  # pragma: no cover - Windows
        from filelock import FileLock
        from filelock import Timeout

        try:
            with FileLock(str(path), timeout=timeout):
                yield
        except Timeout:
            raise LockBusy("held by another mlsd command") from None
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        deadline = time.monotonic() + timeout
        pause = _FIRST_PAUSE_S
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockBusy(_read_holder(fd))
            time.sleep(pause)
            pause = min(pause * 2, _MAX_PAUSE_S)
        line = f"{os.getpid()} {socket.gethostname()} {time.time():.3f}\n".encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, line, 0)
        yield
    finally:
        os.close(fd)  # releases the flock
