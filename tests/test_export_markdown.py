"""The markdown export (library level): structure, anchors, styles, grouping, markers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import InputError
from mlsd_cli.formats import readme
from mlsd_cli.formats.byline import format_byline
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import export
from mlsd_cli.formats.markdown import Slugger
from mlsd_cli.formats.markdown import github_slug
from mlsd_cli.lookup.filters import apply
from mlsd_cli.lookup.filters import make_filter

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def catalogue() -> Catalogue:
    return Catalogue(
        title="ML Systems",
        description="What teams wrote about their *systems*.",
        sections=[
            Section(
                "ch1", "Chapter 1. Overview of Machine Learning Systems", intro="Case studies."
            ),
            Section("ch3", "Chapter 3. Data Engineering Fundamentals"),
            Section("streaming", "Streaming systems", parent="ch3", intro="Logs and events."),
            Section("ch6", "Chapter 6. Model Development and Offline Evaluation"),
            Section("testing", "Training, debugging, and testing ML code", parent="ch6"),
        ],
        resources=[
            Resource(
                "airbnb",
                "Using Machine Learning to Predict Value of Homes On Airbnb",
                "blog",
                ["ch1"],
                url="https://medium.com/airbnb-engineering/using-ml",
                org="Airbnb",
                authors=["Robert Chang"],
                venue="Airbnb Engineering & Data Science",
                year=2017,
                tags=["ml-platform"],
                description="In this detailed post, Chang walks through the workflow.\n\n"
                "It is completed with lessons learned.",
            ),
            Resource(
                "the-log",
                "The Log: What every software engineer should know",
                "blog",
                ["streaming", "ch1"],
                url="https://engineering.linkedin.com/the-log",
                authors=["Jay Kreps"],
                venue="LinkedIn / Confluent",
                year=2013,
                description="Jay mentioned it in a [tweet](https://twitter.com/jaykreps/status/1).",
            ),
            Resource(
                "clicks",
                "Practical Lessons from Predicting Clicks on Ads at Facebook",
                "paper",
                ["ch6"],
                year=2014,
            ),
            Resource(
                "unit-test",
                "How to unit test machine learning code",
                "blog",
                ["testing"],
                url="https://medium.com/@keeper6928/how-to-unit-test",
                authors=["Chase Roberts"],
                year=2017,
                tags=["testing"],
            ),
        ],
    )


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    out = []
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            out.append((int(t.tag[1:]), visible(tokens[i + 1].children or [])))
    return out


def visible(children: list[Token]) -> str:
    return "".join(
        c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
        for c in children
    )


def links(tokens: list[Token]) -> list[tuple[str, str]]:
    """(href, text) of every link, in order."""
    out = []
    for t in tokens:
        children = t.children or []
        for i, c in enumerate(children):
            if c.type == "link_open":
                j = i + 1
                while children[j].type != "link_close":
                    j += 1
                out.append((str(c.attrGet("href")), visible(children[i + 1 : j])))
    return out


# ----------------------------------------------------------------- anchors


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        (
            "Chapter 6. Model Development and Offline Evaluation",
            "chapter-6-model-development-and-offline-evaluation",
        ),
        ("Training, debugging, and testing ML code", "training-debugging-and-testing-ml-code"),
        ("C++ & Rust: a/b testing", "c--rust-ab-testing"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("Über Café 中文", "über-café-中文"),
        ("  spaced  out ", "--spaced--out-"),
        ("What's new? (2024)", "whats-new-2024"),
    ],
)
def test_github_anchor_algorithm(heading: str, anchor: str) -> None:
    assert github_slug(heading) == anchor


def test_duplicate_headings_get_numbered_suffixes_like_github() -> None:
    slugger = Slugger(["Intro"])
    assert [slugger.slug(t) for t in ["Intro", "Intro", "Intro-1", "Other"]] == [
        "intro-1",
        "intro-2",
        "intro-1-1",
        "other",
    ]


def test_toc_links_match_the_headings_exactly() -> None:
    c = catalogue()
    c.sections.append(Section("again", "Streaming systems"))  # a duplicate heading
    c.resources[2].sections.append("again")
    tokens = MD.parse(export(c, "markdown"))
    heads = headings(tokens)
    anchors: dict[str, int] = {}
    expected = []
    for _, text in heads:
        # GitHub: lower-case, drop punctuation except - and _, spaces to -, repeats -1, -2.
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        n = anchors.get(slug)
        anchors[slug] = 0 if n is None else n + 1
        expected.append(slug if n is None else f"{slug}-{n + 1}")
    toc = [(href, text) for href, text in links(tokens) if href.startswith("#")]
    assert toc == [("#" + a, t) for a, (_, t) in zip(expected[1:], heads[1:], strict=True)]
    assert ("#streaming-systems-1", "Streaming systems") in toc


# ----------------------------------------------------------------- structure


def test_sections_in_order_nested_one_level_deeper_with_intros() -> None:
    text = export(catalogue(), "markdown")
    tokens = MD.parse(text)
    assert headings(tokens) == [
        (1, "ML Systems"),
        (2, "Chapter 1. Overview of Machine Learning Systems"),
        (2, "Chapter 3. Data Engineering Fundamentals"),
        (3, "Streaming systems"),
        (2, "Chapter 6. Model Development and Offline Evaluation"),
        (3, "Training, debugging, and testing ML code"),
    ]
    assert text.index("Case studies.") < text.index("Using Machine Learning")
    assert text.index("### Streaming systems\n\nLogs and events.\n") > 0
    assert "What teams wrote about their *systems*." in text


def test_each_resource_with_link_byline_and_description() -> None:
    text = export(catalogue(), "markdown")
    byline = format_byline(["Robert Chang"], "Airbnb Engineering & Data Science", 2017, "Airbnb")
    assert byline == "(Robert Chang, **Airbnb**, *Airbnb Engineering \\& Data Science*, 2017)"
    assert (
        "- [Using Machine Learning to Predict Value of Homes On Airbnb]"
        f"(https://medium.com/airbnb-engineering/using-ml) {byline}\n"
        "\n  In this detailed post, Chang walks through the workflow.\n"
        "\n  It is completed with lessons learned.\n"
    ) in text
    # Both paragraphs belong to the list item.
    tokens = MD.parse(text)
    depth = 0
    in_item = []
    for t in tokens:
        depth += t.nesting if t.type == "list_item_open" or t.type == "list_item_close" else 0
        if t.type == "inline" and "lessons learned" in t.content:
            in_item.append(depth)
    assert in_item == [1]


def test_url_less_resource_is_a_plain_title_never_a_link() -> None:
    text = export(catalogue(), "markdown")
    assert "- Practical Lessons from Predicting Clicks on Ads at Facebook (2014)\n" in text
    hrefs = [h for h, t in links(MD.parse(text)) if "Facebook" in t]
    assert hrefs == []


def test_an_entry_in_two_sections_is_shown_in_both() -> None:
    text = export(catalogue(), "markdown")
    assert text.count("(https://engineering.linkedin.com/the-log)") == 2
    first = text.index("## Chapter 1.")
    second = text.index("### Streaming systems")
    assert first < text.index("The Log", first) < text.index("## Chapter 3")
    assert text.index("The Log", second) > second


def test_deterministic() -> None:
    assert export(catalogue(), "markdown") == export(catalogue(), "markdown")
    assert export(catalogue(), "markdown", ExportOptions(style="awesome")) == export(
        catalogue(), "markdown", ExportOptions(style="awesome")
    )


def test_empty_catalogue_exports_its_title_only() -> None:
    assert export(Catalogue(title="Empty"), "markdown") == "# Empty\n"
    assert export(Catalogue(), "markdown") == "\n"


# ----------------------------------------------------------------- filters and grouping


def test_filter_keeps_selected_resources_and_their_sections() -> None:
    c = catalogue()
    chosen = apply(c, make_filter(c, tags=["testing"]))
    text = export(c, "markdown", ExportOptions(selection=chosen))
    assert [h for _, h in headings(MD.parse(text))] == [
        "ML Systems",
        "Chapter 6. Model Development and Offline Evaluation",
        "Training, debugging, and testing ML code",
    ]
    assert "unit test" in text and "Airbnb" not in text


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("kind", ["blog", "paper"]),
        ("year", ["2017", "2014", "2013"]),
        ("tag", ["ml-platform", "testing", "(none)"]),
        ("org", ["Airbnb", "(none)"]),
    ],
)
def test_group_by(by: str, expected: list[str]) -> None:
    text = export(catalogue(), "markdown", ExportOptions(group_by=by))
    tokens = MD.parse(text)
    assert [h for level, h in headings(tokens) if level == 2] == expected
    # Every resource is listed under its group(s); a group heading is in the ToC.
    toc = [t for h, t in links(tokens) if h.startswith("#")]
    assert toc == expected


def test_group_by_year_lists_each_resource_once() -> None:
    text = export(catalogue(), "markdown", ExportOptions(group_by="year"))
    assert text.count("(https://engineering.linkedin.com/the-log)") == 1


# ----------------------------------------------------------------- awesome style


def awesome_lint(text: str) -> list[str]:
    """awesome-lint's list-item, toc and double-link rules, re-implemented on markdown-it."""
    tokens = MD.parse(text)
    problems: list[str] = []
    heads = [
        (i, int(t.tag[1:]), visible(tokens[i + 1].children or []))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    contents = [h for h in heads if h[1] == 2 and h[2] == "Contents"]
    if not contents:
        return ["no '## Contents' heading"]
    toc_at = contents[0][0]
    if len([h for h in heads if h[0] < toc_at]) != 1:
        problems.append("the ToC must follow the title")
    after = [h for h in heads if h[0] > toc_at]
    top = [h for h in after if h[1] == 2]
    # ToC: the list between Contents and the first section; items link to headings in order.
    toc_links = [(href, t) for href, t in links(tokens[toc_at : after[0][0]])] if after else []
    slugger = Slugger()
    anchors = {slugger.slug(h[2]): h for h in heads}
    wanted = [h[2] for h in after if h[1] in (2, 3)]
    if [t for _, t in toc_links] != wanted:
        problems.append(f"ToC {[t for _, t in toc_links]} != headings {wanted}")
    for href, t in toc_links:
        if href[1:] not in anchors or anchors[href[1:]][2] != t:
            problems.append(f"ToC link {href} does not reach '{t}'")
    if not top:
        problems.append("no content sections")
    # List items after the first content heading: "[name](url) - Description." or text.
    start = after[0][0] if after else len(tokens)
    for i in range(start, len(tokens)):
        if tokens[i].type != "list_item_open":
            continue
        inline = tokens[i + 2]
        children = inline.children or []
        if not children or children[0].type == "text":
            continue
        if children[0].type != "link_open":
            problems.append(f"item does not start with a link: {inline.content[:40]}")
            continue
        close = next(k for k, c in enumerate(children) if c.type == "link_close")
        rest = children[close + 1 :]
        if not rest:
            continue
        description = visible(rest)
        if not description.startswith(" - "):
            problems.append(f"no ' - ' separator: {inline.content[:60]}")
            continue
        first_word = (
            re.split(r"[- ;./]", description[3:].strip())[0] if description[3:].strip() else ""
        )
        if not first_word or not (
            first_word[0].isupper() or first_word[0].isdigit() or first_word[0] in "\"“'("
        ):
            problems.append(f"description not capitalised: {description[:40]}")
        if not re.search(r"[.!?…][\"”]?$", description):
            problems.append(f"description without final punctuation: {description[-40:]}")
    # Double links: every non-anchor URL once (scheme and www. ignored, trailing / too).
    seen: dict[str, str] = {}
    for href, _ in links(tokens):
        if href.startswith("#"):
            continue
        parts = urlsplit(href)
        key = parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/") + "?" + parts.query
        if key in seen:
            problems.append(f"duplicate link {href}")
        seen[key] = href
    return problems


def test_awesome_style_passes_the_awesome_lint_rules() -> None:
    c = catalogue()
    c.resources.append(
        Resource(
            "dup-url",
            "The Log (mirror)",
            "blog",
            ["ch6"],
            url="http://www.engineering.linkedin.com/the-log/",
            description="lower-case start, no final period",
        )
    )
    text = export(c, "markdown", ExportOptions(style="awesome"))
    assert awesome_lint(text) == []
    assert "## Contents\n\n- [Chapter 1. Overview of Machine Learning Systems](#chapter-1-" in text
    assert (
        "- [Using Machine Learning to Predict Value of Homes On Airbnb]"
        "(https://medium.com/airbnb-engineering/using-ml) - In this detailed post, Chang walks "
        "through the workflow.\n"
    ) in text
    # An entry in two sections appears once; a second entry with the same link is left out.
    assert text.count("the-log") == 1


def test_awesome_descriptions_are_one_capitalised_sentence_line() -> None:
    c = catalogue()
    c.resources[0].description = "walks *through* the [workflow](https://x.org/w): features"
    text = export(c, "markdown", ExportOptions(style="awesome"))
    assert (
        "(https://medium.com/airbnb-engineering/using-ml) - Walks through the workflow: features.\n"
        in text
    )
    assert "x.org" not in text  # description links become text: every link once
    assert awesome_lint(text) == []


def test_awesome_lint_checker_catches_what_it_should() -> None:
    bad = "# T\n\n## Contents\n\n- [A](#a)\n\n## A\n\n- [x](https://a.org) - lower case\n- [y](https://a.org/) - Again.\n"
    problems = awesome_lint(bad)
    assert any("capitalised" in p for p in problems)
    assert any("punctuation" in p for p in problems)
    assert any("duplicate" in p for p in problems)


def test_awesome_style_on_the_shipped_catalogue(shipped_copy: Path) -> None:
    c = store.load(shipped_copy)
    assert awesome_lint(export(c, "markdown", ExportOptions(style="awesome"))) == []


# ----------------------------------------------------------------- inside a README


README = """\
# mlsd

Hand-written top.

## Try it

```sh
# not a heading
```

## The catalogue

<!-- mlsd:start -->
old generated text
<!-- mlsd:end -->

Footer.
"""


def test_markers_keep_the_hand_written_parts_byte_for_byte() -> None:
    c = catalogue()
    c.sections.append(Section("try", "Try it"))
    c.resources[2].sections.append("try")
    new = readme.expected_text(c, "markdown", ExportOptions(), README, "README.md")
    head, _, rest = new.partition("<!-- mlsd:start -->")
    _, _, tail = rest.partition("<!-- mlsd:end -->")
    assert head == README.partition("<!-- mlsd:start -->")[0]
    assert tail == "\n\nFooter.\n"
    assert "old generated text" not in new
    generated = rest.partition("<!-- mlsd:end -->")[0]
    # Nested under "## The catalogue": sections at level 3, sub-sections at 4; no title.
    assert "\n### Chapter 1. Overview of Machine Learning Systems\n" in generated
    assert "\n#### Streaming systems\n" in generated
    assert "# ML Systems" not in generated
    # Anchors count the headings above: GitHub already gave "try-it" to the README's own.
    assert "(#try-it-1)" in generated
    # Regenerating is stable.
    assert readme.expected_text(c, "markdown", ExportOptions(), new, "README.md") == new


def test_markers_in_a_crlf_file_keep_crlf() -> None:
    text = README.replace("\n", "\r\n")
    new = readme.expected_text(catalogue(), "markdown", ExportOptions(), text, "R.md")
    assert "\n" not in new.replace("\r\n", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\n<!-- mlsd:start -->\nb\n", "R.md:2: '<!-- mlsd:start -->' has no matching"),
        ("a\n\n<!-- mlsd:end -->\n", "R.md:3: '<!-- mlsd:end -->' has no matching"),
        ("<!-- mlsd:end -->\n<!-- mlsd:start -->\n", "R.md:1: '<!-- mlsd:end -->' comes before"),
        (
            "<!-- mlsd:start -->\n<!-- mlsd:end -->\n<!-- mlsd:start -->\n",
            "R.md:3: a second '<!-- mlsd:start -->'",
        ),
    ],
)
def test_broken_markers_are_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        readme.expected_text(catalogue(), "markdown", ExportOptions(), text, "R.md")
    assert str(info.value).startswith(message)


