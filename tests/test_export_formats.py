"""JSON, CSV, BibTeX and HTML exports, each parsed back and compared with the catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.formats.csv_export import COLUMNS
from mlsd_cli.formats.csv_export import guard
from mlsd_cli.formats.csv_export import unguard
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import export
from mlsd_cli.lookup.filters import apply
from mlsd_cli.lookup.filters import make_filter

NASTY_TITLE = 'Tricky "quotes", commas; {braces} & 100% $cash$ #1 under_score ~tilde^ back\\slash'


def catalogue() -> Catalogue:
    return Catalogue(
        title="Formats",
        description="Every field, and awkward values.",
        sections=[Section("a", "Alpha", intro="Intro *text*."), Section("b", "Beta", parent="a")],
        resources=[
            Resource(
                "chang",
                "Using Machine Learning to Predict Value of Homes On Airbnb",
                "blog",
                ["a"],
                url="https://medium.com/airbnb-engineering/x",
                org="Airbnb",
                authors=["Robert Chang"],
                venue="Airbnb Engineering & Data Science",
                year=2017,
                tags=["ml-platform", "pricing"],
                description="Two paragraphs.\n\nSecond, with a [link](https://example.com).",
                added=date(2024, 5, 1),
                aliases=["chang-old"],
            ),
            Resource(
                "guo",
                "On Calibration of Modern Neural Networks",
                "paper",
                ["a", "b"],
                url="https://arxiv.org/abs/1706.04599",
                authors=["Chuan Guo", "Geoff Pleiss"],
                venue="ICML",
                year=2017,
                tags=["calibration"],
            ),
            Resource(
                "cheng",
                "A survey of model compression and acceleration for deep neural networks",
                "paper",
                ["b"],
                url="https://arxiv.org/abs/1710.09282",
                authors=["Cheng et al."],
                venue="IEEE Signal Processing Magazine",
                year=2017,
            ),
            Resource(
                "ddia",
                "Designing Data-Intensive Applications",
                "book",
                ["a"],
                url="https://learning.oreilly.com/library/view/ddia/",
                authors=["Martin Kleppmann"],
                venue="O'Reilly",
                year=2017,
            ),
            Resource(
                "nasty",
                NASTY_TITLE,
                "talk",
                ["b"],
                url="https://example.com/a_b?q=1%202&x=y#frag",
                authors=["Richard H. Granger, Jr.", "Smith and Wesson Inc"],
                venue='=HYPERLINK("http://evil")',
                description='-2+3 looks like a formula\nover two lines, "quoted"',
            ),
            Resource("plain", "@mention starts a cell", "other", ["a"]),
            Resource(
                "chang2",
                "Using more ML at Airbnb",
                "blog",
                ["a"],
                authors=["Robert Chang"],
                year=2017,
            ),
        ],
        not_duplicates=[("chang", "chang2")],
    )


# ----------------------------------------------------------------- JSON


def test_json_is_the_whole_catalogue_in_the_documented_schema() -> None:
    c = catalogue()
    data = json.loads(export(c, "json"))
    assert list(data) == ["format", "catalogue", "sections", "resources", "not_duplicates"]
    assert data["format"] == 1
    assert data["catalogue"] == {
        "title": "Formats",
        "description": "Every field, and awkward values.",
        "file_format": 1,
    }
    assert data["sections"] == [
        {"id": "a", "title": "Alpha", "parent": None, "intro": "Intro *text*."},
        {"id": "b", "title": "Beta", "parent": "a", "intro": ""},
    ]
    assert data["not_duplicates"] == [["chang", "chang2"]]
    keys = [
        "id",
        "title",
        "url",
        "kind",
        "sections",
        "org",
        "authors",
        "venue",
        "year",
        "tags",
        "description",
        "added",
        "aliases",
    ]
    for r, obj in zip(c.resources, data["resources"], strict=True):
        assert list(obj) == keys
        assert obj["id"] == r.id and obj["title"] == r.title and obj["url"] == r.url
        assert obj["sections"] == r.sections and obj["authors"] == r.authors
        assert obj["venue"] == r.venue and obj["year"] == r.year and obj["tags"] == r.tags
        assert obj["description"] == r.description and obj["aliases"] == r.aliases
        assert obj["added"] == (r.added.isoformat() if r.added else None)


def test_json_of_a_selection_keeps_sections_and_pairs_inside_it() -> None:
    c = catalogue()
    chosen = apply(c, make_filter(c, kinds=["paper"]))
    data = json.loads(export(c, "json", ExportOptions(selection=chosen)))
    assert [r["id"] for r in data["resources"]] == ["guo", "cheng"]
    assert len(data["sections"]) == 2
    assert data["not_duplicates"] == []


def test_json_of_the_shipped_catalogue_round_trips_to_the_model(shipped_copy: Path) -> None:
    c = store.load(shipped_copy)
    data = json.loads(export(c, "json"))
    assert [r["url"] for r in data["resources"]] == [r.url for r in c.resources]
    assert [s["title"] for s in data["sections"]] == [s.title for s in c.sections]


# ----------------------------------------------------------------- CSV


def test_csv_one_row_per_resource_rfc4180() -> None:
    c = catalogue()
    text = export(c, "csv")
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == len(c.resources) + 1
    for r, row in zip(c.resources, rows[1:], strict=True):
        cells = dict(zip(COLUMNS, (unguard(v) for v in row), strict=True))
        assert cells["id"] == r.id and cells["title"] == r.title and cells["url"] == (r.url or "")
        assert cells["sections"].split("; ") == r.sections
        assert (cells["authors"].split("; ") if cells["authors"] else []) == r.authors
        assert (cells["tags"].split("; ") if cells["tags"] else []) == r.tags
        assert cells["venue"] == (r.venue or "") and cells["year"] == (
            str(r.year) if r.year else ""
        )
        assert cells["description"] == r.description
        assert cells["added"] == (r.added.isoformat() if r.added else "")


def test_csv_guards_against_formula_injection() -> None:
    rows = list(csv.reader(io.StringIO(export(catalogue(), "csv"), newline="")))
    nasty = next(row for row in rows if row[0] == "nasty")
    assert nasty[COLUMNS.index("venue")] == '\'=HYPERLINK("http://evil")'
    assert nasty[COLUMNS.index("description")].startswith("'-2+3")
    plain = next(row for row in rows if row[0] == "plain")
    assert plain[COLUMNS.index("title")] == "'@mention starts a cell"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@x", "\tx", "'=x", "''=x", "'plain", "plain", ""]
)
def test_guard_and_unguard_are_inverse(cell: str) -> None:
    assert unguard(guard(cell)) == cell
    assert not guard(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


# ----------------------------------------------------------------- BibTeX


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A strict little BibTeX reader: @type{key, name = {balanced value}, ...}."""
    entries = []
    i = 0
    while True:
        at = text.find("@", i)
        if at == -1:
            break
        assert "@" not in text[i:at], "stray @"
        m = re.compile(r"@([a-z]+)\{([A-Za-z0-9_:-]+),\n").match(text, at)
        assert m, f"bad entry head at {text[at : at + 40]!r}"
        kind, key = m.group(1), m.group(2)
        i = m.end()
        fields: dict[str, str] = {}
        while True:
            fm = re.compile(r"  ([a-z]+) = \{").match(text, i)
            assert fm, f"bad field at {text[i : i + 40]!r}"
            depth, j = 1, fm.end()
            while depth:
                assert j < len(text), "unbalanced braces"
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            assert fm.group(1) not in fields
            fields[fm.group(1)] = text[fm.end() : j - 1]
            i = j
            if text.startswith(",\n", i):
                i += 2
                continue
            assert text.startswith("\n}\n", i), f"bad entry end at {text[i : i + 20]!r}"
            i += 3
            break
        entries.append((kind, key, fields))
    return entries


