"""Recovering rows printed without separators or with cells dropped (parse/recover.py),
and the run-together and Markdown accuracy fixtures, read cell by cell."""

from __future__ import annotations

import json

import pytest

from bench.accuracy import ROOT, fixtures, score_report
from goi_site.corpus.reader import read_report
from goi_site.form.loader import load_form
from goi_site.parse import recover
from goi_site.parse.parser import parse_text

from .conftest import FIXTURES

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
APPEALS = ("upheld", "corrected", "other", "pending", "total")


def row(report, name: str) -> list:
    return [report.value("applications", name, c) for c in APPLICANTS]


def line(row_id: str):
    return next(li for li in load_form().editions["2021"].lines if li.rows[0] == row_id)


def _scored(fmt: str):
    return {
        report.name: score_report(report, json.loads(expected.read_text(encoding="utf-8")))
        for report, expected in fixtures(ROOT)[fmt]
    }


# ---- the accuracy fixtures ------------------------------------------------------------------


def test_run_together_fixtures_read_every_cell_the_equations_decide():
    scores = _scored("run-together")
    assert {"410100-shangwuju-2023-short-rows.txt", "generated-2019.txt", "generated-2021.txt"} <= set(scores)
    assert all(s.wrong == 0 for s in scores.values())
    # the one row no equation decides: 1014 in three columns is 1|0|14 or 10|1|4
    misses = [m for s in scores.values() for m in s.misses]
    assert len(misses) == 3 and all("410100-shangwuju-2023.txt: disclosure.normative_documents." in m for m in misses)
    report = read_report(ROOT / "run-together" / "410100-shangwuju-2023.txt")
    finding = next(f for f in report.findings if f.rule == "run_together_ambiguous")
    assert "1|0|14" in finding.message and "10|1|4" in finding.message


def test_markdown_fixtures_read_every_cell():
    scores = _scored("markdown")
    assert all(s.right == s.expected and s.wrong == 0 for s in scores.values()), [
        m for s in scores.values() for m in s.misses
    ]


