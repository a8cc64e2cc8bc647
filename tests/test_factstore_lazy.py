"""The stored match index on a real lazily loaded catalogue (catalogue/lazy.py).

The same answers as the catalogue read as a plain list, and ``add``/``edit`` decode only the
entries their duplicate check finds once the store holds the file's facts (issue 13).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.lazy import LazyResources
from mlsd_cli.matching.duplicates import MatchIndex
from mlsd_cli.matching.duplicates import prepare_index
from mlsd_cli.matching.factstore import StoredIndex
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate

from . import test_lazy_writes
from .test_factstore import _answer
from .test_factstore import _probes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate

Run = Callable[..., Result]
#: The fixture: every LazyResources made while a test runs.
made_rows = test_lazy_writes.seen
#: Rows a one-entry write decodes besides the duplicate check's candidates.
HANDFUL = 5


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "resources.toml"
    cat, _ = generate(3000, seed=29, duplicates=40)
    store.save(cat, path)
    assert path.stat().st_size > store.CACHE_MIN_BYTES
    return path


def _lazy_copy(original: Path, folder: Path) -> Path:
    folder.mkdir()
    path = folder / "resources.toml"
    path.write_bytes(original.read_bytes())
    assert not store.save(store.load(path), path)  # the cache, as the last write left it
    return path


def test_a_lazy_catalogue_gets_the_answers_of_the_plain_list(
    original: Path, tmp_path: Path
) -> None:
    path = _lazy_copy(original, tmp_path / "c")
    lazy = store.load(path)
    assert isinstance(lazy.resources, LazyResources)
    plain = store.parse_catalogue(path.read_bytes())
    index = prepare_index(lazy)
    assert isinstance(index, StoredIndex)
    memory = MatchIndex(plain.resources)
    for candidate in _probes(plain, every=40):
        assert _answer(index, lazy, candidate) == _answer(memory, plain, candidate), candidate
    # A new load, the store filled: one check decodes its candidates and nothing else.
    again = store.load(path)
    rows = again.resources
    assert isinstance(rows, LazyResources)
    entry = plain.resources[1234]
    verdict = check_candidate(again, Candidate.of([entry.url], [entry.title]))
    assert entry.id in verdict.ids()
    assert rows.decoded() == len(verdict.ids()) <= 3


def test_add_and_edit_decode_only_what_their_check_finds(
    original: Path, tmp_path: Path, cli: Run, made_rows: list[LazyResources]
) -> None:
    path = _lazy_copy(original, tmp_path / "c")
    plain = store.parse_catalogue(path.read_bytes())
    first, other = plain.resources[100], plain.resources[200]
    # A curator's earlier write: its check stores the facts of every entry once.
    assert cli("edit", plain.resources[5].id, "--title", "Retitled", "-c", str(path)).exit_code == 0
    made_rows.clear()
    shaped = first.url.replace("https://", "http://www.") + "?utm_source=x"
    refused = cli("add", shaped, "--title", "New", "--no-fetch", "--yes", "-c", str(path))
    assert refused.exit_code == 1
    assert f"already in the catalogue as '{first.id}' (same URL)" in refused.stderr
    assert max(rows.decoded() for rows in made_rows) <= HANDFUL
    made_rows.clear()
    args = ["--title", "Nothing like it", "--kind", "blog", "--section", "chapter-3", "--no-fetch"]
    args.append("--yes")
    added = cli("add", "https://example.com/brand-new", *args, "-c", str(path))
    assert added.exit_code == 0, added.stderr
    assert max(rows.decoded() for rows in made_rows) <= HANDFUL
    made_rows.clear()
    edited = cli("edit", other.id, "--url", first.url, "-c", str(path))
    assert edited.exit_code == 1 and f"as '{first.id}' (same URL)" in edited.stderr
    assert max(rows.decoded() for rows in made_rows) <= HANDFUL
    made_rows.clear()
    probe = Candidate.of([], [other.title])
    lazy = store.load(path)
    assert _answer(prepare_index(lazy), lazy, probe) == _answer(
        MatchIndex(store.parse_catalogue(path.read_bytes()).resources),
        store.parse_catalogue(path.read_bytes()),
        probe,
    )
