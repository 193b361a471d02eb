"""Trends compare like with like: a stable set of agencies, the count per point, gaps."""

from __future__ import annotations

from pathlib import Path

from goi_site.parse.record import Cell, CellMap, Report
from goi_site.publish.charts import chart_kinds
from goi_site.publish.frames import build_frames
from goi_site.publish.frameviews import Figures
from goi_site.publish.trends import stable_trend
from goi_site.publish.views import chart_table, year_axis

KIND = chart_kinds()["corpus_trend"]


def report(agency: str, year: int, new: int) -> Report:
    cells = {ref: Cell(new, 1) for s in KIND.series for ref in s.cells}
    return Report(
        f"{agency}/{year}.txt", "2021", CellMap("2021", cells), [], agency=agency, agency_id=agency, year=year
    )


def trend(reports):
    """The trend as the build makes it: from the reports' frames."""
    return stable_trend(KIND, reports, Figures(build_frames(reports, Path(".")), reports))


def test_a_newcomer_does_not_make_a_jump():
    reports = [
        report("a", 2021, 10),
        report("a", 2022, 10),
        report("b", 2021, 5),
        report("b", 2022, 5),
        report("c", 2022, 1000),
    ]  # c reports only in 2022: summing it in would look like a 100× rise
    t = trend(reports)
    assert t.years == [2021, 2022] and t.agencies == ["a", "b"]
    totals = {r["year"]: r["value"] for r in t.rows if r["group"] == KIND.series[0].label}
    assert totals == {"2021": 15, "2022": 15}
    assert {r["agencies"] for r in t.rows} == {2}
    assert t.coverage == {2021: 2, 2022: 3}


def test_the_window_with_most_agency_years_wins_and_no_pair_means_no_trend():
    reports = [report("a", y, 1) for y in (2019, 2020, 2021, 2022)] + [
        report(x, y, 1) for x in "bcd" for y in (2021, 2022)
    ]
    t = trend(reports)
    assert t.years == [2021, 2022] and len(t.agencies) == 4  # 8 agency-years beat a's 4
    assert trend([report("a", 2021, 1), report("b", 2022, 1)]).rows == []


def test_an_agency_series_has_a_gap_for_a_year_without_a_report():
    reports = [report("a", 2021, 3), report("a", 2023, 0)]
    axis = year_axis([2021, 2023])
    assert axis == ["2021", "2022", "2023"]
    flow = chart_kinds()["flow"]
    first = chart_table(flow, Figures(build_frames(reports, Path(".")), reports).points(flow, reports), axis)[0]
    assert first[2] == [3, None, 0]  # 2022: no report (a gap), 2023: a real 0
