"""The form is data, loaded into one Form and passed in.

- every reference of every file of a form folder is resolved at load, or the load fails
  with a message naming the file and the key (and the nearest valid name);
- a named group of rows is defined once (form.yml `groups`) and referred to by name;
- the proof of the design: a made-up third edition (tests/fixtures/edition-draft/: a copy
  of 2021 with one extra row and one renamed column) is read from a fixture folder without
  touching package code, and a new chart kind of an existing layout is one entry in
  charts.yml.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from goi_site.check.rules import check_report
from goi_site.core import paths
from goi_site.form.loader import CellRef, FormError, load_form
from goi_site.parse.parser import parse_text
from goi_site.publish.charts import agency_kinds, chart_kinds
from goi_site.publish.formtables import form_tables
from goi_site.terminal import render_reports
from tests.conftest import DATA, FIXTURES

SHIPPED = paths.PACKAGE / "form"
DRAFT = FIXTURES / "edition-draft"


@pytest.fixture
def form_copy(tmp_path) -> Path:
    """A copy of the shipped form folder, to be edited by one test."""
    folder = tmp_path / "form"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---- validation at load --------------------------------------------------------------


def test_shipped_form_resolves_every_reference():
    form = load_form()
    assert form is load_form(SHIPPED)  # one object per folder
    cells = set(form.all_cells())
    for indicator in form.file("indicators").values():
        assert set(indicator["numerator"]) <= cells and set(indicator["denominator"]) <= cells
    for kind in form.file("charts")["kinds"].values():
        for series in kind["series"]:
            assert series["cells"] and set(series["cells"]) <= cells
    withheld = form.groups["withheld"]
    assert len(withheld) == 8
    share = form.file("indicators")["withheld_share"]["numerator"]
    assert share == tuple(CellRef("applications", row, "total") for row in withheld)
    assert set(withheld) < set(form.rules["outcome_sum"].right)


def test_groups_are_defined_once():
    """No file refers to the rows of a group one by one: they name the group. (The
    glossary explains each row, and form.yml defines rows and lines: those name rows.)"""
    form = load_form()
    for name in ("indicators.yml", "headlines.yml", "charts.yml", "layout.yml"):
        text = (SHIPPED / name).read_text(encoding="utf-8")
        for group, rows in form.groups.items():
            if len(rows) > 1:
                named = [row for row in rows if re.search(rf"\.{row}\.", text)]
                assert not named, f"{name} lists rows of @{group} one by one: {named}"
    rules = yaml.safe_load((SHIPPED / "form.yml").read_text(encoding="utf-8"))["rules"]
    assert "@withheld" in rules["outcome_sum"]["right"]  # the rule names the group, not its rows


@pytest.mark.parametrize(
    "name, old, new, message",
    [
        (
            "indicators.yml",
            "denominator: [applications.new.total, applications.carried_over.total]",
            "denominator: [applications.new.totl, applications.carried_over.total]",
            "indicators.yml: carried_forward_share.denominator[0]: no cell applications.new.totl "
            "(did you mean applications.new.total?)",
        ),
        (
            "indicators.yml",
            "numerator: [applications.@withheld.total]",
            "numerator: [applications.@withheldd.total]",
            "indicators.yml: withheld_share.numerator[0]: no group @withheldd (did you mean withheld?)",
        ),
        (
            "headlines.yml",
            "{id: corrected_share, indicator: corrected_share}",
            "{id: corrected_share, indicator: corected_share}",
            "headlines.yml: [4] corrected_share.indicator: no indicator corected_share (did you mean corrected_share?)",
        ),
        (
            "headlines.yml",
            "sum: [applications.new.total], key: true",
            "sum: [applications.new.total]",
            "headlines.yml: exactly one headline is the `key: true` figure (directory, rankings), found 0",
        ),
        (
            "charts.yml",
            "{label: 结转下年, cell: applications.carried_forward.total}\n\n  outcomes",
            "{label: 结转下年, cell: applications.carried_forward.totals}\n\n  outcomes",
            "charts.yml: kinds.flow.series[3].cell: no cell applications.carried_forward.totals "
            "(did you mean applications.carried_forward.total?)",
        ),
        (
            "charts.yml",
            "  flow:\n    title: 申请的收、转、办\n",
            "  flow:\n    title: 申请的收、转、办\n    page: agencies\n",
            "charts.yml: kinds.flow.page: 'agencies' is not agency, year or corpus",
        ),
        (
            "charts.yml",
            '  本年新收: "#4e79a7"\n',
            "",
            "charts.yml: kinds.flow.series[0]: no colour for '本年新收' under colors",
        ),
        (
            "layout.yml",
            "page_order: [applications, appeals, disclosure]",
            "page_order: [applications, appeal, disclosure]",
            "layout.yml: page_order[1]: no table appeal (did you mean appeals?)",
        ),
        (
            "glossary.yml",
            "      applications.granted: ",
            "      applications.grant: ",
            "glossary.yml: sections[2].terms.applications.grant: no row applications.grant (did you mean applications.granted?)",
        ),
        (
            "downloads.yml",
            "primary_key: [agency_id, year, seq]",
            "primary_key: [agency_id, year, seqq]",
            "downloads.yml: tables.findings.primary_key[2]: no field seqq (did you mean seq?)",
        ),
        (
            "form.yml",
            'right: ["@granted", "@partially_granted",',
            'right: ["@granted", "@partialy_granted",',
            "form.yml: rules.outcome_sum.right: no group @partialy_granted (did you mean partially_granted?)",
        ),
        (
            "form.yml",
            "left: [new, carried_over]",
            "left: [new, carried_ovr]",
            "form.yml: rules.balance.left: no row applications.carried_ovr (did you mean applications.carried_over?)",
        ),
    ],
)
def test_a_wrong_reference_is_an_error_naming_file_and_key(form_copy, name, old, new, message):
    _edit(form_copy / name, old, new)
    with pytest.raises(FormError) as caught:
        load_form(form_copy)
    assert str(caught.value) == f"{form_copy.as_posix()}/{message}"


def test_the_shipped_folder_is_named_as_in_the_checkout():
    """Messages name a shipped file as goi_site/form/<file>, like every other message."""
    from goi_site.form.loader import _shown

    assert _shown(SHIPPED / "indicators.yml") == "goi_site/form/indicators.yml"


# ---- the proof: a third edition from a fixture folder ----------------------------------


def test_a_draft_edition_reads_a_report_printed_in_it():
    draft = load_form(DRAFT)
    assert list(draft.editions) == ["2021", "2019", "draft"]
    assert "draft" not in load_form().editions  # the shipped form is untouched
    text = (DRAFT / "report.txt").read_text(encoding="utf-8")
    report = parse_text(text, source="tests/fixtures/edition-draft/report.txt", form=draft)
    assert report.edition == "draft"
    assert report.findings == []  # every line found, nothing missing
    assert check_report(report, draft) == []  # the draft's rules hold
    assert report.value("disclosure", "ruling", "decisions") == 6  # the extra row
    assert report.value("disclosure", "regulations", "in_effect") == 5  # the renamed column
    assert report.value("disclosure", "normative_documents", "in_effect") == 12
    assert report.value("applications", "new", "total") == 10
    assert report.value("appeals", "litigation_direct", "pending") == 1
    assert report.cells[CellRef("disclosure", "ruling", "decisions")].line == text.split("\n").index("行政裁决\t6") + 1
    # what a reader sees: the tables of `goi parse` and of the agency page, from the draft
    printed = render_reports([report], draft)
    assert "行政裁决        本年处理决定数量=6" in printed and "现行有效总件数=5" in printed
    disclosure = next(t for t in form_tables(report, draft) if t.id == "disclosure")
    assert ("ruling", "行政裁决") in [(rid, label) for block in disclosure.blocks for rid, label, _ in block.rows]
    headers = [h.label for block in disclosure.blocks for row in block.header for h in row]
    assert "现行有效总件数" in headers and "现行有效件数" not in headers


def test_the_draft_report_read_with_the_shipped_form_lacks_the_new_cells():
    """The form is passed in, not global: the same text read with the shipped form is a
    2021 report without the draft's row and column."""
    report = parse_text((DRAFT / "report.txt").read_text(encoding="utf-8"))
    assert report.edition == "2021"
    assert CellRef("disclosure", "ruling", "decisions") not in report.cells
    assert CellRef("disclosure", "regulations", "in_effect") not in report.cells
    assert report.value("disclosure", "regulations", "in_force") == 5  # read by position, under 2021's label


