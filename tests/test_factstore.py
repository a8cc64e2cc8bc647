"""The stored match index (matching/factstore.py) answers exactly as the in-memory one.

Issue 13: add's and edit's duplicate check reads each entry's match facts from a per-user
SQLite store keyed by the entry's content, not from an index of every entry built on each
run. Same candidates, scores, reasons and order for every probe; the new content after a
change; the in-memory index when the store is corrupt, from another version or not private;
only the candidates decoded (tests/test_factstore_lazy.py, on a real lazy load).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.schema import catalogue_from_dict
from mlsd_cli.matching import factstore
from mlsd_cli.matching.duplicates import MatchIndex
from mlsd_cli.matching.duplicates import left_out
from mlsd_cli.matching.duplicates import positioned_duplicates_of
from mlsd_cli.matching.duplicates import prepare_index
from mlsd_cli.matching.factstore import StoredIndex
from mlsd_cli.matching.factstore import store_file
from mlsd_cli.matching.factstore import stored_index
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate

from .lazyrows import lazy_copy

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_dedupe_labels import catalogue_text
from bench_dedupe_labels import read_labels
from generate import generate


def _answer(index: Any, cat: Catalogue, candidate: Candidate) -> list[Any]:
    """Everything a probe gives: the verdict (ids, scores, reasons, aliases, in order) and
    the positioned candidates of each (url, title) pair."""
    verdict = check_candidate(cat, candidate, index=index)
    out: list[Any] = [
        [(c.resource.id, c.score, c.reasons, c.alias) for c in verdict.same],
        [(c.resource.id, c.score, c.reasons, c.alias) for c in verdict.similar],
    ]
    ignored = left_out(cat, candidate.exclude_id)
    for url in candidate.urls or (None,):
        for title in candidate.titles or ("",):
            found = positioned_duplicates_of(
                index, url=url, title=title, left_out=ignored, kind=candidate.kind
            )
            out.append([(i, c.resource.id, c.score, c.reasons) for i, c in found])
    return out


def _probes(cat: Catalogue, every: int = 1) -> Iterator[Candidate]:
    """Add probes (an entry's URL in another shape, its title re-typed) and edit probes (the
    entry itself, left out), with and without its kind."""
    for n, r in enumerate(cat.resources[::every]):
        shaped = r.url.replace("https://", "http://www.") + "?utm_source=x" if r.url else None
        retyped = r.title.lower().replace("e", "é", 1) if n % 3 else f"{r.title}: a subtitle"
        yield Candidate.of([shaped], [retyped])
        yield Candidate.of([r.url], [r.title], kind=r.kind)
        yield Candidate.of([], [r.title, retyped])
        other = cat.resources[(n * 7 + 3) % len(cat.resources)]
        yield Candidate.of([r.url], [other.title], exclude_id=r.id)
        yield Candidate.of([other.url], [r.title], exclude_id=other.id, kind=other.kind)


def _same_answers(cat: Catalogue, path: Path, probes: list[Candidate]) -> StoredIndex:
    lazy = lazy_copy(cat, path)
    stored = stored_index(lazy)
    assert isinstance(stored, StoredIndex)
    memory = MatchIndex(cat.resources)
    for candidate in probes:
        assert _answer(stored, lazy, candidate) == _answer(memory, cat, candidate), candidate
    return stored


def _labelled() -> Catalogue:
    text, _ids = catalogue_text(read_labels())
    return catalogue_from_dict(tomllib.loads(text))


def test_the_labelled_corpus_gets_the_same_answers(tmp_path: Path) -> None:
    cat = _labelled()
    cat.not_duplicates = [(cat.resources[0].id, cat.resources[1].id)]
    cat.resources[2].aliases = [f"{cat.resources[2].id}-2", "merged-away"]
    probes = list(_probes(cat, every=3))
    probes.append(Candidate.of(["https://example.org/new"], ["Merged away"]))
    probes.append(Candidate.of([], [cat.resources[2].title]))
    probes.append(Candidate.of([], ["x"], exclude_id=cat.resources[0].id))
    stored = _same_answers(cat, tmp_path / "labels.toml", probes)
    assert stored.n == len(cat.resources)


def test_a_generated_catalogue_gets_the_same_answers(tmp_path: Path) -> None:
    cat, planted = generate(1000, seed=3, duplicates=60)
    probes = list(_probes(cat, every=7))
    by_id = {r.id: r for r in cat.resources}
    probes += [Candidate.of([by_id[a].url], [by_id[b].title]) for a, b in planted]
    _same_answers(cat, tmp_path / "generated.toml", probes)


_VOCABULARY = (
    "Part II 2nd Edition Kafka Apache feast Feast: the log Scaling Dropbox (KDD 2018) |"
    " Medium [VIDEO] Uber's Jeff Dean Michelangelo Real-time Feature Store 2019 2020 - vol."
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_TITLES = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_URLS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "https://feast.dev",
            "https://github.com/feast-dev/feast",
            "https://github.com/optuna/optuna",
            "https://github.com/pfnet/optuna",
            "https://eng.uber.com/forecasting-introduction/",
            "https://www.uber.com/blog/forecasting-introduction/",
            "https://arxiv.org/abs/1706.04599",
            "https://arxiv.org/pdf/1706.04599v2.pdf",
            "https://youtu.be/8jTo3bVni3E",
            "https://airflow.apache.org/",
            "https://medium.com/p/9272d3d4739d",
            "https://example.org/a-post-about-things",
        ]
    ),
)
_KINDS = st.sampled_from(["blog", "paper", "video", "tool", "other", "book", "talk"])
_ENTRY = st.tuples(_TITLES, _URLS, _KINDS, st.lists(st.sampled_from(["feast", "logs"]), max_size=1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(_ENTRY, min_size=1, max_size=12),
    probes=st.lists(st.tuples(_TITLES, _URLS, st.none() | _KINDS), min_size=1, max_size=4),
)
@example(
    entries=[("Feast", "https://feast.dev", "tool", ["feast-2"])],
    probes=[("feast", "https://github.com/feast-dev/feast", None)],
)
def test_drawn_entries_and_probes_get_the_same_answers(
    entries: list[tuple[str, str | None, str, list[str]]],
    probes: list[tuple[str, str | None, str | None]],
) -> None:
    resources = [
        Resource(f"e{n}", title, kind=kind, url=url, aliases=[a for a in aliases if a != f"e{n}"])
        for n, (title, url, kind, aliases) in enumerate(entries)
    ]
    cat = Catalogue(resources=resources)
    path = Path(os.environ["MLSD_CACHE_DIR"]) / f"drawn-{abs(hash(repr(entries)))}.toml"
    candidates = [Candidate.of([url], [title], kind=kind) for title, url, kind in probes]
    candidates += [Candidate.of([url], [title], exclude_id="e0") for title, url, _ in probes]
    _same_answers(cat, path, candidates)


def test_after_an_entry_changes_the_store_answers_for_its_new_content(tmp_path: Path) -> None:
    cat, _ = generate(300, seed=5)
    path = tmp_path / "c.toml"
    before = lazy_copy(cat, path)
    old = cat.resources[10]
    assert [c.resource.id for c in check_candidate(before, Candidate.of([old.url])).same] == [
        old.id
    ]
    changed = Resource(old.id, "A title nobody else has", kind="paper", url="https://x.org/p")
    after = Catalogue(resources=[*cat.resources[:10], changed, *cat.resources[11:]])
    lazy = lazy_copy(after, path)
    assert check_candidate(lazy, Candidate.of([old.url], [old.title])).empty
    verdict = check_candidate(lazy, Candidate.of(["http://x.org/p/"], ["A title nobody else has"]))
    assert [(c.resource.id, c.reasons) for c in verdict.same] == [
        (old.id, ("same-url", "similar-title"))
    ]
    # One row was added for the new content; the old one is still there, ignored.
    db = sqlite3.connect(store_file(path.resolve()))
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (301,)


def test_rows_of_contents_no_longer_in_the_file_are_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factstore, "_SLACK", 0)
    cat, _ = generate(50, seed=7)
    path = tmp_path / "c.toml"
    first = stored_index(lazy_copy(cat, path))
    assert first is not None
    for version in ("renamed", "renamed again"):  # 150 rows for 50 entries: cleaned up
        renamed = [Resource(r.id, f"{r.title} ({version})", url=r.url) for r in cat.resources]
        other = lazy_copy(Catalogue(resources=renamed), path)
        probe = Candidate.of([cat.resources[3].url], [renamed[3].title])
        memory = MatchIndex(renamed)
        assert _answer(prepare_index(other), other, probe) == _answer(memory, other, probe)
    db = sqlite3.connect(store_file(path.resolve()))
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (50,)
    # The first index, made before the clean-up removed its rows, notices and stores them
    # again before it answers: nothing is silently missing.
    probe = Candidate.of([cat.resources[3].url], [cat.resources[3].title])
    assert _answer(first, lazy_copy(cat, path), probe) == _answer(
        MatchIndex(cat.resources), cat, probe
    )
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (100,)


def _broken_answers(tmp_path: Path, spoil: Any) -> tuple[Any, Catalogue]:
    cat, _ = generate(200, seed=11, duplicates=10)
    path = (tmp_path / "c.toml").resolve()
    assert stored_index(lazy_copy(cat, path)) is not None
    factstore._CONNECTIONS.clear()
    spoil(store_file(path))
    lazy = lazy_copy(cat, path)
    probes = list(_probes(cat, every=20))
    memory = MatchIndex(cat.resources)
    index = prepare_index(lazy)
    for candidate in probes:
        assert _answer(index, lazy, candidate) == _answer(memory, cat, candidate)
    return index, lazy


def test_a_corrupt_store_falls_back_to_the_in_memory_index(tmp_path: Path) -> None:
    index, _ = _broken_answers(tmp_path, lambda f: f.write_bytes(b"not a database" * 100))
    assert isinstance(index, MatchIndex)
    assert not store_file((tmp_path / "c.toml").resolve()).exists()  # rebuilt next time


def test_a_store_that_breaks_mid_check_answers_from_memory(tmp_path: Path) -> None:
    cat, _ = generate(200, seed=13)
    path = (tmp_path / "c.toml").resolve()
    lazy = lazy_copy(cat, path)
    index = stored_index(lazy)
    assert isinstance(index, StoredIndex)
    with store_file(path).open("r+b") as f:
        f.write(b"garbage garbage garbage garbage")
    probe = Candidate.of([cat.resources[5].url], [cat.resources[9].title])
    assert _answer(index, lazy, probe) == _answer(MatchIndex(cat.resources), cat, probe)
    assert not store_file(path).exists()  # removed: the next command builds a new one


def test_a_store_of_another_version_is_emptied_first(tmp_path: Path) -> None:
    def other_version(file: Path) -> None:
        db = sqlite3.connect(file)
        db.execute("UPDATE meta SET value = 'older rules' WHERE name = 'version'")
        db.execute("UPDATE facts SET key = 'https://wrong.example/'")  # facts of other rules
        db.commit()
        db.close()

    index, _ = _broken_answers(tmp_path, other_version)
    assert isinstance(index, StoredIndex)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_store_open_to_others_is_never_read(tmp_path: Path, what: str) -> None:
    def open_it(file: Path) -> None:
        db = sqlite3.connect(file)
        db.execute("UPDATE facts SET key = 'https://wrong.example/'")
        db.commit()
        db.close()
        if what == "file":
            file.chmod(0o644)
        else:
            file.parent.chmod(0o777)

    index, lazy = _broken_answers(tmp_path, open_it)
    assert isinstance(index, MatchIndex)
    assert stored_index(lazy) is None


def test_an_import_adds_to_the_stored_index_in_memory(tmp_path: Path) -> None:
    cat, _ = generate(100, seed=19)
    lazy = lazy_copy(cat, tmp_path / "c.toml")
    stored = stored_index(lazy)
    assert stored is not None
    memory = MatchIndex(cat.resources)
    added = [
        Resource("new-1", "Internals of Metaflow", url="https://youtu.be/8jTo3bVni3E"),
        Resource("new-2", "Feast", url="https://feast.dev", aliases=["feast-2"]),
        Resource("new-3", cat.resources[4].title.upper()),
    ]
    plain = Catalogue(resources=list(cat.resources))
    for r in added:
        stored.add(r)
        memory.add(r)
        plain.resources.append(r)
    probes = [
        Candidate.of(["https://www.youtube.com/watch?v=8jTo3bVni3E"], ["Metaflow internals"]),
        Candidate.of(["https://github.com/feast-dev/feast"], ["Feast"]),
        Candidate.of([], [cat.resources[4].title]),
    ]
    for candidate in probes:
        assert _answer(stored, lazy, candidate) == _answer(memory, plain, candidate)


def test_a_plain_list_or_a_changed_one_uses_the_in_memory_index(tmp_path: Path) -> None:
    cat, _ = generate(20, seed=23)
    assert stored_index(cat) is None
    lazy = lazy_copy(cat, tmp_path / "c.toml")
    first = prepare_index(lazy)
    assert isinstance(first, StoredIndex) and prepare_index(lazy) is first
    lazy.resources[0] = Resource("x", "Something else")
    assert isinstance(prepare_index(lazy), MatchIndex)


def test_a_store_emptied_by_another_command_meanwhile_is_filled_again(tmp_path: Path) -> None:
    cat, _ = generate(60, seed=31)
    path = (tmp_path / "c.toml").resolve()
    first = stored_index(lazy_copy(cat, path))
    assert isinstance(first, StoredIndex)
    db = sqlite3.connect(store_file(path))
    db.execute("UPDATE meta SET value = 'an older mlsd' WHERE name = 'version'")
    db.commit()
    factstore._CONNECTIONS.clear()
    factstore._CACHE.clear()
    others = [Resource(f"o{n}", f"Another entry {n}", url=f"https://o.org/{n}") for n in range(5)]
    assert stored_index(lazy_copy(Catalogue(resources=others), path)) is not None
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (5,)  # emptied, refilled
    probe = Candidate.of([cat.resources[7].url], [cat.resources[8].title])
    assert _answer(first, lazy_copy(cat, path), probe) == _answer(
        MatchIndex(cat.resources), cat, probe
    )
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (65,)
