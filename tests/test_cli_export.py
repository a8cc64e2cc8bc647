"""`mlsd export` end to end: stdout, --output with markers, --check, filters, errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from . import ondisk
from .conftest import ROOT

Run = Callable[..., Result]

MARKED = """\
# My list

Hand-written top, kept as it is.

## The catalogue

<!-- mlsd:start -->
<!-- mlsd:end -->

Hand-written footer.
"""


def urls_in(catalogue_path: Path) -> list[str]:
    return [r.url for r in store.load(catalogue_path).resources if r.url]


def test_markdown_to_stdout(cli: Run, sample_catalogue: Path) -> None:
    result = cli("export", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Sample\n")
    assert (
        "- [Uber's Michelangelo](https://eng.uber.com/michelangelo-machine-learning-platform/) (**Uber**, 2017)"
        in result.stdout
    )
    assert "- Practical Lessons from Predicting Clicks on Ads at Facebook\n" in result.stdout
    assert result.stderr == ""


def test_shipped_catalogue_export_contains_every_url(cli: Run, shipped_copy: Path) -> None:
    from markdown_it import MarkdownIt

    urls = urls_in(shipped_copy)
    assert len(urls) > 50
    result = cli("export", "--format", "markdown", "-c", str(shipped_copy))
    assert result.exit_code == 0
    md = MarkdownIt("commonmark")
    hrefs = set()
    for token in md.parse(result.stdout):
        for child in token.children or []:
            if child.type == "link_open":
                hrefs.add(child.attrGet("href"))
    for url in urls:
        assert md.normalizeLink(url) in hrefs, url


@pytest.mark.parametrize("fmt", ["json", "csv", "bibtex", "html"])
def test_shipped_catalogue_in_every_format(cli: Run, shipped_copy: Path, fmt: str) -> None:
    result = cli("export", "-f", fmt, "-c", str(shipped_copy))
    assert result.exit_code == 0, result.stderr
    for url in urls_in(shipped_copy)[:20]:
        variants = {url, url.replace("&", "&amp;"), url.replace("%", r"\%").replace("#", r"\#")}
        assert any(v in result.stdout for v in variants), url


def test_output_file_between_markers_keeps_the_rest(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    target = tmp_path / "README.md"
    target.write_text(MARKED, encoding="utf-8")
    result = cli("export", "-o", str(target), "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert "between the mlsd markers" in result.stdout
    text = target.read_text(encoding="utf-8")
    assert text.startswith(MARKED.split("<!-- mlsd:start -->")[0] + "<!-- mlsd:start -->\n")
    assert text.endswith("<!-- mlsd:end -->\n\nHand-written footer.\n")
    assert "\n### ML platforms\n" in text  # nested under "## The catalogue"
    assert "# Sample" not in text
    # Writing again changes nothing (and says so).
    mtime = target.stat().st_mtime_ns
    again = cli("export", "-o", str(target), "-c", str(sample_catalogue))
    assert again.exit_code == 0 and "already up to date" in again.stdout
    assert target.stat().st_mtime_ns == mtime


def test_check_passes_when_in_sync_and_fails_after_a_catalogue_change(
    cli: Run, shipped_copy: Path, tmp_path: Path
) -> None:
    readme = tmp_path / "README.md"
    shutil.copyfile(ROOT / "README.md", readme)
    assert (
        cli("export", "-f", "markdown", "-o", str(readme), "-c", str(shipped_copy)).exit_code == 0
    )
    ok = cli(
        "export",
        "--format",
        "markdown",
        "--output",
        str(readme),
        "--check",
        "-c",
        str(shipped_copy),
    )
    assert ok.exit_code == 0, ok.stderr
    assert "up to date" in ok.stdout

    with ondisk.editing(shipped_copy) as catalogue:
        catalogue.resources[0].title = "A changed title"
    before = readme.read_bytes()
    stale = cli(
        "export",
        "--format",
        "markdown",
        "--output",
        str(readme),
        "--check",
        "-c",
        str(shipped_copy),
    )
    assert stale.exit_code == 1
    assert readme.read_bytes() == before  # --check writes nothing
    lines = stale.stderr.splitlines()
    assert lines[0].startswith(f"mlsd: {readme} is out of date")
    assert "mlsd export --format markdown --output" in lines[0]
    assert any(line.startswith("+") and "A changed title" in line for line in lines)
    assert len(lines) <= 20  # a short diff
    assert stale.stdout == ""


def test_check_of_a_file_without_markers_compares_the_whole_file(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    assert (
        cli("export", "-f", "json", "-o", str(target), "-c", str(sample_catalogue)).exit_code == 0
    )
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == 1
    assert (
        cli(
            "export", "-f", "json", "-o", str(target), "--check", "-c", str(sample_catalogue)
        ).exit_code
        == 0
    )
    target.write_text(
        target.read_text(encoding="utf-8").replace("Sample", "Simple"), encoding="utf-8"
    )
    stale = cli("export", "-f", "json", "-o", str(target), "--check", "-c", str(sample_catalogue))
    assert stale.exit_code == 1
    diff = stale.stderr.splitlines()
    assert any(line.startswith("-") and '"title": "Simple"' in line for line in diff)
    assert any(line.startswith("+") and '"title": "Sample"' in line for line in diff)


def test_ci_command_works_from_the_repository_root(tmp_path: Path) -> None:
    """`.ci/run` runs this exact command from the root; here on a copy of the root's files."""
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copyfile(ROOT / "resources.toml", work / "resources.toml")
    shutil.copyfile(ROOT / "README.md", work / "README.md")
    env = {k: v for k, v in os.environ.items() if k != "MLSD_CATALOGUE"}
    command = [
        sys.executable,
        "-m",
        "mlsd_cli",
        "export",
        "--format",
        "markdown",
        "--output",
        "README.md",
        "--feed",
        "feed.xml",
    ]
    run = subprocess.run(
        command,
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stderr
    check = subprocess.run(
        [*command, "--check"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert check.returncode == 0, check.stderr
    text = (work / "README.md").read_text(encoding="utf-8")
    for url in urls_in(work / "resources.toml"):
        assert url.split("#")[0] in text
    original = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.split("<!-- mlsd:start -->")[0] == original.split("<!-- mlsd:start -->")[0]


def test_filters_and_group_by(cli: Run, sample_catalogue: Path) -> None:
    result = cli("export", "--org", "LinkedIn", "-c", str(sample_catalogue))
    assert result.exit_code == 0
    assert "The Log" in result.stdout and "Michelangelo" not in result.stdout
    grouped = cli("export", "--group-by", "kind", "-c", str(sample_catalogue))
    assert re.findall(r"^## (.*)$", grouped.stdout, re.MULTILINE) == ["blog", "paper"]
    papers = cli("export", "-f", "csv", "--kind", "paper", "-c", str(sample_catalogue))
    assert papers.stdout_bytes.count(b"\r\n") == 2  # header + one paper, CRLF (RFC 4180)


def test_awesome_style(cli: Run, sample_catalogue: Path) -> None:
    result = cli("export", "--style", "awesome", "-c", str(sample_catalogue))
    assert result.exit_code == 0
    assert "## Contents\n" in result.stdout


def test_html_to_file(cli: Run, sample_catalogue: Path, tmp_path: Path) -> None:
    target = tmp_path / "list.html"
    result = cli("export", "-f", "html", "-o", str(target), "-c", str(sample_catalogue))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.stdout == f"Wrote {target} (3 resources).\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "yaml"], "--format: unknown format 'yaml'"),
        (["-f", "jsn"], "did you mean 'json'?"),
        (["--check"], "--check needs --output FILE"),
        (["-f", "json", "--style", "awesome"], "--style applies to --format markdown only"),
        (["--style", "fancy"], "--style: unknown style 'fancy'"),
        (["-f", "csv", "--group-by", "year"], "--group-by applies to markdown and html only"),
        (["--group-by", "colour"], "--group-by: unknown group key 'colour'"),
        (["--kind", "papr"], "--kind: unknown kind 'papr'"),
        (["--section", "nowhere"], "--section: no section named 'nowhere'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    cli: Run, sample_catalogue: Path, args: list[str], message: str
) -> None:
    result = cli("export", *args, "-c", str(sample_catalogue))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""


def test_check_of_a_missing_file_is_an_error(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "README.md"
    result = cli("export", "-o", str(missing), "--check", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not missing.exists()


def test_broken_markers_write_nothing(cli: Run, sample_catalogue: Path, tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text("# x\n\n<!-- mlsd:start -->\nno end\n", encoding="utf-8")
    result = cli("export", "-o", str(target), "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert f"{target}:3: '<!-- mlsd:start -->' has no matching '<!-- mlsd:end -->'" in result.stderr
    assert target.read_text(encoding="utf-8") == "# x\n\n<!-- mlsd:start -->\nno end\n"


def test_output_into_a_missing_directory_is_an_error(
    cli: Run, sample_catalogue: Path, tmp_path: Path
) -> None:
    result = cli("export", "-o", str(tmp_path / "no" / "README.md"), "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_output_onto_the_catalogue_is_refused(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("export", "-o", str(sample_catalogue), "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert "is the catalogue itself" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_stdout_is_utf8_whatever_the_locale(sample_catalogue: Path) -> None:
    with ondisk.editing(sample_catalogue) as catalogue:
        catalogue.resources[0].title = "Uber’s Michelangelo — café"
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    run = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "export", "-c", str(sample_catalogue)],
        capture_output=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stderr
    assert "Uber’s Michelangelo — café".encode() in run.stdout
