"""The stored match index: each entry's match facts in a per-user SQLite file, keyed by content.

A one-entry write (``add``, ``edit``) asks "is it already in the catalogue?" of every entry.
Building the in-memory :class:`~mlsd_cli.matching.index.MatchIndex` computes every entry's
facts (half a second at 10k entries, five at 100k); this store computes an entry's facts once
per content and answers each look-up with an indexed query.

- **Keyed by content.** A lazily loaded catalogue (``catalogue.resources`` with ``tokens()``,
  the contract of ``mlsd_cli.catalogue.lazy``) gives one content token per entry (a hash of
  its canonical block). A row holds the facts of one token
  (:func:`~mlsd_cli.matching.facts.facts_of`) and the entry's id, title, URL and kind. Rows
  of tokens no longer in the file are ignored (every answer goes through the file's token ->
  position map) and deleted now and then; tokens with no row yet are decoded (only those
  rows), their facts computed and stored: the first check after a big hand edit pays once.
- **The same answers.** The rules (:func:`~mlsd_cli.matching.duplicates.url_matches`,
  :func:`~mlsd_cli.matching.duplicates.title_matches`, :mod:`mlsd_cli.matching.known`) are
  the in-memory index's, through :class:`~mlsd_cli.matching.facts.MatchFacts`; similar titles
  load only the core titles of the query's numbers block whose length lets them reach the
  threshold (:func:`~mlsd_cli.matching.facts.length_bounds`), then rapidfuzz decides.
- **Versioned by the rules.** The file records a digest of the modules that compute facts:
  any change to them (or to this format) empties it first.
- **Private or unused.** The file lives in the load cache's folder
  (:func:`~mlsd_cli.catalogue.loadcache.cache_dir`), one per catalogue path, created mode
  0600 in a folder made 0700. A folder or file not owned by this user, or open to others,
  is never opened (the in-memory index answers instead): whoever could write it could hide a
  duplicate. A file that is not a database, or breaks mid-check, falls back the same way and
  is removed for the next command to rebuild. ``MLSD_NO_CACHE=1`` turns the store off.
- **Concurrent commands.** Writes are short transactions; a clean-up bumps a generation
  number, and a look-up that sees it move re-synchronises and asks again, so a row a
  concurrent clean-up removed is never silently missing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import stat
import weakref
from array import array
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import Protocol

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.evidence import Side
from mlsd_cli.matching.facts import TitleParts
from mlsd_cli.matching.facts import facts_of
from mlsd_cli.matching.facts import length_bounds
from mlsd_cli.matching.facts import plain
from mlsd_cli.matching.index import MatchIndex
from mlsd_cli.matching.tokenmap import TokenPositions
from mlsd_cli.matching.tokenmap import changed_span
from mlsd_cli.matching.tokenmap import token_bytes

#: The layout of the file: bump it when the tables change.
FORMAT = "facts-1"
#: The modules whose code decides the facts: a change to any of them empties the store.
_RULE_MODULES = ("urls.py", "titles.py", "evidence.py", "kinds.py", "facts.py", "factstore.py")
#: A clean-up runs when the file holds this many rows more than twice the catalogue's entries.
_SLACK = 1000
_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS facts(
    token INTEGER PRIMARY KEY, id TEXT, title TEXT, url TEXT, kind TEXT,
    key TEXT, slug TEXT, owner TEXT, repo TEXT, repo_plain TEXT, owner_plain TEXT, names TEXT,
    core TEXT, numbers TEXT, core_len INTEGER, main TEXT, extras TEXT, url_less TEXT);
CREATE TABLE IF NOT EXISTS block(
    numbers TEXT, core_len INTEGER, core TEXT, PRIMARY KEY (numbers, core_len, core))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_name(name TEXT, token INTEGER);
CREATE TABLE IF NOT EXISTS alias(name TEXT, token INTEGER, ord INTEGER, alias TEXT);
CREATE INDEX IF NOT EXISTS facts_key ON facts(key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_slug ON facts(slug) WHERE slug IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_repo ON facts(repo_plain) WHERE repo_plain IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_owner ON facts(owner_plain) WHERE owner_plain IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_core ON facts(core) WHERE core IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_main ON facts(main) WHERE main IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_url_less ON facts(url_less) WHERE url_less IS NOT NULL;
CREATE INDEX IF NOT EXISTS site_name_name ON site_name(name);
CREATE INDEX IF NOT EXISTS alias_name ON alias(name);
"""
_INSERT = "INSERT OR IGNORE INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
_SEP = "\x1f"


