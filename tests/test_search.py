"""The search engine (library side): matching, typo tolerance, ranking, determinism."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.errors import InputError
from mlsd_cli.lookup.filters import make_filter
from mlsd_cli.lookup.search import INDEX_CACHE_MIN_RESOURCES
from mlsd_cli.lookup.search import STOP_WORDS
from mlsd_cli.lookup.search import SearchHit
from mlsd_cli.lookup.search import SearchIndex
from mlsd_cli.lookup.search import cached_index
from mlsd_cli.lookup.search import fold
from mlsd_cli.lookup.search import query_words
from mlsd_cli.lookup.search import search
from mlsd_cli.lookup.search import stem


def _catalogue() -> Catalogue:
    sections = [
        Section("case-studies", "Case studies"),
        Section("recsys", "Recommender systems"),
        Section("streaming", "Streaming systems", parent="data-eng"),
        Section("data-eng", "Data engineering fundamentals"),
    ]
    r = Resource
    resources = [
        r(
            id="airbnb-search-ranking",
            title="Machine Learning-Powered Search Ranking of Airbnb Experiences",
            kind="blog",
            sections=["case-studies"],
            url="https://medium.com/airbnb-engineering/search-ranking",
            org="Airbnb",
            authors=["Mihajlo Grbovic"],
            venue="Airbnb Engineering & Data Science",
            year=2019,
            tags=["search", "ranking"],
            description="A canonical example of the ranking and recommendation problem.",
        ),
        r(
            id="instagram-explore",
            title="Powered by AI: Instagram's Explore recommender system",
            kind="blog",
            sections=["recsys"],
            url="https://instagram-engineering.com/explore",
            org="Instagram",
            year=2019,
            tags=["recsys"],
        ),
        r(
            id="netflix-recommendations",
            title="Netflix Recommendations: Beyond the 5 stars",
            kind="blog",
            sections=["recsys"],
            org="Netflix",
            year=2012,
            description="How the Netflix Prize shaped the recommender systems of today.",
        ),
        r(
            id="metaflow",
            title="Open-Sourcing Metaflow, a Human-Centric Framework for Data Science",
            kind="blog",
            sections=["case-studies"],
            org="Netflix",
            year=2019,
            tags=["ml-platform"],
        ),
        r(
            id="the-log",
            title="The Log: What every software engineer should know about real-time data",
            kind="blog",
            sections=["streaming"],
            org="LinkedIn",
            authors=["Jay Kreps"],
            venue="LinkedIn Engineering",
            year=2013,
            tags=["streaming", "kafka"],
        ),
        r(
            id="feature-store-intro",
            title="What is a feature store?",
            kind="blog",
            sections=["data-eng"],
            authors=["Tomás Ortega"],
            tags=["feature-store"],
            description="Features for training and serving, kept consistent.",
        ),
        r(
            id="stream-features",
            title="Real-time features at scale",
            kind="talk",
            sections=["streaming"],
            description="We store features in a low-latency key-value store. See "
            "[the slides](https://example.com/medium-slides).",
        ),
        r(
            id="systems-book",
            title="Designing Machine Learning Systems",
            kind="book",
            sections=["case-studies"],
            authors=["Chip Huyen"],
            venue="O'Reilly",
            year=2022,
        ),
        r(
            id="fraud-lyft",
            title="From shallow to deep learning in fraud",
            kind="blog",
            sections=["case-studies"],
            org="Lyft",
            authors=["Hao Yi Ong"],
            year=2018,
            tags=["fraud"],
        ),
        r(
            id="booking-150",
            title="150 Successful Machine Learning Models: 6 Lessons Learned at Booking.com",
            kind="paper",
            sections=["case-studies"],
            org="Booking.com",
            authors=["Bernardi", "Mavridis", "Estevez"],
            venue="KDD",
            year=2019,
        ),
    ]
    return Catalogue(title="Test", sections=sections, resources=resources)


@pytest.fixture
def cat() -> Catalogue:
    return _catalogue()


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.resource.id for h in hits]


# ----------------------------------------------------------------- words


def test_query_words_fold_split_and_drop_stop_words() -> None:
    assert query_words("How to build a Feature-Store?") == ["build", "feature", "store"]
    assert query_words("Tomás  TOMÁS") == ["tomas"]
    assert query_words("the of") == []  # common words are ignored, even alone (issue 11)
    assert query_words("  ,;  ") == []
    assert {"the", "a", "of", "how"} <= STOP_WORDS


def test_fold_drops_case_and_accents() -> None:
    assert fold("Tomás Café STRASSE") == "tomas cafe strasse"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("systems", "system"),
        ("recommendations", "recommend"),
        ("recommender", "recommend"),
        ("recommendation", "recommend"),
        ("ranking", "rank"),
        ("libraries", "library"),
        ("class", "class"),
        ("user", "user"),
        ("kafka", "kafka"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


# ----------------------------------------------------------------- finding


def test_exact_words_find_the_entry(cat: Catalogue) -> None:
    hits = search(cat, "feature store")
    assert ids(hits)[0] == "feature-store-intro"
    assert {"feature", "store"} <= set(hits[0].matched)


def test_misspelt_query_still_finds_the_right_entries(cat: Catalogue) -> None:
    hits = search(cat, "recomender systm")
    top = ids(hits)[:3]
    assert "instagram-explore" in top
    assert "recommender" in hits[0].matched


def test_every_word_outranks_fuzzy_partial_matches(cat: Catalogue) -> None:
    hits = search(cat, "recommender system")
    assert ids(hits)[0] == "instagram-explore"  # both words, in the title
    complete = [h for h in hits if h.score >= 50]
    partial = [h for h in hits if h.score < 50]
    assert complete and partial
    assert hits.index(complete[-1]) < hits.index(partial[0])
    # netflix-recommendations has both (as other forms) in title and description
    assert "netflix-recommendations" in ids(complete)


def test_author_surname_finds_their_work(cat: Catalogue) -> None:
    assert ids(search(cat, "grbovic"))[0] == "airbnb-search-ranking"
    assert ids(search(cat, "Kreps"))[0] == "the-log"
    assert ids(search(cat, "huyen"))[0] == "systems-book"


def test_misspelt_surname(cat: Catalogue) -> None:
    assert ids(search(cat, "grbovich"))[0] == "airbnb-search-ranking"


def test_company_finds_its_case_studies(cat: Catalogue) -> None:
    hits = search(cat, "netflix")
    assert set(ids(hits)[:2]) == {"netflix-recommendations", "metaflow"}


def test_company_with_punctuation(cat: Catalogue) -> None:
    assert ids(search(cat, "booking.com"))[0] == "booking-150"


def test_stop_words_are_ignored(cat: Catalogue) -> None:
    assert ids(search(cat, "what is the log")) == ids(search(cat, "log"))


def test_prefix_finds_longer_words(cat: Catalogue) -> None:
    assert ids(search(cat, "metaf"))[0] == "metaflow"


def test_plural_and_other_forms(cat: Catalogue) -> None:
    assert ids(search(cat, "frauds"))[0] == "fraud-lyft"
    assert "instagram-explore" in ids(search(cat, "recommendations"))


def test_accents_are_folded(cat: Catalogue) -> None:
    assert ids(search(cat, "tomas ortega"))[0] == "feature-store-intro"
    assert ids(search(cat, "TOMÁS"))[0] == "feature-store-intro"


def test_section_titles_are_searched(cat: Catalogue) -> None:
    assert set(ids(search(cat, "fundamentals"))) == {"feature-store-intro"}
    # a sub-section's entries do not inherit the words of its parent's title
    assert "the-log" in ids(search(cat, "streaming"))


def test_description_is_searched_but_link_targets_are_not(cat: Catalogue) -> None:
    assert ids(search(cat, "low-latency")) == ["stream-features"]
    assert search(cat, "medium") == []  # only in link targets (and urls are not searched)


def test_nothing_matches(cat: Catalogue) -> None:
    assert search(cat, "zzzzqx blorf") == []


def test_short_words_match_only_whole_words_and_their_plural(cat: Catalogue) -> None:
    assert ids(search(cat, "ai")) == ["instagram-explore"]  # not "airbnb"
    assert search(cat, "ex") == []  # no prefixes: not "explore", "experiences"
    assert ids(search(cat, "star")) == ["netflix-recommendations"]  # "5 stars"
    assert ids(search(cat, "model")) == ["booking-150"]
    ads = Catalogue(
        sections=[Section("s", "S")],
        resources=[
            Resource(id="ads", title="Clicks on Ads", kind="paper", sections=["s"]),
            Resource(id="adam", title="Adam, an optimizer", kind="paper", sections=["s"]),
        ],
    )
    assert ids(search(ads, "ad")) == ["ads"]


def test_digits_are_not_corrected(cat: Catalogue) -> None:
    assert ids(search(cat, "150")) == ["booking-150"]
    assert search(cat, "151") == []


# ----------------------------------------------------------------- ranking


def test_field_weights_title_over_tags_over_venue_over_description() -> None:
    base = {"kind": "blog", "sections": ["s"]}
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[
            Resource(id="in-description", title="One", description="about kafka", **base),  # type: ignore[arg-type]
            Resource(id="in-venue", title="Two", venue="Kafka Summit", **base),  # type: ignore[arg-type]
            Resource(id="in-tags", title="Three", tags=["kafka"], **base),  # type: ignore[arg-type]
            Resource(id="in-title", title="Kafka at scale", **base),  # type: ignore[arg-type]
        ],
    )
    hits = search(cat, "kafka")
    assert ids(hits) == ["in-title", "in-tags", "in-venue", "in-description"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.score for h in hits}) == 4


def test_exact_word_outranks_other_forms_and_prefixes() -> None:
    base = {"kind": "blog", "sections": ["s"]}
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[
            Resource(id="prefix", title="Storage engines", **base),  # type: ignore[arg-type]
            Resource(id="plural", title="Stores", **base),  # type: ignore[arg-type]
            Resource(id="exact", title="Store", **base),  # type: ignore[arg-type]
        ],
    )
    assert ids(search(cat, "store")) == ["exact", "plural"]
    assert ids(search(cat, "stor")) == ["exact", "plural", "prefix"]


def test_phrase_in_title_ranks_first() -> None:
    base = {"kind": "blog", "sections": ["s"]}
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[
            Resource(id="apart", title="Store every feature", **base),  # type: ignore[arg-type]
            Resource(id="phrase", title="A feature store", **base),  # type: ignore[arg-type]
        ],
    )
    assert ids(search(cat, "feature store")) == ["phrase", "apart"]


def test_rarer_words_weigh_more_among_partial_matches() -> None:
    base = {"kind": "blog", "sections": ["s"]}
    common = [
        Resource(id=f"ml-{i}", title=f"Machine learning {i}", **base)  # type: ignore[arg-type]
        for i in range(8)
    ]
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[*common, Resource(id="kafka", title="Kafka", **base)],  # type: ignore[arg-type]
    )
    assert ids(search(cat, "machine kafka"))[0] == "kafka"


def test_scores_are_between_0_and_100_and_best_first(cat: Catalogue) -> None:
    for query in ("machine learning", "recomender systm", "netflix", "data"):
        hits = search(cat, query)
        assert hits, query
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s <= 100 for s in scores)


def test_ties_keep_catalogue_order_and_results_are_deterministic() -> None:
    base = {"kind": "blog", "sections": ["s"]}
    resources = [Resource(id=f"r{i}", title="Same title", **base) for i in range(20)]  # type: ignore[arg-type]
    cat = Catalogue(sections=[Section("s", "Section")], resources=resources)
    hits = search(cat, "same title")
    assert ids(hits) == [f"r{i}" for i in range(20)]
    assert ids(search(cat, "same title", limit=5)) == [f"r{i}" for i in range(5)]
    again = _catalogue()
    assert search(again, "machine learning") == search(_catalogue(), "machine learning")


# ----------------------------------------------------------------- options and errors


def test_limit(cat: Catalogue) -> None:
    full = search(cat, "learning")
    assert len(full) >= 3
    assert search(cat, "learning", limit=2) == full[:2]
    assert search(cat, "learning", limit=0) == []


def test_selection_restricts_the_search(cat: Catalogue) -> None:
    selection = make_filter(cat, kinds=["paper"])
    assert ids(search(cat, "machine learning", selection=selection)) == ["booking-150"]
    by_section = make_filter(cat, sections=["data-eng"])
    found = ids(search(cat, "features", selection=by_section))
    assert set(found) == {"feature-store-intro", "stream-features"}


def test_empty_query_is_an_input_error(cat: Catalogue) -> None:
    with pytest.raises(InputError, match="empty"):
        search(cat, "   ")
    with pytest.raises(InputError):
        search(cat, "?!")


def test_empty_catalogue() -> None:
    assert search(Catalogue(), "anything") == []


def test_text_containing_the_internal_separator() -> None:
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[
            Resource(id="odd", title="odd\x00title", kind="blog", sections=["s"]),
            Resource(id="next", title="next one", kind="blog", sections=["s"]),
        ],
    )
    assert ids(search(cat, "next")) == ["next"]
    assert ids(search(cat, "title")) == ["odd"]


def test_non_ascii_text_keeps_entries_apart() -> None:
    # 'ß' folds to two letters: later entries' offsets must not shift.
    cat = Catalogue(
        sections=[Section("s", "Section")],
        resources=[
            Resource(id="strasse", title="Große Straße ß ß ß", kind="blog", sections=["s"]),
            Resource(id="after", title="kafka", kind="blog", sections=["s"]),
            Resource(id="last", title="Flink", kind="blog", sections=["s"]),
        ],
    )
    assert ids(search(cat, "kafka")) == ["after"]
    assert ids(search(cat, "flink")) == ["last"]
    assert ids(search(cat, "strasse")) == ["strasse"]


# ----------------------------------------------------------------- the index and its cache


def _big_catalogue(n: int = INDEX_CACHE_MIN_RESOURCES) -> Catalogue:
    words = ["kafka", "feature", "store", "ranking", "fraud", "serving", "Grbović", "straße"]
    resources = [
        Resource(
            id=f"r{i}",
            title=f"{words[i % 8]} {words[(i * 3) % 8]} notes {i}",
            kind="blog",
            sections=["s"],
            org=["Uber", None, "Netflix"][i % 3],
            authors=[f"Author {words[(i * 5) % 8]}"],
            tags=["recsys"] if i % 7 == 0 else [],
            description=f"See [link](https://example.com/{i}) about {words[(i * 7) % 8]}.",
        )
        for i in range(n)
    ]
    return Catalogue(sections=[Section("s", "Section")], resources=resources)


QUERIES = ["kafka store", "fraud", "grbovic", "strasse", "recomender", "netflix serving", "example"]


def test_index_round_trips_through_bytes() -> None:
    cat = _big_catalogue(300)
    built = SearchIndex.build(cat)
    again = SearchIndex.from_bytes(built.to_bytes("key-1"), "key-1", 300)
    assert again is not None
    assert again.vocabulary() == built.vocabulary()
    for query in QUERIES:
        assert search(cat, query, index=again) == search(cat, query), query


@pytest.mark.parametrize(
    "spoil",
    [
        lambda b: b[:-10],  # truncated
        lambda b: b + b"x",  # longer than its header says
        lambda b: b"garbage" + b,  # not an index
        lambda b: re.sub(rb'"format": \d+', b'"format": 99', b),  # another format
        lambda b: b.replace(b'"parts": [', b'"parts": [-1, '),  # a header that lies
        lambda b: b"",
    ],
)
def test_a_spoilt_index_is_ignored(spoil: Callable[[bytes], bytes]) -> None:
    cat = _big_catalogue(300)
    data = SearchIndex.build(cat).to_bytes("key-1")
    assert SearchIndex.from_bytes(data, "key-1", 300) is not None
    assert SearchIndex.from_bytes(spoil(data), "key-1", 300) is None


@pytest.mark.parametrize(
    "bounds",
    [
        lambda b: list(reversed(b)),  # not increasing
        lambda b: [*b[:-1], b[-1] + 5],  # past the end of the text
        lambda b: [0, *b[1:]],  # an entry starting before the first
    ],
)
def test_an_index_with_impossible_offsets_is_ignored(
    bounds: Callable[[list[int]], list[int]],
) -> None:
    index = SearchIndex.build(_big_catalogue(300))
    index.fields[2].bounds = bounds(index.fields[2].bounds)
    assert SearchIndex.from_bytes(index.to_bytes("k"), "k", 300) is None


def test_an_index_for_another_key_or_size_is_ignored() -> None:
    data = SearchIndex.build(_big_catalogue(300)).to_bytes("key-1")
    assert SearchIndex.from_bytes(data, "key-2", 300) is None
    assert SearchIndex.from_bytes(data, "key-1", 299) is None


def test_a_mismatched_index_is_not_used() -> None:
    small = _big_catalogue(10)
    other = SearchIndex.build(_big_catalogue(20))
    assert search(small, "kafka", index=other) == search(small, "kafka")


def test_cached_index_is_written_once_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = _big_catalogue()
    path = tmp_path / "resources.toml"
    path.write_text("placeholder", encoding="utf-8")
    cache = tmp_path / "cache"
    first = cached_index(cat, path, "digest-1", cache)
    files = list(cache.glob("search-*.bin"))
    assert len(files) == 1

    def no_build(_catalogue: Catalogue) -> SearchIndex:
        raise AssertionError("the cached index was not used")

    monkeypatch.setattr(SearchIndex, "build", staticmethod(no_build))
    second = cached_index(cat, path, "digest-1", cache)
    for query in QUERIES:
        assert search(cat, query, index=second) == search(cat, query, index=first)
    monkeypatch.undo()
    # new content (another digest): rebuilt, and the one file replaced
    cached_index(cat, path, "digest-2", cache)
    assert list(cache.glob("search-*.bin")) == files
    assert SearchIndex.from_bytes(files[0].read_bytes(), "digest-2", len(cat.resources))


def test_small_catalogues_and_no_cache_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "resources.toml"
    cached_index(_big_catalogue(50), path, "d", tmp_path / "a")
    assert not (tmp_path / "a").exists()
    monkeypatch.setenv("MLSD_NO_CACHE", "1")
    cached_index(_big_catalogue(), path, "d", tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_unwritable_cache_directory_still_searches(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    cat = _big_catalogue()
    index = cached_index(cat, tmp_path / "resources.toml", "d", blocker / "cache")
    assert search(cat, "kafka", index=index) == search(cat, "kafka")


def test_repeated_texts_are_kept_once_and_find_the_same_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mlsd_cli.lookup import textindex

    cat = _big_catalogue(300)
    shared = SearchIndex.build(cat)
    by_name = {f.name: f for f in shared.fields}
    assert by_name["sections"].owners is not None and by_name["org"].owners is not None
    assert by_name["title"].owners is None  # every title differs
    monkeypatch.setattr(textindex, "DISTINCT_SHARE", 0.0)  # no field shares its texts
    plain = SearchIndex.build(cat)
    assert all(f.owners is None for f in plain.fields)
    for query in [*QUERIES, "section", "uber"]:
        assert search(cat, query, index=shared) == search(cat, query, index=plain), query


def test_the_best_n_are_the_first_n_of_every_result() -> None:
    # With a limit, only the entries containing every word are scored when there are enough.
    cat = _big_catalogue(300)
    for query in [*QUERIES, "notes", "kafka notes", "netflix"]:
        every = search(cat, query)
        for n in (1, 5, 40):
            assert search(cat, query, limit=n) == every[:n], (query, n)


def test_a_shared_field_with_impossible_owners_is_ignored() -> None:
    index = SearchIndex.build(_big_catalogue(300))
    org = index.fields[2]
    assert org.owners is not None
    holders, _starts = org.owners
    holders[0] = 300  # no such entry
    assert SearchIndex.from_bytes(index.to_bytes("k"), "k", 300) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.none()
        | st.text(max_size=30)
        | st.builds(
            "".join,
            st.lists(
                st.sampled_from(["http", "HTTPS", "x+y.z", "://", "/", "a", ".", "?", "#", "\n"]),
                max_size=8,
            ),
        ),
        max_size=6,
    )
)
def test_the_url_paths_of_a_column_are_each_url_s_path(urls: list[str | None]) -> None:
    from mlsd_cli.lookup.textindex import url_path
    from mlsd_cli.lookup.textindex import url_paths

    assert url_paths(urls) == [url_path(u) for u in urls]