def test_markdown_row_without_label_between_rows_padded_with_empty_cells():
    # `| 3. 其他 |  | 0 |…| 0 |  |` then `|  | 5 | 0 | 0 | 0 | 0 | 0 | 5 |  |`: the padding
    # cells are no numbers, so the seven in between are the （七）总计 row its neighbours fix
    report = read_report(ROOT / "markdown" / "410100-shangwuju-2023.md")
    assert row(report, "processed_total") == [5, 0, 0, 0, 0, 0, 5]
    assert row(report, "other") == [0] * 7 and row(report, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert any(f.rule == "row_unlabelled" and "（七）总计" in f.message for f in report.findings)


def test_short_rows_whose_separators_were_dropped_too():
    report = read_report(ROOT / "run-together" / "410100-shangwuju-2023-short-rows.txt")
    assert row(report, "new") == [6, 0, 0, 0, 0, 0, 6]  # printed 600006: six digits for seven cells
    assert row(report, "withheld_state_secret") == [0] * 7
    # 600006 lost a 0 among zeros (6|0|0|0|0|0|6), its 自然人 (0|6|…|6) or its 总计 (…|6|12):
    # the balance of the columns leaves the first
    cell = report.cells[next(c for c in report.cells if c.row == "new" and c.column == "commercial")]
    assert cell.status == "recovered" and cell.rule == "balance+row_total" and cell.raw == "600006"
    zeros = report.cells[next(c for c in report.cells if c.row == "withheld_state_secret" and c.column == "total")]
    assert zeros.status == "recovered" and zeros.rule == "row_total" and zeros.raw == "000000"
    assert not [f for f in report.findings if f.rule in ("run_together_ambiguous", "short_row")]


def test_section_4_as_one_string_of_fifteen_digits_under_a_header_of_its_own_lines():
    report = read_report(ROOT / "run-together" / "generated-2019.txt")
    expected = json.loads((ROOT / "run-together" / "generated-2019.expected.json").read_text(encoding="utf-8"))
    for group in ("review", "litigation_direct", "litigation_after_review"):
        assert [report.value("appeals", group, c) for c in APPEALS] == [expected[group][c] for c in APPEALS]
    cell = report.cells[next(c for c in report.cells if c.table == "appeals" and c.row == "review")]
    assert cell.status == "recovered" and cell.rule == "review_total"
    assert "missing_section" not in [f.rule for f in report.findings]


def test_2019_outcome_sum_decides_rows_although_the_edition_lacks_two_outcome_rows():
    report = read_report(ROOT / "run-together" / "generated-2019.txt")
    assert report.edition == "2019"
    decided = [
        f
        for f in report.findings
        if f.rule == "cells_recovered" and ("outcome_sum" in f.message or "balance" in f.message)
    ]
    assert decided


# ---- rows that decide each other ----------------------------------------------------------------


def test_two_ambiguous_rows_of_one_equation_decide_each_other():
    report = parse_text((FIXTURES / "quirks" / "run_together_jointly.txt").read_text(encoding="utf-8"))
    # 110000011 is 1|10|… or 11|0|…, 221000023 is 2|21|… or 22|1|…; only 1 + 2 leaves
    # the 自然人 column of （七）总计 (6) its other outcome rows (2 + 1)
    assert row(report, "granted") == [1, 10, 0, 0, 0, 0, 11]
    assert row(report, "unavailable_not_held") == [2, 21, 0, 0, 0, 0, 23]
    cell = report.cells[next(c for c in report.cells if c.row == "granted" and c.column == "natural_person")]
    assert cell.status == "recovered" and cell.rule == "outcome_sum+row_total"


def test_rows_that_fit_the_equations_two_ways_stay_empty():
    text = (FIXTURES / "quirks" / "run_together_jointly.txt").read_text(encoding="utf-8")
    # both rows print 110000011 (1|10|… or 11|0|…): the column sums hold either way round
    text = text.replace("1.本机关不掌握相关政府信息221000023", "1.本机关不掌握相关政府信息110000011")
    text = text.replace("（七）总计631000037", "（七）总计1510000025").replace("数量531000036", "数量1410000024")
    report = parse_text(text)
    assert row(report, "processed_total") == [15, 10, 0, 0, 0, 0, 25]
    assert row(report, "granted") == row(report, "unavailable_not_held") == [None] * 7
    named = [f for f in report.findings if f.rule == "run_together_ambiguous" and "110000011" in f.message]
    assert len(named) == 2 and all("1|10|0|0|0|0|11" in f.message and "11|0|0|0|0|0|11" in f.message for f in named)


# ---- the splits ------------------------------------------------------------------------------------


def test_digits_one_cell_short_are_read_with_the_cell_their_row_sum_fixes():
    p = recover.run_together(line("granted"), "000000", 7)
    assert (p.count, p.readings, p.dropped) == (1, [[0] * 7], True)
    p = recover.run_together(line("granted"), "30003", 7)  # 3 0 0 0 3 and two lost: no reading
    assert p.count == 0
    p = recover.run_together(line("granted"), "300003", 7)
    assert p.count > 1  # 0|3|0|0|0|0|3, 3|0|0|0|0|0|3, 3|0|0|0|0|3|6: where the cell was lost decides
    assert [0, 3, 0, 0, 0, 0, 3] in p.readings and [3, 0, 0, 0, 0, 3, 6] in p.readings


def test_a_lost_cell_is_tried_only_when_no_split_of_every_cell_fits():
    p = recover.run_together(line("granted"), "2000002", 7)
    assert (p.count, p.readings, p.dropped) == (1, [[2, 0, 0, 0, 0, 0, 2]], False)


def test_a_lost_cell_no_sum_fixes_has_no_reading():
    regulations = next(li for li in load_form().editions["2021"].lines if li.rows[0] == "regulations")
    assert recover.run_together(regulations, "12", 4).count == 0  # two digits, three cells, no sum


@pytest.mark.parametrize("digits", ["1" * 49, "9" * 49])
def test_long_digit_strings_are_counted_not_enumerated(digits):
    p = recover.run_together(line("granted"), digits, 1)
    assert p.count == 0 or len(p.readings) <= recover.MAX_READINGS


# ---- collapsed rows -------------------------------------------------------------------------------


def test_one_value_then_a_run_of_pipes_is_placed_only_where_the_equations_decide():
    text = (FIXTURES / "quirks" / "collapsed.txt").read_text(encoding="utf-8")
    text = text.replace(
        "（四）无法提供 1.本机关不掌握相关政府信息\n\n\n\n\n\n\n2\n",
        "（四）无法提供 1.本机关不掌握相关政府信息 | 2 ||||||\n",
    )
    report = parse_text(text)
    # the pipes after 2 do not hold its columns: the outcome sums leave only the 总计 slot
    assert row(report, "unavailable_not_held") == [None] * 6 + [2]
    # with the balance's other rows not all known, a lone 1 fits the 自然人 and the 总计 slot
    report = parse_text(text.replace("四、结转下年度继续办理 1 0 0 0 0 0 1", "四、结转下年度继续办理 | 1 ||||||"))
    assert row(report, "carried_forward") == [None] * 7 and row(report, "new") == [None] * 7
    assert [f.line for f in report.findings if f.rule == "short_row"] == [13, 37]
