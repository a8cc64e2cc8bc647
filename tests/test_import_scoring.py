"""How benchmarks/import_fidelity.py judges an imported resource against a gold row (the rules
written in tests/data/import_gold/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import import_scoring as sc


def gold(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "title": "Gizmo",
        "url": "https://example.com/gizmo",
        "links": [],
        "description": "",
        "authors": [],
        "org": None,
        "year": None,
        "venue": None,
        "section": ["Tools"],
    }
    row.update(kw)
    return row


def res(**kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"title": "Gizmo", "url": "https://example.com/gizmo", "sections": []}
    out.update(kw)
    return out


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.com/x/", "http://example.com/x"),
        ("https://EXAMPLE.com/x", "https://example.com/x"),
        ("./cache/README.md", "./cache/README.md"),
    ],
)
def test_canonical_url_ignores_scheme_www_slash_and_host_case(a: str, b: str) -> None:
    assert sc.canonical_url(a) == sc.canonical_url(b)


def test_canonical_url_keeps_paths_apart() -> None:
    assert sc.canonical_url("https://example.com/x") != sc.canonical_url("https://example.com/X")


def test_title_is_exact_up_to_whitespace_or_an_alt() -> None:
    assert sc.title_ok(gold(), res(title=" Gizmo "))
    assert not sc.title_ok(gold(), res(title="gizmo"))
    assert not sc.title_ok(gold(), res(title="Gizmo `beta`"))
    assert sc.title_ok(gold(alt={"title": ["Gizmo 🪢"]}), res(title="Gizmo 🪢"))


@pytest.mark.parametrize(
    "got",
    ["Builds gizmos.", "builds gizmos", "*Builds* gizmos!", "(Builds gizmos)", "- Builds gizmos."],
)
def test_description_compares_words(got: str) -> None:
    assert sc.description_ok(gold(description="Builds gizmos."), res(description=got))


@pytest.mark.parametrize(
    "got",
    ["Gizmo `beta` - Builds gizmos.", "", "Builds.", "Builds gizmos. Repository: badge"],
)
def test_description_with_other_words_fails(got: str) -> None:
    assert not sc.description_ok(gold(description="Builds gizmos."), res(description=got))


def test_empty_gold_description_wants_an_empty_field() -> None:
    assert sc.description_ok(gold(), res(description=""))
    assert not sc.description_ok(gold(), res(description="Candidate Retrieval"))


def test_extra_links_appended_to_the_description_are_allowed() -> None:
    row = gold(
        description="Google Play.", links=[{"text": "code", "url": "https://github.com/x/wd"}]
    )
    assert sc.description_ok(row, res(description="Google Play. [code](https://github.com/x/wd)"))
    assert (
        sc.dropped_links(row, res(description="Google Play. [code](https://github.com/x/wd)")) == []
    )
    assert sc.dropped_links(row, res(description="Google Play.")) == ["https://github.com/x/wd"]
    assert sc.dropped_links(row, res(links=["https://github.com/x/wd"])) == []


def test_links_inside_the_description_stay_and_read_as_their_text() -> None:
    row = gold(
        description="Successor of [ChatGLM](https://github.com/THUDM/ChatGLM).",
        links=[{"text": "ChatGLM", "url": "https://github.com/THUDM/ChatGLM"}],
    )
    assert sc.description_ok(row, res(description=row["description"]))
    assert not sc.description_ok(row, res(description="Successor of."))


def test_byline_fields_each_against_gold_or_alt() -> None:
    row = gold(authors=["Jeremy Hermann", "Mike Del Balso"], year=2017, alt={"org": ["Uber"]})
    good = res(authors=["Jeremy Hermann", "Mike Del Balso"], year=2017, org="Uber")
    assert all(sc.byline_fields(row, good).values())
    bad = res(authors=["Jeremy Hermann"], venue="Mike Del Balso", year=2017)
    assert sc.byline_fields(row, bad) == {
        "authors": False,
        "org": True,
        "year": True,
        "venue": False,
    }


def test_a_missing_resource_drops_all_its_links() -> None:
    row = gold(links=[{"text": "pdf", "url": "https://example.com/g.pdf"}])
    assert sc.dropped_links(row, None) == ["https://example.com/gizmo", "https://example.com/g.pdf"]


CATALOGUE = {
    "sections": [
        {"id": "a", "title": "Ranking", "parent": None},
        {"id": "b", "title": "Monitoring (2)", "parent": None},
    ],
    "resources": [
        {"title": "Rules of ML", "url": "https://example.com/rules", "sections": ["a"]},
        {"title": "Rules of ML", "url": "https://example.com/rules/", "sections": ["b"]},
        {"title": "Keep it simple.", "url": None, "sections": ["a"]},
        {"title": "Contributing", "url": "https://example.com/CONTRIBUTING.md", "sections": []},
        {"title": "Unsampled", "url": "https://example.com/other", "sections": ["a"]},
    ],
}


def test_rows_sharing_a_url_match_the_resource_in_their_own_section() -> None:
    matcher = sc.Matcher(CATALOGUE)
    second = matcher.match(
        gold(title="Rules of ML", url="https://example.com/rules", section=["Monitoring"])
    )
    first = matcher.match(
        gold(title="Rules of ML", url="https://example.com/rules", section=["Ranking"])
    )
    assert second.res is CATALOGUE["resources"][1]
    assert first.res is CATALOGUE["resources"][0]
    assert sc.section_ok(gold(section=["Monitoring (2)"]), [["Monitoring (2)"]])


def test_title_match_when_the_url_is_not_there() -> None:
    found = sc.Matcher(CATALOGUE).match(gold(title="Unsampled", url="https://moved.example"))
    assert found.how == "title" and found.res is CATALOGUE["resources"][4]
    assert sc.Matcher(CATALOGUE).match(gold(title="Nope", url="https://x.example")).res is None


def test_a_title_match_never_takes_a_resource_another_row_matched() -> None:
    matcher = sc.Matcher(CATALOGUE)
    assert matcher.match(gold(title="Unsampled", url="https://example.com/other")).how == "url"
    held_back = matcher.match(gold(title="Unsampled", url="https://example.com/second-copy"))
    assert held_back.res is None and held_back.how == "none"


def test_a_title_match_never_takes_the_resource_of_another_line_of_the_source() -> None:
    row = gold(title="Unsampled", url="https://example.com/held-back")
    source = (
        "- [Unsampled](https://example.com/other)\n- [Unsampled](https://example.com/held-back)\n"
    )
    assert sc.Matcher(CATALOGUE, source).match(row).res is None
    assert sc.Matcher(CATALOGUE, "").match(row).how == "title"  # a URL the importer rewrote


def test_non_items_from_the_labels_and_unknowns_from_a_sample() -> None:
    items = [gold(title="Rules of ML", url="https://example.com/rules")]
    non_items = [
        {
            "raw": "- [Contributing](https://example.com/CONTRIBUTING.md)",
            "urls": ["https://example.com/CONTRIBUTING.md"],
        }
    ]
    bad, unknown = sc.non_item_resources(CATALOGUE, items, non_items, exhaustive=False)
    assert [r["title"] for r in bad] == ["Keep it simple.", "Contributing"]
    assert [r["title"] for r in unknown] == ["Unsampled"]
    bad, unknown = sc.non_item_resources(CATALOGUE, items, non_items, exhaustive=True)
    assert [r["title"] for r in bad] == ["Keep it simple.", "Contributing", "Unsampled"]
    assert unknown == []


# Gold rule 17: one entry for a resource the list gives on several lines.
TWICE = (
    "## Ranking\n\n- [Rules of ML](https://example.com/rules) - Rule 1: start simple.\n\n"
    "## Monitoring\n\n- [Rules of Machine Learning](https://example.com/rules) - On skew.\n"
)
ENTRY = res(
    title="Rules of ML",
    url="https://example.com/rules",
    description="Rule 1: start simple.\n\n**Rules of Machine Learning**: On skew.",
    sections=["r", "m"],
    org="Google",
)
FIRST = gold(
    title="Rules of ML", url="https://example.com/rules", description="Rule 1: start simple."
)
SECOND = gold(
    title="Rules of Machine Learning", url="https://example.com/rules", description="On skew."
)


def test_occurrences_sharing_an_entry_each_find_their_own_words() -> None:
    catalogue = {"resources": [ENTRY], "sections": []}
    first, second = sc.judge(catalogue, [FIRST, SECOND], TWICE)
    assert first.title and first.description and second.title and second.description
    # a field the row leaves empty may hold another occurrence's value, not another value
    assert first.byline and second.byline
    meta = dict(FIRST, org="Meta")
    assert not sc.judge(catalogue, [meta, SECOND], TWICE)[0].byline
    # one occurrence alone (the other outside a sample): the lines of the source tell
    (alone,) = sc.judge(catalogue, [SECOND], TWICE)
    assert alone.title and alone.description


def test_a_shared_entry_must_keep_each_occurrences_words() -> None:
    lost = dict(ENTRY, description="Rule 1: start simple.")
    first, second = sc.judge({"resources": [lost], "sections": []}, [FIRST, SECOND], TWICE)
    assert first.description and not second.description
    assert not second.title  # its own title is nowhere in the entry
    # words merged into the first paragraph are not the occurrence's own paragraph
    glued = dict(ENTRY, description="Rule 1: start simple. On skew.")
    first, second = sc.judge({"resources": [glued], "sections": []}, [FIRST, SECOND], TWICE)
    assert not first.description and not second.description


def test_a_line_alone_is_judged_exactly() -> None:
    one = "- [Rules of ML](https://example.com/rules) - Rule 1: start simple.\n"
    (row,) = sc.judge({"resources": [ENTRY], "sections": []}, [FIRST], one)
    assert not row.description  # the second paragraph is text this line does not have


def test_an_occurrence_under_another_form_of_the_url_is_found_in_the_description() -> None:
    entry = res(
        url="https://example.com/a",
        description="First.\n\n[Gizmo v2](https://example.com/b): Second.",
    )
    row = gold(title="Gizmo v2", url="https://example.com/b", description="Second.")
    source = (
        "- [Gizmo](https://example.com/a) - First.\n- [Gizmo v2](https://example.com/b) - Second.\n"
    )
    (got,) = sc.judge({"resources": [entry], "sections": []}, [row], source)
    assert got.res is entry and got.title and got.description and not got.dropped
