"""Page metadata: parsing fixture pages (pure) and fetching from a real local HTTP server."""

from __future__ import annotations

import socket

import pytest

from mlsd_cli.errors import MlsdError
from mlsd_cli.web.metadata import MetadataError
from mlsd_cli.web.metadata import PageMetadata
from mlsd_cli.web.metadata import decode_html
from mlsd_cli.web.metadata import fetch_metadata
from mlsd_cli.web.metadata import parse_html_metadata
from mlsd_cli.web.metadata import trim_title

from .httpserver import PDF_BYTES
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import html_page
from .httpserver import http_server as http_server  # the fixture
from .httpserver import json_ld
from .httpserver import redirect

# ----------------------------------------------------------------- fixture pages

BLOG_PAGE = html_page(
    title="Ignored <title> | Netflix TechBlog",
    meta=[
        ("property", "og:title", "Supporting Diverse ML Systems at Netflix"),
        ("property", "og:description", "How Metaflow grew up."),
        ("name", "description", "A lesser description."),
        ("property", "og:site_name", "Netflix TechBlog"),
        ("property", "og:type", "article"),
        ("property", "article:author", "https://medium.com/@netflixtechblog"),
        ("property", "article:author", "David J. Berg"),
        ("property", "article:published_time", "2024-03-07T18:01:02.123Z"),
    ],
)

ARXIV_PAGE = html_page(
    title="[1706.03762] Attention Is All You Need",
    meta=[
        ("name", "citation_title", "Attention Is All You Need"),
        ("name", "citation_author", "Vaswani, Ashish"),
        ("name", "citation_author", "Shazeer, Noam"),
        ("name", "citation_author", "Parmar, Niki"),
        ("name", "citation_author", "Shazeer, Noam"),  # repeated: kept once
        ("name", "citation_date", "2017/06/12"),
        ("name", "citation_online_date", "2023/08/02"),
        ("name", "twitter:title", "Attention (twitter card)"),
        ("property", "og:description", "The dominant sequence transduction models..."),
    ],
)

TWITTER_ONLY_PAGE = html_page(
    title="Site title",
    meta=[
        ("name", "twitter:title", "Real-time machine learning: challenges and solutions"),
        ("name", "twitter:description", "Online prediction and continual learning."),
        ("name", "author", "Chip Huyen"),
    ],
)

BARE_PAGE = "<html><head><title>  Just   a\n title </title></head><body>x</body></html>"


def test_open_graph_wins_over_title_and_meta_description() -> None:
    meta = parse_html_metadata(BLOG_PAGE, "https://netflixtechblog.com/supporting-diverse-ml")
    assert meta.title == "Supporting Diverse ML Systems at Netflix"
    assert meta.description == "How Metaflow grew up."
    assert meta.site_name == "Netflix TechBlog"
    assert meta.authors == ["David J. Berg"]  # the profile URL is not a name
    assert meta.year == 2024
    assert meta.kind == "blog"


def test_citation_tags_give_a_paper_with_authors_in_order() -> None:
    meta = parse_html_metadata(ARXIV_PAGE, "https://arxiv.org/abs/1706.03762")
    assert meta.title == "Attention Is All You Need"  # citation_title beats twitter:title
    assert meta.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert meta.year == 2017  # citation_date beats citation_online_date
    assert meta.description == "The dominant sequence transduction models..."
    assert meta.kind == "paper"
    assert meta.site_name is None


def test_twitter_card_and_meta_author_when_nothing_better() -> None:
    meta = parse_html_metadata(TWITTER_ONLY_PAGE, "https://huyenchip.com/2022/01/02/rt.html")
    assert meta.title == "Real-time machine learning: challenges and solutions"
    assert meta.description == "Online prediction and continual learning."
    assert meta.authors == ["Chip Huyen"]
    assert meta.year is None


def test_missing_tags_leave_fields_empty() -> None:
    meta = parse_html_metadata(BARE_PAGE, "https://example.com/x")
    assert meta == PageMetadata(url="https://example.com/x", title="Just a title")
    empty = parse_html_metadata("<p>no head at all", "https://example.com/y")
    assert (empty.title, empty.description, empty.authors, empty.year) == (None, None, [], None)


