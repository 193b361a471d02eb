"""End to end in headless Chromium (Debian's `chromium`, driven by Playwright).

Served from localhost: open the home page, navigate by clicking to an agency page
(instant navigation, no reload), check that every chart drew marks, that nothing
left localhost, that no console error occurred, that search finds agencies, and that
the CSV link downloads a file.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from goi_site.publish.serve import serve_in_background

from .sitefixture import built_site  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("GOI_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `python3 dev.py test` installs Debian's chromium"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(built_site):
    httpd, url = serve_in_background(built_site)
    yield url
    httpd.shutdown()


@pytest.fixture
def tab(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests, page.problems, page.bytes = [], [], {}
    page.on("request", lambda r: page.requests.append(r.url))
    page.on(
        "console",
        lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # A load cut short by the test's own navigation (net::ERR_ABORTED) is not a failure.
    page.on(
        "requestfailed",
        lambda r: (
            page.problems.append(f"request failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "")
            else None
        ),
    )
    yield page
    context.close()


def chart_marks(page) -> list[int]:
    """Marks drawn in each chart: SVG paths of Vega's marks (or a canvas with content)."""
    return page.eval_on_selector_all(
        "figure.goi-chart",
        "figs => figs.map(f => f.querySelectorAll('.goi-chart-view svg .mark-rect path, .goi-chart-view svg g.mark-rect path').length"
        " || (f.querySelector('canvas') ? 1 : 0))",
    )


def wait_for_charts(page) -> None:
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('figure.goi-chart')).every(f => f.querySelector('.goi-chart-view svg'))",
        timeout=20000,
    )


def test_home_to_agency_by_clicks_with_charts_and_nothing_from_other_hosts(tab, server):
    tab.goto(server)
    wait_for_charts(tab)
    assert all(n > 0 for n in chart_marks(tab))
    tab.get_by_role("link", name="机关目录").first.click()
    tab.wait_for_url("**/agencies/")
    tab.get_by_role("link", name="郑州市商务局").click()
    tab.wait_for_url("**/agencies/410100-shangwuju/")
    wait_for_charts(tab)
    marks = chart_marks(tab)
    assert len(marks) >= 4 and all(n > 0 for n in marks), marks
    # instant navigation: the page was swapped in, the charts drawn once each
    assert tab.evaluate("() => document.querySelectorAll('.goi-chart-view svg').length") == len(marks)
    # back home and forward again: no duplicate charts, no errors on revisits
    tab.go_back()
    tab.wait_for_url("**/agencies/")
    tab.go_forward()
    tab.wait_for_url("**/agencies/410100-shangwuju/")
    wait_for_charts(tab)
    assert tab.evaluate("() => document.querySelectorAll('.goi-chart-view svg').length") == len(marks)
    hosts = {urlparse(u).hostname for u in tab.requests if urlparse(u).scheme in ("http", "https")}
    assert hosts == {"127.0.0.1"}
    assert tab.problems == []


def test_charts_follow_the_dark_palette(tab, server):
    tab.goto(server + "agencies/410100-shangwuju/")
    wait_for_charts(tab)
    light = tab.eval_on_selector("figure.goi-chart .role-axis-label text", "t => getComputedStyle(t).fill")
    tab.locator("label.md-header__button[for^='__palette']:visible").first.click()
    tab.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    tab.wait_for_function("() => document.querySelector('figure.goi-chart').getAttribute('data-rendered') === 'slate'")
    dark = tab.eval_on_selector("figure.goi-chart .role-axis-label text", "t => getComputedStyle(t).fill")
    assert light != dark
    assert tab.problems == []


@pytest.mark.parametrize("query, agency", [("郑州", "郑州市商务局"), ("湛河", "平顶山市湛河区商务局")])
def test_search_finds_agencies(tab, server, query, agency):
    tab.goto(server)
    box = tab.locator("input.md-search__input")
    box.click()
    tab.keyboard.type(query, delay=30)
    tab.keyboard.press("End")  # Material searches on key up; an IME commits the same way
    tab.wait_for_selector(".md-search-result__item", timeout=15000)
    titles = tab.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()
    assert any(agency in t.replace("\u200b", "") for t in titles), titles
    assert tab.problems == []


def test_csv_link_downloads_a_file(tab, server):
    tab.goto(server + "agencies/410411-shangwuju/")
    with tab.expect_download() as info:
        tab.get_by_role("link", name="下载本机关全部数据（CSV）").click()
    path = info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "平顶山市湛河区商务局".encode() in data


def test_agency_page_first_load_weight(browser, server):
    """Bytes an agency page transfers on a first load (empty cache); printed for the README."""
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    zipped: dict[str, int] = {}

    def record(response):
        if response.ok:
            body = response.body()
            sizes[response.url] = len(body)
            zipped[response.url] = len(gzip.compress(body))  # what a server that gzips sends

    page.on("response", record)
    page.goto(server + "agencies/410411-shangwuju/")
    wait_for_charts(page)
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    html = sizes[server + "agencies/410411-shangwuju/"]
    vega = sum(v for k, v in sizes.items() if "vega-bundle" in k)
    print(
        f"\nagency page first load: {len(sizes)} requests, {total / 1024:.0f} KB uncompressed, "
        f"{sum(zipped.values()) / 1024:.0f} KB gzipped (HTML {html / 1024:.0f} KB, Vega bundle {vega / 1024:.0f} KB, "
        f"the rest {(total - html - vega) / 1024:.0f} KB)"
    )
    assert html < 60 * 1024
    context.close()
