"""PDF tables read from the page geometry, measured against expected values; the accuracy script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from bench.accuracy import ROOT, fixtures, measure, score_report
from goi_site.extract.formats import pdf_text
from goi_site.extract.pdflines import join_wrapped
from goi_site.extract.pdftables import _broken_row

PDFS = ROOT / "pdf"
HUAIAN = PDFS / "huaian-hongzequ-2024.pdf"
REPO = Path(__file__).resolve().parent.parent


def _score(path: Path):
    return score_report(path, json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8")))


def test_huaian_reads_every_printed_cell():
    score = _score(HUAIAN)
    assert score.wrong == 0 and score.unreadable == 0
    assert score.misses == []  # every printed cell, the one-row （六）其他处理 included
    assert score.identity_right == score.identity_expected == 6  # the title wraps over two lines


def test_huaian_text_keeps_the_table_whole_across_pages():
    text = pdf_text(HUAIAN.read_bytes())
    lines = text.splitlines()
    start = lines.index(next(l for l in lines if l.startswith("一、本年新收政府信息公开申请数量")))
    end = lines.index(next(l for l in lines if l.startswith("四、结转下年度继续办理")))
    body = lines[start : end + 1]
    assert len(body) == 23 and all(l.count("\t") == 9 for l in body)  # one table: the page number moved after it
    assert "\t\t2.没有现成信息需要另行制作\t1\t0\t0\t0\t0\t0\t1" in body  # first row of page 4
    assert lines[end + 1] == "- 3 -"
    assert "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t" in lines  # wrapped header cells joined
    assert "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t9\t0\t0\t0\t0\t0\t9" in lines
    assert lines[0] == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    assert not any(l.endswith("\t") and "新媒" in l for l in lines)  # line backgrounds are not a table


@pytest.mark.parametrize("path", sorted(PDFS.glob("*-grid.pdf")), ids=lambda p: p.stem)
def test_libreoffice_ruled_pdfs_read_exactly(path):
    score = _score(path)
    assert score.misses == [] and score.right == score.expected == 200


@pytest.mark.parametrize("path", sorted(PDFS.glob("*-plain.pdf")), ids=lambda p: p.stem)
def test_libreoffice_borderless_pdfs_read_from_word_positions(path):
    score = _score(path)
    assert score.misses == [] and score.right == score.expected == 200


def test_borderless_header_stacked_one_character_per_line_reads_down_its_columns():
    lines = pdf_text((PDFS / "410411-shangwuju-2024-plain.pdf").read_bytes()).splitlines()
    start = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert lines[start + 1 : start + 5] == [  # three header rows cut where the gap is a row's, not a character's
        "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9,
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t" * 5 + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
        "\t".join(["0"] * 15),
    ]


def test_ruled_rows_broken_by_a_page_are_one_row():
    text = pdf_text((PDFS / "410100-shangwuju-2023-grid.pdf").read_bytes())
    assert (
        "\t\t2.没有现成信息需要另行制作\t1\t0\t0\t0\t0\t0\t1" in text.splitlines()
    )  # '要另行制作' was on the next page
    assert "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" in text


def test_borderless_label_broken_by_a_page_stays_with_its_row():
    text = pdf_text((PDFS / "410100-shangwuju-2023-plain.pdf").read_bytes())
    assert any(
        l.startswith("一、本年新收政府信息公开申请数量\t") and l.split("\t").count("6") == 2 for l in text.splitlines()
    )


def test_join_wrapped_removes_breaks_between_chinese_only():
    assert join_wrapped(["商业", "企业"]) == "商业企业"
    assert (
        join_wrapped(["1.申请人无正当理由逾期不补正、行", "政机关不再处理"])
        == "1.申请人无正当理由逾期不补正、行政机关不再处理"
    )
    assert join_wrapped(["total", "amount"]) == "total amount"
    assert join_wrapped(["", "规章", ""]) == "规章"


def test_broken_row_rules():
    assert _broken_row(["（二）部分公开（只计这一", "9", "0"], ["情形）", "", ""])  # label wraps over the break
    assert _broken_row(["（二）部分公开", "", ""], ["", "9", "0"])  # numbers went below
    assert not _broken_row(["行政强制", "0", ""], ["第二十条第（八）项", "", ""])  # a new title starts
    assert not _broken_row(["规章", "0", "0"], ["行政规范性文件", "3", "0"])  # two whole rows
    assert not _broken_row(["1.属于国家秘密", "", ""], ["2.其他法律行政法规禁止公开", "0", "0"])  # a new label
    assert not _broken_row(["a", "1"], ["b", "2", "3"])


def test_accuracy_script_finds_no_wrong_value_in_any_fixture():
    scores = measure()
    assert {"text", "pdf", "docx"} <= set(scores)
    assert all(s.wrong == 0 and s.unreadable == 0 for s in scores.values()), {k: s.misses for k, s in scores.items()}
    assert scores["text"].right == scores["text"].expected == 1000


def test_accuracy_script_picks_up_any_format_folder_and_counts_wrong_values(tmp_path):
    source = ROOT / "text" / "410100-shangwuju-2023.txt"
    folder = tmp_path / "some-new-format"
    folder.mkdir()
    shutil.copyfile(source, folder / "a.txt")
    expected = json.loads(source.with_suffix(".expected.json").read_text(encoding="utf-8"))
    expected["applications"]["new"]["total"] = 7  # printed 6: the reader's 6 now counts as wrong
    expected["applications"]["granted"]["total"] = None  # not printed, but read: wrong too
    (folder / "a.expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    assert list(fixtures(tmp_path)) == ["some-new-format"]
    score = measure(tmp_path)["some-new-format"]
    assert (score.wrong, score.expected, score.right) == (2, 199, 198)
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "accuracy.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "| some-new-format | 1 | 198 / 199 | 99.5% | 0.0% | 2 |" in run.stdout


def test_a_page_of_plain_text_is_lines_in_reading_order():
    with pdfplumber.open(REPO / "tests" / "fixtures" / "sources" / "report.pdf") as pdf:
        assert pdf.pages  # the Chromium-printed fixture still opens
    text = pdf_text((REPO / "tests" / "fixtures" / "sources" / "report.pdf").read_bytes())
    assert text.index("一、总体情况") < text.index("二、主动公开政府信息情况") < text.index("五、")
