"""The later chunks of a large catalogue parsed and checked on the other core, by a forked helper.

Parsing (rtoml) and checking (:func:`mlsd_cli.catalogue.quickcheck.quick_columns`) a
100k-entry file takes a second of one core. :func:`start` forks a helper process that parses
and checks the last :data:`HELPER_SHARE` of the chunks while this process does the first ones;
the helper sends back each chunk's checked values, a column a field (``marshal``: plain values
only, over a pipe only the two processes hold), and the chunk's other tables. Taking them costs
a tenth of parsing them.

The helper only ever saves work. Each chunk it cannot settle (it does not parse, a table is in
doubt, a value is not plain) comes back as None, and this process reads that chunk itself, the
usual way, which decides and words every error; so does a helper that fails, dies or sends
anything unexpected (:meth:`Helper.results` gives None for every chunk). The helper is forked
only on Linux and only from a process running no other thread (a fork copies one thread: locks
held by others would stay held in the copy); it touches no file, prints nothing and leaves by
``os._exit`` (nothing of this process's, buffers, ``atexit``, runs twice).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from typing import Any

from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.quickcheck import quick_columns

#: The share of the chunks the helper takes: it also encodes what it found (and this process
#: decodes it), so a little less than half keeps both busy to the end.
HELPER_SHARE = 0.45
#: Fewer chunks than this are all read here (a fork and a pipe are not worth it).
MIN_CHUNKS = 8

_DATES = tuple(i for i, f in enumerate(RESOURCE_FIELDS) if f.type == "date")


def available(chunks: int) -> bool:
    """Whether a helper may be forked for a document of ``chunks`` chunks."""
    return (
        chunks >= MIN_CHUNKS
        and sys.platform == "linux"
        and hasattr(os, "fork")
        and threading.active_count() == 1
    )


class Helper:
    """A forked helper reading some chunks (:func:`start`); :meth:`results` takes its answer."""

    def __init__(self, pid: int, pipe: int, count: int) -> None:
        self._pid = pid
        self._pipe = pipe
        self._count = count

    def results(self) -> list[bytes | None]:
        """What the helper found for each of its chunks, in order, encoded (:func:`decoded`
        reads one); None for a chunk to read here."""
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                self._pipe = -1
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            found = marshal.loads(data) if status == 0 else None
            if isinstance(found, list) and len(found) == self._count:
                return [item if isinstance(item, bytes) else None for item in found]
        except (OSError, EOFError, ValueError, TypeError):
            pass
        return [None] * self._count

    def stop(self) -> None:
        """End the helper if it is still running (this process gave up on its answer)."""
        if self._pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            self._pid = 0


def start(parts: Sequence[Callable[[], dict[str, Any]]], sections: set[str]) -> Helper | None:
    """Fork a helper that parses each of ``parts`` (each gives a chunk's tables) and checks its
    resources against ``sections``; None when it cannot be started."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    # Ctrl-C waits until each process is ready for it: the helper then ends at once, saying
    # nothing (never running this process's code for it); this process stops the helper.
    interrupt = {signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, interrupt)
    try:
        pid = os.fork()
    except OSError:
        pid = -1
    if pid == 0:  # the helper
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)
            os.close(read_end)
            # Each chunk encoded as soon as it is checked: its values are not all held at once.
            data = marshal.dumps([_settled(part, sections) for part in parts])
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    if pid < 0:
        os.close(read_end)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)
        return None
    helper = Helper(pid, read_end, len(parts))
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)  # a Ctrl-C meanwhile: now
    except BaseException:
        helper.stop()
        raise
    return helper


def _settled(part: Callable[[], dict[str, Any]], sections: set[str]) -> bytes | None:
    """One chunk's checked columns (dates as day numbers) and other tables, encoded; or None."""
    try:
        tables = part()
    except Exception:
        return None
    resources = tables.pop("resources", None)
    columns = quick_columns(resources, sections) if isinstance(resources, list) else None
    if columns is None:
        return None
    for i in _DATES:
        columns[i] = [None if d is None else d.toordinal() for d in columns[i]]
    try:
        return marshal.dumps((columns, tables))
    except ValueError:  # only plain values travel (a date in another table does not)
        return None


def decoded(encoded: bytes) -> tuple[list[list[Any]], dict[str, Any]] | None:
    """A chunk's columns and other tables, as :func:`_settled` encoded them (None: not that)."""
    try:
        columns, tables = marshal.loads(encoded)
        if len(columns) != len(RESOURCE_FIELDS) or not isinstance(tables, dict):
            return None
        for i in _DATES:
            columns[i] = [None if d is None else date.fromordinal(d) for d in columns[i]]
    except (EOFError, ValueError, TypeError, OverflowError):
        return None
    return columns, tables