class TokenRows(Protocol):
    """The part of the lazy catalogue contract the store reads (docs: tools' contract)."""

    path: Path

    def __len__(self) -> int: ...

    def __getitem__(self, i: int) -> Resource: ...

    def tokens(self) -> Sequence[int]: ...


class StoreUnusable(Exception):
    """The store cannot answer (not private, broken, busy): use the in-memory index."""


@functools.lru_cache(maxsize=1)
def rules_version() -> str:
    """A digest of the code that computes the facts, and of this file's layout."""
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    here = Path(__file__).parent
    for name in _RULE_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def store_file(path: Path) -> Path:
    """The store of the catalogue at ``path`` (one per path, in the load cache's folder)."""
    from mlsd_cli.catalogue.loadcache import cache_dir

    key = hashlib.blake2b(str(path).encode(), digest_size=12).hexdigest()
    return cache_dir() / f"facts-{key}.sqlite3"


def _mine(st: os.stat_result, open_to: int) -> bool:
    uid = getattr(os, "getuid", lambda: st.st_uid)()
    return st.st_uid == uid and st.st_mode & open_to == 0


def _private_file(file: Path) -> Path:
    """``file``, created empty (mode 0600) when missing, after checking that only this user
    can write it and its folder; :class:`StoreUnusable` otherwise."""
    folder = file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _mine(folder.stat(), 0o022) or not stat.S_ISDIR(folder.stat().st_mode):
            raise StoreUnusable(f"{folder} is not private")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(file, flags, 0o600)
        try:
            st = os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise StoreUnusable(str(e)) from e
    if not stat.S_ISREG(st.st_mode) or not _mine(st, 0o077):
        raise StoreUnusable(f"{file} is not private")
    return file


#: Open connections, by file (one a process).
_CONNECTIONS: dict[Path, sqlite3.Connection] = {}


def _connect(file: Path) -> sqlite3.Connection:
    known = _CONNECTIONS.get(file)
    if known is not None:
        return known
    _private_file(file)
    db = sqlite3.connect(file, timeout=5.0, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=NORMAL")
        if _meta(db, "version") != rules_version():
            with _writing(db):
                _reset(db)
    except sqlite3.DatabaseError:
        db.close()
        raise
    _CONNECTIONS[file] = db
    return db


def _meta(db: sqlite3.Connection, name: str) -> Any:
    try:
        row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return None
        raise
    return None if row is None else row[0]


def _set_meta(db: sqlite3.Connection, name: str, value: Any) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))


@contextlib.contextmanager
def _writing(db: sqlite3.Connection) -> Any:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _reset(db: sqlite3.Connection) -> None:
    """Empty the store for this version of the rules (inside a write), unless a concurrent
    command of this version just did. The generation moves on, so that a command reading
    it since sees the change."""
    if _meta(db, "version") == rules_version():
        return
    try:
        generation = int(_meta(db, "generation") or 0)
    except (TypeError, ValueError):
        generation = 0
    for table in ("facts", "block", "site_name", "alias", "meta"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    _set_meta(db, "version", rules_version())
    _set_meta(db, "generation", generation + 1)
    _set_meta(db, "rows", 0)


def _numbers(numbers: tuple[int, ...]) -> str:
    return " ".join(map(str, numbers))


def _unnumbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split())


