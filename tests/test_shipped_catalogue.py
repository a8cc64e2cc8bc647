"""The shipped resources.toml: nothing of either seed list is lost, and it is curated."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rapidfuzz import fuzz

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue

from .conftest import BOOK_SEED
from .conftest import ROOT
from .conftest import SCALE_SEED
from .conftest import seed_path

SHIPPED = ROOT / "resources.toml"

#: Every URL of the seeds, found without the importer: anything that looks like an address.
_URL = re.compile(r"https?://[^\s)\]]+")

#: Links that live inside another item's description (they are not resources of their own).
DESCRIPTION_LINKS = {
    "https://blog.acolyer.org/2019/10/07/150-successful-machine-learning-models/",
    "https://twitter.com/jaykreps/status/1408159236794765314",
}

#: The url-less items of the book list, as written there, with their section heading. Those
#: merged into a linked entry name that entry's URL.
URL_LESS: list[tuple[str, str, str | None]] = [
    (
        "Practical Lessons from Predictiong Clicks on Ads at Facebook",
        "Chapter 5. Feature Engineering",
        None,
    ),
    (
        "Rules of Machine Learning: Best Practises for ML Engineering",
        "Training, debugging, and testing ML code",
        "https://developers.google.com/machine-learning/guides/rules-of-ml",
    ),
    (
        "Machine Learning with Flink in Weibo",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "Instructmentation, Observability and Monitoring of Machine Learning Models",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "10 Companies Killing it at DevOps",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "Streaming SQL to Unify Batch and Stream Processing w/ Apache Flink",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "How we scaled bert to serve 1+ billions daily request on cpu",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "Architecture of ML Systems 04 Operator Fusion and Runtime Adapation",
        "Chapter 7. Model Deployment and Prediction Service",
        None,
    ),
    (
        "Why Tiktok Made Its Users So Obsessive",
        "Chapter 8. Data Distribution Shifts and Monitoring",
        None,
    ),
    (
        "Improving Aggregate Recommendation Diversity Using Ranking-Based Techniques",
        "Chapter 8. Data Distribution Shifts and Monitoring",
        None,
    ),
    (
        "Recommendations as Treatments: Debiasing Learning and Evaluation",
        "Chapter 8. Data Distribution Shifts and Monitoring",
        None,
    ),
    (
        "A/B Testing - Is there a better way? An exploration of Multi-Armed Bandits",
        "Chapter 9. Continual Learning and Test in Production",
        "https://towardsdatascience.com/a-b-testing-is-there-a-better-way-an-exploration-of-multi-armed-bandits-98ca927b357d",
    ),
    (
        "A Contextual-Bandit Approach to Personalized News Article Recommendation",
        "Chapter 9. Continual Learning and Test in Production",
        None,
    ),
]

#: Sections of the case-study list: each names the company of its entries.
COMPANIES = [
    "Dropbox",
    "LinkedIn",
    "Instagram",
    "Netflix",
    "Spotify",
    "Google",
    "Twitter",
    "Amazon",
]


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return store.load(SHIPPED)


def _seed_urls(name: str) -> set[str]:
    return {u.rstrip(".,;:") for u in _URL.findall(seed_path(name).read_text(encoding="utf-8"))}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def test_the_file_is_canonical(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    catalogue = store.load(SHIPPED)
    assert store.dumps(catalogue) == text
    copy = tmp_path / "resources.toml"
    copy.write_bytes(SHIPPED.read_bytes())
    assert store.save(store.load(copy), copy) is False
    assert copy.read_bytes() == SHIPPED.read_bytes()


@pytest.mark.parametrize("seed", [SCALE_SEED, BOOK_SEED])
def test_every_seed_url_is_in_the_catalogue(shipped: Catalogue, seed: str) -> None:
    urls = {r.url for r in shipped.resources if r.url}
    descriptions = "\n".join(r.description for r in shipped.resources)
    seed_urls = _seed_urls(seed)
    assert seed_urls, "the regex found nothing: wrong seed file?"
    for url in sorted(seed_urls):
        if url in DESCRIPTION_LINKS:
            assert f"({url})" in descriptions, url
        else:
            assert url in urls, url


def test_seed_url_counts(shipped: Catalogue) -> None:
    # 12 case studies; 70 links of the book list (the two description links aside) of which
    # one (the A/B testing post) is also named, url-less, in chapter 9
    assert len(_seed_urls(SCALE_SEED)) == 12
    assert len(_seed_urls(BOOK_SEED) - DESCRIPTION_LINKS) == 70
    assert len(_seed_urls(SCALE_SEED) | _seed_urls(BOOK_SEED)) == 12 + 70 + 2
    assert len([r for r in shipped.resources if r.url]) == 12 + 70


def test_every_url_less_item_is_in_the_catalogue(shipped: Catalogue) -> None:
    book = seed_path(BOOK_SEED).read_text(encoding="utf-8")
    titles = shipped.section_titles()
    for title, section, merged_into in URL_LESS:
        assert title in book, f"oracle typo: {title!r} is not in the seed"
        if merged_into:
            entry = next(r for r in shipped.resources if r.url == merged_into)
        else:
            # the title as written, or with its typos fixed
            candidates = [
                r for r in shipped.resources if fuzz.ratio(_norm(r.title), _norm(title)) >= 85
            ]
            assert len(candidates) == 1, (title, [r.title for r in candidates])
            entry = candidates[0]
            assert entry.url is None
        assert section in [titles[s] for s in entry.sections], title
    assert len([r for r in shipped.resources if not r.url]) == len(
        [t for t in URL_LESS if t[2] is None]
    )


def test_duplicates_are_merged(shipped: Catalogue) -> None:
    urls = Counter(r.url for r in shipped.resources if r.url)
    assert [u for u, n in urls.items() if n > 1] == []
    titles = shipped.section_titles()
    rules = next(r for r in shipped.resources if "rules-of-ml" in (r.url or ""))
    assert {titles[s] for s in rules.sections} == {
        "Chapter 2. Introduction to Machine Learning Systems Design",
        "Training, debugging, and testing ML code",
    }
    assert rules.authors == ["Martin Zinkevich"]
    bandits = next(r for r in shipped.resources if "a-b-testing-is-there" in (r.url or ""))
    assert {titles[s] for s in bandits.sections} == {
        "Chapter 9. Continual Learning and Test in Production",
        "Contextual bandits",
    }
    assert (bandits.authors, bandits.venue, bandits.year) == (
        ["Greg Rafferty"],
        "Towards Data Science",
        2020,
    )


def test_free_text_chapter_notes_are_section_intros(shipped: Catalogue) -> None:
    intros = {s.title: s.intro for s in shipped.sections}
    assert intros["Chapter 5. Feature Engineering"].startswith("detecting if there is data leakage")
    assert "Edge Deployment: TVM" in intros["Chapter 7. Model Deployment and Prediction Service"]
    assert (
        "degenerate feedback loop" in intros["Chapter 8. Data Distribution Shifts and Monitoring"]
    )
    assert "4. continual learning" in intros["Chapter 9. Continual Learning and Test in Production"]


def test_catalogue_metadata_names_both_lists(shipped: Catalogue) -> None:
    assert shipped.title == "Machine Learning Systems Design"
    assert "Designing Machine Learning Systems at Scale" in shipped.description
    assert "*Designing Machine Learning Systems*" in shipped.description


def test_every_entry_is_curated(shipped: Catalogue) -> None:
    assert all(r.kind in KINDS for r in shipped.resources)
    assert all(r.tags for r in shipped.resources), [r.id for r in shipped.resources if not r.tags]
    others = [r for r in shipped.resources if r.kind == "other"]
    assert len(others) <= len(shipped.resources) // 8  # "other" is the exception


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("arxiv.org", "paper"),
        ("dl.acm.org", "paper"),
        ("proceedings.mlr.press", "paper"),
        ("aclanthology.org", "paper"),
        ("www.youtube.com", "video"),
        ("vimeo.com", "video"),
        ("twitter.com", "thread"),
        ("www.amazon.com", "book"),
        ("learning.oreilly.com", "book"),
    ],
)
def test_kinds_follow_the_site(shipped: Catalogue, host: str, kind: str) -> None:
    entries = [r for r in shipped.resources if r.url and urlsplit(r.url).hostname == host]
    assert entries, host
    assert {r.kind for r in entries} == {kind}


def test_case_studies_name_their_company(shipped: Catalogue) -> None:
    for company in COMPANIES:
        section = next(s for s in shipped.sections if s.title == company)
        entries = [r for r in shipped.resources if section.id in r.sections]
        assert entries and {r.org for r in entries} == {company}
    # and the book's case studies too
    orgs = {r.org for r in shipped.resources if "chapter-1" in r.sections}
    assert {
        "Airbnb",
        "Netflix",
        "Booking.com",
        "Lyft",
        "Instacart",
        "Dropbox",
        "Spotify",
        "Google",
    } <= orgs


def test_years_and_bylines_from_the_source(shipped: Catalogue) -> None:
    by_url = {r.url: r for r in shipped.resources if r.url}
    log = by_url[
        "https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying"
    ]
    assert (log.authors, log.venue, log.year, log.org) == (
        ["Jay Kreps"],
        "LinkedIn / Confluent",
        2013,
        "LinkedIn",
    )
    assert "streaming" in log.tags
    assert by_url["https://engineering.linkedin.com/blog/2020/feed-typed-ai-features"].year == 2020
    assert by_url["https://arxiv.org/abs/1706.04599"].tags[0] == "calibration"
