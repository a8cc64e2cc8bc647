"""``mlsd check --summary FILE``: the report as markdown for $GITHUB_STEP_SUMMARY.

The markdown is read back with markdown-it (GFM tables on), the way GitHub reads it: the
counts table and one row a link to look at, every cell the text it should be.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import Result

from mlsd_cli.web.catalogue_check import CheckReport
from mlsd_cli.web.catalogue_check import LinkReport
from mlsd_cli.web.catalogue_check import markdown_summary

from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture
from .test_cli_check import FAST
from .test_cli_check import usual_catalogue

Cli = Callable[..., Result]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of ``markdown`` as rows of cell texts (the header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out: list[list[list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            out.append([])
        elif token.type == "tr_open":
            out[-1].append([])
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            text = "".join(c.content for c in inline.children or [] if c.type == "text")
            assert all(c.type in ("text", "softbreak") for c in inline.children or []), inline
            out[-1][-1].append(text)
    return out


def test_summary_is_appended_and_lists_the_problems(
    cli: Cli, tmp_path: Path, http_server: TestServer
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    summary = tmp_path / "step-summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    result = cli("check", "-c", str(path), "--dead-after", "1", "--summary", str(summary), *FAST)
    assert result.exit_code == 1, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n## Link check\n")  # appended, never replaced
    assert "**1 dead link** 4 checked on " in text
    counts, links = tables(text)
    assert counts == [
        ["ok", "redirected", "soft", "failing", "dead", "skipped"],
        ["1", "1", "1", "0", "1", "0"],
    ]
    assert links[0] == ["", "Status", "URL", "Resource", "Detail"]
    assert links[1:] == [
        ["DEAD", "404", http_server.url("/gone"), "gone", "HTTP 404 Not Found (1 runs in a row)"],
        ["soft", "403", http_server.url("/bot"), "walled", "HTTP 403 Forbidden (bot protection?)"],
        ["moved", "301", http_server.url("/old"), "moved", f"moved to {http_server.url('/ok')}"],
    ]
    # the terminal/pipe report is still printed
    assert "dead 1" in result.stdout


def test_no_problems_says_so(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    from .test_cli_check import make_catalogue

    http_server.route("/ok", Reply(200))
    path = make_catalogue(tmp_path, {"fine": (http_server.url("/ok"), [])})
    summary = tmp_path / "summary.md"
    assert cli("check", "-c", str(path), "--summary", str(summary), *FAST).exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert "No dead links. 1 checked" in text and "Nothing to look at." in text


def test_an_unwritable_summary_is_a_usage_error(
    cli: Cli, tmp_path: Path, http_server: TestServer
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--summary", str(tmp_path / "no" / "dir.md"), *FAST)
    assert result.exit_code == 2
    assert result.stderr.startswith("mlsd: error: --summary: cannot write the summary to ")
    assert http_server.requests == []  # refused before any link was requested
    assert "Traceback" not in result.stderr


def test_hostile_text_stays_inert_text_in_its_cell() -> None:
    hostile = 'https://x.test/a|b<img src=x onerror="alert(1)">[c](javascript:alert(1))\n| d'
    report = CheckReport(
        links=[LinkReport(hostile, ["r`1*"], "soft", reason="x\x1b[31m|y\r\n## z")],
        state_file=Path("s.json"),
        checked_at=datetime(2026, 1, 2, tzinfo=UTC),
        dead_after=2,
    )
    text = markdown_summary(report)
    assert "\x1b" not in text and "\r" not in text
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html and "<h2>Link check</h2>" in html
    rows = tables(text)[1]
    assert rows[1] == ["soft", "-", " ".join(hostile.split()), "r`1*", "x [31m|y ## z"]
