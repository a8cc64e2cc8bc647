"""The library side of add, edit and remove (``mlsd_cli.changes.adding``, ``mlsd_cli.changes.editing``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.changes import adding
from mlsd_cli.changes import editing
from mlsd_cli.changes.commit import commit
from mlsd_cli.errors import CatalogueError
from mlsd_cli.errors import InputError
from mlsd_cli.errors import MissingFieldsError
from mlsd_cli.errors import and_list
from mlsd_cli.web.metadata import PageMetadata

from . import ondisk

TODAY = date(2024, 5, 1)
UBER_URL = "https://eng.uber.com/michelangelo-machine-learning-platform/"


@pytest.fixture
def cat(sample_catalogue: Path) -> Catalogue:
    return store.load(sample_catalogue)


# ----------------------------------------------------------------- field values


def test_year_and_url_and_tags() -> None:
    assert adding.check_year("2019") == 2019 and adding.check_year("") is None
    for bad in ("19", "twenty", 12345):
        with pytest.raises(InputError):
            adding.check_year(bad)
    assert adding.check_url("  ") is None
    assert adding.check_url(" https://example.org/x ") == "https://example.org/x"
    with pytest.raises(InputError, match="file"):
        adding.check_url("file:///etc/passwd")
    assert adding.split_list(" a, b,, a ,c ") == ["a", "b", "c"]


def test_new_section_gets_a_free_id(cat: Catalogue) -> None:
    cat.sections.append(Section("feature-stores", "Something else"))
    section = adding.new_section(cat, " Feature stores ")
    assert (section.id, section.title, section.parent) == (
        "feature-stores-2",
        "Feature stores",
        None,
    )


# ----------------------------------------------------------------- prefill


def test_given_values_win_over_metadata() -> None:
    meta = PageMetadata(
        url="https://example.org/p",
        title="  Page title ",
        description="Page description",
        authors=["A. Author", "A. Author", "B. Author"],
        year=2016,
        site_name="Example Blog",
        kind="paper",
    )
    given = adding.NewFields(url="https://example.org/p", title="Mine", year=2020)
    out = adding.prefill(given, meta, adding.guessed_kind(given.url, meta))
    assert out.title == "Mine" and out.year == 2020  # given
    assert out.description == "Page description" and out.org == "Example Blog"
    assert out.authors == ["A. Author", "B. Author"]
    assert out.kind == "paper"
    assert given.description is None  # the input is not changed


def test_kind_guess_from_the_url_alone() -> None:
    assert adding.guessed_kind("https://arxiv.org/abs/1706.04599") == "paper"
    assert adding.guessed_kind("https://www.youtube.com/watch?v=abc") == "video"
    assert adding.guessed_kind(None) is None
    out = adding.prefill(adding.NewFields(kind="talk"), None, "video")
    assert out.kind == "talk"


def test_missing_required() -> None:
    assert adding.missing_required(adding.NewFields()) == ["title", "kind", "sections"]
    assert and_list(["title", "kind", "sections"]) == "title, kind and sections"
    assert and_list(["kind"]) == "kind" and and_list([]) == ""
    fields = adding.NewFields(title="T", kind="blog", sections=["x"])
    assert adding.missing_required(fields) == []


# ----------------------------------------------------------------- building


def test_build_resource(cat: Catalogue) -> None:
    fields = adding.NewFields(
        url="https://example.org/p",
        title=" Uber's Michelangelo ",
        kind="Blog",
        sections=["ML platforms", "platforms", "stream"],
        tags=["ML Platform"],
        authors=[" Jeremy Hermann "],
        org=" ",
        year=2017,
        description="  text  ",
    )
    r = adding.build_resource(cat, fields, today=TODAY)
    assert r.id == "ubers-michelangelo-2"  # the plain slug is taken
    assert r.title == "Uber's Michelangelo" and r.kind == "blog"
    assert r.sections == ["platforms", "streaming"]
    assert r.tags == ["ml-platform"] and r.authors == ["Jeremy Hermann"]
    assert r.org is None and r.description == "text" and r.added == TODAY


def test_build_resource_avoids_aliases(cat: Catalogue) -> None:
    cat.resources[0].aliases.append("new-thing")
    fields = adding.NewFields(title="New thing", kind="blog", sections=["platforms"])
    assert adding.build_resource(cat, fields, today=TODAY).id == "new-thing-2"


def test_build_resource_names_the_missing_fields_not_flags(cat: Catalogue) -> None:
    with pytest.raises(MissingFieldsError, match="missing title and sections") as info:
        adding.build_resource(cat, adding.NewFields(kind="blog"), today=TODAY)
    assert info.value.fields == ("title", "sections") and info.value.hint is None


# ----------------------------------------------------------------- duplicates


def test_find_duplicates_same_url_and_similar_title(cat: Catalogue) -> None:
    report = adding.find_duplicates(
        cat, urls=["http://www.eng.uber.com/michelangelo-machine-learning-platform?utm_source=x"]
    )
    assert [c.resource.id for c in report.same] == ["ubers-michelangelo"]
    assert report.similar == []
    report = adding.find_duplicates(
        cat, urls=["https://example.org/other"], titles=[None, "Ubers Michelangelo"]
    )
    assert report.same == []
    assert [c.resource.id for c in report.similar] == ["ubers-michelangelo"]
    assert report.ids() == {"ubers-michelangelo"}
    assert adding.find_duplicates(cat, titles=["Kubernetes autoscaling for GPUs"]).empty


def test_refusal_rules(cat: Catalogue) -> None:
    same = adding.find_duplicates(cat, urls=[UBER_URL])
    assert adding.refusal(same, force=True) is not None  # --force never adds the same URL
    similar = adding.find_duplicates(cat, titles=["Ubers Michelangelo"])
    error = adding.refusal(similar)
    assert error is not None and error.exit_code == 1 and "--force" in str(error)
    assert adding.refusal(similar, force=True) is None
    assert adding.refusal(similar, accepted={"ubers-michelangelo"}) is None


def test_commit_add_rechecks_under_the_lock(sample_catalogue: Path, cat: Catalogue) -> None:
    """A duplicate that reached the file after the user's check still stops the add."""
    plan = adding.AddPlan(
        adding.NewFields(
            url="https://example.org/feature-stores",
            title="Feature stores explained",
            kind="blog",
            sections=["platforms"],
        )
    )
    assert adding.check_plan(cat, plan).empty  # the check the command made earlier
    with ondisk.editing(sample_catalogue) as meanwhile:  # another process adds the same URL
        meanwhile.resources.append(
            Resource(
                "other", "Other", "blog", ["platforms"], url="https://example.org/feature-stores/"
            )
        )
    before = sample_catalogue.read_bytes()
    with pytest.raises(adding.DuplicateError, match="'other'"):
        commit(sample_catalogue, plan)
    assert sample_catalogue.read_bytes() == before


