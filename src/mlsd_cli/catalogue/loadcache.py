"""The load cache of large catalogues: the parsed entries, keyed by the file's content hash.

JSON, never pickle (the cache directory may be writable by others), and signed with a
per-user secret key: a cache file this user did not write for these bytes is not used.

The file is one JSON array written one item a line: a header (version, digest, the
catalogue's title, description, sections and not-duplicates records, and the file's head
length when the file is canonical), the index columns (:func:`columns`: each entry's id,
aliases, first section, block length and content token, the count of each tag, the length of
each row's line), then one row per resource (its values in the field table's order), and last
the keyed digest of everything before it (a string). A load reads the header and the columns
and decodes rows on demand (:mod:`mlsd_cli.catalogue.lazy`); one line per entry lets a write
that changes one entry splice the cache as it splices the file (:func:`spliced_pieces`):
unchanged lines are copied by range, the digest is computed on the way and written last.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from pathlib import Path
from typing import Any
from typing import BinaryIO

from mlsd_cli.catalogue import fields
from mlsd_cli.catalogue.atomic import Piece
from mlsd_cli.catalogue.atomic import write_pieces
from mlsd_cli.catalogue.lazy import LazyResources
from mlsd_cli.catalogue.lazy import RowStore
from mlsd_cli.catalogue.lazy import pack
from mlsd_cli.catalogue.lazy import row_line
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.splice import Layout
from mlsd_cli.catalogue.splice import Spliced

#: The body's layout: bump it when the way the body is written changes.
BODY_FORMAT = "lines-3"


def cache_dir() -> Path:
    if os.environ.get("MLSD_CACHE_DIR"):
        return Path(os.environ["MLSD_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlsd"


def cache_file(path: Path) -> Path:
    key = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir() / f"catalogue-{key}.json"


def cache_version() -> str:
    """Derived from the field table (:func:`mlsd_cli.catalogue.fields.signature`) and the
    sections' dataclass: a cache written for other fields is never read."""
    section_fields = ",".join(f.name for f in dataclass_fields(Section))
    return f"{fields.signature()}-{section_fields}-{BODY_FORMAT}"


def _dumps(value: Any) -> bytes:
    from mlsd_cli.catalogue.lazy import encode

    return encode(value)


def _header(digest: str, catalogue: Catalogue, head: int | None) -> bytes:
    section_row = attrgetter(*(f.name for f in dataclass_fields(Section)))
    header = {
        "version": cache_version(),
        "digest": digest,
        "title": catalogue.title,
        "description": catalogue.description,
        "sections": [section_row(s) for s in catalogue.sections],
        "not_duplicates": catalogue.not_duplicates,
        "head": head,
    }
    return b"[" + _dumps(header) + b"\n"


def columns(
    ids: Sequence[str],
    aliases: dict[int, list[str]],
    firsts: Sequence[str | None],
    row_lengths: Sequence[int],
    layout: Layout | None,
    tokens: Sequence[int] | None,
    tag_counts: dict[str, int],
) -> bytes:
    """The index columns' line (``layout``, ``tokens``: the canonical file's, or None)."""
    names = {f: n for n, f in enumerate(dict.fromkeys(firsts))}
    data = {
        "ids": "\n".join(ids),  # one string: an id has no line break (far faster to read)
        "aliases": {str(i): a for i, a in aliases.items()},
        "firsts": pack(map(names.__getitem__, firsts), "I"),
        "first_names": list(names),
        "lengths": None if layout is None else pack(layout.lengths, "I"),
        "tokens": None if layout is None or tokens is None else pack(tokens, "q"),
        "tags": tag_counts,
        "row_lengths": pack(row_lengths, "I"),
    }
    return b"," + _dumps(data) + b"\n"


