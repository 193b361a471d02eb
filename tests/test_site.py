"""The built site: a real `mkdocs build --strict` of the bundled corpus, and its HTML."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from goi_site.corpus.load import load_corpus
from goi_site.publish.charts import agency_kinds

from .conftest import DATA
from .sitefixture import built_site  # noqa: F401  (a fixture)

AGENCIES = ["410100-shangwuju", "410400-shangwuju", "410411-shangwuju", "410825-shangwuju", "411100-shangwuju"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
            return  # names the page's address; the browser loads nothing from it
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append((tag, name, attrs[name]))


def links_of(html: str):
    parser = Links()
    parser.feed(html)
    return parser.links


def page(site: Path, url: str) -> str:
    return (
        (site / url / "index.html").read_text(encoding="utf-8")
        if not url.endswith(".html")
        else (site / url).read_text(encoding="utf-8")
    )


def test_every_agency_has_a_page_with_charts_tables_csv_and_findings(built_site):
    for agency in AGENCIES:
        html = page(built_site, f"agencies/{agency}")
        charts = re.findall(r'<figure[^>]*class="goi-chart"[^>]*data-kind="(\w+)"', html)
        notes = re.findall(r'<p class="goi-note">', html)
        assert len(charts) + len(notes) == len(agency_kinds()), agency  # a chart, or a note where every value is 0
        assert html.count('class="goi-form"') >= 3
        assert f"downloads/agencies/{agency}.csv" in html
        assert "检查发现" in html
        assert "结转下年度继续办理" in html
        assert (built_site / "downloads" / "agencies" / f"{agency}.csv").exists()


def test_agency_page_shows_the_numbers_of_the_report(built_site):
    html = page(built_site, "agencies/410100-shangwuju")
    assert len(re.findall(r'<figure[^>]*class="goi-chart"', html)) == len(agency_kinds())  # charts.yml's kinds
    # headline: 6 requests; disclosure rate 2/5 = 40.0%
    assert re.search(r'收到申请</span><span class="goi-card-value">6<', html)
    assert "40.0%" in html
    assert "河南省" in html and "郑州市" in html
    # where the values stand in the original text
    assert "（原文第 43–67 行）" in html
    assert "goi-part" not in html  # every block kept out of Markdown was put back


def test_findings_shown_on_agency_page_and_quality_page(built_site):
    html = page(built_site, "agencies/410825-shangwuju")
    assert html.count('<p class="goi-note">') == len(agency_kinds())  # every number is 0: notes, no empty charts
    assert "均为 0（报告给出的零，不是缺失）" in html  # zero is not "not given"
    assert "表行缺项（按合计补足）" in html and re.search(r'<td class="goi-filled"[^>]*title="[^"]*补足', html)
    quality = page(built_site, "quality")
    assert quality.count("表行缺项（按合计补足）") >= 4
    # the quality page is Chinese: no rule ids, no English severities
    body = quality[quality.index("<article") : quality.index("</article>")]
    assert "short_row_filled" not in body and ">warning<" not in body and "警告" in body


def test_finding_counts_agree_on_every_page(built_site):
    """One function counts findings: the agency page, its region page, the year page and
    the home page say the same."""
    agency = page(built_site, "agencies/410825-shangwuju")
    n = int(re.search(r"检查发现（(\d+)）", agency).group(1))
    region = page(built_site, "regions/410825")
    assert re.search(
        r'410825-shangwuju/">[^<]+</a></td><td>[^<]*</td>.*?<td class="goi-num">' + str(n) + "</td></tr>", region
    )
    year = page(built_site, "years/2021")
    assert re.search(r'410825-shangwuju/">.*?<td class="goi-num">' + str(n) + "</td></tr>", year)
    home = page(built_site, "")
    total = int(re.search(r'<a href="quality/">(\d+)</a>', home).group(1))
    assert total == page(built_site, "quality").count("<tr><td>") >= n


def test_developer_pages_are_out_of_the_nav_and_linked_from_methodology(built_site):
    links = set(re.findall(r'href="([^"]*)" class="md-nav__link', page(built_site, "")))
    assert "compare/" in links and "glossary/" in links and "methodology/" in links
    assert "performance/" not in links and "scale/" not in links
    methodology = page(built_site, "methodology")
    assert 'href="../performance/"' in methodology and 'href="../scale/"' in methodology


def test_home_says_what_the_site_is_and_how_current(built_site):
    home = page(built_site, "")
    lead = re.search(r'<p class="goi-lead">(.*?)</p>', home).group(1)
    assert "5 个机关的 5 份报告" in lead and "平顶山市湛河区商务局 2024 年报告" in lead and "构建于" in lead


def test_glossary_page_and_tooltips_come_from_the_form(built_site):
    glossary = page(built_site, "glossary")
    for term in ("予以公开", "部分公开", "不予公开", "属于国家秘密", "无法提供", "不予处理", "行政复议", "结果纠正"):
        assert re.search(r"<dt[^>]*>[^<]*" + term, glossary), term
    tips = json.loads((built_site / "assets" / "glossary.json").read_text(encoding="utf-8"))
    agency = page(built_site, "agencies/410100-shangwuju")
    keys = set(re.findall(r'data-t="([^"]+)"', agency))
    assert "applications.granted" in keys and keys <= set(tips) | {
        k for k in keys if k.startswith("col.") and k not in tips
    }
    assert "applications.granted" in tips and tips["applications.granted"].startswith("（一）予以公开")


def test_compare_data_is_written_once_and_loaded_only_by_the_compare_page(built_site):
    folder = built_site / "assets" / "compare"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len(index["agencies"]) == 5 and index["years"] == [2021, 2022, 2023, 2024]
    zz = [a[0] for a in index["agencies"]].index("410100-shangwuju")
    assert index["agencies"][zz][3] == 1 << 2  # reported 2023 only
    assert index["regions"][index["agencies"][zz][2]] == "河南省 郑州市"
    new = json.loads((folder / "applications.new.total.json").read_text(encoding="utf-8"))
    assert len(new) == 5 and new[zz] == [None, None, 6]  # by year index; null before it: no report
    # one file per measure the page offers, no other
    offered = set(re.findall(r'<option value="([^"]+)"', page(built_site, "compare")))
    assert {p.stem for p in folder.glob("*.json")} - {"index"} == offered and len(offered) > 50
    for url in ("", "agencies", "agencies/410100-shangwuju"):
        assert "assets/compare/" not in page(built_site, url) and "compare.js" not in page(built_site, url)


def test_region_breadcrumb_links_to_directory_pages(built_site):
    html = page(built_site, "agencies/410411-shangwuju")
    for code in ("410000", "410400", "410411"):
        assert f'regions/{code}/"' in html
        assert (built_site / "regions" / code / "index.html").exists()


def test_site_wide_pages_exist(built_site):
    for url in ("", "agencies", "years", "years/2022", "quality", "downloads", "codebook", "methodology", "contribute"):
        assert (built_site / url / "index.html").exists(), url
    home = page(built_site, "")
    # no agency has two years yet: no trend is drawn, and the page says why
    assert 'data-kind="corpus_trend"' not in home and "无法比较同一组机关的变化" in home and "goi-coverage" in home
    directory = page(built_site, "agencies")
    assert "goi-table-filter" in directory and directory.count("data-filter=") == 5


def test_nav_does_not_list_agencies(built_site):
    html = page(built_site, "")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "shangwuju" not in nav


def test_every_internal_link_resolves(built_site):
    broken = []
    for path in built_site.rglob("*.html"):
        base = "/" + path.relative_to(built_site).as_posix()
        for _tag, _attr, url in links_of(path.read_text(encoding="utf-8")):
            parsed = urlparse(url)
            if parsed.scheme or url.startswith(("#", "mailto:", "data:")):
                continue
            target = urlparse(urljoin(base, url)).path
            file = built_site / target.lstrip("/")
            if target.endswith("/"):
                file = file / "index.html"
            if not file.exists():
                broken.append((base, url))
    assert broken == []


def test_nothing_is_loaded_from_other_hosts(built_site):
    offenders = []
    for path in built_site.rglob("*.html"):
        for tag, attr, url in links_of(path.read_text(encoding="utf-8")):
            external = urlparse(url).scheme in ("http", "https") or url.startswith("//")
            if external and (tag in ("script", "img", "iframe", "source") or (tag == "link" and attr == "href")):
                offenders.append((path.name, tag, url))
    assert offenders == []
    css = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in built_site.rglob("*.css"))
    # no web font or stylesheet pulled from another host (theme.font: false)
    assert re.findall(r"url\(\s*[\"']?(?:https?:)?//", css) == [] and "@import" not in css
    assert (built_site / "assets" / "vendor" / "vega-bundle.js").stat().st_size > 100_000


def test_urls_are_ascii(built_site):
    for path in built_site.rglob("*"):
        assert path.relative_to(built_site).as_posix().isascii(), path


def test_pages_are_marked_generated_and_the_corpus_matches(built_site):
    from goi_site.publish.sitebuild import generated_dir_for

    generated = generated_dir_for(DATA, built_site)  # the pages of this build, not a leftover of `goi build`
    page_md = (generated / "agencies" / "410100-shangwuju.md").read_text(encoding="utf-8")
    assert "generated by `goi build`" in page_md
    corpus = load_corpus([DATA])
    assert len(list((built_site / "agencies").glob("*/index.html"))) == len({r.agency_id for r in corpus.reports})


def test_search_index_is_segmented_and_finds_agencies(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in index["docs"] if doc["location"].startswith("agencies/4104")}
    assert "平顶山市\u200b湛河区\u200b商务局" in titles  # jieba segmented the name into words
    # tables are not indexed: agency pages add their name and region, not every number
    agency_docs = [d for d in index["docs"] if d["location"].startswith("agencies/410411-shangwuju")]
    assert sum(len(d["text"]) for d in agency_docs) < 1000


def test_two_builds_give_identical_pages_and_data(tmp_path):
    from goi_site.publish.sitebuild import build_site

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name / "site"
        build_site(data, out)
        outputs.append(out)
    files = sorted(p.relative_to(outputs[0]).as_posix() for p in outputs[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(outputs[1]).as_posix() for p in outputs[1].rglob("*") if p.is_file())
    # sitemap.xml carries MkDocs' build date; everything else must not change
    different = [
        f
        for f in files
        if not f.startswith("sitemap.xml") and (outputs[0] / f).read_bytes() != (outputs[1] / f).read_bytes()
    ]
    assert different == []
    generated = [p.parent / f"{p.name}-generated" for p in outputs]
    for page_file in generated[0].rglob("*.md"):
        twin = generated[1] / page_file.relative_to(generated[0])
        assert page_file.read_bytes() == twin.read_bytes()


def test_every_page_says_how_to_report_a_wrong_number(built_site):
    """Without a repository address (a local build) the footer links to the contribute page;
    the deploy sets GOI_REPO_URL, and the links go to the repository's issue forms."""
    pages = sorted(built_site.rglob("index.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'class="goi-report-links"' in html and "报告数字错误" in html, page


def test_report_links_go_to_the_issue_forms_when_the_repository_is_known():
    from jinja2 import Environment, FileSystemLoader

    from .conftest import ROOT

    env = Environment(loader=FileSystemLoader(str(ROOT / "overrides")))
    env.filters["url"] = lambda value: value
    html = env.get_template("partials/copyright.html").render(
        config={"repo_url": "https://example.org/o/goi-site", "extra": {}}
    )
    assert 'href="https://example.org/o/goi-site/issues/new?template=wrong-number.yml"' in html
    assert 'href="https://example.org/o/goi-site/issues/new?template=missing-report.yml"' in html
    for form in ("wrong-number.yml", "missing-report.yml"):
        assert (ROOT / ".github" / "ISSUE_TEMPLATE" / form).exists()
