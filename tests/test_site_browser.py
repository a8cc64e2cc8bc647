"""``mlsd export --format site -o DIR`` in a real browser (headless Chromium via Playwright,
as tests/test_html_browser.py), the directory served over HTTP on 127.0.0.1 like any static
host: the index, one page a top-level section, and one search (search.json) on every page."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.formats.html_assets import fold

from . import ondisk
from .conftest import ROOT
from .test_html_browser import HOSTILE
from .test_html_browser import VISIBLE_IDS
from .test_html_browser import browser as browser  # the fixture
from .test_html_browser import open_page as open_page
from .test_html_browser import small

pytestmark = pytest.mark.slow
Run = Callable[..., Result]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def build(cli: Run, tmp_path: Path, catalogue_path: Path) -> Path:
    site = tmp_path / "site"
    result = cli("export", "-f", "site", "-o", str(site), "-c", str(catalogue_path))
    assert result.exit_code == 0, result.stderr
    return site


def goto(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.ready === '1'")  # search.json loaded


def test_the_site_has_an_index_a_page_a_section_and_one_search(
    cli: Run, tmp_path: Path, open_page: Any, serve: Callable[[Path], str]
) -> None:
    cat = store.load(ROOT / "resources.toml")
    site = build(cli, tmp_path, ROOT / "resources.toml")
    top = [s for s in cat.sections if not s.parent]
    assert sorted(p.name for p in site.iterdir()) == sorted(
        ["index.html", "search.json", *(f"{s.id}.html" for s in top)]
    )
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert len(index["resources"]) == len(cat.resources)  # one record a resource
    base = serve(site)
    page = open_page("<!DOCTYPE html><title>x</title>")
    goto(page, base + "index.html")
    cards = page.locator("main #content li.entry > a")
    assert cards.all_inner_texts() == [s.title for s in top]
    for query in ("instagram's", "detection", "feature store"):
        page.fill("#filter", query)
        words = fold(query).split()
        ids = sorted(e["id"] for e in index["resources"] if all(w in e["q"] for w in words))
        assert ids and page.evaluate(VISIBLE_IDS) == ids, query
        assert page.text_content("#count") == f"{len(ids)} of {len(cat.resources)} resources"
    page.screenshot(path=tmp_path / f"site-search-{page.viewport_name}.png")
    page.locator("#results a").first.click()  # to the section page, at the entry's anchor
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert page.url.startswith(base + "dml") or page.url.startswith(base + "ml")
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"main section#{anchor}").count() == 1
    page.fill("#filter", "netflix")  # the same search on a section page
    assert len(page.evaluate(VISIBLE_IDS)) > 0
    page.fill("#filter", "")
    assert page.locator("#content").is_visible()
    page.screenshot(path=tmp_path / f"site-page-{page.viewport_name}.png")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0
    main = page.locator("main").bounding_box()
    nav = page.locator("nav.toc").bounding_box()
    assert main is not None and nav is not None
    if page.viewport_name == "desktop":  # the navigation beside the entries
        assert nav["x"] + nav["width"] <= main["x"]
    else:  # above them (the page is scrolled to the anchor: compare in page coordinates)
        assert nav["y"] + nav["height"] <= main["y"] + 1


def test_site_pages_keep_their_slugs_and_hostile_titles_never_run(
    cli: Run, tmp_path: Path, open_page: Any, serve: Callable[[Path], str]
) -> None:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Test list")
    cat = small()
    with ondisk.editing(path) as c:
        c.sections = cat.sections
        c.resources = cat.resources
        for i, title in enumerate(HOSTILE):
            c.resources.append(
                type(cat.resources[0])(
                    f"h{i}", title, "blog", ["social"], url=f"https://x.test/{i}"
                )
            )
    site = build(cli, tmp_path, path)
    assert sorted(p.name for p in site.iterdir()) == [
        "index.html",
        "search.json",
        "social.html",
        "vision.html",
    ]
    base = serve(site)
    page = open_page("<!DOCTYPE html><title>x</title>")
    goto(page, base + "social.html")
    page.fill("#filter", "script")
    assert page.locator("#results li.entry > a").all_inner_texts() == [HOSTILE[1], HOSTILE[3]]
    page.fill("#filter", "svg")
    page.fill("#filter", "")
    assert page.evaluate("() => window.pwned") is None
    assert page.locator("main img, main svg").count() == 0
    goto(page, base + "vision.html")
    assert [
        a.get_attribute("href")
        for a in page.query_selector_all(".toc details + nav a, nav[aria-label=Sections] a")
    ] == ["#vision", "#detection"]
    page.fill("#filter", "détection")
    assert page.evaluate(VISIBLE_IDS) == ["detr"]


def test_site_needs_an_output_directory(cli: Run, tmp_path: Path) -> None:
    result = cli("export", "-f", "site", "-c", str(ROOT / "resources.toml"))
    assert result.exit_code == 2
    assert "--format site needs --output DIR" in result.stderr
