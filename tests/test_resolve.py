"""Naming entries by id, alias, title, words of the title, or a title with slips."""

from __future__ import annotations

import pytest

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import NotFoundError
from mlsd_cli.lookup.entries import find_resource


@pytest.fixture
def catalogue() -> Catalogue:
    def r(rid: str, title: str, **kw: object) -> Resource:
        return Resource(id=rid, title=title, kind="blog", sections=["s"], **kw)  # type: ignore[arg-type]

    return Catalogue(
        sections=[Section("s", "S")],
        resources=[
            r("smart-compose", "Smart Compose: Using Neural Networks to Help Write Emails"),
            r("open-sourcing-metaflow", "Open-Sourcing Metaflow, a Human-Centric Framework"),
            r("internals-of-metaflow", "[VIDEO] Internals of Metaflow"),
            r("rules-of-ml", "Rules of Machine Learning", aliases=["rules-of-ml-2"]),
            r("the-log", "The Log: What every software engineer should know"),
        ],
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("the-log", "the-log"),
        ("rules-of-ml-2", "rules-of-ml"),  # an alias left by a merge
        ("RULES OF MACHINE LEARNING", "rules-of-ml"),
        ("smart-comp", "smart-compose"),  # id prefix
        ("smart compose", "smart-compose"),  # words of the title
        ("neural net emails", "smart-compose"),  # word prefixes
        ("internals metaflow", "internals-of-metaflow"),
        ("rules of machine lerning", "rules-of-ml"),  # a slip in a word
        ("The Log: What every sofware engineer should know", "the-log"),
    ],
)
def test_names_one_entry(catalogue: Catalogue, ref: str, expected: str) -> None:
    assert find_resource(catalogue, ref).id == expected


def test_ambiguous_lists_candidates(catalogue: Catalogue) -> None:
    with pytest.raises(NotFoundError) as info:
        find_resource(catalogue, "metaflow")
    assert sorted(c.split()[0] for c in info.value.candidates) == [
        "internals-of-metaflow",
        "open-sourcing-metaflow",
    ]


@pytest.mark.parametrize("ref", ["no-such-thing-at-all", "zzzz", "kubernetes operators"])
def test_unrelated_names_nothing(catalogue: Catalogue, ref: str) -> None:
    with pytest.raises(NotFoundError, match="mlsd search"):
        find_resource(catalogue, ref)
