"""The engines of the search evaluation, each ranking one catalogue's documents for a query.

- mlsd: `python -m mlsd_cli search --json --limit K -c CAT -- WORDS...`, one process a query.
- mlsd-api: the same search through mlsd's Python API in this process (what `search` calls:
  the catalogue, its vocabulary file and the index loaded once); the same ranking, for tuning.
- fts5 / fts5-porter: SQLite FTS5, one column per field, the OR of the words, bm25().
- rank-bm25: BM25Okapi over the words of all fields together.

Every engine returns document keys (catalogues.doc_key), best first, at most ``k``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from typing import Protocol

from catalogues import FIELDS
from catalogues import Catalogue
from catalogues import doc_key
from catalogues import words


class Engine(Protocol):
    def search(self, query: str, k: int) -> list[str]: ...


class Mlsd:
    """`mlsd search` as a user runs it, the query's words as separate arguments."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.path = catalogue.path

    def search(self, query: str, k: int) -> list[str]:
        args = ["search", "--json", "--limit", str(k), "-c", str(self.path), "--", *query.split()]
        proc = subprocess.run(
            [sys.executable, "-m", "mlsd_cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(
                f"error: mlsd {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
            )
        return [doc_key(r.get("url"), r["title"]) for r in json.loads(proc.stdout)][:k]


class MlsdApi:
    """`mlsd search` without the process: ``lookup.search.search`` as the command calls it."""

    def __init__(self, catalogue: Catalogue) -> None:
        from mlsd_cli.catalogue import store
        from mlsd_cli.lookup.search import SearchIndex
        from mlsd_cli.lookup.vocabulary import load

        self.catalogue = store.load(catalogue.path)
        self.index = SearchIndex.build(self.catalogue)
        self.vocabulary = load(catalogue.path)

    def search(self, query: str, k: int) -> list[str]:
        from mlsd_cli.lookup.search import search

        hits = search(self.catalogue, query, limit=k, index=self.index, vocabulary=self.vocabulary)
        return [doc_key(h.resource.url, h.resource.title) for h in hits]


class Fts5:
    """An in-memory FTS5 table of the catalogue, one column per field, bm25() with equal weights."""

    def __init__(self, catalogue: Catalogue, tokenizer: str) -> None:
        self.keys = [d.key for d in catalogue.docs]
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        columns = ", ".join(FIELDS)
        self.db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize = '{tokenizer}')"
        )
        marks = ", ".join("?" for _ in FIELDS)
        self.db.executemany(
            f"INSERT INTO docs (rowid, {columns}) VALUES (?, {marks})",
            [(i, *(d.fields[f] for f in FIELDS)) for i, d in enumerate(catalogue.docs)],
        )

    def search(self, query: str, k: int) -> list[str]:
        terms = words(query)
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self.db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs), rowid LIMIT ?",
            (match, k),
        )
        return [self.keys[rowid] for (rowid,) in rows]


class RankBm25:
    """rank_bm25.BM25Okapi over the words of every field; documents with no query word are left out."""

    def __init__(self, catalogue: Catalogue) -> None:
        from rank_bm25 import BM25Okapi  # the `bench` extra

        self.keys = [d.key for d in catalogue.docs]
        self.tokens = [words(d.text(*FIELDS)) for d in catalogue.docs]
        self.sets = [set(t) for t in self.tokens]
        self.bm25 = BM25Okapi(self.tokens)

    def search(self, query: str, k: int) -> list[str]:
        terms = words(query)
        if not terms:
            return []
        scores = self.bm25.get_scores(terms)
        hits = [i for i, s in enumerate(self.sets) if not s.isdisjoint(terms)]
        hits.sort(key=lambda i: (-scores[i], i))
        return [self.keys[i] for i in hits[:k]]


BASELINES = ("fts5", "fts5-porter", "rank-bm25")
ENGINES = ("mlsd", *BASELINES)


def make(name: str, catalogue: Catalogue) -> Engine:
    if name == "mlsd":
        return Mlsd(catalogue)
    if name == "mlsd-api":
        return MlsdApi(catalogue)
    if name == "fts5":
        return Fts5(catalogue, "unicode61")
    if name == "fts5-porter":
        return Fts5(catalogue, "porter unicode61")
    if name == "rank-bm25":
        return RankBm25(catalogue)
    raise ValueError(f"unknown engine {name!r}; valid: {', '.join(ENGINES)}")


def check_engines(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise SystemExit(f"error: unknown engine {unknown[0]!r}; valid: {', '.join(ENGINES)}")