def test_conflicting_tags_first_non_empty_wins() -> None:
    page = html_page(
        title="Page",
        meta=[
            ("property", "og:title", "   "),  # empty: skipped
            ("property", "og:title", "First OG title"),
            ("property", "og:title", "Second OG title"),
            ("name", "citation_title", "Citation title"),
            ("name", "description", "Meta description"),
            ("name", "twitter:description", "Twitter description"),
            ("name", "citation_publication_date", "2019-05-02"),
            ("property", "article:published_time", "2021-01-01T00:00:00Z"),
            ("name", "author", "Jane Roe, John Doe and Ann Lee"),
        ],
    )
    meta = parse_html_metadata(page, "https://example.org/p")
    assert meta.title == "First OG title"
    assert meta.description == "Meta description"
    assert meta.year == 2019
    assert meta.authors == ["Jane Roe", "John Doe", "Ann Lee"]
    assert meta.kind == "paper"  # citation tags on an unknown site


def test_json_ld_gives_date_and_authors() -> None:
    page = html_page(
        title="A post - Medium",
        head_extra=json_ld(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "WebSite", "name": "Medium"},
                    {
                        "@type": "BlogPosting",
                        "datePublished": "2020-11-30T08:00:00Z",
                        "author": [{"@type": "Person", "name": "Eugene Yan"}],
                    },
                ],
            }
        )
        + '<script type="application/ld+json">{not json</script>',
    )
    meta = parse_html_metadata(page, "https://medium.com/@x/a-post-123")
    assert meta.title == "A post"
    assert meta.year == 2020
    assert meta.authors == ["Eugene Yan"]


def test_entities_and_unparseable_dates() -> None:
    page = (
        "<html><head>"
        '<meta property="og:title" content="Feature stores &amp; friends &#8212; part&nbsp;2">'
        '<meta name="citation_date" content="unknown">'
        '<meta property="og:type" content="video.other"/>'
        "</head></html>"
    )
    meta = parse_html_metadata(page, "https://example.com/talk")
    assert meta.title == "Feature stores & friends \u2014 part 2"
    assert meta.year is None
    assert meta.kind == "video"


@pytest.mark.parametrize(
    ("title", "url", "site", "expected"),
    [
        (
            "Lessons learned | Netflix TechBlog",
            "https://netflixtechblog.com/l",
            None,
            "Lessons learned",
        ),
        ("Feature stores - Medium", "https://medium.com/@a/b", None, "Feature stores"),
        ("Title. Sub | by Jane Doe | Medium", "https://medium.com/p/1", None, "Title. Sub"),
        (
            "Michelangelo | Uber Blog",
            "https://www.uber.com/blog/michelangelo/",
            None,
            "Michelangelo",
        ),
        (
            "Real-time ML - Challenges and Solutions",
            "https://huyenchip.com/a",
            None,
            "Real-time ML - Challenges and Solutions",
        ),
        ("Shop | Acme Corp", "https://example.com/", "Acme Corp", "Shop"),
        ("Acme Corp | Shop", "https://example.com/", "Acme Corp", "Shop"),
        ("[2104.05158v7] Some Paper", "https://arxiv.org/abs/2104.05158", None, "Some Paper"),
        ("How we built it - YouTube", "https://www.youtube.com/watch?v=x", None, "How we built it"),
        ("Medium", "https://medium.com/", None, "Medium"),  # never trimmed to nothing
    ],
)
def test_trim_title(title: str, url: str, site: str | None, expected: str) -> None:
    assert trim_title(title, url, site) == expected


def test_decode_with_the_declared_charset() -> None:
    text = "<title>Café à la carte</title>"
    assert "Café" in decode_html(text.encode("cp1252"), "text/html; charset=windows-1252")
    meta_declared = b'<meta charset="iso-8859-1"><title>Caf\xe9</title>'
    assert "Café" in decode_html(meta_declared, "text/html")
    assert "Café" in decode_html(text.encode("utf-8"), None)
    assert decode_html(b"<title>x</title>", "text/html; charset=no-such-charset") == (
        "<title>x</title>"
    )


