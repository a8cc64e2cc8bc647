"""The import gold labels and shape fixtures (issue 9's measurement) are well formed and agree
with their sources: every row names a real line of the corpus list, verbatim; the committed
files are exactly what the pre-fill plus the hand decisions give; every fixture has its
expected resources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "import_gold"
SHAPES = ROOT / "tests" / "data" / "import_shapes"
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchlib import shared  # noqa: E402

CORPUS = shared("corpus")  # ../shared/corpus (read-only), else the copy in tests/data/corpus
LISTS = json.loads((GOLD / "lists.json").read_text("utf-8"))
ITEM_FIELDS = {
    "line": int,
    "raw": str,
    "is_item": bool,
    "n": int,
    "title": str,
    "links": list,
    "description": str,
    "authors": list,
    "section": list,
    "under": list,
    "shape": str,
}
RESOURCE_FIELDS = ("title", "url", "links", "description", "authors", "org", "year", "venue")


def rows(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (GOLD / f"{name}.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_row_is_a_line_of_the_list_verbatim(name: str) -> None:
    lines = (CORPUS / f"{name}.md").read_text("utf-8").split("\n")
    for row in rows(name):
        assert row["raw"] == lines[int(row["line"]) - 1], row["line"]  # type: ignore[call-overload]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_rows_have_the_documented_fields(name: str) -> None:
    items = [r for r in rows(name) if r["is_item"]]
    every = LISTS[name]["every"]
    assert len(items) == -(-LISTS[name]["items"] // every)  # items 1, 1+k, 1+2k, ...
    if every == 1:
        assert len(items) == LISTS[name]["items"]
    for row in items:
        for key, kind in ITEM_FIELDS.items():
            assert isinstance(row[key], kind), (row["line"], key)
        assert row["title"] and row["title"] == row["title"].strip()
        assert row["url"] is None or isinstance(row["url"], str)
        assert row["year"] is None or isinstance(row["year"], int)
        assert set(row.get("alt", {})) <= {"title", "authors", "org", "year", "venue", "url"}
        assert str(row["url"]) in str(row["raw"])
    for row in rows(name):
        if not row["is_item"]:
            assert row["why"] in {"toc", "badge", "prose", "back-to-top", "comment"}


def test_rows_are_unique_and_in_document_order() -> None:
    for name in LISTS:
        keys = [(r["line"], r.get("n", 0)) for r in rows(name)]
        assert keys == sorted(set(keys))  # type: ignore[type-var]


def test_committed_gold_is_the_prefill_plus_the_hand_decisions() -> None:
    script = ROOT / "benchmarks" / "import_gold_prefill.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_shape_fixture_has_expected_resources() -> None:
    fixtures = sorted(p for p in SHAPES.glob("*.md") if p.name != "README.md")
    # issue 9's shapes 1-13, then shapes found beyond them (14-)
    assert [p.name[:3] for p in fixtures[:13]] == [f"{n:02d}-" for n in range(1, 14)]
    for md in fixtures:
        expected = json.loads(md.with_suffix(".expected.json").read_text("utf-8"))
        text = md.read_text("utf-8")
        assert expected["resources"], md.name
        for res in expected["resources"]:
            assert set(RESOURCE_FIELDS) <= set(res), (md.name, res["title"])
            assert res["section"], (md.name, res["title"])
            for url in [res["url"], *(link["url"] for link in res["links"])]:
                assert url is None or url in text, (md.name, url)
        for other in expected.get("not_resources", []):
            assert other in text, (md.name, other)
    assert {p.with_suffix("").stem for p in SHAPES.glob("*.expected.json")} == {
        p.stem for p in fixtures
    }