def test_without_markers_the_whole_file_is_the_export() -> None:
    c = catalogue()
    assert readme.expected_text(c, "markdown", ExportOptions(), "old\n", "x.md") == export(
        c, "markdown"
    )


def test_short_diff_is_short() -> None:
    old = "\n".join(f"line {i}" for i in range(200))
    new = "\n".join(f"line {i}" if i % 3 else f"changed {i}" for i in range(200))
    diff = readme.short_diff(old, new, "README.md")
    assert len(diff) == readme.DIFF_MAX_LINES + 1
    assert diff[0].startswith("--- README.md")
    assert diff[-1].startswith("... (") and "more lines of diff" in diff[-1]


def test_embedded_options_do_not_leak_into_a_standalone_export() -> None:
    c = catalogue()
    options = replace(ExportOptions(), embedded=True, heading_level=4)
    text = export(c, "markdown", options)
    assert text.splitlines()[0] == "What teams wrote about their *systems*."
    assert "\n#### Chapter 1." in text


def test_headings_inside_descriptions_and_intros_count_for_anchors() -> None:
    c = catalogue()
    c.resources[0].description = "## Streaming systems\n\nA heading inside a description."
    c.sections[0].intro = "Model evaluation\n---\n\nA setext heading in an intro."
    c.sections.append(Section("eval", "Model evaluation"))
    c.resources[2].sections.append("eval")
    text = export(c, "markdown")
    toc = dict((t, h) for h, t in links(MD.parse(text)) if h.startswith("#"))
    # GitHub numbers the later, real section headings: the ToC must point at them.
    assert toc["Streaming systems"] == "#streaming-systems-1"
    assert toc["Model evaluation"] == "#model-evaluation-1"
