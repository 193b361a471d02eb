"""Agency, year and region: full names, division codes, ambiguous county names."""

from __future__ import annotations

from goi_site.form.divisions import load_divisions
from goi_site.parse.parser import parse_text

from .conftest import FIXTURES


def parse(name: str):
    return parse_text((FIXTURES / "quirks" / name).read_text(encoding="utf-8"), source=name)


def test_division_table_has_source_header_and_codes():
    table = load_divisions()
    assert table.by_code["410411"].name == "湛河区"
    assert [d.name for d in table.ancestors(table.by_code["410411"])] == ["河南省", "平顶山市", "湛河区"]
    assert len(table.by_name["鼓楼区"]) >= 3  # 南京, 福州, 徐州, 开封


def test_ambiguous_county_placed_by_the_reports_own_text():
    r = parse("ambiguous_county.txt")
    assert r.year == 2022  # year before the name in the title
    assert r.region.code == "320106" and r.region.city == "南京市"
    assert r.agency == "南京市鼓楼区商务局"
    assert "region_unplaced" not in [f.rule for f in r.findings]


def test_county_that_cannot_be_placed_says_so():
    r = parse("unplaceable_county.txt")
    assert r.region.code is None and r.agency == "鼓楼区商务局" and r.agency_id is None
    finding = next(f for f in r.findings if f.rule == "region_unplaced")
    assert "南京市" in finding.message and "福州市" in finding.message and "region" in finding.message


def test_title_may_shorten_the_name():
    r = parse("partial.txt")
    assert (r.agency_as_titled, r.agency, r.region.code) == ("湛河区商务局", "平顶山市湛河区商务局", "410411")
    assert r.agency_id == "410411-shangwuju"


def test_municipality_districts():
    r = parse_text("北京市朝阳区商务局2023年政府信息公开工作年度报告\n行政许可\t5\n")
    assert (r.region.province, r.region.city, r.region.county, r.region.code) == (
        "北京市",
        "北京市",
        "朝阳区",
        "110105",
    )