def _row(
    token: int, r: Resource, parts: TitleParts
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[Any]]:
    """The facts row of ``r`` (``parts``: its title's), its site names' and merged names'
    rows."""
    f = facts_of(r, parts)
    owner, repo = f.repo or (None, None)
    row = (
        token,
        r.id,
        r.title,
        r.url,
        r.kind,
        f.key,
        f.slug,
        owner,
        repo,
        None if repo is None else plain(repo),
        None if owner is None else plain(owner),
        _SEP.join(sorted(f.names)),
        f.core or None,
        _numbers(f.numbers),
        len(f.core),
        f.main or None,
        _numbers(f.extras),
        f.url_less,
    )
    names = [(name, token) for name in f.names]
    merged = [(name, token, k, alias) for k, (name, alias) in enumerate(f.merged)]
    return row, names, merged


class StoredIndex:
    """The match facts of a lazily loaded catalogue, from its store; entries :meth:`add`
    appends are kept in memory (an import's overlay). Implements
    :class:`~mlsd_cli.matching.facts.MatchFacts`."""

    def __init__(self, rows: TokenRows, tokens: Sequence[int], file: Path) -> None:
        self.rows = rows
        self.file = file
        self.tokens = tokens
        self.n = len(tokens)
        self.data = token_bytes(tokens)
        self.at = TokenPositions(tokens, self.data)
        self.overlay = MatchIndex(())
        self._facts: dict[int, tuple[Any, ...]] = {}
        self._sides: dict[int, Side] = {}
        self._memory: MatchIndex | None = None
        self.db = _connect(file)
        self.generation = self._sync()

    # ------------------------------------------------------------------ the store

    def _sync(self) -> int:
        """Store the facts of every token of the file that has none; the generation."""
        db = self.db
        if _meta(db, "version") != rules_version():
            with _writing(db):
                _reset(db)
        if _meta(db, "complete") == self.data:
            return int(_meta(db, "generation"))
        with _writing(db):
            known = bytes(_meta(db, "complete") or b"")
            start, end = changed_span(known, self.data)  # one span, after a one-entry write
            maybe = list(set(self.tokens[start:end]))
            if len(maybe) > _CHUNK:
                old = array("q")
                old.frombytes(known)
                maybe = list(set(maybe).difference(old))
            missing = set(maybe)
            for k in range(0, len(maybe), _CHUNK):
                chunk = maybe[k : k + _CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT token FROM facts WHERE token IN ({marks})"
                missing.difference_update(t for (t,) in db.execute(sql, chunk))
            self._insert(sorted(missing))
            stored = int(_meta(db, "rows")) + len(missing)
            if stored > 2 * self.n + _SLACK:
                stored = self._clean_up()
            _set_meta(db, "rows", stored)
            _set_meta(db, "complete", self.data)
            return int(_meta(db, "generation"))

    def _insert(self, tokens: list[int]) -> None:
        for k in range(0, len(tokens), _CHUNK):
            first = {t: i for i, t in reversed(self.at.of(tokens[k : k + _CHUNK]))}
            entries = [(t, self.rows[i]) for t, i in first.items()]
            made = [_row(t, r, self.title_parts(r.title)) for t, r in entries]
            self.db.executemany(_INSERT, [row for row, _, _ in made])
            cores = [(row[13], row[14], row[12]) for row, _, _ in made if row[12] is not None]
            self.db.executemany("INSERT OR IGNORE INTO block VALUES (?,?,?)", cores)
            names = [x for _, site, _ in made for x in site]
            self.db.executemany("INSERT INTO site_name VALUES (?,?)", names)
            merged = [x for _, _, aliases in made for x in aliases]
            self.db.executemany("INSERT INTO alias VALUES (?,?,?,?)", merged)

    def _clean_up(self) -> int:
        """Delete the rows of tokens not in the file (inside a write); the rows left."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS keep(token INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM keep")
        db.executemany("INSERT INTO keep VALUES (?)", ((t,) for t in self.tokens))
        for table in ("facts", "site_name", "alias"):
            db.execute(f"DELETE FROM {table} WHERE token NOT IN (SELECT token FROM keep)")
        db.execute("DELETE FROM block")
        db.execute(
            "INSERT INTO block SELECT DISTINCT numbers, core_len, core FROM facts"
            " WHERE core IS NOT NULL"
        )
        db.execute("DELETE FROM keep")
        _set_meta(db, "generation", int(_meta(db, "generation")) + 1)
        return self.n

    def _select(self, sql: str, args: Sequence[Any]) -> list[Any]:
        """The rows of a query, asked again after a re-synchronisation if a concurrent
        clean-up ran meanwhile (it may have removed rows this file needs)."""
        while True:
            found = self.db.execute(sql, args).fetchall()
            generation = int(_meta(self.db, "generation"))
            if generation == self.generation:
                return found
            self.generation = self._sync()

    def _positions(self, sql: str, *args: Any) -> list[int]:
        return sorted(i for i, _t in self.at.of(t for (t,) in self._select(sql, args)))

    def _fact(self, i: int) -> tuple[Any, ...]:
        known = self._facts.get(i)
        if known is None:
            sql = "SELECT title, url, kind, key, owner, repo, names, extras FROM facts "
            [known] = self._select(sql + "WHERE token = ?", (self.tokens[i],))
            self._facts[i] = known
        return known

    def _both(self, stored: Callable[[], list[int]], added: Iterable[int]) -> list[int]:
        return stored() + [self.n + j for j in added]

    # ------------------------------------------------------------------ MatchFacts

    def title_parts(self, title: str) -> TitleParts:
        return self.overlay.title_parts(title)  # one cache of title facts

    def resource(self, i: int) -> Resource:
        return self.rows[i] if i < self.n else self.overlay.resource(i - self.n)

    def raw_title(self, i: int) -> str:
        return str(self._fact(i)[0]) if i < self.n else self.overlay.raw_title(i - self.n)

    def extras_of(self, i: int) -> tuple[int, ...]:
        if i >= self.n:
            return self.overlay.extras_of(i - self.n)
        return _unnumbers(self._fact(i)[7])

    def side(self, i: int) -> Side:
        if i >= self.n:
            return self.overlay.side(i - self.n)
        known = self._sides.get(i)
        if known is None:
            _title, url, kind, key, *_ = self._fact(i)
            known = self._sides[i] = Side(url, kind, key)
        return known

    def repo(self, i: int) -> tuple[str, str]:
        if i >= self.n:
            return self.overlay.repo(i - self.n)
        fact = self._fact(i)
        return fact[4], fact[5]

    def names(self, i: int) -> frozenset[str]:
        if i >= self.n:
            return self.overlay.names(i - self.n)
        text = self._fact(i)[6]
        return frozenset(text.split(_SEP)) if text else frozenset()

    def _where(self, column: str, value: str, added: Iterable[int]) -> list[int]:
        sql = f"SELECT token FROM facts WHERE {column} = ?"
        return self._both(lambda: self._positions(sql, value), added)

    def with_key(self, key: str) -> list[int]:
        return self._where("key", key, self.overlay.with_key(key))

    def with_slug(self, slug: str) -> list[int]:
        return self._where("slug", slug, self.overlay.with_slug(slug))

    def with_repo_name(self, name: str) -> list[int]:
        return self._where("repo_plain", name, self.overlay.with_repo_name(name))

    def with_owner(self, name: str) -> list[int]:
        return self._where("owner_plain", name, self.overlay.with_owner(name))

    def with_main(self, main: str) -> list[int]:
        return self._where("main", main, self.overlay.with_main(main))

    def with_core(self, core: str) -> list[int]:
        return self._where("core", core, self.overlay.with_core(core))

    def url_less_titled(self, folded: str) -> list[int]:
        return self._where("url_less", folded, self.overlay.url_less_titled(folded))

    def with_site_name(self, name: str) -> list[int]:
        sql = "SELECT token FROM site_name WHERE name = ?"
        return self._both(lambda: self._positions(sql, name), self.overlay.with_site_name(name))

    def cores_near(self, numbers: tuple[int, ...], length: int, threshold: float) -> list[str]:
        sql = "SELECT core FROM block WHERE numbers = ?"
        args: list[Any] = [_numbers(numbers)]
        bounds = length_bounds(length, threshold)
        if bounds is not None:
            sql += " AND core_len BETWEEN ? AND ?"
            args += bounds
        titles = [core for (core,) in self._select(sql, args)]
        added = self.overlay.cores_near(numbers, length, threshold)
        if added:
            stored = set(titles)
            titles += [core for core in added if core not in stored]
        return titles

    def merged_as(self, name: str) -> tuple[int, str] | None:
        sql = "SELECT token, ord, alias FROM alias WHERE name = ?"
        rows = {t: (k, alias) for t, k, alias in self._select(sql, (name,))}
        found = [(i, *rows[t]) for i, t in self.at.of(rows)]
        if found:
            i, _k, alias = min(found)
            return i, alias
        added = self.overlay.merged_as(name)
        return None if added is None else (self.n + added[0], added[1])

    def add(self, r: Resource) -> None:
        self.overlay.add(r)


def _guarded(name: str) -> Callable[..., Any]:
    """``StoredIndex.name``, answered by the in-memory index when the store breaks."""
    stored = getattr(StoredIndex, name)

    @functools.wraps(stored)
    def method(self: StoredIndex, *args: Any) -> Any:
        if self._memory is None:
            try:
                return stored(self, *args)
            except sqlite3.DatabaseError as e:
                self._memory = _fall_back(self, e)
        return getattr(self._memory, name)(*args)

    return method


def _fall_back(index: StoredIndex, error: sqlite3.DatabaseError) -> MatchIndex:
    """The in-memory index of ``index``'s entries (the file's, then those added); a store
    that is not a database any more is removed for the next command to rebuild."""
    _CONNECTIONS.pop(index.file, None)
    with contextlib.suppress(sqlite3.Error):
        index.db.close()
    if not isinstance(error, sqlite3.OperationalError):  # corrupt, not merely busy
        with contextlib.suppress(OSError):
            index.file.unlink()
    memory = MatchIndex([index.rows[i] for i in range(index.n)])
    for r in index.overlay.resources:
        memory.add(r)
    return memory


_GUARDED = "resource raw_title extras_of side repo names with_key with_slug with_repo_name"
_GUARDED += " with_owner with_main with_core url_less_titled with_site_name cores_near merged_as"
for _name in _GUARDED.split():
    setattr(StoredIndex, _name, _guarded(_name))


#: id(catalogue) -> (the catalogue, its stored index).
_CACHE: dict[int, tuple[weakref.ref[Catalogue], StoredIndex]] = {}


def stored_index(catalogue: Catalogue) -> StoredIndex | None:
    """The stored index of ``catalogue`` when its rows carry content tokens (a lazily loaded
    catalogue, not yet changed) and its store is usable; None otherwise (use the in-memory
    index). Reused for as long as the catalogue holds the same rows, unchanged."""
    rows: Any = catalogue.resources
    if not hasattr(rows, "tokens") or os.environ.get("MLSD_NO_CACHE"):
        return None
    try:
        tokens = rows.tokens()
    except RuntimeError:  # changed since it was loaded: tokens say nothing any more
        return None
    key = id(catalogue)
    cached = _CACHE.get(key)
    if cached is not None:
        ref, index = cached
        if ref() is catalogue and index.rows is rows and index.tokens == tokens:
            return index
    try:
        index = StoredIndex(rows, tokens, store_file(Path(rows.path)))
    except (StoreUnusable, sqlite3.DatabaseError) as e:
        if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError):
            _discard(store_file(Path(rows.path)))
        return None
    _CACHE[key] = (weakref.ref(catalogue, lambda _ref: _CACHE.pop(key, None)), index)
    return index


def _discard(file: Path) -> None:
    """Remove a store that is not a database (it was checked private when opened)."""
    db = _CONNECTIONS.pop(file, None)
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()
    with contextlib.suppress(OSError):
        file.unlink()