def test_a_draft_record_survives_pickling():
    """A record of a draft edition carries its cell order (the cache stores records)."""
    import pickle

    draft = load_form(DRAFT)
    report = parse_text((DRAFT / "report.txt").read_text(encoding="utf-8"), form=draft)
    again = pickle.loads(pickle.dumps(report))
    assert dict(again.cells) == dict(report.cells)


# ---- the proof: a new chart is one entry in charts.yml ---------------------------------

NEW_CHART = """
  refusals:
    title: 不予公开的理由
    description: 各年度各类不予公开理由的申请件数的堆积柱状图。
    legend: 理由
    layout: stacked
    series:
      - {label: "不予公开：{short}", each: applications.@withheld.total}
"""


def test_a_new_chart_kind_is_one_entry_in_charts_yml(form_copy, tmp_path, monkeypatch):
    from goi_site.publish.sitebuild import build_site

    monkeypatch.setenv("GOI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    charts = form_copy / "charts.yml"
    charts.write_text(charts.read_text(encoding="utf-8") + NEW_CHART, encoding="utf-8")
    form = load_form(form_copy)
    assert [k.id for k in agency_kinds(form)][-1] == "refusals"
    assert "refusals" not in chart_kinds()  # the shipped form has no such chart
    out = tmp_path / "site"
    build_site(DATA, out, run_mkdocs=False, form=form)
    generated = tmp_path / "site-generated"
    agency = "410100-shangwuju"  # an agency whose reports withheld requests (the others' charts are "all zero")
    page = generated / "agencies" / f"{agency}.md"
    parts = page.with_name(page.name + ".parts.html")  # the page's HTML blocks, kept beside its Markdown
    assert 'data-kind="refusals"' in parts.read_text(encoding="utf-8")
    specs = json.loads((generated / "assets" / "charts" / "specs.json").read_text(encoding="utf-8"))
    assert specs["refusals"]["title"]["text"] == "不予公开的理由"
    csv = (generated / "downloads" / "charts" / agency / "refusals.csv").read_text(encoding="utf-8-sig")
    assert "applications.withheld_state_secret.total" in csv.splitlines()[0]  # one column per row of the group
