"""One small fixture per quirk of real extracted text (shared/reference/report-format.md)."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from goi_site.decode import decode
from goi_site.parser import parse_text

from .conftest import FIXTURES

QUIRKS = FIXTURES / "quirks"


def parse(name: str):
    return parse_text((QUIRKS / name).read_text(encoding="utf-8"), source=name)


def rules(report) -> list[str]:
    return [f.rule for f in report.findings]


def test_kangxi_and_supplement_radicals_are_folded():
    r = parse("radicals.txt")
    assert r.agency == "平顶山市商务局" and r.year == 2022
    assert r.title_line == 2  # the title comes after the first heading
    assert [r.value("disclosure", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == [1, 2, 3]
    assert r.value("disclosure", "licensing", "decisions") == 7
    assert r.cells[next(c for c in r.cells if c.row == "licensing")].line == 9


def test_labels_broken_over_lines_with_values_on_the_next_line():
    r = parse("split_labels.txt")
    assert r.value("applications", "other_no_correction", "commercial") == 1
    assert r.value("applications", "other_no_correction", "total") == 1
    assert r.value("applications", "processed_total", "total") == 5
    assert r.cells[next(c for c in r.cells if c.row == "other_no_correction")].line == 11


def test_one_cell_per_line():
    r = parse("one_cell_per_line.txt")
    assert r.value("disclosure", "licensing", "decisions") == 234
    values = [r.value("applications", "new", c) for c in ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")]
    assert values == [4, 0, 0, 0, 1, 0, 5]
    assert r.cells[next(c for c in r.cells if c.row == "new" and c.column == "total")].line == 17


def test_cells_split_by_pipes():
    r = parse("pipes.txt")
    assert r.value("disclosure", "licensing", "decisions") == 17
    assert r.value("disclosure", "punishment", "decisions") == 3
    assert r.value("applications", "new", "research") == 1
    assert r.value("applications", "new", "total") == 7


def test_headings_after_their_tables():
    r = parse("heading_after_table.txt")
    assert r.value("disclosure", "licensing", "decisions") == 11
    assert r.value("disclosure", "punishment", "decisions") == 2
    assert r.value("applications", "new", "total") == 3


def test_short_row_filled_only_where_the_total_decides():
    r = parse("short_row.txt")
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
    # 0 0 0 0 0 0: wherever the empty cell was, the row total makes it 0.
    assert [r.value("applications", "granted", c) for c in cols] == [0] * 7
    # 2 0 0 0 0 2: the total may be the 2 (then a zero was dropped) or the dropped cell
    # (then it is 4): readings disagree, so the cells they disagree on stay empty.
    partial = [r.value("applications", "partially_granted", c) for c in cols]
    assert partial == [None, None, 0, 0, 0, None, None]
    assert rules(r).count("short_row_filled") == 1
    assert rules(r).count("short_row") == 1
    filled = next(f for f in r.findings if f.rule == "short_row_filled")
    assert filled.line == 2 and "6/7" in filled.message
    short = next(f for f in r.findings if f.rule == "short_row")
    assert short.line == 3 and "2 0 0 0 0 2" in short.message


def test_rows_that_lost_their_leading_tabs():
    r = parse("lost_leading_tabs.txt")
    assert r.value("applications", "other", "natural_person") == 1
    assert r.value("applications", "processed_total", "total") == 5
    assert r.value("applications", "carried_forward", "total") == 1
    assert r.value("applications", "other_unpaid_fee", "total") == 0


def test_label_variants_and_typos():
    r = parse("label_variants.txt")
    assert [r.value("disclosure", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == [1, 0, 14]
    assert r.value("applications", "withheld_law_prohibited", "natural_person") == 1


def test_number_formats():
    r = parse("number_formats.txt")
    assert r.value("disclosure", "licensing", "decisions") == 1234
    assert r.value("disclosure", "punishment", "decisions") == 12
    assert r.value("disclosure", "coercion", "decisions") is None  # a dash is not a zero
    assert r.value("disclosure", "fees", "amount_10k_yuan") == Decimal("0.0000")
    assert r.value("applications", "new", "natural_person") is None  # 无
    assert r.value("applications", "new", "commercial") == 0
    placeholder = next(f for f in r.findings if f.rule == "placeholder_cell")
    assert "—" in placeholder.message and "无" in placeholder.message


def test_traditional_mirrors_of_the_labels():
    r = parse("traditional.txt")
    assert r.year == 2023 and r.agency == "郑州市商务局"
    assert r.value("applications", "new", "total") == 3
    assert r.value("applications", "carried_over", "total") == 1


def test_edition_2019():
    r = parse("edition_2019.txt")
    assert r.edition == "2019"
    assert [r.value("disclosure", "normative_documents", c) for c in ("new_made", "new_published", "total_published")] == [2, 2, 10]
    assert [r.value("disclosure", "licensing", c) for c in ("previous_items", "change", "decisions")] == [40, -2, 120]
    assert r.value("disclosure", "other_services", "change") == 1
    assert r.value("disclosure", "fees", "change") == -1
    assert r.value("disclosure", "fees", "amount_10k_yuan") == Decimal("12.5")
    assert r.value("disclosure", "procurement", "amount_10k_yuan") == Decimal("300.25")
    assert r.value("applications", "other", "natural_person") == 1
    assert r.value("applications", "processed_total", "total") == 9
    assert r.value("applications", "other_no_correction", "total") is None


def test_page_footers_do_not_become_cells():
    r = parse("page_footer.txt")
    assert [r.value("applications", "carried_over", c) for c in ("natural_person", "total")] == [0, 0]
    assert r.value("applications", "granted", "total") == 1
    assert "extra_cells" not in rules(r)


def test_partial_report_yields_what_was_found_and_names_what_is_missing():
    r = parse("partial.txt")
    assert r.value("disclosure", "licensing", "decisions") == 5
    assert r.value("applications", "new", "total") == 0
    assert r.value("applications", "carried_over", "total") is None
    missing = [f for f in r.findings if f.rule in ("missing_section", "missing_row", "short_row")]
    messages = " ".join(f.message for f in missing)
    assert "第四部分" in messages and "行政复议" in messages
    assert "规章" in messages  # rows missing from section 二
    assert any(f.rule == "short_row" and f.line == 8 for f in missing)
    assert r.agency == "平顶山市湛河区商务局" and r.agency_as_titled == "湛河区商务局"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_encodings_are_detected(encoding):
    raw = (QUIRKS / "traditional.txt").read_text(encoding="utf-8").replace("公開", "公开")
    data = raw.encode(encoding)
    text, detected = decode(data)
    assert text.lstrip("\ufeff") == raw
    assert detected in {"gb18030", "utf-8-sig", "utf-16"}


def test_crlf_and_bom_keep_line_numbers():
    raw = (QUIRKS / "pipes.txt").read_text(encoding="utf-8")
    text, _ = decode(codecs.BOM_UTF8 + raw.replace("\n", "\r\n").encode("utf-8"))
    r = parse_text(text)
    assert r.value("applications", "new", "total") == 7
    assert r.cells[next(c for c in r.cells if c.row == "new")].line == 6