def count_tags(resources: Iterable[Resource]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in resources:
        for t in r.tags:
            counts[t] = counts.get(t, 0) + 1
    return counts


def make_body(
    digest: str,
    catalogue: Catalogue,
    layout: Layout | None,
    tokens: Sequence[int] | None = None,
) -> list[bytes]:
    """The body's lines for ``catalogue`` (``layout``, ``tokens``: the canonical file's)."""
    resources = list(catalogue.resources)
    lines = [b"," + _dumps(row) + b"\n" for row in fields.cache_rows(resources)]
    cols = columns(
        [r.id for r in resources],
        {i: r.aliases for i, r in enumerate(resources) if r.aliases},
        [r.sections[0] if r.sections else None for r in resources],
        [len(line) for line in lines],
        layout,
        tokens,
        count_tags(resources),
    )
    return [_header(digest, catalogue, None if layout is None else layout.head), cols, *lines]


def spliced_pieces(
    rows: LazyResources, digest: str, catalogue: Catalogue, spliced: Spliced
) -> list[Piece]:
    """The body of the cache of ``catalogue`` made from ``rows``' cache file: the lines of the
    entries that kept their blocks are copied by range (the same runs as the blocks), the
    others are encoded (``rows``: the catalogue's resources as loaded, then changed)."""
    from mlsd_cli.catalogue.splice import new_positions

    store = rows.store
    offsets, fd, old_lengths = store.offsets, store.fd, store.row_lengths
    row_lengths = [0 if k is None else old_lengths[k] for k in spliced.kept]
    pieces: list[Piece] = []
    for n, run in new_positions(spliced.kept, spliced.runs):
        if run is not None:
            first, end, old = run
            pieces.append((fd, offsets[old], offsets[old + end - first]))
            continue
        line = row_line(rows[n])
        row_lengths[n] = len(line)
        pieces.append(line)
    counts = _spliced_counts(rows, spliced)
    layout = spliced.layout
    cols = columns(
        rows.ids(),
        rows.aliases(),
        rows.first_sections(),
        row_lengths,
        layout,
        spliced.tokens,
        counts,
    )
    return [_header(digest, catalogue, layout.head), cols, *pieces]


def _spliced_counts(rows: LazyResources, spliced: Spliced) -> dict[str, int]:
    """The tags' counts: the old ones less the rows not kept, plus the new entries' (counted
    afresh when most rows changed)."""
    from mlsd_cli.catalogue.splice import dropped as not_kept

    store, kept = rows.store, spliced.kept
    dropped = not_kept(spliced.runs, len(store))
    if len(dropped) * 4 > len(store) + 16:
        return count_tags(rows)
    counts = dict(store.tag_counts)
    for k in dropped:
        for t in store.row(k)[_TAGS]:
            counts[t] -= 1
    for n, old in enumerate(kept):
        if old is None:
            for t in rows[n].tags:
                counts[t] = counts.get(t, 0) + 1
    return {t: n for t, n in counts.items() if n > 0}


_TAGS = fields.RESOURCE_KEYS.index("tags")


@dataclass
class Cached:
    """What a valid cache file gives: the catalogue (its resources decoded on demand) and the
    file's layout if canonical."""

    catalogue: Catalogue
    layout: Layout | None
    rows: RowStore
    header: dict[str, Any]


def catalogue_of(rows: RowStore, header: dict[str, Any]) -> Catalogue:
    """A catalogue over ``rows`` (a new sequence: several may share one cache file)."""
    return Catalogue(
        title=header["title"],
        description=header["description"],
        sections=[Section(*row) for row in header["sections"]],
        resources=LazyResources(rows),
        not_duplicates=[(a, b) for a, b in header["not_duplicates"]],
    )


def layout_of(rows: RowStore, header: dict[str, Any]) -> Layout | None:
    head = header["head"]
    if head is None or rows.lengths is None or rows.stored_tokens is None:
        return None
    return Layout(head, rows.lengths)


def cache_key() -> bytes | None:
    """This user's secret key for the load cache (``cache_dir()/cache.key``, mode 0600,
    created on first use), or None when there is no private one to use. A cache file is
    trusted only with a keyed digest made with it (:func:`cache_mac`): someone who can write
    the cache folder but not read the key cannot forge a cache entry."""
    key_file = cache_dir() / "cache.key"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        cache_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        fd = os.open(key_file, flags)
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            key = f.read(64)
    except OSError:
        return None
    private = st.st_mode & 0o077 == 0 and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)()
    return key if private and len(key) == 32 else None


def cache_mac(key: bytes, digest: str) -> Any:
    """The keyed hasher of a cache file for the catalogue bytes of ``digest``: fed every byte
    before the digest's item."""
    return hashlib.blake2b(digest.encode() + b"\n", key=key, digest_size=32)


#: The file ends with the keyed digest, a string: ``,"<64 hex digits>"]``.
_MAC_TAIL = 68


def read(path: Path, digest: str) -> Cached | None:
    """The cache of the catalogue at ``path`` whose bytes have ``digest``, if this user wrote
    one for them (else None). The rows are not read: only the header and the columns."""
    import hmac

    from mlsd_cli.catalogue.atomic import COPY_CHUNK

    if os.environ.get("MLSD_NO_CACHE"):
        return None
    key = cache_key()
    if key is None:
        return None
    try:
        fd = os.open(cache_file(path), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        end = size - _MAC_TAIL
        tail = os.pread(fd, _MAC_TAIL, end) if end > 0 else b""
        mac = cache_mac(key, digest)
        position = 0
        while position < end:
            chunk = os.pread(fd, min(COPY_CHUNK, end - position), position)
            if not chunk:
                raise ValueError("short read")
            mac.update(chunk)
            position += len(chunk)
        expected = b',"' + mac.hexdigest().encode() + b'"]'
        if len(tail) != _MAC_TAIL or not hmac.compare_digest(tail, expected):
            os.close(fd)
            return None  # not written by this user for these bytes: parse the file instead
        with os.fdopen(os.dup(fd), "rb") as f:
            header = json.loads(f.readline()[1:])
            if header.get("version") != cache_version() or header.get("digest") != digest:
                os.close(fd)
                return None
            cols = json.loads(f.readline()[1:])
            first_row = f.tell()
        rows = RowStore(Path(path).resolve(), fd, first_row, cols)  # it closes fd from here
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        with contextlib.suppress(OSError):
            os.close(fd)
        return None
    try:
        if rows.offsets[-1] != end:
            raise ValueError("the rows do not end where the keyed digest begins")
        return Cached(catalogue_of(rows, header), layout_of(rows, header), rows, header)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        rows.close()
        return None


def write(path: Path, digest: str, body: Iterable[Piece], *, key: bytes) -> None:
    """Write the cache file of the catalogue at ``path`` (bytes ``digest``): ``body``'s
    pieces, then their keyed digest. Errors are ignored: the cache is only a speed-up."""
    from mlsd_cli.catalogue.atomic import write_atomic
    from mlsd_cli.errors import CatalogueError

    def writer(f: BinaryIO) -> None:
        mac = cache_mac(key, digest)
        write_pieces(f, body, [mac])
        f.write(b',"' + mac.hexdigest().encode() + b'"]')

    with contextlib.suppress(OSError, CatalogueError):
        write_atomic(cache_file(path), writer, durable=False)


def writable() -> bytes | None:
    """The key to sign a new cache file with, or None when no cache is to be written (turned
    off, or no private key)."""
    if os.environ.get("MLSD_NO_CACHE"):
        return None
    return cache_key()