def test_commit_add_creates_confirmed_sections(sample_catalogue: Path, cat: Catalogue) -> None:
    plan = adding.AddPlan(
        adding.NewFields(title="Feast", kind="blog", sections=["Feature stores", "platforms"]),
        new_sections=[adding.new_section(cat, "Feature stores")],
        today=TODAY,
    )
    preview = adding.preview(cat, plan)
    assert preview.sections == ["feature-stores", "platforms"]
    added = commit(sample_catalogue, plan)
    again = store.load(sample_catalogue)
    assert again.section("feature-stores") is not None
    assert again.resource(added.id) == added
    assert added.sections == ["feature-stores", "platforms"] and added.added == TODAY


# ----------------------------------------------------------------- editing


def test_apply_changes_leaves_the_original_alone(cat: Catalogue) -> None:
    original = cat.resource("the-log")
    assert original is not None
    changes = editing.FieldChanges(
        title="The Log",
        add_sections=["platforms"],
        add_tags=["Logs"],
        remove_tags=["streaming"],
        org="",
        clear=["year"],
    )
    new = editing.apply_changes(cat, original, changes)
    assert new.title == "The Log" and new.sections == ["streaming", "platforms"]
    assert new.tags == ["logs"] and new.org is None and new.year is None
    assert original.title.startswith("The Log: What") and original.year == 2013
    assert original.tags == ["streaming"] and original.sections == ["streaming"]
    assert editing.FieldChanges().empty and not changes.empty


