"""Declining a question is an answer, not an error: one plain line saying what was not done
("not added; nothing was written"), exit 0, the same for every command that asks (issue 14;
docs/cli.md, Conventions). No answer at all (end of input) is still exit 1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

INTERACTIVE = {"MLSD_INTERACTIVE": "1"}
Run = Callable[..., Result]

#: (command line, the answers, the line that says what was not done)
CASES = {
    "add": (
        ["add", "https://example.org/new", "--title", "New", "--kind", "blog", "--section",
         "platforms", "--tag", "x", "--no-fetch"],
        "\n\n\n\nn\n",  # authors, org, year, description: none; then no
        "not added; nothing was written",
    ),
    "remove": (["remove", "the-log"], "n\n", "not removed; nothing was written"),
    "tag": (["tag", "--section", "platforms", "+new-tag"], "n\n", "not tagged; nothing was written"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_no_is_a_plain_line_and_exit_0(cli: Run, sample_catalogue: Path, name: str) -> None:
    args, answers, line = CASES[name]
    before = sample_catalogue.read_bytes()
    result = cli(*args, "-c", str(sample_catalogue), input=answers, env=INTERACTIVE)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == line
    assert re.fullmatch(r"not \w+( \(.*\))?; nothing was written", line)
    assert "error" not in result.stderr and "mlsd:" not in result.stderr
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_answer_is_still_exit_1(cli: Run, sample_catalogue: Path, name: str) -> None:
    args, answers, _line = CASES[name]
    before = sample_catalogue.read_bytes()
    result = cli(*args, "-c", str(sample_catalogue), input=answers[:-2], env=INTERACTIVE)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "mlsd: error: no answer (end of input); nothing was written"
    )
    assert sample_catalogue.read_bytes() == before


def test_a_no_with_json_prints_json(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "remove", "the-log", "--json", "-c", str(sample_catalogue), input="n\n", env=INTERACTIVE
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "declined": "not removed; nothing was written",
        "exit_code": 0,
    }
