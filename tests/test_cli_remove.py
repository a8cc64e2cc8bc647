"""``mlsd remove`` end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from . import ondisk

Run = Callable[..., Result]


def test_remove_with_yes(cli: Run, sample_catalogue: Path) -> None:
    result = cli("remove", "the-log", "--yes", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert "Removed the-log" in result.stdout
    catalogue = store.load(sample_catalogue)
    assert catalogue.resource_ids() == {"ubers-michelangelo", "facebook-ads-clicks"}
    assert store.dumps(catalogue) == sample_catalogue.read_text(encoding="utf-8")


def test_remove_by_title_as_json(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "remove", "Practical Lessons from Predicting Clicks on Ads at Facebook",
        "--yes", "--json", "-c", str(sample_catalogue),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["removed"]["id"] == "facebook-ads-clicks"
    assert "facebook-ads-clicks" not in store.load(sample_catalogue).resource_ids()


def test_confirmation_declined_writes_nothing(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "remove", "the-log", "-c", str(sample_catalogue),
        input="n\n", env={"MLSD_INTERACTIVE": "1"},
    )  # fmt: skip
    assert result.exit_code == 0  # declining is an answer, not an error
    assert "Jay Kreps" in result.stderr  # the entry is shown before the question
    assert "Remove 'the-log'? [y/N]" in result.stderr
    assert result.stderr.endswith("[y/N]: \nnot removed; nothing was written\n")
    assert sample_catalogue.read_bytes() == before


def test_confirmation_accepted(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "remove", "the-log", "-c", str(sample_catalogue),
        input="y\n", env={"MLSD_INTERACTIVE": "1"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "the-log" not in store.load(sample_catalogue).resource_ids()


def test_end_of_input_at_the_confirmation_writes_nothing(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "remove", "the-log", "-c", str(sample_catalogue), input="", env={"MLSD_INTERACTIVE": "1"}
    )
    assert result.exit_code in (1, 130)
    assert "nothing was written" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_no_terminal_without_yes_is_exit_2(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("remove", "the-log", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--yes" in lines[0]
    assert sample_catalogue.read_bytes() == before


def test_not_duplicate_records_go_with_the_entry(cli: Run, sample_catalogue: Path) -> None:
    with ondisk.editing(sample_catalogue) as catalogue:
        catalogue.not_duplicates.append(("facebook-ads-clicks", "the-log"))
        catalogue.not_duplicates.append(("facebook-ads-clicks", "ubers-michelangelo"))
    result = cli("remove", "the-log", "--yes", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert store.load(sample_catalogue).not_duplicates == [
        ("facebook-ads-clicks", "ubers-michelangelo")
    ]


def test_unknown_id(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("remove", "zzzz-qqqq", "--yes", "-c", str(sample_catalogue))
    assert result.exit_code == 2 and "no resource" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_shipped_catalogue_is_read_only(
    cli: Run, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))  # no resources.toml here or above
    shipped = store.find_catalogue(None)
    assert shipped.read_only
    before = shipped.path.read_bytes()
    result = cli("remove", "anything", "--yes")
    assert result.exit_code == 2 and "read-only" in result.stderr
    assert shipped.path.read_bytes() == before
