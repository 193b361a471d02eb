"""What a reader does, in headless Chromium: reads a form table on a phone, tells empty
from 0, downloads a chart's own CSV (exactly what it plots) and its PNG and SVG, sorts
and filters a table, and opens a shared compare URL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .sitefixture import built_site  # noqa: F401  (a fixture)
from .test_browser import browser, server, tab, wait_for_charts  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
AGENCY = "agencies/410100-shangwuju/"


def test_form_tables_have_headers_units_and_readable_cells_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + AGENCY)
    table = page.locator('table.goi-form[data-table="applications"]')
    headers = table.locator("tr.goi-head th").all_inner_texts()
    assert "法人或其他组织" in headers and "商业企业" in headers and "总计" in headers
    assert "单位：件" in table.locator("caption").inner_text()
    fees = page.locator('table.goi-form[data-table="disclosure"] tr.goi-head th').all_inner_texts()
    assert any("万元" in h for h in fees), fees
    # numbers right-aligned in tabular figures, the row label sticky while the table scrolls
    style = table.locator("td").first.evaluate(
        "c => [getComputedStyle(c).textAlign, getComputedStyle(c).fontVariantNumeric]"
    )
    assert style == ["right", "tabular-nums"]
    label = table.locator('th[scope="row"]').first
    assert label.evaluate("c => getComputedStyle(c).position") == "sticky"
    box = page.locator(".goi-scroll").filter(has=table)
    before = label.bounding_box()["x"]
    box.evaluate("b => b.scrollLeft = 300")
    assert box.evaluate("b => b.scrollLeft") > 0 and abs(label.bounding_box()["x"] - before) < 2
    context.close()


def test_empty_and_zero_read_differently_and_cells_tell_their_source_line(tab, server):
    tab.goto(server + AGENCY)
    zero = tab.locator("table.goi-form td", has_text="0").first
    assert zero.inner_text() == "0"
    zero.click()
    tip = tab.locator(".goi-tip")
    tip.wait_for()
    assert tip.inner_text().startswith("原文第 ")
    # an empty cell (put there the way the page writes one) shows a dash and says it is not 0
    empty = tab.locator("td.goi-empty").all()
    for cell in empty:
        assert cell.inner_text() == "—"
    if empty:
        empty[0].click()
        assert "不是 0" in tip.inner_text() or "没有报告" in tip.inner_text() or "未给出" in tip.inner_text()
    # a form term explains itself on tap
    tab.locator('table.goi-form th[data-t="applications.granted"]').first.click()
    tab.wait_for_function("() => document.querySelector('.goi-tip').textContent.includes('全部公开')")


def test_each_chart_csv_holds_exactly_what_it_plots(tab, server, built_site):
    tab.goto(server + AGENCY)
    wait_for_charts(tab)
    figures = tab.locator("figure.goi-chart")
    assert figures.count() >= 4
    for i in range(figures.count()):
        figure = figures.nth(i)
        packed = json.loads(figure.locator('script[type="application/json"]').text_content())
        bundle = tab.locator(".goi-bundle").nth(i)
        href = bundle.get_by_role("link", name="本图数据（CSV）").get_attribute("href")
        data = (
            (built_site / urlparse(href).path.lstrip("/")).read_bytes()
            if href.startswith("http")
            else (built_site / AGENCY / href).resolve().read_bytes()
        )
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        assert header[0] == "年度 (year)" and all(" (" in h for h in header)
        plotted = {
            (
                packed["y"][r[0]],
                packed["g"][r[1]] if "o" not in packed else f"{packed['o'][r[3]]}·{packed['g'][r[1]]}",
                r[2],
            )
            for r in packed["r"]
        }
        in_csv = set()
        for line in body:
            for name, value in zip(header[1:], line[1:]):
                if value not in ("", "0"):
                    in_csv.add((line[0], name.rsplit(" (", 1)[0], float(value)))
        assert {(y, g, float(v)) for y, g, v in plotted if v} == in_csv


def test_png_and_svg_downloads_and_the_citation(tab, server):
    tab.goto(server + AGENCY)
    wait_for_charts(tab)
    bundle = tab.locator(".goi-bundle").first
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        with tab.expect_download() as info:
            bundle.get_by_role("button", name=f"下载 {fmt.upper()}").click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(magic) and len(data) > 1000, fmt
        assert info.value.suggested_filename.endswith("." + fmt)
    cite = bundle.locator(".goi-cite-text").inner_text()
    assert "郑州市商务局" in cite and "CC BY 4.0" in cite and AGENCY in cite
    assert bundle.locator(".goi-sources a").count() >= 1


def test_compare_page_restores_a_shared_url_and_sorts(tab, server):
    fetched = []
    tab.on("request", lambda r: fetched.append(urlparse(r.url).path) if "/assets/compare/" in r.url else None)
    tab.goto(server + "compare/?a=410100-shangwuju,410411-shangwuju&m=applications.granted.total")
    tab.wait_for_selector("#goi-compare-table:not([hidden]) tbody tr")
    assert tab.locator("#goi-compare-measure").input_value() == "applications.granted.total"
    names = tab.locator("#goi-compare-table tbody td:first-child").all_inner_texts()
    assert names == ["郑州市商务局", "平顶山市湛河区商务局"]
    # the page loads the index and the one measure chosen, nothing else
    assert sorted(Path(p).name for p in fetched) == ["applications.granted.total.json", "index.json"]
    wait_for_charts(tab)
    # another measure: its own file, loaded when picked; the table shows its numbers (2023: 6 and 0 new)
    tab.locator("#goi-compare-measure").select_option("applications.new.total")
    tab.wait_for_function("() => location.search.indexOf('m=applications.new.total') > 0")
    tab.wait_for_selector('#goi-compare-table tbody td[data-value="6"]')
    rows = [
        [td.get_attribute("data-value") for td in tr.locator("td.goi-num").all()]
        for tr in tab.locator("#goi-compare-table tbody tr").all()
    ]
    assert rows == [["6", ""], ["", "0"]]  # 2023–2024: a year without a report is empty, a real 0 is 0
    assert Path(fetched[-1]).name == "applications.new.total.json" and len(fetched) == 3
    # add a third agency by typing part of its name; the URL follows
    tab.locator("#goi-compare-input").fill("漯河")
    tab.locator(".goi-pick").first.click()
    tab.wait_for_function("() => location.search.split(',').length === 3")
    assert tab.locator("#goi-compare-table tbody tr").count() == 3
    shared = tab.url
    tab.goto(server)
    tab.goto(shared)
    tab.wait_for_selector("#goi-compare-table:not([hidden]) tbody tr")
    assert tab.locator("#goi-compare-table tbody tr").count() == 3
    assert tab.problems == []


def test_directory_table_sorts_and_filters(tab, server):
    tab.goto(server + "agencies/")
    table = tab.locator("table.goi-directory")
    header = table.locator("thead th", has_text="最新年度").locator("button")
    header.click()
    values = [
        v for v in table.locator("tbody td.goi-num:nth-child(5)").evaluate_all("cs => cs.map(c => c.dataset.value)")
    ]
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers)
    header.click()
    values = [
        float(v) for v in table.locator("tbody td:nth-child(5)").evaluate_all("cs => cs.map(c => c.dataset.value)") if v
    ]
    assert values == sorted(values, reverse=True)
    tab.locator(".goi-table-filter input").fill("湛河")
    visible = table.locator("tbody tr:not([hidden])")
    assert visible.count() == 1 and "湛河" in visible.inner_text()
