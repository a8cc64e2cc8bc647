"""``mlsd list --count``: a table on a terminal (through a real pseudo-terminal), plain
``COUNT<TAB>GROUP`` lines when piped (issue 14)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from mlsd_cli.catalogue import store

from .test_cli_widths import screen

Run = Callable[..., Result]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip("│┃").split("│" if "│" in line else "┃")]


def test_count_by_group_is_a_table_on_a_terminal(sample_catalogue: Path) -> None:
    kinds = Counter(r.kind for r in store.load(sample_catalogue).resources)
    lines = screen(sample_catalogue, 80, "list", "--count", "--group-by", "kind")
    assert lines[0].startswith("┏") and lines[-1].startswith("└")
    rows = [_cells(line) for line in lines if line.startswith(("│", "┃"))]
    assert rows[0] == ["Kind", "Count"]
    assert {kind: int(n) for kind, n in rows[1:-1]} == dict(kinds)
    assert rows[-1] == ["resources", str(sum(kinds.values()))]  # the total, below a rule


def test_count_alone_is_a_one_cell_table_on_a_terminal(sample_catalogue: Path) -> None:
    lines = screen(sample_catalogue, 80, "list", "--count", "--kind", "paper")
    rows = [_cells(line) for line in lines if line.startswith(("│", "┃"))]
    papers = sum(r.kind == "paper" for r in store.load(sample_catalogue).resources)
    assert rows == [["Resources"], [str(papers)]]


def test_count_piped_stays_plain(cli: Run, sample_catalogue: Path) -> None:
    kinds = Counter(r.kind for r in store.load(sample_catalogue).resources)
    result = cli("list", "--count", "-g", "kind", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"{n}\t{kind}" for kind, n in sorted(kinds.items())]
    alone = cli("list", "--count", "-c", str(sample_catalogue))
    assert alone.stdout == f"{sum(kinds.values())}\n"
