"""``mlsd open ID``: the entry's URL to the browser (webbrowser), or printed with --print."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]
URL = "https://eng.uber.com/michelangelo-machine-learning-platform/"


def test_print_gives_the_url(cli: Run, sample_catalogue: Path) -> None:
    result = cli("open", "Uber's Michelangelo", "--print", "-c", str(sample_catalogue))
    assert result.exit_code == 0 and result.stdout == URL + "\n"


def test_opens_the_url_in_the_browser(
    cli: Run, sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    result = cli("-c", str(sample_catalogue), "open", "ubers-michelangelo")
    assert result.exit_code == 0, result.stderr
    assert opened == [URL] and result.stdout == ""


def test_no_browser_prints_the_url_and_says_so(
    cli: Run, sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    result = cli("open", "ubers-michelangelo", "-c", str(sample_catalogue))
    assert result.exit_code == 2 and result.stdout == URL + "\n"
    assert "no web browser could be started" in result.stderr


def test_unknown_entry_and_entry_without_url(cli: Run, sample_catalogue: Path) -> None:
    unknown = cli("open", "no-such-entry", "--print", "-c", str(sample_catalogue))
    assert unknown.exit_code == 2 and "Traceback" not in unknown.stderr
    added = cli(
        "add",
        "--title",
        "Offline notes",
        "--kind",
        "other",
        "--section",
        "platforms",
        "--no-fetch",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert added.exit_code == 0, added.stderr
    bare = cli("open", "offline-notes", "--print", "-c", str(sample_catalogue))
    assert bare.exit_code == 2 and "'offline-notes' has no URL" in bare.stderr
