"""Issue 9's round trip on real lists, through the CLI: ``mlsd import`` of a list into a fresh
catalogue, ``mlsd export --format markdown --style S``, ``mlsd import`` of that export into
another fresh catalogue, export again: the two exports are byte-identical, in both styles, for
every list of ``../shared/corpus/`` and both seeds, and the second catalogue's resources are the
first's, field by field (ids, sections, bylines, descriptions, all of them). The awesome export
has no ``no-repeat-item-in-description``, ``awesome-toc`` or ``double-link`` finding of
``benchmarks/awesome_lint.py`` (the port of awesome-lint's rules)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from .conftest import BOOK_SEED
from .conftest import ROOT
from .conftest import SCALE_SEED
from .conftest import seed_path

sys.path.insert(0, str(ROOT / "benchmarks"))

import awesome_lint
from benchlib import shared

CORPUS = shared("corpus")  # ../shared/corpus (read-only), else the copy in tests/data/corpus
LISTS = [*sorted(CORPUS.glob("*__*.md")), seed_path(SCALE_SEED), seed_path(BOOK_SEED)]

Cli = Callable[..., Result]


def test_the_corpus_is_there() -> None:
    assert len(LISTS) == 6 and all(p.is_file() for p in LISTS)


class Cycle:
    def __init__(self, cli: Cli, folder: Path) -> None:
        self.cli = cli
        self.folder = folder
        self.count = 0

    def run(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.exit_code in (0, 1), result.stderr  # 1: an item held back, as add's
        return result.stdout

    def imported(self, source: Path) -> str:
        self.count += 1
        cat = str(self.folder / f"cat{self.count}.toml")
        self.run("init", cat)
        self.run("import", str(source), "-c", cat)
        return cat

    def markdown(self, cat: str, style: str) -> str:
        return self.run("export", "--format", "markdown", "--style", style, "-c", cat)

    def resources(self, cat: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = json.loads(self.run("export", "--format", "json", "-c", cat))[
            "resources"
        ]
        return out


@pytest.mark.slow
@pytest.mark.parametrize("source", LISTS, ids=lambda p: p.stem)
def test_export_import_export_is_byte_identical(cli: Cli, tmp_path: Path, source: Path) -> None:
    cycle = Cycle(cli, tmp_path)
    first = cycle.imported(source)
    resources = cycle.resources(first)
    assert len(resources) > 10
    for style in ("full", "awesome"):
        exported = cycle.markdown(first, style)
        md = tmp_path / f"export-{style}.md"
        md.write_text(exported, encoding="utf-8")
        second = cycle.imported(md)
        assert cycle.markdown(second, style) == exported, style
        if style == "full":  # the awesome style keeps one line of each description
            assert cycle.resources(second) == resources
        else:  # issue 9: the export causes none of these awesome-lint errors
            assert [f for f in awesome_lint.lint(exported) if f.rule in awesome_lint.RULES] == []


@pytest.mark.parametrize("style", ["full", "awesome"])
def test_an_export_with_a_feed_line_round_trips(cli: Cli, tmp_path: Path, style: str) -> None:
    """`--feed` adds a feed line under the description: the import reads it as the export's
    feed address, never as the catalogue's description (nor a section's intro)."""
    cycle = Cycle(cli, tmp_path)
    first = cycle.imported(seed_path(SCALE_SEED))
    exported = cycle.run("export", "--style", style, "--feed", "feed.xml", "-c", first)
    assert "\nNew entries: [Atom feed](feed.xml)\n" in exported
    md = tmp_path / "with-feed.md"
    md.write_text(exported, encoding="utf-8")
    second = cycle.imported(md)
    assert cycle.run("export", "--style", style, "--feed", "feed.xml", "-c", second) == exported
    assert cycle.markdown(second, style) == cycle.markdown(first, style)


def test_a_fresh_catalogue_takes_the_list_title_and_says_so(cli: Cli, tmp_path: Path) -> None:
    from mlsd_cli.catalogue import store

    cat = tmp_path / "c.toml"
    Cycle(cli, tmp_path).run("init", str(cat))
    out = cli("import", str(seed_path(SCALE_SEED)), "-c", str(cat)).stdout
    assert "The list's title is the catalogue's: Designing Machine Learning Systems at Scale" in out
    catalogue = store.load(cat)
    assert catalogue.title == "Designing Machine Learning Systems at Scale"
    assert catalogue.description.startswith("A hopefully really long list of resources")
    assert all(s.parent is None for s in catalogue.sections)  # Dropbox, LinkedIn, ...: top level
    assert "Designing Machine Learning Systems at Scale" not in catalogue.section_titles().values()


def test_an_awesome_description_never_starts_with_the_item_name() -> None:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.model import Section
    from mlsd_cli.formats.export import ExportOptions
    from mlsd_cli.formats.export import export

    def entry(rid: str, title: str, description: str) -> Resource:
        return Resource(
            rid, title, "blog", ["s"], url=f"https://x.org/{rid}", description=description
        )

    catalogue = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            entry("a", "Rules of ML", "Rules of ML *(Feature stores)*"),
            entry("b", "Gizmo", "gizmo - builds gizmos"),
            entry("c", "Only", "Only"),
            entry("d", "Gizmos", "Gizmos2 is another thing."),
        ],
    )
    text = export(catalogue, "markdown", ExportOptions(style="awesome"))
    assert "- [Rules of ML](https://x.org/a) - Feature stores.\n" in text
    assert "- [Gizmo](https://x.org/b) - Builds gizmos.\n" in text
    assert "- [Only](https://x.org/c)\n" in text
    assert "- [Gizmos](https://x.org/d) - Gizmos2 is another thing.\n" in text  # not the name
    assert awesome_lint.lint(text) == []


def test_escaped_markdown_reads_back_as_the_text_it_shows() -> None:
    from mlsd_cli.formats.markdown import escape_text
    from mlsd_cli.formats.markdown import relink
    from mlsd_cli.formats.markdown import safe_markdown
    from mlsd_cli.formats.markdown_text import to_text

    for text in ("within **100ms** of it", "a_b_c and *x* `y`", "[not a link](x) <b>"):
        assert to_text(escape_text(text)) == text
    for markdown in ("[Ray Tune](github.com/ray) and [b](<javascript:x>)", "[r]: ./y\n\n[r]"):
        neutralised = safe_markdown(markdown)
        assert neutralised != markdown and relink(neutralised) == markdown
