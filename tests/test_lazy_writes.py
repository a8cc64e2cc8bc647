"""One-entry writes on a large catalogue build only the entries they touch.

Each of ``tag``, ``edit`` (flags), ``remove`` and ``add`` (flags, no fetch) runs on a
generated catalogue of a few thousand entries loaded from the load cache: the command and its
commit together decode a handful of rows (``LazyResources.decoded``), and the file it writes
is byte for byte the file the same command writes on the same catalogue read without the
cache (``MLSD_NO_CACHE=1``: a plain list, the full save).

The duplicate check of ``add`` and of an edit that changes a URL or title is the matching
package's (it has its own index over the rows, ``matching/``); the decoded counts are taken
with that check answering "no duplicate" so that they measure this package's path only. The
byte comparison runs the real check.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.lazy import LazyResources
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

Run = Callable[..., Result]

#: Entries in the generated catalogue (about 1 MB: well above the cache's threshold).
SIZE = 3000
#: At most this many rows decoded by one write (the entry, the plan's basis, its neighbours).
HANDFUL = 5


def generated(n: int = SIZE) -> Catalogue:
    sections = [Section(f"part-{k}", f"Part {k}") for k in range(6)]
    resources = [
        Resource(
            id=f"entry-{i:05d}",
            title=f"A distinct title number {i} about topic {i % 97}",
            kind="paper" if i % 3 else "blog",
            sections=[f"part-{(i * 7) % 6}"],
            url=f"https://example.org/posts/{i}",
            authors=[f"Author {i % 13}"],
            year=2000 + i % 25,
            tags=[f"tag-{i % 11}", f"topic-{i % 5}"],
            description=f"What entry {i} is about.",
            aliases=[f"old-entry-{i}"] if i % 50 == 0 else [],
        )
        for i in range(n)
    ]
    return Catalogue(title="Generated", sections=sections, resources=resources,
                     not_duplicates=[("entry-00001", "entry-00002")])  # fmt: skip


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "resources.toml"
    store.save(generated(), path)
    assert path.stat().st_size > store.CACHE_MIN_BYTES
    return path


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[LazyResources]:
    """Every LazyResources made while the test runs."""
    made: list[LazyResources] = []
    real_init = LazyResources.__init__

    def record(self: LazyResources, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(LazyResources, "__init__", record)
    return made


def _copy(original: Path, folder: Path) -> Path:
    folder.mkdir()
    path = folder / "resources.toml"
    shutil.copyfile(original, path)
    return path


COMMANDS = {
    "tag": ["tag", "entry-01234", "+fresh-tag", "-tag-2", "--yes"],
    "tag-by-old-id": ["tag", "old-entry-1500", "+fresh-tag", "--yes"],
    "edit": ["edit", "entry-00777", "--year", "1999", "--add-tag", "x", "--org", "Org"],
    "edit-title": ["edit", "entry-00778", "--title", "A wholly new title", "--venue", "V"],
    "remove": ["remove", "entry-02999", "--yes"],
    "remove-recorded": ["remove", "entry-00002", "--yes"],
    "add": ["add", "https://example.com/new", "--title", "Brand new", "--kind", "blog",
            "--section", "part-3", "--no-fetch", "--yes"],
}  # fmt: skip


def _no_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matching package's check answers "none" (it is not what these tests measure)."""
    from mlsd_cli.changes import duplicates
    from mlsd_cli.matching.known import Verdict

    monkeypatch.setattr(duplicates, "check_candidate", lambda *args: Verdict())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_one_entry_write_decodes_a_handful_of_rows(
    name: str,
    original: Path,
    tmp_path: Path,
    cli: Run,
    seen: list[LazyResources],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = COMMANDS[name]
    paths = [_copy(original, tmp_path / folder) for folder in ("counted", "lazy", "plain")]
    counted, lazy, plain = paths
    for path in (counted, lazy):  # the cache of this copy, as the last write left it
        assert not store.save(store.load(path), path)
    results = [
        cli(*args, "-c", str(lazy)),
        cli(*args, "-c", str(plain), env={"MLSD_NO_CACHE": "1"}),
    ]
    for result in results:
        assert result.exit_code == 0, result.stderr
    assert results[0].stdout == results[1].stdout
    assert lazy.read_bytes() == plain.read_bytes() != original.read_bytes()
    assert store.load(lazy) == store.parse_catalogue(lazy.read_bytes())  # the spliced cache

    _no_duplicates(monkeypatch)
    seen.clear()
    assert cli(*args, "-c", str(counted)).exit_code == 0
    made = [rows for rows in seen if rows.path == counted.resolve()]
    assert len(made) == 2  # the command's, and the commit's over the same cache (not re-read)
    assert max(rows.decoded() for rows in made) <= HANDFUL, [r.decoded() for r in made]
    planned, committed = made
    assert isinstance(planned.slots, range) and not planned.changed_rows()  # plans are pure
    assert committed.store is planned.store  # under the lock: the same file, read once
    assert counted.read_bytes() == lazy.read_bytes()
