"""Finding, loading and saving the catalogue file.

- **find**: ``--catalogue`` > ``$MLSD_CATALOGUE`` > ``resources.toml`` in the current
  directory or a parent > the read-only copy shipped in the package.
- **load**: strict UTF-8, TOML errors with line and column, full validation
  (:mod:`mlsd_cli.catalogue.schema`). Large files are parsed once and then read from a JSON cache
  keyed by the file's content hash and signed with a per-user secret key
  (:mod:`mlsd_cli.catalogue.loadcache`).
- **save**: canonical bytes, written to a temp file in the same directory, fsynced, then
  renamed over the old file. A write whose catalogue came from a cache that knows the file's
  layout renders only the changed entries and splices them in (:mod:`mlsd_cli.catalogue.splice`):
  the same bytes as a whole save. Writers are serialized by a lock file and re-read the catalogue
  under the lock (:func:`locked`; :func:`mlsd_cli.changes.commit.commit` is the one write),
  so concurrent commands never lose an update.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from mlsd_cli.catalogue import loadcache
from mlsd_cli.catalogue import splice
from mlsd_cli.catalogue.filelocks import pid_alive
from mlsd_cli.catalogue.gcpause import no_cyclic_gc
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.schema import catalogue_from_dict
from mlsd_cli.catalogue.schema import catalogue_to_dict
from mlsd_cli.errors import CatalogueError
from mlsd_cli.errors import ReadOnlyCatalogueError

CATALOGUE_FILENAME = "resources.toml"
ENV_VAR = "MLSD_CATALOGUE"
#: Files at least this large are cached after parsing; smaller ones parse faster than a cache read.
CACHE_MIN_BYTES = 256 * 1024
LOCK_TIMEOUT_S = 60.0
LOCK_TIMEOUT_ENV = "MLSD_LOCK_TIMEOUT"


@dataclass(frozen=True)
class CatalogueLocation:
    """Where the catalogue is, and how it was found."""

    path: Path
    #: "option", "env", "directory" or "shipped".
    source: str

    @property
    def read_only(self) -> bool:
        return self.source == "shipped"


def shipped_catalogue_path() -> Path:
    """The copy of the project's catalogue installed with the package."""
    packaged = Path(str(importlib_resources.files("mlsd_cli").joinpath("data", CATALOGUE_FILENAME)))
    if packaged.is_file():
        return packaged
    # An editable install of a source checkout: src/mlsd_cli/catalogue -> the repository's copy.
    return Path(__file__).resolve().parents[3] / CATALOGUE_FILENAME


def find_catalogue(
    option: str | os.PathLike[str] | None = None,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    must_exist: bool = True,
) -> CatalogueLocation:
    """Resolve which catalogue a command works on (see the module docstring for the order)."""
    environ = os.environ if env is None else env
    if option:
        location = CatalogueLocation(Path(option), "option")
    elif environ.get(ENV_VAR):
        location = CatalogueLocation(Path(environ[ENV_VAR]), "env")
    else:
        start = (cwd or Path.cwd()).resolve()
        for directory in (start, *start.parents):
            candidate = directory / CATALOGUE_FILENAME
            if candidate.is_file():
                return CatalogueLocation(candidate, "directory")
        return CatalogueLocation(shipped_catalogue_path(), "shipped")
    if must_exist and not location.path.is_file():
        given = location.source == "option"
        raise CatalogueError(
            f"no catalogue file at {location.path}" + ("" if given else f" (from ${ENV_VAR})"),
            hint=f"check the path, or create one with: mlsd init {location.path}",
            field="catalogue" if given else None,
        )
    return location


# --------------------------------------------------------------------------- loading


def _toml_loads(text: str) -> dict[str, Any]:
    # tomli's compiled wheel parses several times faster than the standard library's tomllib.
    import tomli

    return tomli.loads(text)


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise CatalogueError(
            "the catalogue file is empty",
            location=source,
            hint="restore it from version control, or start a new one with: mlsd init",
        )
    try:
        # A byte order mark (some Windows editors write one) is accepted and not kept.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        from mlsd_cli.catalogue.textfiles import utf8_error_place

        line, column, byte = utf8_error_place(data, exc)
        raise CatalogueError(
            f"invalid UTF-8 (byte {byte})",
            location=f"{source}:{line}:{column}",
            hint="save the file as UTF-8",
        ) from None


