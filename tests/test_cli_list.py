"""``mlsd list`` and ``mlsd show`` end to end: filters, sorting, grouping, counts, JSON, terminals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource

from .test_search import _catalogue

Run = Callable[..., Result]

ALL_IDS = [
    "airbnb-search-ranking",
    "instagram-explore",
    "netflix-recommendations",
    "metaflow",
    "the-log",
    "feature-store-intro",
    "stream-features",
    "systems-book",
    "fraud-lyft",
    "booking-150",
    "kafka-linkedin",
    "kafka-uber",
]
JSON_KEYS = [
    "id",
    "title",
    "url",
    "kind",
    "sections",
    "org",
    "authors",
    "venue",
    "year",
    "tags",
    "description",
    "added",
    "aliases",
]


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    """The search tests' catalogue plus two look-alike titles, dates added, an alias, and one
    entry in two sections."""
    cat = _catalogue()
    cat.resources += [
        Resource(id="kafka-linkedin", title="Scaling Kafka at LinkedIn", kind="blog",
                 sections=["streaming"], org="LinkedIn", year=2019),
        Resource(id="kafka-uber", title="Scaling Kafka at Uber", kind="blog",
                 sections=["streaming"], org="Uber", year=2021),
    ]  # fmt: skip
    for i, r in enumerate(cat.resources):
        r.added = date(2024, 1, 1 + i)
    log = cat.resource("the-log")
    assert log is not None
    log.aliases = ["kreps-log"]
    log.sections = ["streaming", "case-studies"]
    path = tmp_path / "resources.toml"
    store.save(cat, path)
    return path


def run(cli: Run, path: Path, *args: str) -> Result:
    return cli(*args, "--catalogue", str(path))


def listed(cli: Run, path: Path, *args: str) -> list[str]:
    """The ids `mlsd list ARGS` prints (plain output), in order."""
    result = run(cli, path, "list", *args)
    assert result.exit_code == 0, result.stderr
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


# ----------------------------------------------------------------- list: plain output


def test_plain_lines_in_catalogue_order(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ALL_IDS
    assert lines[0].split("\t") == [
        "airbnb-search-ranking",
        "Machine Learning-Powered Search Ranking of Airbnb Experiences",
        "blog",
        "2019",
        "https://medium.com/airbnb-engineering/search-ranking",
    ]
    assert lines[2].split("\t")[3:] == ["2012", ""]  # no URL: an empty last field
    assert result.stderr == ""


# ----------------------------------------------------------------- list: filters


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--section", "recsys"], ["instagram-explore", "netflix-recommendations"]),
        # a section includes its sub-sections; by id, by title, by a unique title prefix
        (
            ["--section", "data-eng"],
            ["the-log", "feature-store-intro", "stream-features", "kafka-linkedin", "kafka-uber"],
        ),
        (
            ["--section", "Data engineering fundamentals"],
            ["the-log", "feature-store-intro", "stream-features", "kafka-linkedin", "kafka-uber"],
        ),
        (["-s", "recommender"], ["instagram-explore", "netflix-recommendations"]),
        (
            ["--section", "recsys", "--section", "streaming"],
            [
                "instagram-explore",
                "netflix-recommendations",
                "the-log",
                "stream-features",
                "kafka-linkedin",
                "kafka-uber",
            ],
        ),
        (["--tag", "kafka"], ["the-log"]),
        (["--tag", "Feature Store"], ["feature-store-intro"]),  # normalised like a stored tag
        (["-t", "fraud", "-t", "recsys"], ["instagram-explore", "fraud-lyft"]),
        (["--kind", "paper"], ["booking-150"]),
        (["-k", "talk", "-k", "BOOK"], ["stream-features", "systems-book"]),
        (["--org", "netflix"], ["netflix-recommendations", "metaflow"]),
        (
            ["--year", "2019"],
            [
                "airbnb-search-ranking",
                "instagram-explore",
                "metaflow",
                "booking-150",
                "kafka-linkedin",
            ],
        ),
        (["--year", "2012", "--year", "2013"], ["netflix-recommendations", "the-log"]),
        (["--since", "2021"], ["systems-book", "kafka-uber"]),
        (["--since", "2024-01-10"], ["booking-150", "kafka-linkedin", "kafka-uber"]),
        (
            ["--no-url"],
            [
                "netflix-recommendations",
                "metaflow",
                "the-log",
                "feature-store-intro",
                "stream-features",
                "systems-book",
                "fraud-lyft",
                "booking-150",
                "kafka-linkedin",
                "kafka-uber",
            ],
        ),
        (["--org", "netflix", "--year", "2019"], ["metaflow"]),
        (["--org", "uber", "--kind", "paper"], []),
    ],
)
def test_filters(cli: Run, catalogue_file: Path, args: list[str], expected: list[str]) -> None:
    assert listed(cli, catalogue_file, *args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--section", "strem"],
            "--section: no section named 'strem'; did you mean 'streaming'?",
        ),
        (["--kind", "papers"], "--kind: unknown kind 'papers'; use one of blog, paper"),
        (["--since", "yesterday"], "--since: 'yesterday' is neither a year nor a date"),
        (["--sort", "colour"], "--sort: unknown sort key 'colour'; use one of catalogue, title"),
        (
            ["--group-by", "colour"],
            "--group-by: unknown group key 'colour'; use one of section, org",
        ),
    ],
)
def test_bad_options_are_one_line_exit_2(
    cli: Run, catalogue_file: Path, args: list[str], message: str
) -> None:
    result = run(cli, catalogue_file, "list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mlsd: error: {message}")


def test_nothing_selected_prints_nothing_when_piped(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "list", "--org", "nobody")
    assert result.exit_code == 0
    assert result.stdout == ""


# ----------------------------------------------------------------- list: sorting, limit


def test_sort_by_title_and_reverse(cli: Run, catalogue_file: Path) -> None:
    titles = [
        line.split("\t")[1]
        for line in run(cli, catalogue_file, "list", "--sort", "title").stdout.splitlines()
    ]
    assert titles == sorted(titles, key=str.casefold)
    reverse = listed(cli, catalogue_file, "--sort", "title", "--reverse")
    assert reverse == list(reversed(listed(cli, catalogue_file, "--sort", "title")))


def test_sort_by_year_puts_unknown_years_last(cli: Run, catalogue_file: Path) -> None:
    ids = listed(cli, catalogue_file, "--sort", "year")
    assert ids[:2] == ["netflix-recommendations", "the-log"]  # 2012, 2013
    assert ids[-2:] == ["feature-store-intro", "stream-features"]  # no year, catalogue order


def test_sort_by_id_and_added(cli: Run, catalogue_file: Path) -> None:
    assert listed(cli, catalogue_file, "--sort", "id") == sorted(ALL_IDS)
    assert listed(cli, catalogue_file, "--sort", "added", "-r") == list(reversed(ALL_IDS))


def test_limit(cli: Run, catalogue_file: Path) -> None:
    assert listed(cli, catalogue_file, "--limit", "3") == ALL_IDS[:3]
    assert listed(cli, catalogue_file, "--sort", "id", "-n", "2") == sorted(ALL_IDS)[:2]


# ----------------------------------------------------------------- list: grouping and counts


def test_group_by_section_in_catalogue_order_entry_in_two_sections_twice(
    cli: Run, catalogue_file: Path
) -> None:
    out = run(cli, catalogue_file, "list", "--group-by", "section").stdout
    headers = [line for line in out.splitlines() if line.startswith("# ")]
    assert headers == [
        "# Case studies (6)",
        "# Recommender systems (2)",
        "# Streaming systems (4)",
        "# Data engineering fundamentals (1)",
    ]
    assert out.count("\nthe-log\t") + out.startswith("the-log\t") == 2


def test_group_by_org_none_last(cli: Run, catalogue_file: Path) -> None:
    out = run(cli, catalogue_file, "list", "-g", "org").stdout
    headers = [line for line in out.splitlines() if line.startswith("# ")]
    assert headers[0] == "# Airbnb (1)"
    assert headers[-1] == "# (none) (3)"
    assert "# LinkedIn (2)" in headers and "# Netflix (2)" in headers


def test_group_by_year_newest_first(cli: Run, catalogue_file: Path) -> None:
    out = run(cli, catalogue_file, "list", "--group-by", "year", "--count").stdout
    assert out.splitlines() == [
        "1\t2022",
        "1\t2021",
        "5\t2019",
        "1\t2018",
        "1\t2013",
        "1\t2012",
        "2\t(none)",
    ]


def test_counts(cli: Run, catalogue_file: Path) -> None:
    assert run(cli, catalogue_file, "list", "--count").stdout == f"{len(ALL_IDS)}\n"
    assert run(cli, catalogue_file, "list", "--count", "--kind", "blog").stdout == "9\n"
    by_kind = run(cli, catalogue_file, "list", "--count", "--group-by", "kind").stdout
    assert by_kind.splitlines() == ["9\tblog", "1\tbook", "1\tpaper", "1\ttalk"]
    lines = run(cli, catalogue_file, "list", "--count", "-g", "tag").stdout.splitlines()
    by_tag = {label: int(n) for n, label in (line.split("\t") for line in lines)}
    assert by_tag["recsys"] == 1 and by_tag["kafka"] == 1
    assert list(by_tag)[-1] == "(none)" and by_tag["(none)"] == 6


def test_json_counts(cli: Run, catalogue_file: Path) -> None:
    assert json.loads(run(cli, catalogue_file, "list", "--count", "--json").stdout) == {"total": 12}
    assert json.loads(
        run(cli, catalogue_file, "list", "--count", "--json", "-g", "kind").stdout
    ) == {"blog": 9, "book": 1, "paper": 1, "talk": 1}


# ----------------------------------------------------------------- list: JSON


def test_json_schema(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "list", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [obj["id"] for obj in data] == ALL_IDS
    for obj in data:
        assert list(obj) == JSON_KEYS  # every key always present, in this order
        assert isinstance(obj["title"], str) and obj["title"]
        assert obj["url"] is None or obj["url"].startswith("https://")
        assert isinstance(obj["sections"], list) and obj["sections"]
        assert isinstance(obj["tags"], list) and isinstance(obj["authors"], list)
        assert obj["year"] is None or isinstance(obj["year"], int)
        assert isinstance(obj["aliases"], list)
    log = data[ALL_IDS.index("the-log")]
    assert log == {
        "id": "the-log",
        "title": "The Log: What every software engineer should know about real-time data",
        "url": None,
        "kind": "blog",
        "sections": ["streaming", "case-studies"],
        "org": "LinkedIn",
        "authors": ["Jay Kreps"],
        "venue": "LinkedIn Engineering",
        "year": 2013,
        "tags": ["streaming", "kafka"],
        "description": "",
        "added": "2024-01-05",
        "aliases": ["kreps-log"],
    }


def test_json_filtered_and_grouped(cli: Run, catalogue_file: Path) -> None:
    data = json.loads(run(cli, catalogue_file, "list", "--json", "--org", "netflix").stdout)
    assert [obj["id"] for obj in data] == ["netflix-recommendations", "metaflow"]
    grouped = json.loads(run(cli, catalogue_file, "list", "--json", "-g", "kind").stdout)
    assert [g["group"] for g in grouped] == ["blog", "book", "paper", "talk"]
    assert [r["id"] for r in grouped[2]["resources"]] == ["booking-150"]
    assert list(grouped[2]["resources"][0]) == JSON_KEYS


def test_json_nothing_selected_is_an_empty_array(cli: Run, catalogue_file: Path) -> None:
    assert json.loads(run(cli, catalogue_file, "list", "--json", "--org", "x").stdout) == []


# ----------------------------------------------------------------- list: real processes


def test_piped_output_of_a_real_process_is_plain(catalogue_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "list", "--org", "lyft", "-c", str(catalogue_file)],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "fraud-lyft\tFrom shallow to deep learning in fraud\tblog\t2018\t\n"


def _on_terminal(*args: str) -> tuple[int, str]:
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "120"}
    child = pexpect.spawn(
        sys.executable, ["-m", "mlsd_cli", *args], env=env, encoding="utf-8", timeout=30,
        dimensions=(60, 120),
    )  # fmt: skip
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return child.exitstatus or 0, child.before or ""


@pytest.mark.slow
def test_terminal_shows_a_table(catalogue_file: Path) -> None:
    status, out = _on_terminal("list", "--org", "netflix", "-c", str(catalogue_file))
    assert status == 0
    for text in (
        "ID",
        "Title",
        "Kind",
        "Year",
        "netflix-recommendations",
        "metaflow",
        "2 resources",
    ):
        assert text in out
    assert "\t" not in out
    status, grouped = _on_terminal("list", "-g", "kind", "-c", str(catalogue_file))
    assert status == 0 and "blog (9)" in grouped and "12 resources" in grouped
    status, none = _on_terminal("list", "--org", "nobody", "-c", str(catalogue_file))
    assert status == 0 and "No resources match." in none


# ----------------------------------------------------------------- show


def test_show_by_id_prints_every_field(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "show", "airbnb-search-ranking")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:11] == [
        "id:          airbnb-search-ranking",
        "title:       Machine Learning-Powered Search Ranking of Airbnb Experiences",
        "url:         https://medium.com/airbnb-engineering/search-ranking",
        "kind:        blog",
        "sections:    Case studies [case-studies]",
        "org:         Airbnb",
        "authors:     Mihajlo Grbovic",
        "venue:       Airbnb Engineering & Data Science",
        "year:        2019",
        "tags:        search, ranking",
        "added:       2024-01-01",
    ]
    assert lines[11:] == ["", "A canonical example of the ranking and recommendation problem."]


def test_show_url_less_entry_in_two_sections_with_an_alias(cli: Run, catalogue_file: Path) -> None:
    out = run(cli, catalogue_file, "show", "the-log").stdout
    assert "url:         (none)" in out
    assert "sections:    Streaming systems [streaming]; Case studies [case-studies]" in out
    assert "aliases:     kreps-log" in out


@pytest.mark.parametrize(
    "ref",
    [
        "the-log",
        "kreps-log",  # an old (merged) id
        "the log: what every software engineer should know about real-time data",  # any case
        "The Log what every sofware engineer should know",  # fuzzy title
        "the-lo",  # a unique id prefix
    ],
)
def test_show_finds_by_id_alias_title_fuzzy_title_and_prefix(
    cli: Run, catalogue_file: Path, ref: str
) -> None:
    result = run(cli, catalogue_file, "show", ref, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "the-log"


def test_show_json_is_the_resource_object(cli: Run, catalogue_file: Path) -> None:
    obj = json.loads(run(cli, catalogue_file, "show", "booking-150", "--json").stdout)
    assert list(obj) == JSON_KEYS
    assert obj["authors"] == ["Bernardi", "Mavridis", "Estevez"] and obj["kind"] == "paper"


def test_show_ambiguous_title_lists_candidates_exit_2(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "show", "Scaling Kafka")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "mlsd: error: 'Scaling Kafka' could name 2 resources; name one by its id"
    assert any(
        line.strip().startswith("kafka-linkedin  Scaling Kafka at LinkedIn") for line in lines[1:]
    )
    assert any(line.strip().startswith("kafka-uber  Scaling Kafka at Uber") for line in lines[1:])


def test_show_same_title_twice_is_ambiguous(cli: Run, tmp_path: Path) -> None:
    cat = _catalogue()
    twin = Resource(id="twin", title=cat.resources[0].title, kind="blog", sections=["recsys"])
    cat.resources.append(twin)
    path = tmp_path / "twins.toml"
    store.save(cat, path)
    result = run(cli, path, "show", cat.resources[0].title.upper())
    assert result.exit_code == 2
    assert "could name 2 resources" in result.stderr
    assert "twin  " in result.stderr


def test_show_unknown_points_to_search(cli: Run, catalogue_file: Path) -> None:
    result = run(cli, catalogue_file, "show", "no-such-thing-at-all")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "mlsd: error: no resource with id or title 'no-such-thing-at-all'; "
        "find it with: mlsd search WORDS"
    )


@pytest.mark.slow
def test_show_on_a_terminal(catalogue_file: Path) -> None:
    status, out = _on_terminal("show", "airbnb-search-ranking", "-c", str(catalogue_file))
    assert status == 0
    for text in (
        "airbnb-search-ranking",
        "Mihajlo Grbovic",
        "Case studies [case-studies]",
        "A canonical example of the ranking and recommendation problem.",
    ):
        assert text in out  # fmt: skip


# ----------------------------------------------------------------- names (issue 8)


def test_a_section_prefix_and_a_kind_prefix_are_accepted(cli: Run, sample_catalogue: Path) -> None:
    """`list --section plat` exited 2 and `list --kind pap` too, while add and edit took them."""
    result = run(cli, sample_catalogue, "list", "--section", "plat", "--kind", "pap", "--json")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["facebook-ads-clicks"]


def test_an_ambiguous_section_prefix_lists_the_candidates(cli: Run, tmp_path: Path) -> None:
    """It said "no section named 'chapter'" instead."""
    path = tmp_path / "resources.toml"
    path.write_text(
        '[[sections]]\nid = "chapter-1"\ntitle = "Chapter 1"\n\n'
        '[[sections]]\nid = "chapter-2"\ntitle = "Chapter 2"\n',
        encoding="utf-8",
    )
    result = run(cli, path, "list", "--section", "chapter")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "mlsd: error: --section: 'chapter' could be any of 2 sections: chapter-1 and chapter-2; "
        "give more of the id or title\n"
    )


def test_a_tag_filter_with_no_letters_is_refused(cli: Run, sample_catalogue: Path) -> None:
    result = run(cli, sample_catalogue, "list", "--tag", "--")
    assert result.exit_code == 2
    assert result.stderr.startswith("mlsd: error: --tag: tag '--' has no letters or digits")


def test_a_section_name_with_control_characters_is_shown_escaped(
    cli: Run, sample_catalogue: Path
) -> None:
    result = run(cli, sample_catalogue, "list", "--section", "x\x1b[31my")
    assert result.exit_code == 2 and "\x1b" not in result.stderr
    assert "no section named 'x\\x1b[31my'" in result.stderr