REQUIRED = {
    "article": {"author", "title", "journal", "year"},
    "inproceedings": {"author", "title", "booktitle", "year"},
    "book": {"author", "title", "publisher", "year"},
    "misc": {"title"},
}


def test_bibtex_has_a_valid_entry_per_resource() -> None:
    c = catalogue()
    entries = parse_bibtex(export(c, "bibtex"))
    assert len(entries) == len(c.resources)
    assert len({key for _, key, _ in entries}) == len(entries)
    for kind, _key, fields in entries:
        assert REQUIRED[kind] <= set(fields)
    kinds = {r.id: kind for r, (kind, _, _) in zip(c.resources, entries, strict=True)}
    assert kinds == {
        "chang": "misc",
        "guo": "inproceedings",
        "cheng": "article",
        "ddia": "book",
        "nasty": "misc",
        "plain": "misc",
        "chang2": "misc",
    }


def test_bibtex_keys_fields_and_escaping() -> None:
    entries = {
        key: (kind, fields) for kind, key, fields in parse_bibtex(export(catalogue(), "bibtex"))
    }
    assert set(entries) == {
        "chang2017using",
        "guo2017calibration",
        "cheng2017survey",
        "kleppmann2017designing",
        "grangertricky",
        "anonmention",
        "chang2017usingb",
    }
    _, guo = entries["guo2017calibration"]
    assert guo["author"] == "Chuan Guo and Geoff Pleiss"
    assert guo["booktitle"] == "ICML" and guo["year"] == "2017"
    assert guo["url"] == "https://arxiv.org/abs/1706.04599"
    assert entries["cheng2017survey"][1]["author"] == "Cheng and others"
    _, chang = entries["chang2017using"]
    assert chang["howpublished"] == r"\url{https://medium.com/airbnb-engineering/x}"
    assert chang["note"] == r"Airbnb Engineering \& Data Science"
    assert chang["keywords"] == "ml-platform, pricing"
    _, nasty = entries["grangertricky"]
    assert nasty["title"] == (
        r'{Tricky "quotes", commas; \textbraceleft{}braces\textbraceright{} \& 100\% \$cash\$ '
        r"\#1 under\_score \textasciitilde{}tilde\textasciicircum{} back\textbackslash{}slash}"
    )
    assert nasty["author"] == "{Richard H. Granger, Jr.} and {Smith and Wesson Inc}"
    assert nasty["url"] == r"https://example.com/a_b?q=1\%202&x=y\#frag"


