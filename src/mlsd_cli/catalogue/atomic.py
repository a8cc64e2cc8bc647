"""The one atomic writer: every file mlsd writes goes through :func:`write_atomic`
(re-exported by :mod:`mlsd_cli.catalogue.store`), and the pieces a spliced write is made of.

A file is written whole (bytes, or parts written in turn) or by a writer that is handed the
open temp file (:func:`write_pieces`: parts of another open file copied by range, hashed on the
way), so a write that keeps most of an old file never holds it whole in memory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from typing import BinaryIO

from mlsd_cli.catalogue.filelocks import pid_alive
from mlsd_cli.errors import CatalogueError

#: A piece of a file being written: bytes, or the range [start, end) of an open file (its fd).
Piece = bytes | tuple[int, int, int]
#: Ranges are copied this much at a time.
COPY_CHUNK = 1 << 20


def write_pieces(f: BinaryIO, pieces: Iterable[Piece], hashers: Iterable[Any] = ()) -> None:
    """Write ``pieces`` to ``f`` in turn, each range read from its file a chunk at a time,
    every byte also fed to each of ``hashers``."""
    updates = [h.update for h in hashers]
    write = f.write
    for piece in pieces:
        if isinstance(piece, bytes):
            write(piece)
            for update in updates:
                update(piece)
            continue
        fd, start, end = piece
        while start < end:
            chunk = os.pread(fd, min(COPY_CHUNK, end - start), start)
            if not chunk:
                raise CatalogueError("the file being copied got shorter while it was read")
            start += len(chunk)
            write(chunk)
            for update in updates:
                update(chunk)


def hash_file(fd: int, hasher: Any) -> Any:
    """Feed the whole file ``fd`` to ``hasher`` a chunk at a time; returns the hasher."""
    position = 0
    while chunk := os.pread(fd, COPY_CHUNK, position):
        hasher.update(chunk)
        position += len(chunk)
    return hasher


#: Temp files mlsd writes end so, one ``.gitignore`` line covers them: ``*.mlsd-tmp``.
TEMP_SUFFIX = ".mlsd-tmp"
#: A temp file of a process that is still running is left alone unless it is this old (its pid
#: may belong to another program by then).
STALE_TEMP_S = 3600.0


def real_path(path: Path) -> Path:
    """The file a write to ``path`` replaces: symbolic links followed, so the lock and the temp
    file sit beside the real file and the rename replaces it, not the link.

    A file with several hard links cannot be replaced without breaking the others: refused.
    """
    resolved = Path(os.path.realpath(path))
    try:
        st = os.stat(resolved)
    except OSError:
        return resolved
    links = st.st_nlink if stat.S_ISREG(st.st_mode) else 1  # a folder's count is no hard link
    if links > 1:
        raise CatalogueError(
            f"{path} has {links} hard links; a write would replace this one and leave the others "
            "holding the old content",
            hint="make the other names symbolic links (ln -s), or work on a copy",
        )
    return resolved


def _remove_stale_temps(directory: Path, name: str) -> None:
    """Delete temp files an earlier, killed mlsd left beside ``name`` (``.NAME.PID-HEX.mlsd-tmp``):
    those whose process is gone, or that are older than :data:`STALE_TEMP_S`."""
    import time

    prefix = f".{name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if not (entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)):
                continue
            pid_text = entry.name[len(prefix) :].partition("-")[0]
            with contextlib.suppress(OSError, ValueError):
                old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_S
                if old or not pid_alive(int(pid_text)):
                    os.unlink(entry.path)


def _create_temp(directory: Path, name: str) -> tuple[int, str]:
    """Create a new temp file beside ``name``, open for writing, with the mode of a new file.

    ``os.open`` with 0o666 lets the umask decide the mode, as for any file a user creates
    (0644 under umask 022, 0600 under 077); ``tempfile.mkstemp`` would always give 0600.
    The name holds the pid, so a later write can tell a dead process's leftover.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    _remove_stale_temps(directory, name)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {directory}")  # pragma: no cover


def write_atomic(
    path: Path,
    data: bytes | list[bytes] | Callable[[BinaryIO], None],
    *,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``data`` (bytes, parts written in turn, or a function that writes
    the content to the open file it is given: :func:`write_pieces`) so that readers see the
    old or the new file, never half.

    Every file mlsd writes goes through here (the catalogue, ``mlsd init``, exports, the README,
    the link state, caches). A symbolic link is followed (:func:`real_path`: the real file is
    replaced, the link stays); a hard-linked file is refused. The temp file lives in the same
    directory as the real file (rename is atomic only within a file system) and is fsynced
    before the rename (unless not ``durable``: caches). A new file gets the mode the umask
    gives; a replaced one keeps its mode. Leftover temp files of killed runs are removed.
    """
    path = real_path(Path(path))
    directory = path.parent if str(path.parent) else Path()
    fd, tmp = _create_temp(directory, path.name)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            elif callable(data):
                data(f)
            else:
                f.writelines(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
