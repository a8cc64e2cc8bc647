"""The HTML export in a real browser: headless Chromium driven by Playwright.

Debian's ``chromium`` (``.ci/run`` installs it when missing; Playwright's own browser
download is never used). A browser that cannot start fails these tests: they never skip.
Every page is checked for console errors and uncaught exceptions, at a desktop and a phone
width; screenshots go to the test's tmp dir.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.formats.export import export
from mlsd_cli.formats.html_assets import fold
from mlsd_cli.formats.html_assets import slug

from .conftest import ROOT

pytestmark = pytest.mark.slow

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
#: Visible entries (rendered, not hidden by themselves or a section), counted once per id.
VISIBLE_IDS = """() => [...new Set([...document.querySelectorAll('li.entry')]
    .filter(li => li.offsetParent !== null).map(li => li.dataset.id))].sort()"""
VISIBLE_TOC = """() => [...document.querySelectorAll('.toc a')]
    .filter(a => a.offsetParent !== null || !document.querySelector('.toc details').open)
    .filter(a => !a.closest('li[hidden]')).map(a => a.getAttribute('href'))"""


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no chromium on PATH: apt-get install -y chromium (.ci/run does)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def open_page(request: pytest.FixtureRequest, browser: Any, tmp_path: Path) -> Iterator[Any]:
    """``open_page(html) -> page`` at the parametrized width; after the test, no console
    error, no uncaught exception and no dialog (alert, confirm) may have happened."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    problems: list[str] = []

    def opener(html: str, name: str = "page") -> Any:
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.viewport_name = request.param
        return page

    yield opener
    context.close()
    assert problems == []


def small() -> Catalogue:
    return Catalogue(
        title="Test list",
        description="A list to *browse*.",
        sections=[
            Section("vision", "Vision"),
            Section("detection", "Object detection", parent="vision"),
            Section("social", "Social"),
        ],
        resources=[
            Resource(
                "detr",
                "Détection d’objets de bout en bout",
                "paper",
                ["detection"],
                url="https://example.com/detr",
                year=2020,
                authors=["N. Carion"],
                org="Meta",
                tags=["transformers"],
            ),
            Resource(
                "ig",
                "Instagram’s explore recommender",
                "blog",
                ["social"],
                url="https://example.com/ig",
                year=2019,
                org="Meta",
                tags=["recsys"],
            ),
            Resource(
                "yolo",
                "You only look once",
                "paper",
                ["detection", "social"],
                url="https://example.com/yolo",
                year=2016,
                authors=["J. Redmon"],
                tags=["cnn"],
            ),
            Resource(
                "vit",
                "An image is worth 16x16 words",
                "paper",
                ["vision"],
                url="https://example.com/vit",
                year=2020,
                org="Google",
                tags=["transformers"],
            ),
        ],
    )


def visible(page: Any) -> list[str]:
    return list(page.evaluate(VISIBLE_IDS))


def expected(cat: Catalogue, query: str) -> list[str]:
    """The ids whose folded search text holds every folded word of ``query``."""
    from mlsd_cli.formats.html import search_text

    words = fold(query).split()
    return sorted(r.id for r in cat.resources if all(w in search_text(r) for w in words))


def test_the_shipped_catalogue_counts_resources_not_list_items(
    open_page: Any, tmp_path: Path
) -> None:
    cat = store.load(ROOT / "resources.toml")
    page = open_page(export(cat, "html"), "shipped")
    total = len(cat.resources)
    assert sum(len(r.sections) for r in cat.resources) > total  # entries in two sections
    assert page.text_content("#count") == f"{total} resources"
    assert len(visible(page)) == total
    for query in ("feature store", "netflix", "detection", "instagram's"):
        page.fill("#filter", query)
        ids = expected(cat, query)
        assert ids and visible(page) == ids, query
        assert page.text_content("#count") == f"{len(ids)} of {total} resources"
    # the typographic apostrophe of the shipped title, found with a typed one
    assert page.locator("li.entry:visible > a").all_inner_texts() == [
        "Powered by AI: Instagram’s Explore recommender system"
    ]
    page.screenshot(path=tmp_path / f"query-{page.viewport_name}.png")


def test_accents_and_apostrophes_fold(open_page: Any) -> None:
    cat = small()
    page = open_page(export(cat, "html"))
    for query, ids in [
        ("detection", ["detr"]),
        ("DÉTECTION", ["detr"]),
        ("instagram's", ["ig"]),
        ("instagrams", ["ig"]),
        ("d'objets", ["detr"]),
        ("meta 2020", ["detr"]),
        ("nothing-like-this", []),
    ]:
        page.fill("#filter", query)
        assert visible(page) == ids, query
    assert page.is_visible("#none")  # the last query matched nothing: says so


