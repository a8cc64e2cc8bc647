"""The Python port of awesome-lint's no-repeat-item-in-description, awesome-toc and double-link
rules (benchmarks/awesome_lint.py): a passing and failing example for each behaviour the
original rules (awesome-lint 2.3.0, rules/*.js) have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import awesome_lint  # noqa: E402


def rules(text: str, rule: str) -> list[str]:
    return [f.message for f in awesome_lint.lint(text) if f.rule == rule]


REPEAT = "no-repeat-item-in-description"


@pytest.mark.parametrize(
    "item",
    [
        "- [Gizmo](https://g.example) - Gizmo builds things.",
        "- [Gizmo](https://g.example) - gizmo, the builder.",
        "- [Gizmo](https://g.example) - Gizmo",
        "- [Gizmo](https://g.example) `beta` - Gizmo: builds things.",
        "- [Gizmo](https://g.example) **new** - Gizmo-like builder.",
        # a badge link first: the main link is the next one
        "- [![b](https://img.example/b.svg)](https://ci.example) [Gizmo](https://g.example) - Gizmo does it.",
        "  - [Gizmo](https://g.example) - Gizmo, nested.",
        # the first text node holding " - " is the separator, wherever it is in that text
        "- [Gizmo](https://g.example) is a tool - Gizmo builds.",
    ],
)
def test_repeat_flags_a_description_starting_with_the_item_name(item: str) -> None:
    text = "# L\n\n- [Other](https://o.example) - Fine.\n" + item + "\n"
    assert rules(text, REPEAT) == [
        'List item description should not start with the item name "Gizmo"'
    ]


@pytest.mark.parametrize(
    "item",
    [
        "- [Gizmo](https://g.example) - Builds gizmos.",
        "- [Gizmo](https://g.example) - Gizmos are built here.",  # no word boundary after
        "- [Gizmo](https://g.example) - Gizmo2 builds.",
        "- [Gizmo](https://g.example): Gizmo builds.",  # no " - " separator
        # text before the separator stops the search, unless it holds the separator
        "- [Gizmo](https://g.example), see [docs](https://d.example) - Gizmo builds.",
        "- [Gizmo](https://g.example)",
        "- Gizmo - Gizmo builds.",  # no link
        # a link followed by a link is a badge: no main link left
        "- [Gizmo](https://g.example)[Other](https://o.example) - Gizmo builds.",
    ],
)
def test_repeat_accepts_other_descriptions(item: str) -> None:
    assert rules("# L\n\n" + item + "\n", REPEAT) == []


TOC = "awesome-toc"

GOOD_TOC = """# Awesome Things

## Contents

