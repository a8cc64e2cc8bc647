"""The load cache of large catalogues: the parsed entries, keyed by the file's content hash.

JSON, never pickle (the cache directory may be writable by others), and signed with a
per-user secret key: a cache file this user did not write for these bytes is not used.

The file is one JSON array written one item a line: first the keyed digest of the rest (as a
string), then a header (version, digest, the catalogue's title, description, sections and
not-duplicates records, and the file's head length when the file is canonical), then one row
per resource (its values in the field table's
order, then its block's length in bytes in the file, or null). One line per entry lets a write
that changes one entry splice the cache as it splices the file (:func:`splice_body`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from mlsd_cli.catalogue import fields
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.splice import Layout

#: The body's layout: bump it when the way the body is written changes.
BODY_FORMAT = "lines-1"


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


#: One encoder for every line (json.dumps with options builds a new one each call; json.dump
#: would not use the C encoder at all).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dumps(value: Any) -> bytes:
    return _ENCODE(value).encode("utf-8")


def _header(digest: str, catalogue: Catalogue, layout: Layout | None) -> bytes:
    section_row = attrgetter(*(f.name for f in dataclass_fields(Section)))
    header = {
        "version": cache_version(),
        "digest": digest,
        "title": catalogue.title,
        "description": catalogue.description,
        "sections": [section_row(s) for s in catalogue.sections],
        "not_duplicates": catalogue.not_duplicates,
        "head": None if layout is None else layout.head,
    }
    return b"," + _dumps(header) + b"\n"


def encode_row(row: list[Any], length: int | None) -> bytes:
    """One resource's line of the body."""
    row.append(length)
    return b"," + _dumps(row) + b"\n"


def make_body(digest: str, catalogue: Catalogue, layout: Layout | None) -> list[bytes]:
    """The body's lines for ``catalogue`` (``layout``: the canonical file's, or None)."""
    rows = fields.cache_rows(catalogue.resources)
    lengths: list[int | None] = [None] * len(rows) if layout is None else list(layout.lengths)
    lines = [_header(digest, catalogue, layout)]
    lines += [encode_row(row, n) for row, n in zip(rows, lengths, strict=True)]
    lines.append(b"]")
    return lines


def splice_body(
    old_file: bytes,
    digest: str,
    catalogue: Catalogue,
    layout: Layout,
    kept: list[int | None],
) -> list[bytes]:
    """The body's lines for ``catalogue`` made from the old cache file: the line of each entry
    that kept its block (``kept[n]``: its old index) is copied, the others are encoded."""
    old_lines = old_file.splitlines(keepends=True)  # JSON escapes every line break in a value
    lines = [_header(digest, catalogue, layout)]
    changed = [r for r, old in zip(catalogue.resources, kept, strict=True) if old is None]
    fresh = iter(fields.cache_rows(changed))
    for n, old in enumerate(kept):
        if old is None:
            lines.append(encode_row(next(fresh), layout.lengths[n]))
        else:
            lines.append(old_lines[old + _FIRST_ROW])
    lines.append(b"]")
    return lines


#: The file's lines: the keyed digest, the header, then the rows.
_FIRST_ROW = 2


@dataclass
class Cached:
    """What a valid cache file gives: the catalogue, the file's layout if canonical, and the
    cache file's bytes (a write splices them)."""

    catalogue: Catalogue
    layout: Layout | None
    body: bytes


def _from_items(items: list[Any]) -> tuple[Catalogue, Layout | None]:
    header, rows = items[1], items[_FIRST_ROW:]
    lengths = [row[-1] for row in rows]
    catalogue = Catalogue(
        title=header["title"],
        description=header["description"],
        sections=[Section(*row) for row in header["sections"]],
        resources=fields.resources_from_rows(rows),
        not_duplicates=[(a, b) for a, b in header["not_duplicates"]],
    )
    head = header["head"]
    if head is None or not all(type(n) is int for n in lengths):
        return catalogue, None
    return catalogue, Layout(head, lengths)


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


def cache_mac(key: bytes, digest: str, body: Iterable[bytes | memoryview]) -> bytes:
    mac = hashlib.blake2b(digest.encode() + b"\n", key=key, digest_size=32)
    for part in body:
        mac.update(part)
    return mac.hexdigest().encode()


def read(path: Path, digest: str) -> Cached | None:
    """The cache of the catalogue at ``path`` whose bytes have ``digest``, if this user wrote
    one for them (else None)."""
    import hmac

    if os.environ.get("MLSD_NO_CACHE"):
        return None
    key = cache_key()
    if key is None:
        return None
    try:
        with cache_file(path).open("rb") as f:
            data = f.read()
        first = data.index(b"\n") + 1  # the keyed digest's line; the body after it, uncopied
        mac = cache_mac(key, digest, [memoryview(data)[first:]])
        if not hmac.compare_digest(data[2 : first - 2], mac):
            return None  # not written by this user for these bytes: parse the file instead
        items = json.loads(data)  # the whole file is one JSON array: no copy of the body
        header = items[1]
        if header.get("version") != cache_version() or header.get("digest") != digest:
            return None
        catalogue, layout = _from_items(items)
        return Cached(catalogue, layout, data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def signed(digest: str, make_body: Callable[[], list[bytes]]) -> list[bytes] | None:
    """The cache file's content, in parts, for the body lines ``make_body`` gives
    (:func:`make_body`, :func:`splice_body`): the keyed digest's line, then the body. None when
    there is no cache to write (turned off, or no private key); ``make_body`` is then not
    called."""
    if os.environ.get("MLSD_NO_CACHE"):
        return None
    key = cache_key()
    if key is None:
        return None
    body = make_body()
    return [b'["' + cache_mac(key, digest, body) + b'"\n', *body]
