"""Issue 9, shape 13: what a catalogue keeps of a list's front matter and section text, and that
what it keeps renders as it did. The fixture (tests/data/import_front/front_matter.md) has a
centred logo before the H1, a badge on the H1, badges and ``<br>`` in the front matter, a
badge, a relative link, ``<br>`` and an ``<img>`` in a section intro, and the list's own
"Contributing" and "License" sections."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.formats.intro_html import intro_markdown

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import awesome_lint

Cli = Callable[..., Result]
FIXTURE = ROOT / "tests" / "data" / "import_front" / "front_matter.md"
BADGES = {
    "https://awesome.re/badge.svg",
    "https://img.shields.io/badge/build-passing-green.svg",
    "https://img.shields.io/badge/license-CC0-blue.svg",
    "https://img.shields.io/badge/status-active-green.svg",
    "https://example.org/logo.png",
    "https://example.org/tools.png",
}


def _imported(cli: Cli, folder: Path, source: Path, name: str = "c.toml") -> tuple[Path, Result]:
    cat = folder / name
    assert cli("init", str(cat)).exit_code == 0
    result = cli("import", str(source), "-c", str(cat))
    assert result.exit_code == 0, result.stderr
    return cat, result


def _export(cli: Cli, cat: Path, style: str) -> str:
    result = cli("export", "--format", "markdown", "--style", style, "-c", str(cat))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _rendered(markdown: str) -> str:
    """As GitHub shows it: raw HTML would pass (it is on here), so escaped tags would show."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def test_the_h1_is_the_title_and_the_housekeeping_sections_are_left_out(
    cli: Cli, tmp_path: Path
) -> None:
    cat, result = _imported(cli, tmp_path, FIXTURE)
    assert "The list's title is the catalogue's: Awesome Widgets" in result.stdout
    assert "Left out the list's own sections" in result.stdout
    assert "Contributing, License" in result.stdout
    catalogue = store.load(cat)
    assert catalogue.title == "Awesome Widgets"
    assert [s.title for s in catalogue.sections] == ["Tools"]
    assert catalogue.description.startswith("![Widgets logo](https://example.org/logo.png)")
    as_json = cli("import", str(FIXTURE), "-c", str(tmp_path / "c.toml"), "--dry-run", "--json")
    assert json.loads(as_json.stdout)["sections_left_out"] == ["Contributing", "License"]


def test_a_housekeeping_section_that_holds_items_stays(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    source.write_text(
        "# L\n\n## Tools\n\n- [A](https://a.example.org) - A.\n\n"
        "## License\n\n- [SPDX](https://spdx.org/licenses/) - Licence identifiers.\n",
        encoding="utf-8",
    )
    cat, result = _imported(cli, tmp_path, source)
    assert "Left out" not in result.stdout
    assert [s.title for s in store.load(cat).sections] == ["Tools", "License"]


@pytest.mark.parametrize("style", ["full", "awesome"])
def test_badges_logos_and_line_breaks_render_as_they_did(
    cli: Cli, tmp_path: Path, style: str
) -> None:
    cat, _ = _imported(cli, tmp_path, FIXTURE)
    exported = _export(cli, cat, style)
    for broken in ("&lt;", "&#40;", "!\\[", "[!Build]", "<br", "<img", "<p "):
        assert broken not in exported, broken
    html = _rendered(exported)
    shown = {src for src in BADGES if f'<img src="{src}"' in html}
    assert shown == BADGES, BADGES - shown
    assert '<a href="https://ci.example.org/widgets"><img src=' in html  # a linked badge
    assert "A curated list of widgets.<br />\nMade with care." in html
    if style == "full":
        assert "Tools for building widgets. See the guide (<code>./docs/guide.md</code>)" in html
        assert 'Ask in <a href="https://forum.example.org">the forum</a>' in html
    else:  # one paragraph of text, its links unlinked (every link once), images kept
        assert "See the guide (./docs/guide.md) first. Ask in the forum." in html
        assert [f for f in awesome_lint.lint(exported) if f.rule in awesome_lint.RULES] == []


@pytest.mark.parametrize("style", ["full", "awesome"])
def test_the_fixture_round_trips(cli: Cli, tmp_path: Path, style: str) -> None:
    first, _ = _imported(cli, tmp_path, FIXTURE, "first.toml")
    exported = _export(cli, first, style)
    md = tmp_path / "export.md"
    md.write_text(exported, encoding="utf-8")
    second, _ = _imported(cli, tmp_path, md, "second.toml")
    assert _export(cli, second, style) == exported


@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        (
            '<p align="center">\n  <img src="https://x.org/l.png" width="9" alt="Logo">\n</p>',
            "![Logo](https://x.org/l.png)",
        ),
        ("One.<br>\nTwo.<br/>\n\nThree.<br>", "One.\\\nTwo.\n\nThree."),
        ('See <a href="https://x.org">the <b>site</b></a>.', "See [the **site**](https://x.org)."),
        (
            "Read [the guide](./docs/guide.md) and [below](#tools).",
            "Read the guide (`./docs/guide.md`) and below.",
        ),
        ("[![CC0](https://x.org/cc0.svg)](LICENSE)", "![CC0](https://x.org/cc0.svg)"),
        ("![logo](./logo.png) text", "logo text"),
        ("`<br>` and ``[x](./y)`` are code", "`<br>` and ``[x](./y)`` are code"),
        ("```\n<b>x</b>\n```", "```\n<b>x</b>\n```"),
        ('<a href="javascript:alert(1)">x</a> <script>y</script> <!-- note -->', "x y"),
        ("a < b and [ok](https://ok.org)", "a < b and [ok](https://ok.org)"),
        # a backslash ending a paragraph is the text's own (CommonMark shows it): it stays
        ("A \\\n\nsee [x](https://x.org)", "A \\\n\nsee [x](https://x.org)"),
        ("Two spaces  \nbreak <b>here</b>  \n\nend", "Two spaces\\\nbreak **here**\n\nend"),
    ],
)
def test_intro_html_becomes_markdown(intro: str, expected: str) -> None:
    assert intro_markdown(intro) == expected
    assert intro_markdown(expected) == expected  # what it writes it keeps


def test_a_list_without_a_title_gives_its_preamble_to_the_description(
    cli: Cli, tmp_path: Path
) -> None:
    """awesome-scalability's shape: a linked logo (a relative image) and the pitch, then
    headings of level 2 or more, no H1: the catalogue's description, not the first section's
    intro; the relative image shows its alt text inside the link."""
    source = tmp_path / "list.md"
    source.write_text(
        "[![Logo](/logo.png)](https://widgets.example.org/)\n\nA reading list of widgets.\n\n"
        "#### Tools\n\n- [A](https://a.example.org) - A.\n",
        encoding="utf-8",
    )
    cat, _ = _imported(cli, tmp_path, source)
    catalogue = store.load(cat)
    assert catalogue.description == (
        "[Logo](https://widgets.example.org/)\n\nA reading list of widgets."
    )
    assert [(s.title, s.intro) for s in catalogue.sections] == [("Tools", "")]
    for style in ("full", "awesome"):
        exported = _export(cli, cat, style)
        again = tmp_path / f"again-{style}.md"
        again.write_text(exported, encoding="utf-8")
        second, _ = _imported(cli, tmp_path, again, f"second-{style}.toml")
        assert _export(cli, second, style) == exported
        assert store.load(second).description == catalogue.description