def parse_catalogue(data: bytes, source: str = CATALOGUE_FILENAME) -> Catalogue:
    """Parse and validate the bytes of a catalogue file. Raises CatalogueError."""
    return _parse_text(_decode(data, source), source)


def _parse_text(text: str, source: str) -> Catalogue:
    from mlsd_cli.catalogue import tomlparse

    if len(text) >= tomlparse.CHUNK_MIN_CHARS:
        catalogue = _parse_in_chunks(text, source)
        if catalogue is not None:
            return catalogue
    raw = _parse_toml(text, source)
    return catalogue_from_dict(raw, source=source, locate=_line_locator(text))


def _parse_in_chunks(text: str, source: str) -> Catalogue | None:
    """A large file read and validated a chunk at a time (:mod:`tomlparse`); None when the
    chunks cannot settle it or it is not valid (the whole parse then gives the exact error)."""
    from mlsd_cli.catalogue.schema import catalogue_from_chunks
    from mlsd_cli.catalogue.tomlparse import Chunks
    from mlsd_cli.catalogue.tomlparse import Unsettled

    try:
        chunks = Chunks(text)
        return catalogue_from_chunks(chunks.head, chunks.resources(), chunks.rest, source=source)
    except (Unsettled, CatalogueError):
        return None


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return _toml_loads(text)
    except RecursionError:  # arrays or inline tables nested hundreds of levels deep
        raise CatalogueError(
            "invalid TOML: arrays or inline tables are nested too deeply",
            location=source,
            hint="a catalogue needs no nesting beyond a list of strings; fix the file",
        ) from None
    except ValueError as exc:  # TOMLDecodeError subclasses ValueError
        message = str(exc)
        match = _TOML_POSITION.search(message)
        location = source
        if match and match.group(1):
            location = f"{source}:{match.group(1)}:{match.group(2)}"
        elif match:
            location = f"{source}:{text.count(chr(10)) + 1}"
        reason = _TOML_POSITION.sub("", message).strip() or "invalid TOML"
        raise CatalogueError(
            f"invalid TOML: {reason[0].lower()}{reason[1:]}",
            location=location,
            hint="fix the syntax there (a missing quote, bracket or '=' is the usual cause)",
        ) from None


def _line_locator(text: str) -> Any:
    """A function giving the line of the index-th [[table]] (and a key inside it). The text is
    split into lines only when a problem is located (at 100k entries the lines cost 150 MB)."""
    split: list[list[str]] = []

    def lines_of() -> list[str]:
        if not split:
            split.append(text.split("\n"))
        return split[0]

    def locate(table: str, index: int | None, key: str | None) -> int | None:
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
        any_header = re.compile(r"^\s*\[")
        count = -1
        start = None
        lines = lines_of()
        for n, line in enumerate(lines):
            if header.match(line):
                count += 1
                if index is None or count == index:
                    start = n
                    break
        if start is None:
            return None
        if key is None:
            return start + 1
        key_line = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start + 1, len(lines)):
            if any_header.match(lines[n]) and not lines[n].lstrip().startswith(('["', "['")):
                break
            if key_line.match(lines[n]):
                return n + 1
        return start + 1

    return locate


def _cache_dir() -> Path:
    return loadcache.cache_dir()


def _cache_file(path: Path) -> Path:
    return loadcache.cache_file(path)


def _write_cache(path: Path, digest: str, make_body: Callable[[], list[bytes]]) -> None:
    content = loadcache.signed(digest, make_body)
    if content is not None:
        with contextlib.suppress(OSError, CatalogueError):
            write_atomic(loadcache.cache_file(path), content, durable=False)


def _read_cache(path: Path, digest: str) -> Catalogue | None:
    cached = loadcache.read(path, digest)
    return None if cached is None else cached.catalogue


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(
            f"no catalogue file at {path}", hint=f"create one with: mlsd init {path}"
        ) from None
    except IsADirectoryError:
        raise CatalogueError(f"{path} is a directory, not a catalogue file") from None
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None


def load(path: Path | CatalogueLocation) -> Catalogue:
    """Read and validate the catalogue at ``path``. Raises CatalogueError."""
    return load_with_digest(path)[0]


