"""lookup/names.py: the one meaning of a typed section name, kind and tag."""

from __future__ import annotations

import pytest

from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import InputError
from mlsd_cli.lookup import names


@pytest.fixture
def cat() -> Catalogue:
    return Catalogue(
        sections=[
            Section("platforms", "ML platforms"),
            Section("streaming", "Streaming"),
            Section("evaluation", "Évaluation des modèles"),
            Section("chapter-1", "Chapter 1: Overview"),
            Section("chapter-2", "Chapter 2: Data"),
            Section("papers", "Papers", parent="chapter-1"),
            Section("papers-2", "Papers", parent="chapter-2"),
        ]
    )


# ----------------------------------------------------------------- sections


@pytest.mark.parametrize(
    ("ref", "sid"),
    [
        ("platforms", "platforms"),  # exact id
        ("PLATFORMS", "platforms"),  # id, any case
        ("ml   Platforms", "platforms"),  # title, case and spaces ignored
        ("evaluation des modeles", "evaluation"),  # title, accents ignored
        ("plat", "platforms"),  # the start of one id
        ("ml plat", "platforms"),  # the start of one title
        ("Stream", "streaming"),
        ("chapter-1", "chapter-1"),  # an exact id beats the prefix of chapter-1x
        ("papers-2", "papers-2"),
    ],
)
def test_a_section_is_named_by_id_title_or_unique_prefix(
    cat: Catalogue, ref: str, sid: str
) -> None:
    assert names.resolve_section(cat, ref) == sid


def test_an_ambiguous_prefix_lists_the_candidates(cat: Catalogue) -> None:
    with pytest.raises(InputError) as info:
        names.resolve_section(cat, "chapter")
    assert str(info.value) == (
        "'chapter' could be any of 2 sections: chapter-1 and chapter-2; "
        "give more of the id or title"
    )
    assert info.value.field == "sections" and info.value.choices == ("chapter-1", "chapter-2")


def test_two_sections_with_the_same_title_are_ambiguous(cat: Catalogue) -> None:
    with pytest.raises(InputError, match="could be any of 2 sections: papers and papers-2"):
        names.find_section(cat, "Papers")


def test_an_unknown_section_suggests_the_closest_names(cat: Catalogue) -> None:
    with pytest.raises(InputError) as info:
        names.resolve_section(cat, "platfroms", field="add_sections")
    assert str(info.value) == "no section named 'platfroms'; did you mean 'platforms'?"
    assert info.value.field == "add_sections"
    with pytest.raises(InputError, match="sections: platforms, streaming, evaluation"):
        names.resolve_section(cat, "zzzzzz")
    with pytest.raises(InputError, match="no sections yet"):
        names.resolve_section(Catalogue(), "anything")
    assert names.find_section(cat, "zzzzzz") is None


def test_an_empty_section_name_is_refused(cat: Catalogue) -> None:
    with pytest.raises(InputError, match="empty"):
        names.find_section(cat, "  ")


def test_sub_sections_are_included(cat: Catalogue) -> None:
    assert names.with_subsections(cat, ["chapter-1"]) == {"chapter-1", "papers"}


# ----------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "kind"), [("paper", "paper"), ("PAPER", "paper"), ("pap", "paper"), ("v", "video")]
)
def test_a_kind_is_named_by_a_unique_prefix(text: str, kind: str) -> None:
    assert names.resolve_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("papr", "unknown kind 'papr'"),
        ("", "unknown kind ''"),
        ("t", "kind 't' could be talk or thread"),
    ],
)
def test_unknown_and_ambiguous_kinds_list_the_choices(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        names.resolve_kind(text, field="kinds")
    assert str(info.value) == f"{message}; use one of {', '.join(KINDS)}"
    assert info.value.field == "kinds" and info.value.choices == KINDS


# ----------------------------------------------------------------- tags


def test_tags_in_any_spelling_are_normalised_once() -> None:
    assert names.normal_tags(["Feature Store", "feature_store", "MLOps"]) == [
        "feature-store",
        "mlops",
    ]


@pytest.mark.parametrize("raw", ["", "  ", "!!!", "---", "«»"])
def test_a_tag_without_letters_or_digits_is_refused(raw: str) -> None:
    with pytest.raises(InputError) as info:
        names.normal_tag(raw, field="add_tags")
    assert str(info.value) == (
        f"tag '{raw}' has no letters or digits; a tag is words joined by '-', such as feature-store"
    )
    assert info.value.field == "add_tags"