- [Tools](#tools)
  - [Small tools](#small-tools)
- [Books](#books)

## Tools

### Small tools

- [Awl](https://a.example) - Makes holes.

## Books

- [Bible](https://b.example) - Printed pages.

## Contributing

Send a pull request.
"""


def test_toc_accepts_a_matching_table_of_contents() -> None:
    assert rules(GOOD_TOC, TOC) == []


def test_toc_is_optional() -> None:
    assert rules("# Awesome\n\n## Tools\n\n- [A](https://a.example)\n", TOC) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("- [Books](#books)\n", ""), 'ToC missing item for "Books"'),
        (
            ("- [Books](#books)", "- [Book](#books)"),
            'ToC item "Book" does not match corresponding heading "Books"',
        ),
        (("- [Books](#books)", "- [Books](#bookz)"), 'ToC item "Books" link "#bookz" not found'),
        (("- [Books](#books)", "- Books"), 'ToC item "1" missing link "Books"'),
        (
            ("- [Books](#books)\n", "- [Books](#books)\n- [Contributing](#contributing)\n"),
            'ToC should not contain section "Contributing"',
        ),
        (
            ("# Awesome Things\n", "# Awesome Things\n\n## Intro\n"),
            "Table of Contents must be the first section",
        ),
        (("# Awesome Things\n", ""), "First heading should be name of awesome list"),
        (
            ("- [Books](#books)\n", "- [Books](#books)\n\nText.\n\n- [Extra](#books)\n"),
            "Multiple Table of Contents lists found",
        ),
        (
            ("- [Tools](#tools)\n  - [Small tools](#small-tools)\n- [Books](#books)\n", "Text.\n"),
            "Missing or invalid Table of Contents list",
        ),
        (
            ("  - [Small tools](#small-tools)\n", "  - [Small tool](#small-tools)\n"),
            'ToC item "Small tool" does not match corresponding heading "Small tools"',
        ),
        (
            (
                "  - [Small tools](#small-tools)\n",
                "  - [Small tools](#small-tools)\n    - [X](#x)\n",
            ),
            "Exceeded max depth of 2 levels",
        ),
    ],
)
def test_toc_reports_what_the_original_reports(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD_TOC
    assert message in rules(GOOD_TOC.replace(old, new, 1), TOC)


def test_toc_anchors_follow_github_slugs_with_repeats() -> None:
    text = (
        "# L\n\n## Contents\n\n- [C++ & Rust!](#c--rust)\n- [Tools](#tools)\n- [Tools](#tools-1)\n\n"
        "## C++ & Rust!\n\n## Tools\n\n## Tools\n"
    )
    assert rules(text, TOC) == []
    assert rules(text.replace("#tools-1", "#tools"), TOC) == [
        'ToC item "Tools" has duplicate link "#tools"'
    ]


def test_toc_links_are_compared_as_written_not_percent_encoded() -> None:
    text = "# L\n\n## Contents\n\n- [メルカリ](#メルカリ)\n\n## メルカリ\n"
    assert rules(text, TOC) == []
    encoded = text.replace("(#メルカリ)", "(#%E3%83%A1%E3%83%AB%E3%82%AB%E3%83%AA)")
    assert rules(encoded, TOC) == [
        'ToC item "メルカリ" link "#%E3%83%A1%E3%83%AB%E3%82%AB%E3%83%AA" not found'
    ]


DOUBLE = "double-link"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("https://a.example/x", "http://a.example/x"),
        ("https://www.a.example/x", "https://a.example/x/"),
        ("https://a.example/x?b=2&a=1", "https://a.example/x?a=1&b=2&utm_source=z"),
        ("https://a.example/docs/index.html", "https://a.example/docs/"),
        ("https://A.EXAMPLE/x", "https://a.example/x"),
    ],
)
def test_double_link_flags_the_same_url_twice(first: str, second: str) -> None:
    text = f"# L\n\n- [One]({first}) - First.\n- [Two]({second}) - Second.\n"
    assert rules(text, DOUBLE) == [f"Duplicate link: {first}", f"Duplicate link: {second}"]


@pytest.mark.parametrize(
    "text",
    [
        "- [One](https://a.example/x) - First.\n- [Two](https://a.example/y) - Second.\n",
        # links in a description (after the item's main link) are not checked
        "- [One](https://a.example/x) - See [docs](https://d.example).\n"
        "- [Two](https://a.example/y) - See [docs](https://d.example).\n",
        # the hash is kept
        "- [One](https://a.example/x#a) - First.\n- [Two](https://a.example/x#b) - Second.\n",
    ],
)
def test_double_link_accepts_distinct_links(text: str) -> None:
    assert rules("# L\n\n" + text, DOUBLE) == []


def test_double_link_checks_links_outside_list_items_too() -> None:
    text = "# L\n\nSee [x](https://a.example/x).\n\n- [X](https://a.example/x) - Again.\n"
    assert len(rules(text, DOUBLE)) == 2


def test_cli_prints_findings_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# L\n\n- [A](https://a.example) - A tool.\n- [B](https://a.example)\n")
    good = tmp_path / "good.md"
    good.write_text(GOOD_TOC)
    run = [sys.executable, str(BENCH / "awesome_lint.py")]
    proc = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"{bad}:3: double-link: Duplicate link: https://a.example" in proc.stdout
    assert f"{bad}:3: no-repeat-item-in-description:" in proc.stdout
    assert subprocess.run([*run, str(good)], capture_output=True).returncode == 0
    missing = subprocess.run([*run, str(tmp_path / "nope.md")], capture_output=True, text=True)
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