def load_with_digest(path: Path | CatalogueLocation) -> tuple[Catalogue, str]:
    """:func:`load`, and the content hash of the bytes read: a key for data derived from them
    (``mlsd search`` keeps its index of a large catalogue in :func:`cache_dir` under it)."""
    path = path.path if isinstance(path, CatalogueLocation) else Path(path)
    with no_cyclic_gc():
        catalogue, digest, _ = _load(path)
    return catalogue, digest


@dataclass
class WriteBasis:
    """What a write knows of the file it read under the lock (:func:`load_for_write`): enough
    for :func:`save` to splice the changed entries into its bytes."""

    snapshot: splice.Snapshot
    cache_body: bytes


def load_for_write(path: Path) -> tuple[Catalogue, WriteBasis | None]:
    """:func:`load` for a write, under the lock: also the basis for splicing when the catalogue
    came from a cache that knows the file's layout (else None: :func:`save` writes it whole)."""
    with no_cyclic_gc():
        catalogue, _, found = _load(Path(path))
        if found is None or found[1].layout is None:
            return catalogue, None
        snapshot = splice.take(catalogue, found[0], found[1].layout)
    return catalogue, None if snapshot is None else WriteBasis(snapshot, found[1].body)


def cache_dir() -> Path:
    """Where mlsd keeps caches ($MLSD_CACHE_DIR, else $XDG_CACHE_HOME/mlsd or ~/.cache/mlsd)."""
    return _cache_dir()


def _load(path: Path) -> tuple[Catalogue, str, tuple[bytes, loadcache.Cached] | None]:
    data = read_bytes(path)
    digest = _digest(data)
    if len(data) < CACHE_MIN_BYTES:
        return parse_catalogue(data, str(path)), digest, None
    cached = loadcache.read(path, digest)
    if cached is not None:
        return cached.catalogue, digest, (data, cached)
    text = _decode(data, str(path))
    del data  # the text is enough from here on (44 MB at 100k entries)
    catalogue = _parse_text(text, str(path))
    del text
    _write_cache(path, digest, lambda: loadcache.make_body(digest, catalogue, None))
    return catalogue, digest, None


# --------------------------------------------------------------------------- saving


FILE_HEADER = splice.FILE_HEADER


def dumps(catalogue: Catalogue) -> str:
    """The canonical text of a catalogue (what :func:`save` writes).

    One ``[[sections]]`` / ``[[resources]]`` block per entry, keys in a fixed order, values
    formatted as tomli-w formats them (:mod:`mlsd_cli.catalogue.tomlwriter`). Multi-line strings are
    written with LF line ends, as a TOML parser reads them back.
    """
    return dumps_dict(catalogue_to_dict(catalogue))


def dumps_dict(data: dict[str, Any]) -> str:
    """:func:`dumps` of a catalogue's canonical dict (:func:`catalogue_to_dict`)."""
    head, blocks, tail = _render(data)
    return head + "".join(blocks) + tail


def _render(data: dict[str, Any]) -> tuple[str, list[str], str]:
    """The canonical file in its parts: head, one block per resource, tail."""
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    header = splice.RESOURCE_HEADER
    blocks = [header + dumps_table(t) for t in data.get("resources", ())]
    return splice.render_head(data), blocks, splice.render_tail(data)


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


