"""``mlsd list``'s small print: an empty catalogue, --limit's "N of M", years missing last."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
from typer.testing import Result

from mlsd_cli.catalogue import store

Run = Callable[..., Result]


def test_an_empty_catalogue_says_so(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    assert cli("init", str(path)).exit_code == 0
    piped = cli("list", "-c", str(path))
    assert piped.exit_code == 0 and piped.stdout == ""
    assert "The catalogue is empty" in piped.stderr and "No resources match" not in piped.stderr
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable, ["-m", "mlsd_cli", "list", "-c", str(path)], env=env, encoding="utf-8"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "The catalogue is empty: add a resource with mlsd add URL" in child.before


def test_a_filter_that_matches_nothing_still_says_no_match(
    cli: Run, sample_catalogue: Path
) -> None:
    result = cli("list", "--json", "--tag", "nothing-has-this", "-c", str(sample_catalogue))
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_limit_says_n_of_m_on_stderr_when_it_cuts(cli: Run, sample_catalogue: Path) -> None:
    total = len(store.load(sample_catalogue).resources)
    cut = cli("list", "--limit", "1", "-c", str(sample_catalogue))
    assert len(cut.stdout.splitlines()) == 1
    assert cut.stderr == f"mlsd: 1 of {total} shown (--limit 1)\n"
    whole = cli("list", "--limit", str(total), "-c", str(sample_catalogue))
    assert whole.stderr == "" and len(whole.stdout.splitlines()) == total


def test_sort_year_reversed_puts_entries_without_a_year_last(
    cli: Run, sample_catalogue: Path
) -> None:
    for reverse in ([], ["-r"]):
        result = cli("list", "--sort", "year", *reverse, "--json", "-c", str(sample_catalogue))
        years = [r.get("year") for r in json.loads(result.stdout)]
        assert None in years and years[-1] is None
        known = [y for y in years if y is not None]
        assert known == sorted(known, reverse=bool(reverse))
