"""The one kind guesser (matching/kinds.py): its URL table, the importer's title and words, and
``mlsd add`` and ``mlsd import`` giving one URL the same kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.matching.kinds import guess_kind
from mlsd_cli.matching.kinds import kind_from_url
from mlsd_cli.matching.kinds import without_kind_prefix

Cli = Callable[..., Result]

#: The URLs on which the importer's and add's guessers used to disagree, and the decision.
DECIDED = [
    # O'Reilly Radar publishes articles; O'Reilly books live under /library/view/.
    ("https://www.oreilly.com/radar/what-is-mlops/", "blog"),
    ("https://www.oreilly.com/library/view/designing-machine-learning/9781098107956/", "book"),
    ("https://learning.oreilly.com/library/view/ddia/9781491903063/", "book"),
    ("https://www.oreilly.com/conferences/", None),
    # A USENIX presentation page is a paper's page; the conference's own page says nothing.
    ("https://www.usenix.org/conference/opml19/presentation/sculley", "paper"),
    ("https://www.usenix.org/conference/opml20", None),
    # A Reddit post with its comments is a thread; a subreddit's front page is not.
    ("https://www.reddit.com/r/MachineLearning/comments/abc123/d_some_question/", "thread"),
    ("https://www.reddit.com/r/MachineLearning/", None),
    ("https://podcasts.google.com/feed/aHR0cHM6Ly9mZWVk", "podcast"),
    # An Amazon product page in a reading list is a book, /gp/product/ as /dp/.
    ("https://www.amazon.com/gp/product/1098107969", "book"),
    ("https://www.amazon.co.uk/Designing-Machine-Learning-Systems/dp/1098107969", "book"),
    ("https://aws.amazon.com/sagemaker/", None),
    # blog.twitter.com is a blog (the sub-domain wins over the site's threads).
    ("https://blog.twitter.com/engineering/en_us/topics/insights/2020/x", "blog"),
    ("https://hackernoon.com/spotifys-discover-weekly-19a41ab76efe", "blog"),
    ("https://proceedings.mlr.press/v28/zhang13d.html", "paper"),
    ("https://www.aaai.org/Papers/AAAI/1986/AAAI86-084.pdf", "paper"),
    ("https://doordash.engineering/2020/x", "blog"),
]


@pytest.mark.parametrize(("url", "kind"), DECIDED)
def test_the_decided_cases(url: str, kind: str | None) -> None:
    assert kind_from_url(url) == kind
    assert guess_kind("A title", url) == (kind or "other")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/abs/1706.03762", "paper"),
        ("https://arxiv.org/pdf/1706.03762", "paper"),
        ("https://dl.acm.org/doi/10.1145/2939672.2939785", "paper"),
        ("https://doi.org/10.1145/3219819.3219885", "paper"),
        (
            "https://proceedings.neurips.cc/paper/2015/hash/86df7dcfd896fcaf2674f757a2463eba",
            "paper",
        ),
        ("https://openreview.net/forum?id=abc", "paper"),
        ("https://example.com/files/report.PDF", "paper"),
        ("https://www.youtube.com/watch?v=abc", "video"),
        ("https://youtu.be/abc", "video"),
        ("https://vimeo.com/12345", "video"),
        ("https://speakerdeck.com/someone/talk", "slides"),
        ("https://www.slideshare.net/x/y", "slides"),
        ("https://docs.google.com/presentation/d/abc/edit", "slides"),
        ("https://example.com/slides/mlsys.pdf", "slides"),
        ("https://twitter.com/karpathy/status/1", "thread"),
        ("https://x.com/karpathy/status/1", "thread"),
        ("https://podcasts.apple.com/us/podcast/x/id1", "podcast"),
        ("https://www.coursera.org/learn/ml", "course"),
        ("https://stanford-cs329s.github.io/class/syllabus.html", "course"),
        ("https://www.oreilly.com/library/view/designing-machine-learning/9781098107956/", "book"),
        ("https://netflixtechblog.com/some-post-123", "blog"),
        ("https://engineering.fb.com/2023/x", "blog"),
        ("https://medium.com/@x/y", "blog"),
        ("https://www.infoq.com/presentations/ml-platform/", "talk"),
        ("https://example.com/", None),
        ("not a url", None),
    ],
)
def test_kind_from_url(url: str, kind: str | None) -> None:
    assert kind_from_url(url) == kind


@pytest.mark.parametrize(
    ("title", "url", "kind"),
    [
        ("[VIDEO] Internals of Metaflow", "https://example.org/x", "video"),
        (
            "[Paper] Automating Large-Scale Data Quality Verification",
            "https://example.org/x",
            "paper",
        ),
        ("[KDD '17 Paper] A TensorFlow-Based Platform", None, "paper"),
        ("[Slides] A deck", None, "slides"),
        ("A talk", "https://www.youtube.com/watch?v=1", "video"),
        ("A talk", "https://vimeo.com/1", "video"),
        ("A paper", "https://arxiv.org/abs/1706.04599", "paper"),
        ("A paper", "https://dl.acm.org/doi/10.1145/1", "paper"),
        ("A paper", "http://proceedings.mlr.press/v97/zhao19a.html", "paper"),
        ("Slides", "https://docs.google.com/presentation/d/1/edit", "slides"),
        ("A thread", "https://twitter.com/chipro/status/1", "thread"),
        ("A book", "https://www.amazon.com/Weapons/dp/0553418815", "book"),
        ("A service", "https://aws.amazon.com/sagemaker/", "other"),
        ("A post", "https://blog.twitter.com/engineering/x.html", "blog"),
        ("A post", "https://medium.com/x/y", "blog"),
        ("Something", "https://example.org/page", "other"),
        ("Something", None, "other"),
    ],
)
def test_importer_guess_kind(title: str, url: str | None, kind: str) -> None:
    assert guess_kind(title, url) == kind


def test_the_title_tag_comes_first_then_the_url_then_the_words() -> None:
    assert guess_kind("[VIDEO] Internals", "https://arxiv.org/abs/1706.03762") == "video"
    assert guess_kind("A course about slides", "https://arxiv.org/abs/1706.03762") == "paper"
    assert guess_kind("Feature stores", "https://example.org/x", "the slide deck") == "slides"
    assert guess_kind("Feature stores", None, "a free course on it") == "course"
    assert without_kind_prefix("[VIDEO] Internals") == "Internals"
    assert without_kind_prefix("[VIDEO]") == "[VIDEO]"


# ----------------------------------------------------------------- add and import agree

#: URLs with a kind, as both commands see them (add without fetching: the URL alone).
AGREED = [(url, kind) for url, kind in DECIDED if kind] + [
    ("https://arxiv.org/abs/1706.03762", "paper"),
    ("https://www.youtube.com/watch?v=abc", "video"),
    ("https://speakerdeck.com/someone/talk", "slides"),
    ("https://www.infoq.com/presentations/ml-platform/", "talk"),
    ("https://www.coursera.org/learn/ml", "course"),
    ("https://medium.com/@x/y", "blog"),
    ("https://x.com/karpathy/status/1", "thread"),
]


@pytest.fixture
def one_section(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Mine")
    text = path.read_text(encoding="utf-8") + '\n[[sections]]\nid = "reading"\ntitle = "Reading"\n'
    path.write_text(text, encoding="utf-8")
    store.load(path)  # a valid catalogue
    return path


def test_add_and_import_give_every_url_the_same_kind(
    cli: Cli, one_section: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(
        "# Reading\n\n"
        + "".join(f"- [Item number {n}]({url})\n" for n, (url, _) in enumerate(AGREED)),
        encoding="utf-8",
    )
    imported = tmp_path / "imported.toml"
    store.init_catalogue(imported, title="Imported")
    result = cli("import", str(listing), "-c", str(imported), "--json")
    assert result.exit_code == 0, result.stderr
    by_import = {r["url"]: r["kind"] for r in json.loads(result.stdout)["added"]}
    by_add = {}
    for n, (url, _) in enumerate(AGREED):
        result = cli(
            "add", url, "--title", f"Item number {n}", "--section", "reading",
            "--no-fetch", "--yes", "--json", "-c", str(one_section),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        by_add[url] = json.loads(result.stdout)["kind"]
    expected = dict(AGREED)
    assert by_import == expected
    assert by_add == expected


def test_a_url_no_rule_knows_is_other_in_import_and_asked_for_by_add(
    cli: Cli, one_section: Path, tmp_path: Path
) -> None:
    url = "https://example.org/page"
    assert kind_from_url(url) is None
    listing = tmp_path / "list.md"
    listing.write_text(f"- [Some page]({url})\n", encoding="utf-8")
    result = cli("import", str(listing), "-c", str(one_section), "--dry-run", "--json")
    assert [r["kind"] for r in json.loads(result.stdout)["added"]] == ["other"]
    result = cli(
        "add", url, "--title", "Another page", "--section", "reading", "--no-fetch", "--yes",
        "-c", str(one_section),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "missing kind" in result.stderr