def write_atomic(path: Path, data: bytes | list[bytes], *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (bytes, or parts written in turn) so that readers see the
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
            f.write(data) if isinstance(data, bytes) else f.writelines(data)
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


def save(catalogue: Catalogue, path: Path, *, basis: WriteBasis | None = None) -> bool:
    """Write the catalogue canonically and atomically. Returns False when nothing changed.

    Validates first: a catalogue that would not load again is never written. With the
    ``basis`` of :func:`load_for_write` (under the same lock), only the entries that changed
    are rendered and validated, and spliced into the file's bytes (:mod:`splice`): the same
    bytes as a whole save, which is what happens whenever the splice cannot be sure.
    """
    path = Path(path)
    with no_cyclic_gc():
        spliced = None if basis is None else splice.splice(basis.snapshot, catalogue, str(path))
        if spliced is not None and basis is not None:
            return _save_spliced(catalogue, path, basis, spliced)
        raw = catalogue_to_dict(catalogue)
        catalogue_from_dict(raw, source=str(path))  # never write what would not load again
        head, blocks, tail = _render(raw)
        encoded = [block.encode("utf-8") for block in blocks]
        data = head.encode("utf-8") + b"".join(encoded) + tail.encode("utf-8")
        layout = splice.Layout(len(head.encode("utf-8")), [len(b) for b in encoded])
    try:
        unchanged = path.read_bytes() == data
    except OSError:
        unchanged = False
    if not unchanged:
        write_atomic(path, data)
    if len(data) >= CACHE_MIN_BYTES:  # the file is canonical now: the cache records its layout
        digest = _digest(data)
        _write_cache(path, digest, lambda: loadcache.make_body(digest, catalogue, layout))
    return not unchanged


def _save_spliced(
    catalogue: Catalogue, path: Path, basis: WriteBasis, spliced: splice.Spliced
) -> bool:
    if spliced.data == basis.snapshot.data:
        return False
    write_atomic(path, spliced.data)
    if len(spliced.data) >= CACHE_MIN_BYTES:
        digest = _digest(spliced.data)
        body = basis.cache_body
        _write_cache(
            path,
            digest,
            lambda: loadcache.splice_body(body, digest, catalogue, spliced.layout, spliced.kept),
        )
    return True


def lock_path(path: Path) -> Path:
    """Where the write lock of the catalogue at ``path`` lives: in the state folder beside the
    real file (a symbolic link's target), so every name of the file shares it
    (:func:`mlsd_cli.catalogue.statedir.lock_file` names it)."""
    from mlsd_cli.catalogue import statedir

    return statedir.lock_file(real_path(path))


def lock_timeout() -> float:
    """How long a writer waits for the lock: ``$MLSD_LOCK_TIMEOUT`` seconds, else 60."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "")
    try:
        value = float(text) if text else LOCK_TIMEOUT_S
    except ValueError:
        value = -1.0
    if not value >= 0:  # also NaN
        raise CatalogueError(
            f"${LOCK_TIMEOUT_ENV} is {text!r}, not a number of seconds",
            hint=f"set it to a number such as 120, or unset it for {LOCK_TIMEOUT_S:.0f}",
        )
    return value


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the catalogue's write lock (a lock file in the state folder beside the real file,
    :func:`lock_path`), waiting up to ``timeout`` seconds (default :func:`lock_timeout`)."""
    from mlsd_cli.catalogue import statedir
    from mlsd_cli.catalogue.filelocks import LockBusy
    from mlsd_cli.catalogue.filelocks import hold

    wait = lock_timeout() if timeout is None else timeout
    where = lock_path(path)
    try:
        statedir.ensure(where.parent)
        with hold(where, wait), statedir.legacy_lock_held(where, wait):
            yield
    except LockBusy as busy:
        raise CatalogueError(
            f"the catalogue {path} is busy: waited {wait:.0f} s for its lock, {busy.holder}",
            hint=f"try again, or wait longer with {LOCK_TIMEOUT_ENV}=300; the lock frees "
            "itself when its holder exits, so never delete it",
        ) from None
    except OSError as exc:
        raise CatalogueError(
            f"cannot use the lock file {where}: {exc.strerror or exc}",
            hint="mlsd needs to create and write that file beside the catalogue; "
            "check the folder's permissions",
        ) from None


def ensure_writable(location: CatalogueLocation) -> None:
    if location.read_only:
        raise ReadOnlyCatalogueError(
            f"the catalogue shipped with mlsd ({location.path}) is read-only",
            hint="start your own with `mlsd init` (then `mlsd import` a list into it), "
            "or point --catalogue / $MLSD_CATALOGUE at a resources.toml",
        )


def init_catalogue(path: Path, *, title: str = "", description: str = "") -> None:
    """Create an empty catalogue, and the folders it goes in. Refuses to overwrite a file."""
    path = Path(path)
    if path.exists():
        raise CatalogueError(
            f"{path} already exists", hint="pick another path, or edit the one you have"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # mode 0o777 less the umask
    except OSError as exc:
        raise CatalogueError(
            f"cannot create the folder {path.parent}: {exc.strerror or exc}",
            hint="pick another path",
        ) from None
    catalogue = Catalogue(title=title, description=description)
    try:
        with locked(path):
            save(catalogue, path)
    except OSError as exc:
        raise CatalogueError(
            f"cannot create {path}: {exc.strerror or exc}", hint="pick another path"
        ) from None
