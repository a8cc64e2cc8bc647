"""Every ``--json`` run prints one JSON document on stdout: when nothing changes, when nothing
is found, when the user declines or gives no answer, and when the command refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

Run = Callable[..., Result]


def _json(result: Result) -> Any:
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"--json printed no JSON: {result.stdout!r} (stderr {result.stderr!r})")


def test_edit_without_a_change_prints_json(cli: Run, sample_catalogue: Path) -> None:
    """The regression: `mlsd edit ... --json` printed "No changes to ..." as plain text."""
    before = sample_catalogue.read_bytes()
    result = cli(
        "edit", "ubers-michelangelo", "--year", "2017", "--json", "-c", str(sample_catalogue)
    )
    assert result.exit_code == 0, result.stderr
    data = _json(result)
    assert (data["id"], data["year"], data["changed"]) == ("ubers-michelangelo", 2017, False)
    assert sample_catalogue.read_bytes() == before


def test_edit_with_a_change_says_so(cli: Run, sample_catalogue: Path) -> None:
    result = cli("edit", "the-log", "--year", "2014", "--json", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    data = _json(result)
    assert (data["id"], data["year"], data["changed"]) == ("the-log", 2014, True)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["tag", "the-log", "+streaming"], 0),  # already tagged: nothing to change
        (["tag", "--kind", "blog", "+web"], 2),  # would ask, and --json asks nothing
        (["list", "--kind", "book"], 0),  # nothing found
        (["search", "zzzz-no-such-words"], 0),
        (["dedupe"], 0),  # no duplicates
        (["dedupe", "--merge"], 2),  # refused: --merge asks
        (["show", "no-such-entry"], 2),  # not found
        (["edit", "the-log"], 2),  # nothing to change given
        (["remove", "the-log"], 2),  # no terminal to confirm on
        (["add", "--no-fetch"], 2),  # no terminal to ask on
    ],
)
def test_no_op_declined_and_refused_runs_print_json(
    cli: Run, sample_catalogue: Path, args: list[str], code: int
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(*args, "--json", "--catalogue", str(sample_catalogue))
    assert result.exit_code == code, result.stderr
    data = _json(result)
    if code:
        assert data["exit_code"] == code and data["error"] in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_declined_with_json_prints_json(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "remove", "the-log", "--json", "-c", str(sample_catalogue),
        input="n\n", env={"MLSD_INTERACTIVE": "1"},
    )  # fmt: skip
    assert result.exit_code == 0
    assert _json(result) == {"declined": "not removed; nothing was written", "exit_code": 0}
    assert sample_catalogue.read_bytes() == before


def test_import_of_nothing_new_prints_json(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text("# Empty\n\nNo items here.\n", encoding="utf-8")
    result = cli("import", str(listing), "--json", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert _json(result)["added"] == []
