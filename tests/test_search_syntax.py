"""Issue 11: query syntax, the domain vocabulary, CJK text, URL-path words, --all, notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import CatalogueError
from mlsd_cli.errors import InputError
from mlsd_cli.lookup.query import parse
from mlsd_cli.lookup.search import search
from mlsd_cli.lookup.vocabulary import load

Run = Callable[..., Result]


def _r(rid: str, title: str, **fields: object) -> Resource:
    return Resource(
        id=rid, title=title, kind=str(fields.pop("kind", "blog")), sections=["s"], **fields
    )  # type: ignore[arg-type]


def _cat() -> Catalogue:
    return Catalogue(
        sections=[Section("s", "Things")],
        resources=[
            _r(
                "wide-deep", "Wide & Deep Learning for Recommender Systems", kind="paper", year=2016
            ),
            _r(
                "ctr-fb",
                "Practical Lessons from Predicting Click-Through Rate at Facebook",
                year=2014,
            ),
            _r("llm-serving", "Serving Large Language Models at Scale", org="Acme", year=2023),
            _r("ab", "Trustworthy Online Controlled Experiments", kind="book", year=2020),
            _r("ab2", "A/B testing at scale", year=2019),
            _r("gnn", "Graph Neural Networks for Fraud", authors=["Chip Huyen"], year=2021),
            _r("pers", "Personalization of the Home Page", org="Netflix", year=2018),
            _r("store", "Feature Store for ML", tags=["feature-store"], year=2019),
            _r("feat", "Feature engineering at Netflix", org="Netflix", year=2020),
            _r("pdf", "Deep nets for ranking", url="https://example.org/papers/grbovic2018.pdf"),
            _r("cjk", "検索エンジンの設計", year=2022),
            _r("cafe", "Café des modèles", year=2022),
        ],
    )


def ids(query: str, **kwargs: object) -> list[str]:
    return [h.resource.id for h in search(_cat(), query, **kwargs)]  # type: ignore[arg-type]


def complete(query: str) -> list[str]:
    return [h.resource.id for h in search(_cat(), query) if h.score >= 50]


# ----------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("recsys", "wide-deep"),
        ("CTR", "ctr-fb"),
        ("LLM", "llm-serving"),
        ("GNN", "gnn"),
        ("ab testing", "ab"),
        ("A/B test", "ab2"),
        ("personalisation", "pers"),
    ],
)
def test_vocabulary_finds_the_long_forms_and_spellings(query: str, expected: str) -> None:
    assert expected in complete(query)


def test_an_expanded_name_scores_under_the_literal_word() -> None:
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[_r("long", "Click-through rate notes"), _r("short", "CTR notes")],
    )
    hits = search(cat, "ctr")
    assert [h.resource.id for h in hits] == ["short", "long"]
    assert hits[0].score > hits[1].score >= 50


def test_a_catalogue_adds_its_own_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    (tmp_path / "resources.vocabulary.toml").write_text(
        '[[concept]]\nterms = ["wdl", "wide & deep"]\n', encoding="utf-8"
    )
    assert [h.resource.id for h in search(_cat(), "wdl", vocabulary=load(path))] == ["wide-deep"]
    assert search(_cat(), "wdl") == []


def test_a_bad_catalogue_vocabulary_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    (tmp_path / "resources.vocabulary.toml").write_text("[[concept]]\nterms = 3\n", "utf-8")
    with pytest.raises(CatalogueError, match="terms must be a list") as e:
        load(path)
    assert "resources.vocabulary.toml" in str(e.value.location)


# ----------------------------------------------------------------- syntax


def test_minus_excludes() -> None:
    assert "store" in ids("feature")
    assert ids("feature -store") == ["feat"]
    assert ids('feature -"feature store"') == ["feat"]


def test_field_qualifiers() -> None:
    assert ids("author:huyen") == ["gnn"]
    assert set(ids("org:netflix")) == {"feat", "pers"}
    assert ids("tag:feature-store") == ["store"]
    assert ids("kind:paper") == ["wide-deep"]
    assert ids("learning kind:paper") == ["wide-deep"]
    assert ids("netflix -org:netflix") == []
    assert ids("title:huyen") == []


def test_year_ranges() -> None:
    assert set(ids("year:2019..2020")) == {"ab", "ab2", "store", "feat"}
    assert set(ids("year:2022..")) == {"cjk", "cafe", "llm-serving"}
    assert set(ids("year:..2014")) == {"ctr-fb"}
    assert ids("year:2016") == ["wide-deep"]
    with pytest.raises(InputError, match="year:soon"):
        parse("year:soon")


def test_a_bad_kind_names_the_choices() -> None:
    with pytest.raises(InputError) as e:
        parse("kind:poem")
    assert "paper" in str(e.value) + str(e.value.hint) + " ".join(e.value.choices)


def test_quoted_phrase_needs_the_words_in_a_row() -> None:
    assert "feat" in complete("feature netflix")
    assert complete('"feature store"') == ["store"]


def test_or() -> None:
    assert set(complete("graph OR personalization")) == {"gnn", "pers"}
    assert complete("graph personalization") == []


def test_stop_words_alone_find_nothing() -> None:
    parsed = parse("the of")
    assert parsed.empty and parsed.ignored == ["the", "of"]
    assert search(_cat(), "the of") == []
    with pytest.raises(InputError, match="empty"):
        parse("?!")


# ----------------------------------------------------------------- scripts, URLs


def test_cjk_is_split_into_character_pairs() -> None:
    assert ids("検索") == ["cjk"]
    assert ids("エンジン") == ["cjk"]
    assert ids("設計") == ["cjk"]


def test_accents_fold() -> None:
    assert ids("cafe modeles") == ["cafe"]


def test_an_author_named_only_in_the_url_path_is_found() -> None:
    assert ids("grbovic") == ["pdf"]
    assert ids("example") == []  # the host is not searched


# ----------------------------------------------------------------- the command


@pytest.fixture
def cat_file(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    store.save(_cat(), path)
    return path


def test_cli_minus_word_is_not_an_option(cli: Run, cat_file: Path) -> None:
    result = cli("search", "feature", "-store", "-n", "5", "-c", str(cat_file))
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[1] for line in result.stdout.splitlines()] == ["feat"]


def test_cli_all_and_the_cut_notice(cli: Run, cat_file: Path) -> None:
    cut = cli("search", "year:2000..", "-n", "2", "-c", str(cat_file))
    assert len(cut.stdout.splitlines()) == 2
    assert "best 2 results" in cut.stderr and "--all" in cut.stderr
    every = cli("search", "year:2000..", "--all", "-c", str(cat_file))
    assert len(every.stdout.splitlines()) == 11 and every.stderr == ""


def test_cli_common_words_only_say_so(cli: Run, cat_file: Path) -> None:
    result = cli("search", "the", "of", "-c", str(cat_file))
    assert result.exit_code == 0 and result.stdout == ""
    assert "the, of are common words" in result.stderr


# ----------------------------------------------------------------- ranking


def test_evidence_adds_up_across_fields() -> None:
    cat = Catalogue(
        sections=[Section("s", "Ranking"), Section("t", "Other")],
        resources=[
            Resource(id="title-only", title="Ranking at scale", sections=["t"]),
            Resource(id="title-and-section", title="Ranking at scale", sections=["s"]),
        ],
    )
    ranked = [h.resource.id for h in search(cat, "ranking")]
    assert ranked == ["title-and-section", "title-only"]


def test_the_word_as_typed_outranks_another_form() -> None:
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            Resource(id="form", title="Fraud detection", sections=["s"]),
            Resource(id="typed", title="Detecting fraud", sections=["s"]),
        ],
    )
    hits = search(cat, "detecting fraud")
    assert [h.resource.id for h in hits] == ["typed", "form"]
    assert all(h.score >= 50 for h in hits)


def test_forms_ending_in_e_are_one_word() -> None:
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[Resource(id="n", title="It normalizes profiles", sections=["s"])],
    )
    assert [h.resource.id for h in search(cat, "normalization")] == ["n"]
    assert [h.score >= 50 for h in search(cat, "normalisation")] == [True]


def test_a_company_in_the_title_too_does_not_outweigh_the_topic_word_as_typed() -> None:
    # 'linkedin detecting': two titles repeat the company and hold another form of the topic
    # word; the one holding the word as typed (rarer than all its forms together) comes first.
    titles = [
        ("typed", "Detecting interference: an A/B test of A/B tests"),
        ("form1", "Automated fake account detection at LinkedIn"),
        ("form2", "Viral spam content detection at LinkedIn"),
        ("form3", "Detect abusive sequences"),
        ("other", "Building the LinkedIn knowledge graph"),
    ]
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            Resource(id=rid, title=title, org="LinkedIn", sections=["s"]) for rid, title in titles
        ]
        + [
            Resource(id=f"x{i}", title=f"Anomaly detection {i}", org="Acme", sections=["s"])
            for i in range(20)
        ],
    )
    hits = search(cat, "LinkedIn detecting")
    assert hits[0].resource.id == "typed"
    assert {h.resource.id for h in hits[1:4]} == {"form1", "form2", "form3"}


def test_a_misspelt_word_that_begins_longer_words_is_still_corrected() -> None:
    # 'deta' begins 'details', but is no word of the catalogue: a typo of 'delta'.
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            Resource(
                id="fs", title="LakeFS", description="Versions of a data lake", sections=["s"]
            ),
            Resource(id="delta", title="Delta-Lake", description="A storage layer", sections=["s"]),
            Resource(id="notes", title="Release notes", description="The details", sections=["s"]),
        ],
    )
    assert next(h.resource.id for h in search(cat, "deta lake")) == "delta"


def test_another_spelling_counts_as_the_word_itself() -> None:
    cat = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            Resource(id="uk", title="User behaviour models", sections=["s"]),
            Resource(id="us", title="User behavior models", sections=["s"]),
        ],
    )
    for query in ("behaviour", "behavior"):
        hits = search(cat, query)
        assert len(hits) == 2 and hits[0].score == hits[1].score
