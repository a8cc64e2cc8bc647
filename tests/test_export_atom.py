"""``mlsd export --format atom``: a valid Atom feed of the newest entries, read back with
feedparser (a real feed library: it reports a malformed feed through ``bozo``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import feedparser
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import export

from . import ondisk

Run = Callable[..., Result]


def catalogue() -> Catalogue:
    return Catalogue(
        title="Test list",
        description="New & notable.",
        sections=[Section("s", "S")],
        resources=[
            Resource(
                "old",
                "Old one",
                "paper",
                ["s"],
                url="https://example.com/old",
                added=date(2025, 1, 5),
                authors=["A. Author", "B. Author"],
                year=2017,
            ),
            Resource("undated", "No date", "blog", ["s"], url="https://example.com/u"),
            Resource(
                "new",
                "New <one> & “quoted”",
                "blog",
                ["s"],
                url="https://example.com/new",
                added=date(2026, 3, 1),
                tags=["feature-store", "mlops"],
                org="Netflix",
                description="A *fine* post with [a link](https://example.org/x).",
            ),
            Resource(
                "mid",
                "Middle\x01 one",
                "talk",
                ["s"],
                url="javascript:alert(1)",
                added=date(2026, 2, 1),
            ),
        ],
    )


def catalogue_file(tmp_path: Path, n: int, description: str = "") -> Path:
    """A catalogue file holding the first ``n`` resources of :func:`catalogue`."""
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Test list")
    with ondisk.editing(path) as cat:
        cat.description = description
        cat.sections, cat.resources = catalogue().sections, catalogue().resources[:n]
    return path


def parse(text: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(text.encode("utf-8"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_lists_dated_entries_newest_first() -> None:
    feed = parse(export(catalogue(), "atom"))
    assert feed.feed.title == "Test list — new entries"
    assert feed.feed.updated == "2026-03-01T00:00:00Z"
    assert [e.title for e in feed.entries] == ["New <one> & “quoted”", "Middle one", "Old one"]
    new, mid, old = feed.entries
    assert new.id == "urn:mlsd:test-list:new" and new.link == "https://example.com/new"
    assert new.published == "2026-03-01T00:00:00Z"
    assert [t.term for t in new.tags] == ["feature-store", "mlops"]
    assert "<em>fine</em>" in new.content[0].value
    assert 'href="https://example.org/x"' in new.content[0].value
    assert [a.name for a in old.authors] == ["A. Author", "B. Author"]
    assert "links" not in mid or all(link.href.startswith("http") for link in mid.links)


def test_limit_keeps_the_newest() -> None:
    feed = parse(export(catalogue(), "atom", ExportOptions(limit=1)))
    assert [e.id for e in feed.entries] == ["urn:mlsd:test-list:new"]


def test_an_empty_feed_is_still_valid() -> None:
    feed = parse(export(Catalogue(title="Empty"), "atom"))
    assert feed.entries == [] and feed.feed.updated == "1970-01-01T00:00:00Z"


def test_cli_since_and_limit(cli: Run, tmp_path: Path) -> None:
    path = catalogue_file(tmp_path, 3)
    out = tmp_path / "feed.xml"
    result = cli("export", "-f", "atom", "--since", "2026-01-01", "-o", str(out), "-c", str(path))
    assert result.exit_code == 0, result.stderr
    assert [e.id for e in parse(out.read_text(encoding="utf-8")).entries] == [
        "urn:mlsd:test-list:new"
    ]
    result = cli("export", "-f", "atom", "-n", "1", "-c", str(path))
    assert [e.title for e in parse(result.stdout).entries] == ["New <one> & “quoted”"]
    bad = cli("export", "-f", "json", "-n", "1", "-c", str(path))
    assert bad.exit_code == 2 and "--limit applies to --format atom only" in bad.stderr


def test_the_html_page_links_the_feed(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Test list")
    page = cli("export", "-f", "html", "--feed", "feed.xml", "-c", str(path))
    assert page.exit_code == 0, page.stderr
    assert '<link rel="alternate" type="application/atom+xml" href="feed.xml">' in page.stdout
    assert '<a href="feed.xml">' in page.stdout
    bad = cli("export", "-f", "html", "--feed", "javascript:alert(1)", "-c", str(path))
    assert bad.exit_code == 2
    assert bad.stderr.startswith("mlsd: error: --feed: not a feed address")


def test_the_readme_links_the_feed(cli: Run, tmp_path: Path) -> None:
    """--feed puts one link under the description of the generated part, and --check holds
    the README to it (with the same --feed)."""
    from markdown_it import MarkdownIt

    path = catalogue_file(tmp_path, 1, description="New & notable.")
    readme = tmp_path / "README.md"
    readme.write_text("# My list\n\n<!-- mlsd:start -->\n<!-- mlsd:end -->\n", encoding="utf-8")
    args = ("export", "-f", "markdown", "-o", str(readme), "-c", str(path))
    assert cli(*args, "--feed", "feed.xml").exit_code == 0
    text = readme.read_text(encoding="utf-8")
    assert "New & notable.\n\nNew entries: [Atom feed](feed.xml)\n" in text
    tokens = MarkdownIt("commonmark").parse(text)
    links = [
        c.attrs["href"]
        for t in tokens
        if t.type == "inline"
        for c in t.children or []
        if c.type == "link_open"
    ]
    assert links.count("feed.xml") == 1
    assert cli(*args, "--feed", "feed.xml", "--check").exit_code == 0
    stale = cli(*args, "--check")  # the README links a feed the command was not told about
    assert stale.exit_code == 1 and "-New entries: [Atom feed](feed.xml)" in stale.stderr
    before = readme.read_bytes()
    for hostile in ("javascript:alert(1)", "feed.xml) [x](javascript:alert(1)", "a b.xml"):
        bad = cli(*args, "--feed", hostile)
        assert bad.exit_code == 2 and "--feed: not a feed address" in bad.stderr
    assert readme.read_bytes() == before
    wrong = cli("export", "-f", "csv", "--feed", "feed.xml", "-c", str(path))
    assert wrong.exit_code == 2
    assert "--feed applies to --format markdown, html and site only" in wrong.stderr


def test_every_site_page_links_the_feed(cli: Run, tmp_path: Path) -> None:
    path = catalogue_file(tmp_path, 1)
    site = tmp_path / "site"
    result = cli("export", "-f", "site", "--feed", "feed.xml", "-o", str(site), "-c", str(path))
    assert result.exit_code == 0, result.stderr
    pages = sorted(site.glob("*.html"))
    assert [p.name for p in pages] == ["index.html", "s.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<link rel="alternate" type="application/atom+xml" href="feed.xml">' in html
        assert '<p class="feed"><a href="feed.xml">Feed of new entries</a></p>' in html


def test_the_shipped_readme_links_the_shipped_feed() -> None:
    """The project's own list: README.md links feed.xml (`.ci/run` checks the README is what
    resources.toml gives), and feed.xml is exactly what resources.toml gives (so CI's test run
    fails when it was not regenerated), a valid feed of its newest entries."""
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    region = readme.split("<!-- mlsd:start -->", 1)[1]
    assert "\nNew entries: [Atom feed](feed.xml)\n" in region
    shipped = store.load(ROOT / "resources.toml")
    written = (ROOT / "feed.xml").read_text(encoding="utf-8")
    assert written == export(shipped, "atom"), "run: mlsd export --format atom -o feed.xml"
    feed = parse(written)
    dated = [r for r in shipped.resources if r.added is not None]
    assert len(feed.entries) == min(50, len(dated)) > 0
