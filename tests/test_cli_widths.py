"""``mlsd list`` and ``mlsd search`` at any terminal width, through a real pseudo-terminal:
ids in full, no empty column, titles wrapped, and entries stacked where a table cannot hold a
readable title."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.cli.render import MIN_TITLE
from mlsd_cli.cli.render import resource_table

IDS = ("ubers-michelangelo", "the-log", "facebook-ads-clicks")
BORDERS = set("┃│┏┡└")


def screen(catalogue: Path, width: int, *args: str) -> list[str]:
    """The lines ``mlsd ARGS`` shows on a terminal ``width`` columns wide."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(NO_COLOR="1", TERM="xterm", MLSD_CATALOGUE=str(catalogue))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(60, width),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(child.before))  # bold and dim stay with NO_COLOR
    return text.replace("\r\n", "\n").splitlines()


def _table_title_width(lines: list[str]) -> int:
    """The width of the Title column, from the header row of a rich table."""
    header = next(line for line in lines if "Title" in line and "┃" in line)
    cells = header.split("┃")
    return len(next(cell for cell in cells if "Title" in cell)) - 2


@pytest.mark.parametrize("width", [60, 80, 100, 140])
@pytest.mark.parametrize("command", [["list"], ["search", "log"]], ids=" ".join)
def test_every_width(sample_catalogue: Path, width: int, command: list[str]) -> None:
    lines = screen(sample_catalogue, width, *command)
    assert all(len(line) <= width for line in lines)
    text = "\n".join(lines)
    resources = store.load(sample_catalogue).resources
    shown = [r for r in resources if r.id in text]
    assert shown
    for r in shown:  # each id whole on one line: the user types it next
        assert any(r.id in line for line in lines), r.id
    if any(BORDERS.intersection(line) for line in lines):
        assert _table_title_width(lines) >= MIN_TITLE  # never one letter a line
    else:  # stacked: each title starts a line, its id follows dimmed on the next
        for r in shown:
            at = next(i for i, line in enumerate(lines) if line.startswith(r.title[:20]))
            assert any(r.id in line for line in lines[at + 1 : at + 4])


def test_sixty_columns_stack_and_wide_terminals_keep_the_table(sample_catalogue: Path) -> None:
    assert not any(BORDERS.intersection(line) for line in screen(sample_catalogue, 60, "list"))
    wide = screen(sample_catalogue, 140, "list")
    assert any("Title" in line and "┃" in line for line in wide)
    assert any("Uber's Michelangelo" in line for line in wide)  # the title whole, not folded


def _render(resources: list[Resource], width: int) -> str:
    out = Console(width=width, record=True, no_color=True, file=open(os.devnull, "w"))  # noqa: SIM115
    out.print(resource_table(resources, width=width))
    return out.export_text()


def test_empty_columns_are_dropped_and_long_ids_are_whole() -> None:
    long_id = "a-very-long-identifier-that-must-never-be-cut-short"
    resources = [Resource(id=long_id, title="Some title", kind="blog")]
    text = _render(resources, 120)
    assert long_id in text
    assert "Org" not in text and "Year" not in text
    with_org = _render([Resource(id="x", title="T", kind="blog", org="Uber", year=2020)], 120)
    assert "Org" in with_org and "Year" in with_org
