"""Issue 9's item shapes: every fixture of tests/data/import_shapes read by the importer (in
process: parse_markdown + import_into) and judged by the gold rules of tests/data/import_gold
(benchmarks/import_scoring.py, the judge of benchmarks/import_fidelity.py), row by row.

The rules of each shape are written in docs/import.md."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mlsd_cli.catalogue.fields import resource_to_json
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.changes.importing import import_into
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import export
from mlsd_cli.formats.json_export import section_to_json
from mlsd_cli.formats.markdown_reader import parse_markdown

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import import_scoring as sc

SHAPES = Path(__file__).parent / "data" / "import_shapes"

#: The item-level shapes the importer reads as the fixtures say; 13 (front matter) is
#: document-level (tests/test_import_frontmatter*.py and the round-trip tests).
FIXED = [
    "01-text-after-link",
    "02-byline-parentheticals",
    "03-title-before-generic-label",
    "04-extra-links",
    "05-text-between-link-and-separator",
    "06-bold-links-and-task-lists",
    "07-link-inside-sentence",
    "08-raw-html-entries",
    "09-prose-bullets",
    "10-not-links",
    "11-nesting-relative-links-headings",
    "12-duplicate-urls",
    "14-decorations-and-bylines-after-link",
]


def _imported(md: Path) -> dict[str, Any]:
    catalogue = Catalogue()
    import_into(catalogue, parse_markdown(md.read_text("utf-8")), added=date(2026, 1, 1))
    return {
        "sections": [section_to_json(s) for s in catalogue.sections],
        "resources": [resource_to_json(r) for r in catalogue.resources],
    }


@pytest.mark.parametrize("name", FIXED)
def test_fixture_rows(name: str) -> None:
    md = SHAPES / f"{name}.md"
    expected = json.loads(md.with_suffix(".expected.json").read_text("utf-8"))
    catalogue = _imported(md)
    for got in sc.judge(catalogue, expected["resources"], md.read_text("utf-8")):
        row, res = got.row, got.res
        assert res is not None, f"{row['title']!r} not imported"
        assert got.title, (res["title"], row["title"])
        assert got.description, (res.get("description"), row["description"])
        assert got.byline, (res, row)
        assert got.section, row["title"]
        assert not got.dropped, row["title"]
    rows = expected["resources"]
    bad, _ = sc.non_item_resources(catalogue, rows, _non_items(expected), exhaustive=True)
    assert not bad, [r["title"] for r in bad]


def _non_items(expected: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for t in expected.get("not_resources", []):
        looks_like_url = "/" in t or t.startswith("#") or "." in t
        out.append({"urls": [t], "raw": t} if looks_like_url else {"raw": t})
    return out


@pytest.mark.parametrize(
    ("line", "title", "description", "byline"),
    [
        # a code-span year beside a capitalised tag: org and year; `beta` alone is a tag
        ("[Serving](https://e.com/s) `Acme` `2019`", "Serving", "", ("Acme", 2019, [])),
        ("[Gizmo](https://e.com/g) `beta` - Builds.", "Gizmo", "Builds.", (None, None, [])),
        # ")" glued to a backtick
        ("[Verify](https://e.com/v)`Amazon` `2021`", "Verify", "", ("Amazon", 2021, [])),
        # a trailing name, with and without a year
        ("[Book](https://e.com/b), Jane Doe", "Book", "", (None, None, ["Jane Doe"])),
        ("[S](https://e.com/s), Tyler Akidau, 2015", "S", "", (None, 2015, ["Tyler Akidau"])),
        # notes: bracketed, parenthesised, italic parenthetical (never a byline)
        ("[Guide](https://e.com/g) [free chapters]", "Guide", "free chapters", (None, None, [])),
        ("[W&D](https://e.com/w) *(Ranking Model)*", "W&D", "Ranking Model", (None, None, [])),
        # decoration: bold, task box, emoji before the separator
        ("**[Name](https://e.com/n)** - Does.", "Name", "Does.", (None, None, [])),
        ("[ ] [Todo](https://e.com/t) - Later.", "Todo", "Later.", (None, None, [])),
        ("[Axle](https://e.com/a) 🚀 - Turns.", "Axle", "Turns.", (None, None, [])),
        # a sentence that goes on from the title keeps the title's words
        ("[Trust ML](https://e.com/t)’s list of papers", "Trust ML", "Trust ML’s list of papers",
         (None, None, [])),
    ],
)  # fmt: skip
def test_item_heads(line: str, title: str, description: str, byline: tuple[Any, ...]) -> None:
    parsed = parse_markdown(f"# L\n\n## S\n\n- {line}\n")
    (r,) = parsed.resources
    assert (r.title, r.description) == (title, description)
    assert (r.org, r.year, r.authors) == byline


def test_extra_links_stay_in_the_description() -> None:
    text = (
        "## S\n\n1. **Wide & Deep** ([paper](https://a.org/p), [code](https://g.com/c)) - Play.\n"
    )
    (r,) = parse_markdown(text).resources
    assert (r.title, r.url) == ("Wide & Deep", "https://a.org/p")
    assert r.description == "[code](https://g.com/c)\n\nPlay."


def test_links_after_a_label_are_entries_each() -> None:
    text = "## S\n\n- Stream processing: [ksql](https://k.io), [faust](https://f.io)\n"
    got = [(r.title, r.url, r.description) for r in parse_markdown(text).resources]
    assert got == [
        ("ksql", "https://k.io", "Stream processing"),
        ("faust", "https://f.io", "Stream processing"),
    ]


def test_a_sole_author_that_is_an_organisation_is_the_org() -> None:
    text = (
        "## Platforms\n\n- [Feed](https://e.com/f) (LinkedIn, 2022)\n"
        "- [Rank](https://e.com/r) (Zalando, 2023)\n- [Solo](https://e.com/s) (Jane Doe, 2021)\n"
        "\n## Zalando\n\n- [Z](https://e.com/z)\n"
    )
    got = [(r.title, r.org, r.authors) for r in parse_markdown(text).resources]
    assert got[:3] == [
        ("Feed", "LinkedIn", []),
        ("Rank", "Zalando", []),
        ("Solo", None, ["Jane Doe"]),
    ]


def test_table_org_column_and_badge_cells() -> None:
    text = (
        "## T\n\n| Company | Case study | Topic | Stars |\n| --- | --- | --- | --- |\n"
        "| Alibaba | [BST](https://a.org/b) | Ranking | ![s](https://img.shields.io/x) |\n"
        "| Cheng et al. | [W&D](https://a.org/w) | Ads | |\n"
    )
    got = [(r.title, r.org, r.authors, r.description) for r in parse_markdown(text).resources]
    assert got == [("BST", "Alibaba", [], "Ranking"), ("W&D", None, ["Cheng et al."], "Ads")]


@pytest.mark.parametrize(
    ("label", "title", "authors", "org"),
    [
        ("Scaling Slack - Bing Wei, Software Engineer (Infrastructure) at Slack", "Scaling Slack",
         ["Bing Wei"], "Slack"),
        ("Giant-Scale Services - Eric Brewer, UC Berkeley & Google", "Giant-Scale Services",
         ["Eric Brewer"], "UC Berkeley & Google"),
        ("Build at Facebook - Jeff Barber and Shie Erlich, Software Engineer at Facebook",
         "Build at Facebook", ["Jeff Barber", "Shie Erlich"], "Facebook"),
        ("Notes - Marty Weiner, Pinterest’s founding engineer", "Notes", ["Marty Weiner"], None),
        # " - " then no person and comma: all of it is the title
        ("Kafka - Message Broker", "Kafka - Message Broker", [], None),
        ("SQL vs NoSQL - Lesson Learned at Salesforce", "SQL vs NoSQL - Lesson Learned at Salesforce",
         [], None),
    ],
)  # fmt: skip
def test_speaker_in_the_link_text(
    label: str, title: str, authors: list[str], org: str | None
) -> None:
    (r,) = parse_markdown(f"## Talks\n\n* [{label}](https://e.com/t)\n").resources
    assert (r.title, r.authors, r.org) == (title, authors, org)


def test_the_same_url_twice_keeps_each_occurrences_words(tmp_path: Path, cli: Any) -> None:
    """Shape 12: one entry (the first occurrence's title, every section it is listed in) that
    keeps each later occurrence's own words as a paragraph of its description (led by its own
    title, or by a link to its own form of the address), and the byline fields the first
    occurrence left empty; the command reports each such line too."""
    md = SHAPES / "12-duplicate-urls.md"
    catalogue = Catalogue()
    report = import_into(catalogue, parse_markdown(md.read_text("utf-8")))
    twice = {s.url: (s.own_title, s.own_description) for s in report.skipped if s.within_list}
    assert twice["https://developers.google.com/machine-learning/guides/rules-of-ml/"] == (
        "Rules of Machine Learning",
        "Rules 30 to 33, on skew.",
    )
    assert twice["http://example.com/drift"] == (None, "The same post, linked over http.")
    by_title = {r.title: r for r in catalogue.resources}
    rules = by_title["Rules of ML"]
    assert rules.description == (
        "Rule 1: start simple.\n\n**Rules of Machine Learning**: Rules 30 to 33, on skew."
    )
    assert len(rules.sections) == 2
    assert by_title["Drift 101"].description == "What drift is.\n\nThe same post, linked over http."
    assert by_title["Wide & Deep Learning for Recommender Systems"].description == (
        "Ranking Model\n\n**Wide & Deep Learning**: Search Ranking\n\n"
        "[Wide & Deep Learning](https://arxiv.org/pdf/1606.07792.pdf): Ads"
    )
    dcn = by_title["DCN V2"]
    assert (dcn.org, dcn.authors, dcn.description) == ("Google", ["Wang et al."], "Ads\n\nSearch")
    target = tmp_path / "resources.toml"
    assert cli("init", str(target)).exit_code == 0
    out = cli("import", str(md), "-c", str(target)).stdout
    assert "its own title there: Rules of Machine Learning" in out
    assert "its own description there: The same post, linked over http." in out


def test_an_occurrence_saying_nothing_new_adds_nothing() -> None:
    """The same words again (a list repeating an item, or the export of such an entry read
    back: every section shows the whole description) leave the entry as it is."""
    text = (
        "## A\n\n- [X](https://e.com/x) - One.\n\n## B\n\n- [X](https://e.com/x) - One.\n\n"
        "## C\n\n- [X](https://e.com/x) - Two.\n\n## D\n\n- [X](https://e.com/x)\n\n  One.\n\n  Two.\n"
    )
    catalogue = Catalogue()
    import_into(catalogue, parse_markdown(text))
    (entry,) = catalogue.resources
    assert entry.description == "One.\n\nTwo." and len(entry.sections) == 4


def test_a_list_nested_too_deep_is_imported_with_one_warning(tmp_path: Path, cli: Any) -> None:
    """Issue 12: a list nested 1000 levels deep is not folded silently into one description:
    one warning line on stderr names the line where reading item by item stops."""
    md = tmp_path / "deep.md"
    md.write_text(
        "## S\n\n" + "".join(f"{'  ' * i}- [I{i}](https://e.com/{i})\n" for i in range(1000)),
        encoding="utf-8",
    )
    target = tmp_path / "resources.toml"
    assert cli("init", str(target)).exit_code == 0
    result = cli("import", str(md), "-c", str(target))
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("mlsd: warning: deep.md:12: a list nested more than 9 levels deep")
    assert "Added 9 resources" in result.stdout
    # nine levels read item by item, without a word
    nine = parse_markdown(
        "## S\n\n" + "".join(f"{'  ' * i}- [I{i}](https://e.com/{i})\n" for i in range(9))
    )
    assert len(nine.resources) == 9 and nine.warnings == []


def test_prose_bullets_stay_section_text_as_written() -> None:
    """Shape 9: advice, a note, a question, a legend in a list of resources (no ':' intro)
    are kept in the section's text, bullets as written, and are no entries."""
    parsed = parse_markdown((SHAPES / "09-prose-bullets.md").read_text("utf-8"))
    papers = next(s for s in parsed.sections if s.title == "Papers")
    for bullet in (
        "- Note: some links need a subscription",
        "- Read them in this order.",
        "- What makes a good feature store?",
        "- 📄 paper, 🎥 video, 📘 book",
        "- If a link is dead, open an issue!",
        "- Tips\n  - Keep it small.\n  - Measure first.",
    ):
        assert bullet in papers.intro
    titles = {r.title for r in parsed.resources if r.sections == [papers.id]}
    assert "Designing Data-Intensive Applications" in titles and len(titles) == 4


@pytest.mark.parametrize("style", ["full", "awesome"])
def test_a_url_less_title_ending_like_a_sentence_reads_back_as_a_title(style: str) -> None:
    """The markdown export escapes the mark (it renders the same), so a url-less entry titled
    like prose is not read back as section text."""
    titles = ["Why does it drift?", "Rules of ML.", "Note: a name", "Stop!", "Sculley et al."]
    catalogue = Catalogue(
        title="T",
        sections=[Section("s", "S")],
        resources=[Resource(f"r{i}", t, sections=["s"]) for i, t in enumerate(titles)],
    )
    text = export(catalogue, "markdown", ExportOptions(style=style))
    assert "- Why does it drift\\?" in text
    assert [r.title for r in parse_markdown(text).resources] == titles