def test_the_section_navigation_follows_the_filter(open_page: Any) -> None:
    page = open_page(export(small(), "html"))
    hrefs = [a.get_attribute("href") for a in page.query_selector_all(".toc a")]
    assert hrefs == ["#vision", "#detection", "#social"]  # stable slugs of the section ids
    assert [s.get_attribute("id") for s in page.query_selector_all("main section")] == [
        slug(h[1:]) for h in hrefs
    ]
    counts = [n.text_content() for n in page.query_selector_all(".toc .n")]
    assert counts == ["3", "2", "2"]  # a section counts what sits below it, each once
    page.fill("#filter", "instagram")
    assert page.evaluate(VISIBLE_TOC) == ["#social"]
    assert [n.text_content() for n in page.query_selector_all(".toc li:not([hidden]) .n")] == ["1"]
    page.fill("#filter", "")
    assert page.evaluate(VISIBLE_TOC) == hrefs


def test_facets_narrow_with_counts(open_page: Any) -> None:
    page = open_page(export(small(), "html"))
    options = page.eval_on_selector(
        'select[data-facet="kind"]', "s => [...s.options].map(o => o.textContent)"
    )
    assert options == ["Kind: any", "paper (3)", "blog (1)"]
    years = page.eval_on_selector(
        'select[data-facet="year"]', "s => [...s.options].map(o => o.value)"
    )
    assert years == ["", "2020", "2019", "2016"]
    page.select_option('select[data-facet="kind"]', "paper")
    assert visible(page) == ["detr", "vit", "yolo"]
    page.select_option('select[data-facet="tag"]', "transformers")
    assert visible(page) == ["detr", "vit"]
    page.select_option('select[data-facet="org"]', "Google")
    assert visible(page) == ["vit"]
    assert page.text_content("#count") == "1 of 4 resources"
    page.click("#reset")
    assert len(visible(page)) == 4 and page.input_value("#filter") == ""


def test_each_entry_shows_byline_kind_and_tags(open_page: Any) -> None:
    page = open_page(export(small(), "html"))
    entry = page.locator('li.entry[data-id="detr"]').first
    assert entry.locator(".kind").inner_text().lower() == "paper"
    assert entry.locator(".byline").inner_text() == "N. Carion, 2020 · Meta"
    assert entry.locator(".tag").all_inner_texts() == ["#transformers"]
    assert entry.locator("a").first.get_attribute("href") == "https://example.com/detr"


def test_the_feed_is_linked_in_the_head_and_visibly(open_page: Any) -> None:
    from mlsd_cli.formats.export import ExportOptions

    page = open_page(export(small(), "html", ExportOptions(feed_url="feed.xml")))
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == "feed.xml"
    shown = page.get_by_role("link", name="Feed of new entries")
    assert shown.is_visible() and shown.get_attribute("href") == "feed.xml"


def test_readable_at_this_width(open_page: Any, tmp_path: Path) -> None:
    cat = store.load(ROOT / "resources.toml")
    page = open_page(export(cat, "html"), "shipped")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0  # no sideways scrolling
    nav_open = page.evaluate("() => document.querySelector('.toc details').open")
    box = page.locator("main").bounding_box()
    if page.viewport_name == "phone":
        assert not nav_open  # collapsed above the entries
        assert box is not None and box["width"] >= 340
    else:
        assert nav_open  # the tree beside the entries
        nav = page.locator(".toc").bounding_box()
        assert nav is not None and box is not None and nav["x"] + nav["width"] <= box["x"]
    page.screenshot(path=tmp_path / f"shipped-{page.viewport_name}.png")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.fill("#filter", "netflix")
    page.screenshot(path=tmp_path / f"dark-{page.viewport_name}.png")
    page.emulate_media(color_scheme="light")
    light = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert (dark, light) == ("rgb(13, 17, 23)", "rgb(255, 255, 255)")


HOSTILE = [
    '<img src=x onerror="window.pwned=1;alert(1)">',
    "<script>window.pwned=2;alert(2)</script>",
    '"><svg onload="window.pwned=3">',
    "</textarea></style></script><script>window.pwned=4</script>",
]


def test_hostile_titles_never_run(open_page: Any) -> None:
    cat = Catalogue(
        title="<script>window.pwned=5</script>",
        sections=[Section("s", '<img src=x onerror="window.pwned=6">')],
        resources=[
            Resource(
                f"h{i}",
                title,
                "blog",
                ["s"],
                url="https://example.com/" + str(i),
                description="[x](javascript:window.pwned=7) <b onclick=alert(1)>b</b>",
                tags=["t"],
                org='"><img src=x onerror=alert(8)>',
            )
            for i, title in enumerate(HOSTILE)
        ],
    )
    page = open_page(export(cat, "html"))
    page.fill("#filter", "script")
    page.fill("#filter", "")
    assert page.evaluate("() => window.pwned") is None
    texts = page.locator("li.entry > a").all_inner_texts()
    assert texts == [" ".join(t.split()) for t in HOSTILE]  # shown as text
    assert page.locator("main img, main svg, main b[onclick], a[href^=javascript]").count() == 0
