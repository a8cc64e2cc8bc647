"""``mlsd import`` end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from .conftest import BOOK_SEED, SCALE_SEED, seed_path

Cli = Callable[..., Result]


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Mine")
    return path


def test_import_prints_a_summary_and_writes(cli: Cli, empty: Path) -> None:
    result = cli("import", str(seed_path(BOOK_SEED)), "-c", str(empty))
    assert result.exit_code == 0, result.stderr
    assert f"Added 83 resources (13 without a URL) and 16 new sections in {empty}." in result.stdout
    assert result.stderr == ""
    catalogue = store.load(empty)
    assert len(catalogue.resources) == 83
    assert catalogue.title == "Mine"
    # written canonically
    assert empty.read_text(encoding="utf-8") == store.dumps(catalogue)


def test_import_both_seeds(cli: Cli, empty: Path) -> None:
    assert cli("import", str(seed_path(SCALE_SEED)), "-c", str(empty)).exit_code == 0
    result = cli("import", str(seed_path(BOOK_SEED)), "-c", str(empty))
    assert result.exit_code == 0
    catalogue = store.load(empty)
    assert len(catalogue.resources) == 12 + 83
    roots = [s.title for s in catalogue.sections if s.parent is None]
    assert roots == ["Designing Machine Learning Systems at Scale", "Resources"]


def test_dry_run_prints_what_would_be_added_and_writes_nothing(cli: Cli, empty: Path) -> None:
    before = empty.read_bytes()
    result = cli("import", str(seed_path(SCALE_SEED)), "--dry-run", "-c", str(empty))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    added = [line for line in lines if line.startswith("+ ")]
    assert len(added) == 12
    assert (
        "+ architecture-of-nautilus-the-new-dropbox-search-engine\t"
        "Architecture of Nautilus, the new Dropbox search engine\t"
        "https://dropbox.tech/machine-learning/architecture-of-nautilus-the-new-dropbox-search-engine"
        "\t[Dropbox]"
    ) in lines
    assert "Would add 12 resources (0 without a URL) and 9 new sections" in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert empty.read_bytes() == before


def test_section_option_nests_the_list(cli: Cli, empty: Path) -> None:
    result = cli(
        "import", str(seed_path(SCALE_SEED)), "--section", "Case studies", "-c", str(empty)
    )
    assert result.exit_code == 0, result.stderr
    catalogue = store.load(empty)
    parents = {s.title: s.parent for s in catalogue.sections}
    assert parents["Case studies"] is None
    assert parents["Designing Machine Learning Systems at Scale"] == "case-studies"
    # an existing section by id works too, and is reused rather than duplicated
    other = empty.parent / "list.md"
    other.write_text("- [Feast](https://feast.dev) - A feature store.\n", encoding="utf-8")
    assert cli("import", str(other), "-s", "case-studies", "-c", str(empty)).exit_code == 0
    catalogue = store.load(empty)
    assert [s.title for s in catalogue.sections].count("Case studies") == 1
    feast = next(r for r in catalogue.resources if r.url == "https://feast.dev")
    section = catalogue.section(feast.sections[0])
    assert section is not None and section.parent == "case-studies"
    assert feast.description == "A feature store."


def test_exact_url_duplicates_are_skipped_and_reported(cli: Cli, sample_catalogue: Path) -> None:
    result = cli("import", str(seed_path(BOOK_SEED)), "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert "Added 81 resources" in result.stdout
    assert "Skipped 2 already in the catalogue (same URL):" in result.stdout
    assert (
        "  https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-"
        "should-know-about-real-time-datas-unifying  (= the-log)"
    ) in result.stdout
    assert (
        "  https://eng.uber.com/michelangelo-machine-learning-platform/  (= ubers-michelangelo)"
    ) in result.stdout
    catalogue = store.load(sample_catalogue)
    logs = [r for r in catalogue.resources if "log-what-every" in (r.url or "")]
    assert [r.id for r in logs] == ["the-log"]
    # importing again adds nothing and says why
    again = cli("import", str(seed_path(BOOK_SEED)), "-c", str(sample_catalogue))
    assert "Added 0 resources (0 without a URL) and 0 new sections" in again.stdout
    assert "Skipped 70 already in the catalogue (same URL):" in again.stdout
    assert "Skipped 13 url-less item(s) already in the catalogue (same title):" in again.stdout


def test_json_output(cli: Cli, empty: Path) -> None:
    text = (
        "# Tools\n\n- [Feast](https://feast.dev) - A feature store.\n- Hopsworks (Search Online)\n"
    )
    md = empty.parent / "tools.md"
    md.write_text(text, encoding="utf-8")
    result = cli("import", str(md), "--json", "-c", str(empty))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["dry_run"] is False and data["url_less"] == 1
    assert [(r["id"], r["url"], r["sections"]) for r in data["added"]] == [
        ("feast", "https://feast.dev", ["tools"]),
        ("hopsworks", None, ["tools"]),
    ]
    assert data["sections_added"] == [{"id": "tools", "title": "Tools", "parent": None}]
    again = json.loads(cli("import", str(md), "--json", "-c", str(empty)).stdout)
    assert again["added"] == []
    assert again["skipped"] == [
        {
            "title": "Feast",
            "url": "https://feast.dev",
            "existing_id": "feast",
            "reason": "same-url",
            "within_list": False,
        },
        {
            "title": "Hopsworks",
            "url": None,
            "existing_id": "hopsworks",
            "reason": "same-title",
            "within_list": False,
        },
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("latin1", ":3:7: invalid UTF-8 (byte 0xe9)"),
    ],
)
def test_unreadable_file_is_one_line_exit_2(
    cli: Cli, empty: Path, tmp_path: Path, setup: str, message: str
) -> None:
    target = tmp_path / "list.md"
    if setup == "directory":
        target.mkdir()
    elif setup == "latin1":
        target.write_bytes(b"# Title\n\n- [Caf\xe9](https://cafe.example)\n")
    before = empty.read_bytes()
    result = cli("import", str(target), "-c", str(empty))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: ")
    assert message in lines[0] and str(target) in lines[0]
    assert "Traceback" not in result.stderr
    assert empty.read_bytes() == before


def test_bad_catalogue_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "resources.toml"
    bad.write_bytes(b'[catalogue]\ntitle = "unclosed\n')
    result = cli("import", str(seed_path(SCALE_SEED)), "-c", str(bad))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and ":2:" in result.stderr
    assert bad.read_bytes() == b'[catalogue]\ntitle = "unclosed\n'


def test_shipped_catalogue_is_read_only(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shipped = store.shipped_catalogue_path()
    before = shipped.read_bytes()
    result = cli("import", str(seed_path(SCALE_SEED)))
    assert result.exit_code == 2
    assert "read-only" in result.stderr and "mlsd init" in result.stderr
    assert shipped.read_bytes() == before
    # a dry run only reads, so it may look at the shipped catalogue
    dry = cli("import", str(seed_path(SCALE_SEED)), "--dry-run")
    assert dry.exit_code == 0
    assert "Would add 0 resources" in dry.stdout
    assert "Skipped 12 already in the catalogue (same URL):" in dry.stdout
