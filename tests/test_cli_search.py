"""``mlsd search`` end to end: output shapes, filters, --limit, --json, errors, a real terminal."""

from __future__ import annotations

import functools
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

from .test_search import _catalogue

Run = Callable[..., Result]


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    """The search tests' catalogue (see tests/test_search.py), saved canonically."""
    cat = _catalogue()
    for i, r in enumerate(cat.resources):
        r.added = date(2024, 1, 1 + i)
    path = tmp_path / "resources.toml"
    store.save(cat, path)
    return path


def search(cli: Run, path: Path, *args: str) -> Result:
    return cli("search", *args, "--catalogue", str(path))


def plain_rows(result: Result) -> list[list[str]]:
    return [line.split("\t") for line in result.stdout.splitlines()]


# ----------------------------------------------------------------- output


def test_plain_output_is_score_id_title_url_best_first(cli: Run, catalogue_file: Path) -> None:
    result = search(cli, catalogue_file, "recommender", "system")
    assert result.exit_code == 0, result.stderr
    rows = plain_rows(result)
    assert all(len(row) == 4 for row in rows)
    assert rows[0][1:] == [
        "instagram-explore",
        "Powered by AI: Instagram's Explore recommender system",
        "https://instagram-engineering.com/explore",
    ]
    scores = [float(row[0]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert result.stderr == ""


def test_quotes_are_optional(cli: Run, catalogue_file: Path) -> None:
    quoted = search(cli, catalogue_file, "feature store")
    unquoted = search(cli, catalogue_file, "feature", "store")
    assert quoted.stdout == unquoted.stdout
    assert plain_rows(quoted)[0][1] == "feature-store-intro"


def test_url_less_entry_prints_an_empty_url(cli: Run, catalogue_file: Path) -> None:
    rows = plain_rows(search(cli, catalogue_file, "beyond the 5 stars"))
    assert rows[0][1] == "netflix-recommendations" and rows[0][3] == ""


def test_misspelt_query(cli: Run, catalogue_file: Path) -> None:
    rows = plain_rows(search(cli, catalogue_file, "recomender", "systm"))
    assert "instagram-explore" in [row[1] for row in rows[:3]]


def test_json_is_an_array_of_resources_with_score_best_first(
    cli: Run, catalogue_file: Path
) -> None:
    result = search(cli, catalogue_file, "machine learning", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) >= 3
    for obj in data:
        assert list(obj)[:4] == ["id", "title", "url", "score"]
        assert {"kind", "sections", "tags", "authors", "org", "year", "description"} <= set(obj)
        assert isinstance(obj["score"], float) and 0 < obj["score"] <= 100
        assert set(obj["matched"]) <= {"machine", "learning", "learned"}  # a form of the word
    scores = [obj["score"] for obj in data]
    assert scores == sorted(scores, reverse=True)
    by_id = {obj["id"]: obj for obj in data}
    assert by_id["booking-150"]["authors"] == ["Bernardi", "Mavridis", "Estevez"]
    assert by_id["booking-150"]["added"] == "2024-01-10"


def test_limit(cli: Run, catalogue_file: Path) -> None:
    everything = plain_rows(search(cli, catalogue_file, "learning"))
    assert len(everything) >= 3
    assert plain_rows(search(cli, catalogue_file, "learning", "--limit", "2")) == everything[:2]
    assert len(json.loads(search(cli, catalogue_file, "learning", "-n", "1", "--json").stdout)) == 1


def test_default_limit_is_20(cli: Run, tmp_path: Path) -> None:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.model import Section

    path = tmp_path / "many.toml"
    resources = [
        Resource(id=f"r{i:02d}", title=f"Kafka notes {i}", kind="blog", sections=["s"])
        for i in range(30)
    ]
    store.save(Catalogue(sections=[Section("s", "S")], resources=resources), path)
    rows = plain_rows(search(cli, path, "kafka"))
    assert [row[1] for row in rows] == [f"r{i:02d}" for i in range(20)]


# ----------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "paper"], {"booking-150"}),
        (["--org", "lyft"], {"fraud-lyft"}),
        (
            ["--section", "case-studies"],
            {"airbnb-search-ranking", "booking-150", "fraud-lyft", "systems-book"},
        ),
        (["--section", "Case studies", "--year", "2019"], {"airbnb-search-ranking", "booking-150"}),
        (["--since", "2020"], {"systems-book"}),
        (["--since", "2024-01-09"], {"fraud-lyft", "booking-150"}),
        (["--no-url"], {"systems-book", "fraud-lyft", "booking-150"}),
    ],
)
def test_filters_select_what_is_searched(
    cli: Run, catalogue_file: Path, args: list[str], expected: set[str]
) -> None:
    result = search(cli, catalogue_file, "learning", *args, "--json")
    assert result.exit_code == 0, result.stderr
    assert {obj["id"] for obj in json.loads(result.stdout)} == expected


def test_tag_filter(cli: Run, catalogue_file: Path) -> None:
    result = search(cli, catalogue_file, "recommender", "--tag", "recsys", "--json")
    assert [obj["id"] for obj in json.loads(result.stdout)] == ["instagram-explore"]