def test_apply_changes_refuses_bad_values(cat: Catalogue) -> None:
    r = cat.resources[0]
    for changes, message in [
        (editing.FieldChanges(remove_sections=["platforms"]), "no section"),
        (editing.FieldChanges(remove_sections=["streaming"]), "is not in section"),
        (editing.FieldChanges(remove_tags=["!!"]), "has no letters or digits"),
        (editing.FieldChanges(clear=["kind"]), "cannot be cleared"),
        (editing.FieldChanges(url="mailto:x@example.org"), "mailto"),
    ]:
        with pytest.raises(InputError, match=message):
            editing.apply_changes(cat, r, changes)


def test_removing_a_tag_the_entry_lacks_changes_nothing_and_is_noted(cat: Catalogue) -> None:
    """One policy with ``mlsd tag``: a warning, not an error (see lookup.tags.tag_notes)."""
    r = cat.resources[0]
    changes = editing.FieldChanges(remove_tags=["Nope"])
    new = editing.apply_changes(cat, r, changes)
    assert new == r
    [note] = editing.tag_warnings(cat, r, new, changes)
    assert (note.kind, note.tag, note.entry) == ("absent", "nope", r.id)
    assert note.message == f"'{r.id}' has no tag 'nope'"


def test_entry_round_trips_through_toml(cat: Catalogue) -> None:
    for r in cat.resources:
        text = editing.entry_to_toml(cat, r, source="resources.toml")
        assert text.startswith(f"# Editing '{r.id}' from resources.toml")
        assert editing.parse_entry(text, cat, r, source="edit.toml") == r


def test_entry_with_every_field_and_a_long_description(cat: Catalogue) -> None:
    r = cat.resources[1]
    r.description = 'Two\n\nparagraphs with "quotes" and """triple""" ones'
    r.added = TODAY
    text = editing.entry_to_toml(cat, r)
    assert editing.parse_entry(text, cat, r, source="e.toml") == r


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (('kind = "paper"', 'kind = "papr"'), "unknown kind", 'kind = "papr"'),
        (('"platforms"', '"nowhere"'), "unknown section 'nowhere'", None),
        (('kind = "paper"', 'kind = "paper"\nyear = 19'), "four-digit", "year = 19"),
        (
            ('kind = "paper"', 'kind = "paper"\nauthor = ["x"]'),
            "did you mean 'authors'",
            "author =",
        ),
        (('kind = "paper"', 'kind = "paper"\n[extra]\nx = 1'), "unexpected table", None),
        (('kind = "paper"', "kind = paper"), "invalid TOML", "kind = paper"),
    ],
)
def test_parse_entry_errors_name_the_line(
    cat: Catalogue, change: tuple[str, str], message: str, line: str | None
) -> None:
    r = cat.resource("facebook-ads-clicks")
    assert r is not None
    text = editing.entry_to_toml(cat, r).replace(*change)
    with pytest.raises(CatalogueError, match=message) as info:
        editing.parse_entry(text, cat, r, source="e.toml")
    assert info.value.location is not None and info.value.location.startswith("e.toml:")
    if line is not None:
        number = int(info.value.location.split(":")[1])
        assert text.split("\n")[number - 1].startswith(line)


def test_parse_entry_refuses_a_new_id_and_a_taken_alias(cat: Catalogue) -> None:
    r = cat.resource("facebook-ads-clicks")
    assert r is not None
    text = editing.entry_to_toml(cat, r)
    with pytest.raises(CatalogueError, match="id cannot be changed"):
        editing.parse_entry(text.replace('"facebook-ads-clicks"', '"fb"'), cat, r, source="e")
    taken = text.replace('kind = "paper"', 'kind = "paper"\naliases = ["the-log"]')
    with pytest.raises(CatalogueError, match="duplicate resource id 'the-log'"):
        editing.parse_entry(taken, cat, r, source="e")


def test_remove_drops_not_duplicate_records(cat: Catalogue) -> None:
    cat.not_duplicates = [("facebook-ads-clicks", "the-log"), ("facebook-ads-clicks", "x")]
    cat.resources[1].aliases = ["x"]
    removed = editing.RemovePlan(cat.resources[1]).apply(cat)
    assert removed.id == "the-log"
    assert cat.not_duplicates == []
    assert "the-log" not in cat.resource_ids()
