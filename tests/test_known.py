"""matching/known.py: "is it already in the catalogue?" for one candidate."""

from __future__ import annotations

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.matching.duplicates import DuplicateCandidate
from mlsd_cli.matching.duplicates import MatchIndex
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate

UBER = "https://eng.uber.com/michelangelo-machine-learning-platform/"


def _catalogue() -> Catalogue:
    return Catalogue(
        resources=[
            Resource("ubers-michelangelo", "Uber's Michelangelo", url=UBER),
            # "feast-2" was merged into "feast": an entry whose title gave "feast" (taken).
            Resource("feast", "Feast", url="https://feast.dev", aliases=["feast-2"]),
            Resource("hopsworks", "Hopsworks"),
            # An alias numbered from an id that is not this entry's: says nothing more.
            Resource("kafka", "Kafka", url="https://kafka.apache.org", aliases=["stream-part-2"]),
            Resource("the-log", "The Log", url="https://example.org/log", aliases=["logs"]),
        ]
    )


def _reasons(matches: list[DuplicateCandidate]) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.resource.id, c.reasons) for c in matches]


def test_a_url_variant_is_the_same_resource() -> None:
    verdict = check_candidate(
        _catalogue(),
        Candidate.of(["http://www.eng.uber.com/michelangelo-machine-learning-platform"]),
    )
    assert _reasons(verdict.same) == [("ubers-michelangelo", ("same-url",))]
    assert verdict.similar == []


def test_the_id_a_title_gives_names_the_entry_it_was_merged_into() -> None:
    cat = _catalogue()
    verdict = check_candidate(cat, Candidate.of(["https://other.org/x"], ["Logs"]))
    assert [(c.resource.id, c.reasons, c.alias) for c in verdict.same] == [
        ("the-log", ("merged",), "logs")
    ]
    # "[VIDEO] Logs" gives the id "logs" too, as the importer makes it.
    assert check_candidate(cat, Candidate.of([], ["[VIDEO] Logs"])).same[0].alias == "logs"
    # The numbered alias stands for the survivor's own id: a title that gives "feast".
    feast = check_candidate(cat, Candidate.of(["https://other.org/feast"], ["Feast"]))
    assert [(c.resource.id, c.reasons, c.alias) for c in feast.same] == [
        ("feast", ("merged", "similar-title"), "feast-2")
    ]
    # ... but not an id that only looks numbered from someone else's.
    assert check_candidate(cat, Candidate.of([], ["Stream part"])).empty


def test_a_url_less_title_is_the_same_only_between_url_less_ones() -> None:
    cat = _catalogue()
    same = check_candidate(cat, Candidate.of([], ["  hopsworks "]))
    assert _reasons(same.same) == [("hopsworks", ("same-title", "similar-title"))]
    with_url = check_candidate(cat, Candidate.of(["https://hopsworks.ai"], ["Hopsworks"]))
    assert with_url.same == [] and _reasons(with_url.similar) == [("hopsworks", ("similar-title",))]


def test_the_edited_entry_and_its_declared_pairs_are_left_out() -> None:
    cat = _catalogue()
    cat.not_duplicates = [("hopsworks", "ubers-michelangelo")]
    candidate = Candidate.of([UBER], ["Hopsworks"], exclude_id="ubers-michelangelo")
    assert check_candidate(cat, candidate).empty
    candidate = Candidate.of([UBER], ["Hopsworks"], exclude_id="the-log")
    verdict = check_candidate(cat, candidate)
    assert [c.resource.id for c in verdict.same] == ["ubers-michelangelo"]
    assert [c.resource.id for c in verdict.similar] == ["hopsworks"]


def test_an_index_kept_by_the_caller_sees_what_it_adds() -> None:
    cat = _catalogue()
    index = MatchIndex(cat.resources)
    candidate = Candidate.of(["https://youtu.be/8jTo3bVni3E"], ["Internals of Metaflow"])
    assert check_candidate(cat, candidate, index=index).empty
    video = Resource("internals", "Metaflow", url="https://www.youtube.com/watch?v=8jTo3bVni3E")
    cat.resources.append(video)
    index.add(video)
    assert _reasons(check_candidate(cat, candidate, index=index).same) == [
        ("internals", ("same-url",))
    ]


def test_the_same_resource_comes_first_and_blank_values_are_dropped() -> None:
    cat = _catalogue()
    candidate = Candidate.of([None, " ", UBER, UBER], ["", "Feast", None])
    assert candidate.urls == (UBER,) and candidate.titles == ("Feast",)
    verdict = check_candidate(cat, candidate)
    assert [c.resource.id for c in verdict.same] == ["ubers-michelangelo", "feast"]
    assert verdict.ids() == {"ubers-michelangelo", "feast"}
