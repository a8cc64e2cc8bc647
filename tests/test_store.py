"""Loading, validating and saving the catalogue file (no CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import CatalogueError
from mlsd_cli.errors import ReadOnlyCatalogueError

from . import ondisk
from .conftest import SAMPLE_TOML


def test_sample_is_canonical(sample_catalogue: Path) -> None:
    catalogue = store.load(sample_catalogue)
    assert store.dumps(catalogue) == SAMPLE_TOML
    assert store.save(catalogue, sample_catalogue) is False  # nothing changed, nothing written


def test_load_builds_the_model(sample_catalogue: Path) -> None:
    catalogue = store.load(sample_catalogue)
    assert catalogue.title == "Sample"
    assert [s.id for s in catalogue.sections] == ["platforms", "streaming"]
    assert catalogue.sections[1].parent == "platforms"
    log = catalogue.resource("the-log")
    assert log is not None and log.authors == ["Jay Kreps"] and log.year == 2013
    assert catalogue.resource("facebook-ads-clicks").url is None  # type: ignore[union-attr]


def test_save_then_load_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="T")
    from datetime import date

    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("a", "Section A", intro="Intro\n\nwith two paragraphs"))
        catalogue.resources.append(
            Resource(
                id="x",
                title='Quotes " and \\ backslash',
                kind="paper",
                sections=["a"],
                url="https://arxiv.org/abs/1706.04599",
                authors=["Guo", "Pleiss"],
                year=2017,
                tags=["calibration"],
                description='Multi\n\n"""paragraph""" text',
                added=date(2024, 5, 1),
            )
        )
    text = path.read_bytes()
    again = store.load(path)
    assert again.resources[0].description == 'Multi\n\n"""paragraph""" text'
    assert again.resources[0].added == date(2024, 5, 1)
    store.save(again, path)
    assert path.read_bytes() == text


# ----------------------------------------------------------------- validation

BAD_FILES: list[tuple[str, bytes, str]] = [
    ("toml-syntax", b'[catalogue]\ntitle = "unclosed\n', ":2:"),
    ("empty", b"", "empty"),
    ("blank", b"\n\n  \n", "empty"),
    ("invalid-utf8", b'[catalogue]\ntitle = "caf\xe9"\n', ":2:"),
    ("wrong-type", SAMPLE_TOML.replace("year = 2017", 'year = "2017"').encode(), ":25:"),
    ("missing-title", SAMPLE_TOML.replace('title = "Uber\'s Michelangelo"\n', "").encode(), ":16:"),
    (
        "unknown-kind",
        SAMPLE_TOML.replace('kind = "paper"', 'kind = "papr"').encode(),
        "unknown kind",
    ),
    (
        "unknown-section",
        SAMPLE_TOML.replace('"streaming",\n]\norg', '"streams",\n]\norg').encode(),
        "unknown section 'streams'",
    ),
    (
        "duplicate-id",
        SAMPLE_TOML.replace('id = "facebook-ads-clicks"', 'id = "the-log"').encode(),
        "duplicate resource id 'the-log'",
    ),
    (
        "javascript-url",
        SAMPLE_TOML.replace("https://eng.uber.com", "javascript:alert(1)//eng.uber.com").encode(),
        "'javascript:'",
    ),
    (
        "data-url",
        SAMPLE_TOML.replace(
            "https://eng.uber.com/michelangelo-machine-learning-platform/", "data:text/html,hi"
        ).encode(),
        "'data:'",
    ),
    (
        "file-url",
        SAMPLE_TOML.replace(
            "https://eng.uber.com/michelangelo-machine-learning-platform/", "file:///etc/passwd"
        ).encode(),
        "'file:'",
    ),
    (
        "garbage-url",
        SAMPLE_TOML.replace(
            "https://eng.uber.com/michelangelo-machine-learning-platform/", "not a url"
        ).encode(),
        "url",
    ),
    (
        "no-host-url",
        SAMPLE_TOML.replace(
            "https://eng.uber.com/michelangelo-machine-learning-platform/", "https:///path"
        ).encode(),
        "host",
    ),
    (
        "unknown-field",
        SAMPLE_TOML.replace('org = "Uber"', 'orgg = "Uber"').encode(),
        "did you mean 'org'",
    ),
    (
        "bad-parent",
        SAMPLE_TOML.replace('parent = "platforms"', 'parent = "platform"').encode(),
        "parent 'platform'",
    ),
    (
        "no-sections",
        SAMPLE_TOML.replace(
            'sections = [\n    "platforms",\n]\norg = "Uber"', 'sections = []\norg = "Uber"'
        ).encode(),
        "at least one section",
    ),
    ("bad-tag", SAMPLE_TOML.replace('"ml-platform"', '"ML Platform"').encode(), "'ml-platform'"),
    ("bad-year", SAMPLE_TOML.replace("year = 2017", "year = 17").encode(), "four-digit"),
    ("top-level-junk", (SAMPLE_TOML + "\n[extra]\nx = 1\n").encode(), "unknown top-level"),
]


@pytest.mark.parametrize(("name", "data", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_one_located_error(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    path = tmp_path / "resources.toml"
    path.write_bytes(data)
    with pytest.raises(CatalogueError) as info:
        store.load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message
    assert path.read_bytes() == data


def test_errors_name_the_line_of_the_field(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML.replace('kind = "paper"', 'kind = "papr"'), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        store.load(path)
    line = SAMPLE_TOML.split("\n").index('kind = "paper"') + 1
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert "use one of blog, paper" in str(info.value)


def test_invalid_catalogue_is_never_written(sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()

    def spoil(catalogue: Catalogue) -> None:
        catalogue.resources[0].kind = "nonsense"

    with pytest.raises(CatalogueError):
        ondisk.change(sample_catalogue, spoil)
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- finding


def test_find_order(tmp_path: Path, sample_catalogue: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = store.find_catalogue(cwd=nested, env={})
    assert found.path == sample_catalogue and found.source == "directory"
    other = tmp_path / "other.toml"
    other.write_text(SAMPLE_TOML, encoding="utf-8")
    assert store.find_catalogue(cwd=nested, env={"MLSD_CATALOGUE": str(other)}).path == other
    assert (
        store.find_catalogue(str(sample_catalogue), env={"MLSD_CATALOGUE": str(other)}).source
        == "option"
    )


def test_falls_back_to_shipped_copy(tmp_path: Path) -> None:
    found = store.find_catalogue(cwd=tmp_path, env={})
    assert found.source == "shipped" and found.read_only
    assert store.load(found).resources, "the shipped catalogue is not empty"
    with pytest.raises(ReadOnlyCatalogueError, match="mlsd init"):
        ondisk.change(found, lambda catalogue: None)


def test_missing_explicit_catalogue(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="mlsd init"):
        store.find_catalogue(tmp_path / "nope.toml", env={})


def test_init_refuses_to_overwrite(sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    with pytest.raises(CatalogueError, match="already exists"):
        store.init_catalogue(sample_catalogue)
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- cache


def test_large_catalogue_cache_follows_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    first = store.load(path)
    assert list(Path(os.environ["MLSD_CACHE_DIR"]).glob("catalogue-*.json"))
    assert store.load(path) == first  # from the cache
    path.write_text(SAMPLE_TOML.replace('title = "Sample"', 'title = "Changed"'), encoding="utf-8")
    assert store.load(path).title == "Changed"  # content changed: cache ignored


def test_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    store.load(path)
    for cached in Path(os.environ["MLSD_CACHE_DIR"]).glob("catalogue-*.json"):
        cached.write_text("{not json", encoding="utf-8")
    assert store.load(path).title == "Sample"


# ----------------------------------------------------------------- crash and concurrency


def test_save_interrupted_before_rename_leaves_old_file(
    sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sample_catalogue.read_bytes()

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        ondisk.change(sample_catalogue, lambda catalogue: setattr(catalogue, "title", "Changed"))
    assert sample_catalogue.read_bytes() == before
    leftovers = [p.name for p in sample_catalogue.parent.iterdir() if p.name.endswith(".mlsd-tmp")]
    assert leftovers == []


def test_killed_writer_leaves_old_file(sample_catalogue: Path) -> None:
    """A process killed (SIGKILL) after writing the temp file but before the rename."""
    before = sample_catalogue.read_bytes()
    script = f"""