# ----------------------------------------------------------------- HTML


class Page(HTMLParser):
    """Collects each resource item: its link, title, byline and the section it sits in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict[str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self.stack: list[str] = []
        self.current: dict[str, str] | None = None
        self.field: str | None = None
        self.external: list[str] = []
        self.heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("link", "img", "iframe") or (tag == "script" and "src" in a):
            self.external.append(tag)
        if tag == "li" and "data-q" in a:
            self.current = {
                "title": "",
                "href": "",
                "byline": "",
                "desc": "",
                "section": self.headings[-1][1],
            }
            self.items.append(self.current)
        elif (
            tag == "a"
            and self.current is not None
            and not self.current["href"]
            and self.field is None
        ):
            self.current["href"] = a.get("href") or ""
            self.field = "title"
        elif tag == "strong" and self.current is not None and not self.current["title"]:
            self.field = "title"
        elif tag == "span" and a.get("class") == "byline":
            self.field = "byline"
        elif tag == "div" and a.get("class") == "desc":
            self.field = "desc"
        elif re.fullmatch(r"h[2-6]", tag):
            self.heading = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "strong", "span") and self.field in ("title", "byline"):
            self.field = None
        elif tag == "li" and self.current is not None and self.field != "desc":
            self.current = None
        elif tag == "div" and self.field == "desc":
            self.field = None
        elif tag == self.heading:
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        elif self.current is not None and self.field:
            self.current[self.field] += data


def test_html_page_lists_the_catalogue_by_section() -> None:
    c = catalogue()
    page = Page()
    text = export(c, "html")
    page.feed(text)
    assert page.headings == [("h2", "Alpha"), ("h3", "Beta")]
    expected = [
        (titles, r)
        for titles in ("Alpha", "Beta")
        for r in c.resources
        if any(c.section_titles()[s] == titles for s in r.sections)
    ]
    assert len(page.items) == len(expected)
    for item, (section, r) in zip(page.items, expected, strict=True):
        assert item["section"] == section
        assert item["title"] == r.title
        assert item["href"] == (r.url or "")
        for part in [*r.authors, r.venue or "", str(r.year or "")]:
            assert part in item["byline"]
    assert page.external == []  # self-contained: no stylesheet, image, frame or remote script
    assert '<input type="search" id="filter"' in text


def test_html_renders_descriptions_as_safe_markdown() -> None:
    page = Page()
    page.feed(export(catalogue(), "html"))
    chang = page.items[0]
    assert "Two paragraphs." in chang["desc"] and "with a link." in chang["desc"]
    text = export(catalogue(), "html")
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">link</a>' in text


def test_html_group_by_year_and_filters() -> None:
    c = catalogue()
    chosen = apply(c, make_filter(c, kinds=["paper", "book"]))
    page = Page()
    page.feed(export(c, "html", ExportOptions(selection=chosen, group_by="year")))
    assert [h for _, h in page.headings] == ["2017"]
    assert sorted(i["title"] for i in page.items) == sorted(r.title for r in chosen)