# ----------------------------------------------------------------- fetching from a real server


def test_fetch_follows_redirects_and_reads_the_page(http_server: TestServer) -> None:
    http_server.route("/old", redirect("/newer", 301))
    http_server.route("/newer", redirect("/post", 302))
    http_server.route("/post", Reply(200, BLOG_PAGE))
    meta = fetch_metadata(http_server.url("/old"), timeout=5)
    assert meta.url == http_server.url("/old")
    assert meta.final_url == http_server.url("/post")
    assert meta.title == "Supporting Diverse ML Systems at Netflix"
    assert meta.year == 2024
    _method, _path, headers = http_server.requests[0]
    assert headers["User-Agent"].startswith("mlsd/")


def test_fetch_decodes_the_charset_of_the_response(http_server: TestServer) -> None:
    page = html_page(title="Résumé de l’été").encode("cp1252")
    http_server.route("/fr", Reply(200, page, content_type="text/html; charset=windows-1252"))
    assert fetch_metadata(http_server.url("/fr"), timeout=5).title == "Résumé de l’été"


def test_fetch_a_pdf_gives_a_paper(http_server: TestServer) -> None:
    http_server.route("/download", Reply(200, PDF_BYTES, content_type="application/pdf"))
    meta = fetch_metadata(http_server.url("/download"), timeout=5)
    assert meta.kind == "paper"
    assert meta.final_url == http_server.url("/download")
    assert meta.title is None


def test_fetch_other_non_html_content(http_server: TestServer) -> None:
    http_server.route("/data.json", Reply(200, '{"a": 1}', content_type="application/json"))
    meta = fetch_metadata(http_server.url("/data.json"), timeout=5)
    assert meta.title is None and meta.kind is None


def test_fetch_stops_reading_an_endless_page(http_server: TestServer) -> None:
    # No </head>: only the byte cap stops the download.
    http_server.route("/endless", Reply(200, "<html><head><title>Endless</title>", endless=True))
    meta = fetch_metadata(http_server.url("/endless"), timeout=5, max_bytes=50_000)
    assert meta.title == "Endless"


def test_fetch_stops_a_slow_drip_at_the_deadline(http_server: TestServer) -> None:
    http_server.route(
        "/drip", Reply(200, "<html><head><title>Drip</title>", endless=True, drip=0.05)
    )
    meta = fetch_metadata(http_server.url("/drip"), timeout=0.5)
    assert meta.title == "Drip"


@pytest.mark.parametrize(
    ("status", "text"), [(404, "HTTP 404"), (410, "HTTP 410"), (500, "HTTP 500")]
)
def test_fetch_http_errors_raise_one_line(http_server: TestServer, status: int, text: str) -> None:
    http_server.route("/gone", Reply(status, "gone"))
    with pytest.raises(MetadataError) as info:
        fetch_metadata(http_server.url("/gone"), timeout=5)
    assert text in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, MlsdError)


def test_fetch_timeout_raises(http_server: TestServer) -> None:
    http_server.route("/slow", Reply(200, BLOG_PAGE, delay=3))
    with pytest.raises(MetadataError, match=r"timed out after 0\.3 s"):
        fetch_metadata(http_server.url("/slow"), timeout=0.3)


def test_fetch_redirect_loop_raises(http_server: TestServer) -> None:
    http_server.route("/a", redirect("/b", 302))
    http_server.route("/b", redirect("/a", 302))
    with pytest.raises(MetadataError, match="too many redirects"):
        fetch_metadata(http_server.url("/a"), timeout=5)


def test_fetch_refused_connection_raises() -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(MetadataError, match="connection refused"):
        fetch_metadata(f"http://127.0.0.1:{port}/", timeout=5)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_fetch_only_http(url: str) -> None:
    with pytest.raises(MetadataError, match="give an http"):
        fetch_metadata(url)