import os, signal
from mlsd_cli.catalogue import store
real_replace = os.replace
def die(*a):
    os.kill(os.getpid(), signal.SIGKILL)
os.replace = die
from mlsd_cli.changes.commit import Plan, commit
class Retitle(Plan[None]):
    def apply(self, c):
        c.title = 'Changed'
commit(__import__('pathlib').Path({str(sample_catalogue)!r}), Retitle())
"""
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -9
    assert sample_catalogue.read_bytes() == before
    assert store.load(sample_catalogue).title == "Sample"


ADD_ONE = """
import sys, time
from pathlib import Path
from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
path, n, start = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
from mlsd_cli.changes.commit import Plan, commit
class AddOne(Plan[None]):
    def apply(self, c):
        c.resources.append(Resource(id=f"new-{n}", title=f"New resource {n}", kind="blog", sections=["platforms"]))
commit(path, AddOne())
"""


def test_ten_concurrent_writers_lose_nothing(sample_catalogue: Path) -> None:
    import time

    start = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, "-c", ADD_ONE, str(sample_catalogue), str(n), str(start)])
        for n in range(10)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * 10
    catalogue = store.load(sample_catalogue)
    assert {f"new-{n}" for n in range(10)} <= catalogue.resource_ids()
    assert len(catalogue.resources) == 3 + 10
