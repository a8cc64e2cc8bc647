"""Title normalisation: ways of typing one title give one string; numbers are kept."""

from __future__ import annotations

import pytest

from mlsd_cli.matching.titles import normalize_title
from mlsd_cli.matching.titles import title_numbers


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Uber’s Michelangelo", "ubers michelangelo"),
        ("Uber's Michelangelo", "ubers michelangelo"),
        ("Reverse ETL — A Primer", "reverse etl a primer"),
        ("Reverse ETL – A Primer", "reverse etl a primer"),
        ("Machine Learning-Powered Search", "machine learning powered search"),
        ("[VIDEO] Internals of Metaflow", "internals of metaflow"),
        (
            "[Paper] Automating Large-Scale Data Quality Verification",
            "automating large scale data quality verification",
        ),
        (
            "[KDD '17 Paper] A TensorFlow-Based Production-Scale Machine Learning Platform",
            "a tensorflow based production scale machine learning platform",
        ),
        (
            "Practical Lessons from Predictiong Clicks on Ads at Facebook (Search Online)",
            "practical lessons from predictiong clicks on ads at facebook",
        ),
        ("Weapons of Math Destruction (search online)", "weapons of math destruction"),
        ("Beyond incremental processing [PDF]", "beyond incremental processing"),
        (
            "Video: The Many Meanings of Event-Driven Architecture",
            "the many meanings of event driven architecture",
        ),
        ("Powered by AI | by Instagram Engineering | Medium", "powered by ai"),
        ("Open-Sourcing Metaflow - Netflix TechBlog", "open sourcing metaflow"),
        ("Ｆｅａｔｕｒｅ Ｓｔｏｒｅｓ", "feature stores"),
        ("“Quoted” ‘title’", "quoted title"),
        ("Wide & Deep Learning", "wide and deep learning"),
        ("Streaming SQL w/ Apache Flink", "streaming sql with apache flink"),
        ("  Many   spaces\there ", "many spaces here"),
        ("STRAßE", "strasse"),
        ("C++ and C# for ML", "c++ and c# for ml"),
        ("snake_case_title", "snake case title"),
    ],
)
def test_normalize_title(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Stream Processing Hard Problems – Part I: Killing Lambda",
            "stream processing hard problems part 1 killing lambda",
        ),
        ("Part II", "part 2"),
        ("Part Two", "part 2"),
        ("Chapter iv", "chapter 4"),
        ("Designing ML Systems, 2nd edition", "designing ml systems 2 edition"),
        ("The 1st of many", "the 1 of many"),
        # A lone "I" is a word, not a numeral.
        ("What I wish I knew", "what i wish i knew"),
    ],
)
def test_numbers_are_made_comparable(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


def test_a_title_that_is_only_a_tag_keeps_its_words() -> None:
    assert normalize_title("[VIDEO]") == "video"
    assert normalize_title("(Search Online)") == "search online"


def test_years_and_parts_are_not_stripped() -> None:
    assert normalize_title("State of AI (2019)") != normalize_title("State of AI (2020)")
    assert title_numbers(normalize_title("Part 2 of the 2019 report")) == (2, 2019)
    assert title_numbers(normalize_title("Part II")) == title_numbers(normalize_title("part 2"))
    assert title_numbers(normalize_title("No numbers here")) == ()


def test_normalising_twice_changes_nothing() -> None:
    for title in (
        "[VIDEO] Uber’s Michelangelo — Part II (Search Online)",
        "A/B testing — Is there a better way?",
    ):
        once = normalize_title(title)
        assert normalize_title(once) == once
