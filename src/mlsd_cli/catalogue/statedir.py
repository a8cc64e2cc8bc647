"""mlsd's own state beside a catalogue: the one folder ``.mlsd/`` next to the catalogue file.

This module alone decides what is in that folder and what it is called:

- ``NAME.toml.lock``: the write lock of the catalogue ``NAME.toml``
  (:func:`mlsd_cli.catalogue.store.lock_path`). Never worth committing.
- ``linkstate.json`` (``linkstate-NAME.json`` for a catalogue not called ``resources.toml``):
  what ``mlsd check`` remembers of each link (:func:`mlsd_cli.web.linkstate.state_path`). It
  may be committed, so that a link's history (``dead`` only after N failing runs) travels with
  the catalogue.
- temp files (``*.mlsd-tmp``) of an atomic write in progress. Never worth committing.

The folder is created on demand, with the umask's mode like any folder a user makes, and holds
its own ``.gitignore`` naming what must not be committed, so a write leaves ``git status``
beside a catalogue clean without a line in the project's ``.gitignore``.

Files of earlier versions beside the catalogue (``.resources.toml.lock``,
``.mlsd-linkstate*.json``) are still read, and retired by the next write (see
:func:`legacy_lock_file`, :func:`legacy_linkstate_file`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

#: The folder's name, beside the catalogue file.
FOLDER = ".mlsd"

#: The folder's own ``.gitignore``: what must never be committed (itself too, so that a write
#: leaves ``git status`` clean, as pytest's cache folder does). The link history is left out
#: of it: it shows as a file to commit, which it may be.
GITIGNORE = (
    "# Written by mlsd (see docs/catalogue.md, 'Files beside the catalogue'). The write lock,\n"
    "# temp files, caches and this file are not for committing; the link history\n"
    "# (linkstate*.json) may be committed.\n"
    ".gitignore\n"
    "*.lock\n"
    "*.mlsd-tmp\n"
    "cache/\n"
)


def folder(directory: Path) -> Path:
    """The state folder of the catalogues in ``directory``."""
    return Path(directory) / FOLDER


def ensure(state: Path) -> Path:
    """Create the state folder ``state`` (a :func:`folder`, or the parent of a path given by
    this module) and its ``.gitignore`` if missing; return it.

    Modes are left to the umask (0o777 for the folder, 0o666 for the file), as for anything a
    user creates. Raises OSError when the folder cannot be made (the caller says which file
    it needed)."""
    with contextlib.suppress(FileExistsError):
        state.mkdir(mode=0o777)
    ignore = state / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(FileExistsError):
            fd = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(GITIGNORE)
    return state


def lock_file(catalogue: Path) -> Path:
    """The write lock of the catalogue file ``catalogue`` (already resolved by the caller)."""
    return folder(catalogue.parent) / f"{catalogue.name}.lock"


def legacy_lock_file(lock: Path) -> Path:
    """Where mlsd before ``.mlsd/`` kept the lock now at ``lock`` (a :func:`lock_file`):
    ``.NAME.toml.lock`` beside the catalogue."""
    return lock.parent.parent / f".{lock.name}"


@contextlib.contextmanager
def legacy_lock_held(lock: Path, timeout: float) -> Iterator[None]:
    """Hold the lock file an earlier mlsd left beside the catalogue too, if there is one (an
    older mlsd still running is then serialized with this one), and remove it before letting
    go: once retired, a write takes only the lock at ``lock``. Raises as
    :func:`mlsd_cli.catalogue.filelocks.hold`."""
    old = legacy_lock_file(lock)
    if not old.is_file():
        yield
        return
    from mlsd_cli.catalogue.filelocks import hold

    with hold(old, timeout):
        yield
        with contextlib.suppress(OSError):
            old.unlink()


def _stem(catalogue: Path) -> str | None:
    """None for ``resources.toml`` (the plain names), else the file's stem, made safe."""
    if catalogue.name == "resources.toml":
        return None
    return re.sub(r"[^A-Za-z0-9_.-]", "_", catalogue.stem)


def linkstate_file(catalogue: Path) -> Path:
    """The link state of the catalogue file ``catalogue``."""
    stem = _stem(catalogue)
    name = "linkstate.json" if stem is None else f"linkstate-{stem}.json"
    return folder(catalogue.parent) / name


def legacy_linkstate_file(state: Path) -> Path | None:
    """The file an earlier mlsd wrote for the link state now at ``state`` (a path given by
    :func:`linkstate_file`): ``.mlsd-linkstate.json`` / ``.mlsd-linkstate-NAME.json`` beside
    the catalogue. None when ``state`` is not in a state folder (the user cache)."""
    if state.parent.name != FOLDER or not state.name.startswith("linkstate"):
        return None
    return state.parent.parent / f".mlsd-{state.name}"
