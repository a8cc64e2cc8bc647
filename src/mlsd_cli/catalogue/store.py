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
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any
from typing import BinaryIO

from mlsd_cli.catalogue import atomic
from mlsd_cli.catalogue import loadcache
from mlsd_cli.catalogue import splice
from mlsd_cli.catalogue.atomic import STALE_TEMP_S as STALE_TEMP_S
from mlsd_cli.catalogue.atomic import TEMP_SUFFIX as TEMP_SUFFIX
from mlsd_cli.catalogue.atomic import real_path as real_path
from mlsd_cli.catalogue.atomic import write_atomic as write_atomic
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


def _write_cache(path: Path, digest: str, make_body: Callable[[], Sequence[atomic.Piece]]) -> None:
    key = loadcache.writable()
    if key is not None:
        loadcache.write(path, digest, make_body(), key=key)


def _read_cache(path: Path, digest: str) -> Catalogue | None:
    cached = loadcache.read(path, digest)
    return None if cached is None else cached.catalogue


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _open(path: Path) -> BinaryIO:
    """The catalogue file, open for reading (CatalogueError naming what is wrong)."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise CatalogueError(
            f"no catalogue file at {path}", hint=f"create one with: mlsd init {path}"
        ) from None
    except IsADirectoryError:
        raise CatalogueError(f"{path} is a directory, not a catalogue file") from None
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None


def read_bytes(path: Path) -> bytes:
    with _open(path) as f:
        try:
            return f.read()
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
    with no_cyclic_gc(), _open(path) as f:
        catalogue, digest, _ = _load(path, f)
    return catalogue, digest


@dataclass
class WriteBasis:
    """What a write knows of the file it read under the lock (:func:`load_for_write`): enough
    for :func:`save` to splice the changed entries into its bytes. Holds the file open."""

    snapshot: splice.Snapshot
    file: BinaryIO
    #: The file's size and modification time when read: a splice copies from it unchanged.
    stamp: tuple[int, int]

    def close(self) -> None:
        self.file.close()

    def check_unchanged(self) -> None:
        """Raise CatalogueError if the file changed in place since it was read (under the lock:
        not by mlsd, which replaces files whole)."""
        if _stamp(self.file) != self.stamp:
            raise CatalogueError(
                "the catalogue file was changed by another program while mlsd was saving it",
                hint="nothing was written; run the command again",
            )


def _stamp(f: BinaryIO) -> tuple[int, int]:
    st = os.fstat(f.fileno())
    return st.st_size, st.st_mtime_ns


def load_for_write(path: Path) -> tuple[Catalogue, WriteBasis | None]:
    """:func:`load` for a write, under the lock: also the basis for splicing when the catalogue
    came from a cache that knows the file's layout (else None: :func:`save` writes it whole).
    The file is read in chunks to hash it; when it is the one the command loaded (same
    digest), the cache it was read from is used again (:data:`_RECENT`), not read twice."""
    path = Path(path)
    f = _open(path)
    try:
        with no_cyclic_gc():
            stamp = _stamp(f)
            catalogue, _, cached = _load(path, f, reuse=True)
            layout = None if cached is None else cached.layout
            snapshot = None
            if layout is not None:
                snapshot = splice.take(catalogue, f.fileno(), stamp[0], layout)
    except BaseException:
        f.close()
        raise
    if snapshot is None:
        f.close()
        return catalogue, None
    return catalogue, WriteBasis(snapshot, f, stamp)


def cache_dir() -> Path:
    """Where mlsd keeps caches ($MLSD_CACHE_DIR, else $XDG_CACHE_HOME/mlsd or ~/.cache/mlsd)."""
    return _cache_dir()


#: The cache last read (its file, the catalogue's digest, what it gave): a write re-reads the
#: catalogue under the lock, and when the file is still the one loaded, the rows are those.
_RECENT: list[tuple[Path, str, loadcache.Cached]] = []


def _cached(path: Path, digest: str, *, reuse: bool) -> loadcache.Cached | None:
    where = loadcache.cache_file(path)
    if reuse and _RECENT and not os.environ.get("MLSD_NO_CACHE"):
        known, known_digest, recent = _RECENT[0]
        if known == where and known_digest == digest:
            catalogue = loadcache.catalogue_of(recent.rows, recent.header)
            return loadcache.Cached(catalogue, recent.layout, recent.rows, recent.header)
    cached = loadcache.read(path, digest)
    if cached is not None:
        _RECENT[:] = [(where, digest, cached)]
    return cached


def _load(
    path: Path, f: BinaryIO, *, reuse: bool = False
) -> tuple[Catalogue, str, loadcache.Cached | None]:
    size = os.fstat(f.fileno()).st_size
    if size < CACHE_MIN_BYTES:
        data = _read_all(path, f)
        return parse_catalogue(data, str(path)), _digest(data), None
    digest = atomic.hash_file(f.fileno(), hashlib.blake2b(digest_size=20)).hexdigest()
    cached = _cached(path, digest, reuse=reuse)
    if cached is not None:
        return cached.catalogue, digest, cached
    data = _read_all(path, f)
    digest = _digest(data)  # the bytes parsed are the bytes the cache is for
    text = _decode(data, str(path))
    del data  # the text is enough from here on (44 MB at 100k entries)
    catalogue = _parse_text(text, str(path))
    del text
    _write_cache(path, digest, lambda: loadcache.make_body(digest, catalogue, None))
    return catalogue, digest, None


def _read_all(path: Path, f: BinaryIO) -> bytes:
    try:
        f.seek(0)
        return f.read()
    except IsADirectoryError:
        raise CatalogueError(f"{path} is a directory, not a catalogue file") from None
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None


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


def save(catalogue: Catalogue, path: Path, *, basis: WriteBasis | None = None) -> bool:
    """Write the catalogue canonically and atomically. Returns False when nothing changed.

    Validates first: a catalogue that would not load again is never written. With the
    ``basis`` of :func:`load_for_write` (under the same lock), only the entries that changed
    are rendered and validated, and spliced into the file (:mod:`splice`): the same bytes as
    a whole save, which is what happens whenever the splice cannot be sure.
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
        from mlsd_cli.catalogue.blocks import block_token

        digest = _digest(data)
        tokens = [block_token(b) for b in encoded]
        _write_cache(path, digest, lambda: loadcache.make_body(digest, catalogue, layout, tokens))
    return not unchanged


def _save_spliced(
    catalogue: Catalogue, path: Path, basis: WriteBasis, spliced: splice.Spliced
) -> bool:
    if spliced.unchanged:
        return False
    hasher = hashlib.blake2b(digest_size=20)
    size = [0]

    def write(f: BinaryIO) -> None:
        atomic.write_pieces(f, spliced.pieces, [hasher])
        size[0] = f.tell()
        basis.check_unchanged()

    write_atomic(path, write)
    if size[0] >= CACHE_MIN_BYTES:
        digest = hasher.hexdigest()
        rows = basis.snapshot.rows
        _write_cache(
            path,
            digest,
            lambda: loadcache.spliced_pieces(rows, digest, catalogue, spliced),
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
