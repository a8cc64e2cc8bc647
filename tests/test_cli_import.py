"""``mlsd import`` end to end."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from .conftest import BOOK_SEED
from .conftest import SCALE_SEED
from .conftest import seed_path
from .known_entries import OLD_IMPORT
from .known_entries import TITLES
from .known_entries import VARIANTS
from .known_entries import old_import_markdown
from .known_entries import write_known
from .known_entries import write_old_import

Cli = Callable[..., Result]
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Mine")
    return path


def test_import_prints_a_summary_and_writes(cli: Cli, empty: Path) -> None:
    result = cli("import", str(seed_path(BOOK_SEED)), "-c", str(empty), "--force")
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
    result = cli("import", str(seed_path(BOOK_SEED)), "-c", str(empty), "--force")
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
    assert result.exit_code == 1, result.stderr  # some items were left out
    assert "Added 78 resources" in result.stdout
    assert "Skipped 2 already in the catalogue:" in result.stdout
    assert (
        "  https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-"
        "should-know-about-real-time-datas-unifying  already in the catalogue as 'the-log' (same "
        "URL): The Log: What every software engineer should know about real-time data's unifying "
        "abstraction"
    ) in result.stdout
    assert (
        "  https://eng.uber.com/michelangelo-machine-learning-platform/  already in the catalogue "
        "as 'ubers-michelangelo' (same URL): Uber's Michelangelo"
    ) in result.stdout
    # The book's misspelt "Predictiong" is the sample's url-less Facebook paper.
    assert "Not added, 3 possible duplicates (similar title; --force adds them):" in result.stdout
    # The seed's url-less "Rules of Machine Learning: Best Practises..." is its linked entry
    # less the subtitle (docs/matching.md).
    assert (
        "  Rules of Machine Learning: Best Practises for ML Engineering  looks like "
        "'rules-of-machine-learning' (same title less a subtitle, score 90): Rules of Machine "
        "Learning"
    ) in result.stdout
    assert (
        "  Practical Lessons from Predictiong Clicks on Ads at Facebook  looks like "
        "'facebook-ads-clicks' (similar title, score 99): Practical Lessons from Predicting "
        "Clicks on Ads at Facebook"
    ) in result.stdout
    catalogue = store.load(sample_catalogue)
    logs = [r for r in catalogue.resources if "log-what-every" in (r.url or "")]
    assert [r.id for r in logs] == ["the-log"]
    # importing again adds nothing and says why
    again = cli("import", str(seed_path(BOOK_SEED)), "-c", str(sample_catalogue), "--json")
    assert again.exit_code == 1
    data = json.loads(again.stdout)
    assert data["added"] == []
    assert {s["reason"] for s in data["skipped"]} == {"same-url", "same-title"}
    assert len(data["skipped"]) == 80
    assert [s["existing_id"] for s in data["possible_duplicates"]] == [
        "facebook-ads-clicks",
        "rules-of-machine-learning",
        "a-b-testing-is-there-a-better-way",
    ]


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
    assert again["added"] == [] and again["possible_duplicates"] == []
    assert again["skipped"] == [
        {
            "title": "Feast",
            "url": "https://feast.dev",
            "existing_id": "feast",
            "reason": "same-url",
            "within_list": False,
            "message": "already in the catalogue as 'feast' (same URL): Feast",
            # a second occurrence's own words (issue 9 shape 12); none here
            "own_title": None,
            "own_description": None,
        },
        {
            "title": "Hopsworks",
            "url": None,
            "existing_id": "hopsworks",
            "reason": "same-title",
            "within_list": False,
            "message": "already in the catalogue as 'hopsworks' (same title, no URL): Hopsworks",
            # a second occurrence's own words (issue 9 shape 12); none here
            "own_title": None,
            "own_description": None,
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
    assert dry.exit_code == 1  # every item is in already
    assert "Would add 0 resources" in dry.stdout
    assert "Skipped 12 already in the catalogue:" in dry.stdout


# --------------------------------------------------------------- already in the catalogue


def _list(tmp_path: Path, items: list[tuple[str, str]], name: str = "list.md") -> Path:
    md = tmp_path / name
    md.write_text("# Reading\n\n" + "".join(f"- [{t}]({u})\n" for t, u in items), encoding="utf-8")
    return md


def test_canonical_url_variants_of_entries_are_not_added(cli: Cli, tmp_path: Path) -> None:
    known = write_known(tmp_path / "resources.toml")
    before = known.read_bytes()
    items = [(f"Another title number {n}", url) for n, (url, _) in enumerate(VARIANTS)]
    md = _list(tmp_path, items)
    result = cli("import", str(md), "-c", str(known))
    assert result.exit_code == 1, result.stderr
    assert "Added 0 resources (0 without a URL) and 0 new sections" in result.stdout
    assert f"Skipped {len(VARIANTS)} already in the catalogue:" in result.stdout
    for url, rid in VARIANTS:
        line = f"  {url}  already in the catalogue as '{rid}' (same URL): {TITLES[rid]}"
        assert line in result.stdout.splitlines()
    assert known.read_bytes() == before

    data = json.loads(cli("import", str(md), "-c", str(known), "--json").stdout)
    assert data["added"] == []
    assert [(s["url"], s["existing_id"], s["reason"]) for s in data["skipped"]] == [
        (url, rid, "same-url") for url, rid in VARIANTS
    ]
    assert data["skipped"][0]["message"] == (
        "already in the catalogue as 'ubers-michelangelo' (same URL): Uber's Michelangelo"
    )
    assert known.read_bytes() == before


def test_importing_twice_adds_nothing_even_after_dedupe_merge(cli: Cli, tmp_path: Path) -> None:
    # The catalogue an exact-URL import made of the list: three pairs, one resource each.
    catalogue = write_old_import(tmp_path / "resources.toml")
    md = tmp_path / "list.md"
    md.write_text(old_import_markdown(), encoding="utf-8")
    assert cli("dedupe", "-c", str(catalogue)).exit_code == 1
    merged = cli("dedupe", "-c", str(catalogue), "--merge", input="m\n1\ny\n" * 3, env=INTERACTIVE)
    assert merged.exit_code == 0, merged.stdout + merged.stderr
    survivors = [r.id for r in store.load(catalogue).resources]
    assert survivors == [
        "hidden-technical-debt-in-machine-learning-systems",
        "ubers-michelangelo",
        "internals-of-metaflow",
    ]
    after_merge = catalogue.read_bytes()
    for attempt in ("first", "second", "forced"):
        args = ["import", str(md), "-c", str(catalogue), "--json"]
        result = cli(*args, *(["--force"] if attempt == "forced" else []))
        assert result.exit_code == 1, (attempt, result.stderr)
        data = json.loads(result.stdout)
        assert data["added"] == [], attempt
        matched = [(s["title"], s["existing_id"], s["reason"]) for s in data["skipped"]]
        assert matched == [
            (OLD_IMPORT[0][1], survivors[0], "same-url"),
            (OLD_IMPORT[1][1], survivors[0], "merged"),
            (OLD_IMPORT[2][1], survivors[1], "same-url"),
            (OLD_IMPORT[3][1], survivors[1], "same-url"),
            (OLD_IMPORT[4][1], survivors[2], "same-url"),
            (OLD_IMPORT[5][1], survivors[2], "same-url"),
        ], attempt
        assert data["possible_duplicates"] == []
        assert catalogue.read_bytes() == after_merge, attempt
    assert cli("dedupe", "-c", str(catalogue)).exit_code == 0


def test_variants_within_the_list_give_one_entry(cli: Cli, empty: Path, tmp_path: Path) -> None:
    md = tmp_path / "list.md"
    md.write_text(old_import_markdown(), encoding="utf-8")
    result = cli("import", str(md), "-c", str(empty), "--json")
    data = json.loads(result.stdout)
    # The re-typed title at another address is held back as a possible duplicate.
    assert result.exit_code == 1
    assert [r["id"] for r in data["added"]] == [
        "hidden-technical-debt-in-machine-learning-systems",
        "ubers-michelangelo",
        "internals-of-metaflow",
    ]
    within = [(s["title"], s["existing_id"]) for s in data["skipped"] if s["within_list"]]
    assert within == [
        (OLD_IMPORT[3][1], "ubers-michelangelo"),
        (OLD_IMPORT[5][1], "internals-of-metaflow"),
    ]
    assert [(p["title"], p["existing_id"]) for p in data["possible_duplicates"]] == [
        (OLD_IMPORT[1][1], "hidden-technical-debt-in-machine-learning-systems")
    ]
    assert cli("dedupe", "-c", str(empty)).exit_code == 0


def test_possible_duplicates_are_reported_and_added_with_force(cli: Cli, tmp_path: Path) -> None:
    known = write_known(tmp_path / "resources.toml")
    before = known.read_bytes()
    md = _list(
        tmp_path,
        [
            ("Ubers Michelangelo", "https://example.org/michelangelo"),
            ("Feast", "https://feast.dev"),
        ],
    )
    result = cli("import", str(md), "-c", str(known))
    assert result.exit_code == 1, result.stderr
    assert "Added 1 resource (0 without a URL)" in result.stdout
    assert "Not added, 1 possible duplicate (similar title; --force adds them):" in result.stdout
    assert (
        "  https://example.org/michelangelo  looks like 'ubers-michelangelo' (similar title, "
        "score 100): Uber's Michelangelo"
    ) in result.stdout.splitlines()
    assert len(store.load(known).resources) == 6
    forced = cli("import", str(md), "-c", str(known), "--force")
    assert forced.exit_code == 1  # Feast is there now
    assert "Added 1 resource" in forced.stdout
    assert any(r.url == "https://example.org/michelangelo" for r in store.load(known).resources)
    assert known.read_bytes() != before


def test_import_help_states_the_policy(cli: Cli) -> None:
    text = " ".join(cli("import", "--help").stdout.split())
    assert "same resource" in text and "--force" in text and "exit status is 1" in text


def test_a_closed_pipe_keeps_the_exit_status(mlsd_exe: list[str], tmp_path: Path) -> None:
    from .test_closed_pipe import run_into_closed_pipe

    known = write_known(tmp_path / "resources.toml")
    variants = _list(tmp_path, [(f"Item {n}", url) for n, (url, _) in enumerate(VARIANTS)])
    command = [*mlsd_exe, "import", str(variants), "-c", str(known)]
    run = run_into_closed_pipe(command, dict(os.environ), after_first_line=False)
    assert run.returncode == 1, run.stderr
    fresh = _list(tmp_path, [("Feast", "https://feast.dev")], name="fresh.md")
    command = [*mlsd_exe, "import", str(fresh), "-c", str(known)]
    run = run_into_closed_pipe(command, dict(os.environ), after_first_line=False)
    assert run.returncode == 0, run.stderr


def test_control_characters_of_the_list_are_not_printed(cli: Cli, tmp_path: Path) -> None:
    known = write_known(tmp_path / "resources.toml")
    md = tmp_path / "list.md"
    md.write_text(
        "# Reading\n\n"
        "- [Uber\x1b[31m again](http://eng.uber.com/michelangelo-machine-learning-platform/)\n"
        "- Hopsworks\x07 (Search Online)\n",
        encoding="utf-8",
    )
    # listed by the dry run; added; then reported as already in the catalogue
    for args in (["--dry-run"], [], []):
        result = cli("import", str(md), "-c", str(known), *args)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    # the controls are not even stored (the schema would refuse them)
    assert all("\x07" not in r.title and "\x1b" not in r.title for r in store.load(known).resources)
    assert "Hopsworks" in result.stdout


# ----------------------------------------------------------------- names (issue 8)


def test_section_is_read_as_every_command_reads_it(cli: Cli, sample_catalogue: Path) -> None:
    """A prefix nests under the section it names; an ambiguous one is refused, listing both."""
    md = sample_catalogue.parent / "list.md"
    md.write_text("# Reading\n\n- [A new item](https://example.org/new-item)\n", encoding="utf-8")
    result = cli("import", str(md), "--section", "stream", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    reading = store.load(sample_catalogue).section("reading")
    assert reading is not None and reading.parent == "streaming"

    with sample_catalogue.open("a", encoding="utf-8") as f:
        f.write('\n[[sections]]\nid = "stream-processing"\ntitle = "Stream processing"\n')
    before = sample_catalogue.read_bytes()
    result = cli("import", str(md), "--section", "stream", "-c", str(sample_catalogue))
    assert result.exit_code == 2 and sample_catalogue.read_bytes() == before
    assert result.stderr.startswith(
        "mlsd: error: --section: 'stream' could be any of 2 sections: streaming and "
        "stream-processing; "
    )
