"""One small fixture per quirk of real extracted text (shared/reference/report-format.md)."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from goi_site.extract.decode import decode
from goi_site.parse.parser import parse_text

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
    values = [
        r.value("applications", "new", c)
        for c in ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
    ]
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
    assert [
        r.value("disclosure", "normative_documents", c) for c in ("new_made", "new_published", "total_published")
    ] == [2, 2, 10]
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


APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")


def row(report, name: str) -> list:
    return [report.value("applications", name, c) for c in APPLICANTS]


def test_grid_lines_keep_blank_cells_in_their_columns():
    r = parse("collapsed.txt")
    assert [r.value("disclosure", "regulations", c) for c in ("issued", "repealed", "in_force")] == [2, None, 5]
    blank = next(f for f in r.findings if f.rule == "blank_cells")
    assert blank.line == 4 and "1/3" in blank.message


def test_collapsed_rows_are_placed_only_where_the_equations_decide():
    r = parse("collapsed.txt")
    # `4 1 5`: the balance of every column says where each value stands; blanks stay null
    assert row(r, "new") == [4, 1, None, None, None, None, 5]
    new_total = r.cells[next(c for c in r.cells if c.row == "new" and c.column == "total")]
    assert new_total.status == "recovered" and new_total.rule == "balance" and new_total.line == 13
    # six empty lines, then one value: outcome sums put it in the 总计 slot only
    assert row(r, "unavailable_not_held") == [None] * 6 + [2]
    assert (
        r.cells[next(c for c in r.cells if c.row == "unavailable_not_held" and c.column == "total")].rule
        == "outcome_sum"
    )
    assert [f.line for f in r.findings if f.rule == "cells_recovered"] == [13, 32]


def test_run_together_rows_split_where_one_split_fits():
    r = parse("run_together.txt")
    assert row(r, "carried_over") == [2, 0, 0, 0, 0, 0, 2]
    # 123001016 splits two ways by its row total; the balance of the columns picks one
    assert row(r, "new") == [12, 3, 0, 0, 1, 0, 16]
    new = r.cells[next(c for c in r.cells if c.row == "new" and c.column == "natural_person")]
    assert new.status == "recovered" and "balance" in new.rule and new.raw == "123001016"
    assert row(r, "processed_total") == [11, 2, 0, 0, 1, 0, 14]
    assert [
        r.value("appeals", "litigation_after_review", c) for c in ("upheld", "corrected", "other", "pending", "total")
    ] == [2, 1, 0, 0, 3]
    assert [r.value("disclosure", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == [2, 1, 9]


def test_ambiguous_run_together_rows_stay_empty_and_name_the_candidates():
    r = parse("run_together.txt")
    # 3018 in three columns with no equation: 3|0|18 or 30|1|8; never guessed
    assert [r.value("disclosure", "regulations", c) for c in ("issued", "repealed", "in_force")] == [None] * 3
    finding = next(f for f in r.findings if f.rule == "run_together_ambiguous")
    assert finding.line == 4 and "3|0|18" in finding.message and "30|1|8" in finding.message


def test_a_whole_table_on_one_line_with_no_separators():
    r = parse("run_together_one_line.txt")
    assert row(r, "new") == [12, 3, 0, 0, 1, 0, 16]
    assert row(r, "unavailable_not_held") == [3, 1, 0, 0, 1, 0, 5]
    assert row(r, "carried_forward") == [3, 1, 0, 0, 0, 0, 4]
    assert r.value("appeals", "review", "total") == 1
    assert [f.rule for f in r.findings if f.severity == "error"] == []


def test_traditional_mirror_with_phrase_rewrites_and_pinyin():
    # written by OpenCC's s2twp (檔案, 資訊, 製, 隻, 查詢), pinyin after some characters,
    # one simplified phrase left inside the traditional text
    r = parse("traditional_phrases.txt")
    assert r.agency == "平顶山市湛河区商务局" and r.year == 2023
    assert [r.value("disclosure", "regulations", c) for c in ("issued", "repealed", "in_force")] == [3, 0, 18]
    assert r.value("disclosure", "normative_documents", "in_force") == 9  # 規範性檔案
    assert row(r, "new") == [12, 3, 0, 0, 1, 0, 16]
    assert row(r, "carried_over") == [2, 0, 0, 0, 0, 0, 2]
    assert row(r, "withheld_admin_inquiry") == [0] * 7  # 查詢, which tw2sp alone makes 查找
    assert [f.rule for f in r.findings if f.needs_attention] == []


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2twp", "s2hk"])
def test_every_label_of_the_form_reads_back_from_every_traditional_converter(config):
    import opencc

    from goi_site.core.text import match_key
    from goi_site.form.loader import load_form
    from goi_site.parse.normalize import normalize_lines

    converter = opencc.OpenCC(config)
    labels = sorted({line.label for e in load_form().editions.values() for line in e.lines})
    back = normalize_lines("\n".join(converter.convert(label) for label in labels))
    assert [match_key(b) for b in back] == [match_key(label) for label in labels]


APPEALS = ("upheld", "corrected", "other", "pending", "total")
GROUPS = ("review", "litigation_direct", "litigation_after_review")


@pytest.mark.parametrize("name", ["section4_two_row_header", "section4_stacked_header", "section4_three_tables"])
def test_section_4_in_every_shape(name):
    r = parse(f"{name}.txt")
    assert [[r.value("appeals", g, c) for c in APPEALS] for g in GROUPS] == [
        [2, 1, 0, 1, 4],
        [0, 0, 1, 0, 1],
        [1, 0, 0, 0, 1],
    ]
    assert "missing_section" not in rules(r) or all(
        "第四部分" not in f.message for f in r.findings if f.rule == "missing_section"
    )


def test_section_4_total_printed_zero_is_kept_and_flagged():
    from goi_site.check.rules import check_report

    r = parse("section4_total_zero.txt")
    assert [r.value("appeals", "review", c) for c in APPEALS] == [2, 1, 0, 1, 0]  # as printed
    flagged = [f for f in check_report(r) if f.rule == "review_total"]
    assert len(flagged) == 1 and "=0" in flagged[0].message and "=4" in flagged[0].message


def test_2021_table_printing_other_as_one_row():
    r = parse("other_as_one_row.txt")
    assert r.edition == "2021"
    assert row(r, "other") == [0] * 7
    assert row(r, "other_no_correction") == [None] * 7 and row(r, "other_unpaid_fee") == [None] * 7
    assert "missing_row" not in rules(r)
    note = next(f for f in r.findings if f.rule == "group_printed_as_one_row")
    assert note.severity == "info" and "2 个分项" in note.message


def test_label_typos_match_the_one_nearest_label():
    r = parse("label_typos.txt")
    assert row(r, "withheld_law_prohibited") == [1, 0, 0, 0, 0, 0, 1]  # 其他法律行政止公开
    assert row(r, "withheld_third_party") == [2, 0, 0, 0, 0, 0, 2]  # 保护第三方合法权
    typos = [f for f in r.findings if f.rule == "label_typo"]
    assert [f.line for f in typos] == [9, 11] and "其他法律行政止公开" in typos[0].message


def test_a_label_near_two_labels_is_not_matched():
    from goi_site.form.loader import load_form
    from goi_site.parse.formlines import line_index

    index = line_index(load_form().editions["2021"])
    assert index.match_typo("属于类内部事务信息") != []  # one character missing: one nearest label
    assert index.match_typo("属于四类内部事务") == []  # three edits from 三类内部事务信息: too far


def test_prose_that_contradicts_the_table_is_a_finding_and_the_table_is_published():
    r = parse("prose_vs_table.txt")
    assert r.value("applications", "new", "total") == 16
    finding = next(f for f in r.findings if f.rule == "prose_mismatch")
    assert finding.line == 3 and "17" in finding.message and "16" in finding.message


def test_markdown_rows_unlabelled_annotated_and_with_group_cells():
    r = parse("markdown_rows.txt")
    # the row between 予以公开 and 国家秘密 lost its label: its neighbours fix it
    assert row(r, "partially_granted") == [2, 0, 0, 0, 0, 0, 2]
    assert next(f for f in r.findings if f.rule == "row_unlabelled").line == 11
    assert [r.value("disclosure", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == [22, 0, 30]
    assert row(r, "granted") == [3, 0, 0, 0, 0, 0, 3]  # group label as an extra cell
    assert row(r, "withheld_law_prohibited") == [0] * 7  # after a page footer inside the table


@pytest.mark.parametrize(
    "prose, finding",
    [
        ("2023年，本机关受理政府\n信息公开申请17件，均已按时答复。", True),  # wrapped as PDFs print prose, no 共
        ("2023年，本机关共收到自然人申请15件。", False),  # one kind of applicant: not the total
        ("2023年，本机关共收到政府信息公开申请16件。", False),  # agrees with the table
    ],
)
def test_prose_counts_wrapped_or_partial(prose, finding):
    text = (FIXTURES / "quirks" / "prose_vs_table.txt").read_text(encoding="utf-8")
    text = text.replace("2023年，本机关共收到政府信息公开申请17件，均已按时答复。", prose)
    r = parse_text(text, source="prose.txt")
    found = [f for f in r.findings if f.rule == "prose_mismatch"]
    assert bool(found) == finding
    if finding:
        assert found[0].line == 3 and "\n" not in found[0].message and "17" in found[0].message
