"""Pages and charts read their numbers from the frames the downloads are written from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from goi_site.form.loader import CellRef, load_form
from goi_site.parse.record import Cell, CellMap, Finding, Report
from goi_site.publish.charts import chart_kinds
from goi_site.publish.frames import build_frames
from goi_site.publish.frameviews import Figures
from goi_site.publish.views import headline_specs

NEW = CellRef("applications", "new", "total")


def report(agency: str, year: int, new: int | None, findings=()) -> Report:
    return Report(
        f"{agency}/{year}.txt",
        "2021",
        CellMap("2021", {NEW: Cell(new, 3)}),
        list(findings),
        agency=agency,
        agency_id=agency,
        year=year,
    )


def figures(reports) -> Figures:
    return Figures(build_frames(reports, Path(".")), reports)


def test_a_number_on_a_page_is_the_frames_not_the_records():
    reports = [report("a", 2021, 7), report("a", 2022, 0), report("b", 2021, None)]
    frames = build_frames(reports, Path("."))
    frames.reports.loc[0, "applications.new.total"] = 70  # what the downloads say is what the pages say
    f = Figures(frames, reports)
    assert [f.cell(r, NEW) for r in reports] == [70, 0, None]  # 0 stays 0, missing stays None
    assert f.headlines(reports[0], headline_specs())["new"] == 70
    flow = chart_kinds()["flow"]
    assert f.points(flow, reports[:2]) == [(2021, [70, None, None, None]), (2022, [0, None, None, None])]


def test_frames_of_other_reports_are_refused():
    reports = [report("a", 2021, 1), report("b", 2021, 2)]
    with pytest.raises(ValueError):
        Figures(build_frames(reports, Path(".")), list(reversed(reports)))


def test_finding_counts_come_from_the_findings_frame():
    warn, info = Finding("balance", "warning", "m", 3), Finding("note", "info", "n")
    reports = [report("a", 2021, 1, [warn, info, warn]), report("a", 2022, 1), report("b", 2021, 1, [info])]
    f = figures(reports)
    assert [f.attention(r) for r in reports] == [2, 0, 0] and f.attention_total() == 2
    rows = f.finding_rows()
    assert [(x.agency_id, x.year, x.severity, x.line) for x in rows] == [
        ("a", 2021, "warning", 3),
        ("a", 2021, "info", None),
        ("a", 2021, "warning", 3),
        ("b", 2021, "info", None),
    ]


def test_a_series_named_differently_across_editions_takes_the_editions_own_cell():
    issued = chart_kinds()["disclosure"].series[3]  # normative documents: issued (2021) / new_made (2019)
    assert len(issued.cells) == 2
    reports = [report("a", 2021, 1)]
    f = figures(reports)
    assert f.series(issued.cells, issued.sum) == [None]  # the 2021 cell exists and was not given


def test_the_chunks_the_downloads_are_written_from_make_the_pages_frames():
    from goi_site.publish.frames import frame_chunks
    from goi_site.publish.frameviews import whole_frames

    warn = Finding("balance", "warning", "m", 3)
    reports = [report(a, y, y - 2020, [warn] if a == "b" else []) for a in "abc" for y in (2021, 2022)]
    chunks = list(frame_chunks(reports, Path("."), size=3))  # cut between agencies: a+b, c
    assert len(chunks) == 2
    joined, whole = whole_frames(chunks), build_frames(reports, Path("."))
    for name in ("wide", "findings", "indicators"):
        pd.testing.assert_frame_equal(joined.table(name), whole.table(name))
    pd.testing.assert_frame_equal(joined.ratios, whole.ratios)
    f = Figures(joined, reports)
    assert [f.cell(r, NEW) for r in reports] == [1, 2] * 3 and f.attention_total() == 2


def test_a_percentage_headline_is_the_frames_ratio_unrounded():
    from goi_site.publish.indicators import load_indicators

    rate = load_indicators(load_form())["disclosure_rate"]
    cells = {ref: Cell(1 if k == 0 else 0, 3) for k, ref in enumerate(rate.numerator)}
    cells.update({ref: Cell(3 if k == 0 else 0, 4) for k, ref in enumerate(rate.denominator)})
    reports = [Report("a/2021.txt", "2021", CellMap("2021", cells), [], agency="a", agency_id="a", year=2021)]
    frames = build_frames(reports, Path("."))
    assert frames.indicators.loc[0, "disclosure_rate"] == 0.333333  # published rounded
    assert frames.ratios.loc[0, "disclosure_rate"] == 1 / 3
    frames.ratios.loc[0, "disclosure_rate"] = 0.25  # the page's figure is the frame's, not recomputed
    assert Figures(frames, reports).indicator(reports[0], rate) == 0.25
    assert Figures(build_frames(reports, Path(".")), reports).headlines(reports[0], headline_specs())[
        "disclosure_rate"
    ] == pytest.approx(1 / 3, abs=0)


def test_the_pr_summary_and_terminal_headlines_are_the_pages():
    from goi_site.publish.frameviews import report_headlines

    reports = [report("a", 2021, 7), report("b", 2021, None)]
    assert report_headlines(reports, load_form()) == [figures(reports).headlines(r, headline_specs()) for r in reports]
    assert [h["new"] for h in report_headlines(reports, load_form())] == [7, None]