# ----------------------------------------------------------------- nothing found, errors


def test_nothing_found_says_so_and_exits_0(cli: Run, catalogue_file: Path) -> None:
    result = search(cli, catalogue_file, "zzqx", "blorf")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "No resources match 'zzqx blorf'; try fewer or other words."


def test_nothing_found_with_filters_mentions_them(cli: Run, catalogue_file: Path) -> None:
    result = search(cli, catalogue_file, "kafka", "--kind", "paper")
    assert result.exit_code == 0 and result.stdout == ""
    assert "fewer filters" in result.stderr


def test_nothing_found_json_prints_an_empty_array(cli: Run, catalogue_file: Path) -> None:
    result = search(cli, catalogue_file, "zzqx", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("query", ["", "   ", "?!"])
def test_empty_query_is_one_line_exit_2(cli: Run, catalogue_file: Path, query: str) -> None:
    result = search(cli, catalogue_file, query)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: the search query is empty")
    assert "Traceback" not in result.stderr


def test_missing_query_is_a_usage_error(cli: Run, catalogue_file: Path) -> None:
    result = cli("search", "--catalogue", str(catalogue_file))
    assert result.exit_code == 2
    assert "QUERY" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "nope"], "--section: no section named 'nope'"),
        (["--kind", "papr"], "--kind: unknown kind 'papr'"),
        (["--since", "last week"], "--since: 'last week' is neither a year nor a date"),
    ],
)
def test_bad_filters_are_one_line_exit_2(
    cli: Run, catalogue_file: Path, args: list[str], message: str
) -> None:
    result = search(cli, catalogue_file, "kafka", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_limit_0_is_every_result_and_a_negative_limit_is_refused(
    cli: Run, catalogue_file: Path
) -> None:
    every = search(cli, catalogue_file, "kafka", "--all")
    zero = search(cli, catalogue_file, "kafka", "--limit", "0")
    assert zero.exit_code == 0 and zero.stdout == every.stdout and zero.stderr == ""
    assert search(cli, catalogue_file, "kafka", "--limit", "-1").exit_code == 2


def test_bad_catalogue_is_one_line_exit_2_and_untouched(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "resources.toml"
    bad.write_bytes(b'[catalogue]\ntitle = "x"\n\n[[resources]]\nid = "a"\n')
    before = bad.read_bytes()
    result = search(cli, bad, "kafka")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mlsd: error: {bad}:")
    assert bad.read_bytes() == before


# ----------------------------------------------------------------- real processes


def test_piped_output_of_a_real_process_is_plain(catalogue_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "search", "kreps", "-c", str(catalogue_file)],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split("\t")[1:3] == [
        "the-log",
        "The Log: What every software engineer should know about real-time data",
    ]
    assert "\x1b[" not in proc.stdout


def test_a_real_process_piped_says_on_stderr_that_results_were_cut(catalogue_file: Path) -> None:
    argv = [sys.executable, "-m", "mlsd_cli", "search", "year:1900..", "-c", str(catalogue_file)]
    run = functools.partial(
        subprocess.run, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    cut, every = run([*argv, "-n", "1"]), run([*argv, "--limit", "0"])
    assert cut.returncode == every.returncode == 0
    assert len(cut.stdout.splitlines()) == 1 < len(every.stdout.splitlines())
    assert "best 1 results" in cut.stderr and "--all" in cut.stderr
    assert every.stderr == ""


@pytest.mark.slow
def test_terminal_shows_a_table_with_matched_words_highlighted(catalogue_file: Path) -> None:
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", "search", "recomender", "systm", "-c", str(catalogue_file)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    out = child.before or ""
    assert child.exitstatus == 0, out
    assert "Score" in out and "Title" in out
    assert "instagram-explore" in out
    # bold underline (SGR 1;4) switched on right before each matched word
    assert "\x1b[1;4mrecommender\x1b[0m" in out
    assert "\x1b[1;4msystem\x1b[0m" in out
    assert "result" in out


@pytest.mark.slow
def test_terminal_nothing_found(catalogue_file: Path) -> None:
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", "search", "zzqx", "-c", str(catalogue_file)],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect("No resources match 'zzqx'")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_large_catalogue_index_is_cached_and_gives_the_same_results(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_search import _big_catalogue

    path = tmp_path / "big.toml"
    store.save(_big_catalogue(), path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("MLSD_CACHE_DIR", str(cache))
    first = search(cli, path, "feature", "ranking", "--json")
    assert first.exit_code == 0, first.stderr
    assert len(list(cache.glob("search-*.bin"))) == 1
    again = search(cli, path, "feature", "ranking", "--json")
    assert again.stdout == first.stdout
    top = json.loads(first.stdout)[0]
    assert {"feature", "ranking"} <= set(top["matched"]) and top["score"] >= 50
    misspelt = search(cli, path, "kafak", "--org", "uber", "--json")
    found = json.loads(misspelt.stdout)
    assert found and all(obj["org"] == "Uber" and "kafka" in obj["matched"] for obj in found)
