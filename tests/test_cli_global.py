"""Options before the command (``mlsd -c FILE list``, ``--no-color``), and help without one."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from mlsd_cli.cli import COMMANDS
from mlsd_cli.cli import lift_color

Run = Callable[..., Result]

#: An SGR sequence that sets a foreground colour (bold and dim are styles, not colours).
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|38|9[0-7])[;m]")


def _ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in json.loads(result.stdout)]


def test_catalogue_before_the_command_means_the_same_as_after(
    cli: Run, sample_catalogue: Path
) -> None:
    after = _ids(cli("list", "--json", "-c", str(sample_catalogue)))
    assert after == _ids(cli("-c", str(sample_catalogue), "list", "--json"))
    assert after == _ids(cli("--catalogue", str(sample_catalogue), "list", "--json"))
    assert after == _ids(cli(f"--catalogue={sample_catalogue}", "list", "--json"))
    assert "ubers-michelangelo" in after


def test_the_option_after_the_command_wins(cli: Run, sample_catalogue: Path) -> None:
    missing = sample_catalogue.with_name("missing.toml")
    ok = cli("-c", str(missing), "list", "--json", "-c", str(sample_catalogue))
    assert "ubers-michelangelo" in _ids(ok)
    refused = cli("-c", str(sample_catalogue), "list", "-c", str(missing))
    assert refused.exit_code == 2
    assert "missing.toml" in refused.stderr and "Traceback" not in refused.stderr


def test_the_global_catalogue_beats_the_environment(cli: Run, sample_catalogue: Path) -> None:
    missing = str(sample_catalogue.with_name("missing.toml"))
    result = cli("-c", str(sample_catalogue), "list", "--json", env={"MLSD_CATALOGUE": missing})
    assert "ubers-michelangelo" in _ids(result)


def test_tag_takes_the_catalogue_before_and_after_with_c(cli: Run, sample_catalogue: Path) -> None:
    before = cli("--catalogue", str(sample_catalogue), "tag", "ubers-michelangelo", "+batch")
    assert before.exit_code == 0, before.stderr
    after = cli("tag", "ubers-michelangelo", "-c", str(sample_catalogue), "-batch", "+online")
    assert after.exit_code == 0, after.stderr
    shown = cli("tag", "-c", str(sample_catalogue), "ubers-michelangelo")
    assert "online" in shown.stdout.split() and "batch" not in shown.stdout.split()


def test_tag_c_without_a_file_is_a_mistake(cli: Run, sample_catalogue: Path) -> None:
    result = cli("tag", "ubers-michelangelo", "+x", "-c")
    assert result.exit_code == 2 and "-c needs a catalogue file" in result.stderr


def test_a_dash_c_word_is_still_a_tag_to_remove() -> None:
    from mlsd_cli.cli.tag_cmd import _catalogue_word

    assert _catalogue_word(["id", "-cache", "-c", "x.toml"], None) == (["id", "-cache"], "x.toml")


def test_color_after_the_command_moves_before_it() -> None:
    assert lift_color(["-c", "x", "list", "--no-color", "--json"]) == [
        "-c",
        "x",
        "--no-color",
        "list",
        "--json",
    ]
    assert lift_color(["search", "--", "--color"]) == ["search", "--", "--color"]
    assert lift_color(["--color", "list"]) == ["--color", "list"]


def _listing(catalogue: Path, *args: str) -> str:
    """What ``mlsd ARGS`` prints on a colour terminal (NO_COLOR unset)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", MLSD_CATALOGUE=str(catalogue))
    child = pexpect.spawn(
        sys.executable, ["-m", "mlsd_cli", *args], env=env, encoding="utf-8", timeout=30
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


@pytest.mark.parametrize(
    ("args", "coloured"),
    [
        (["list"], True),
        (["--no-color", "list"], False),
        (["list", "--no-color"], False),
        (["--no-color", "list", "--color"], True),
        (["--color", "list", "--no-color"], False),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_color_options_on_a_terminal(
    sample_catalogue: Path, args: list[str], coloured: bool
) -> None:
    out = _listing(sample_catalogue, *args)
    assert "Michelangelo" in out
    assert bool(COLOUR.search(out)) is coloured


def test_no_arguments_prints_the_help_and_succeeds(cli: Run) -> None:
    result = cli()
    assert result.exit_code == 0
    assert "Usage: mlsd" in result.stdout
    for _module, name in COMMANDS:
        assert name in result.stdout


def test_help_command(cli: Run) -> None:
    assert cli("help").stdout == cli("--help").stdout
    shown = cli("help", "list")
    assert shown.exit_code == 0
    assert shown.stdout == cli("list", "--help").stdout
    assert "Usage: mlsd list" in shown.stdout
    unknown = cli("help", "nope")
    assert unknown.exit_code == 2 and "no such command: nope" in unknown.stderr
