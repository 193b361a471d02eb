"""Trends across agencies that compare like with like.

Summing whichever agencies reported each year makes a change in coverage look like a
change in requests. A trend here is summed over one stable set of agencies: those with
a value for every series in every year of the window. The window is the run of
consecutive years that covers the most agency-years (ties: the most recent), and each
point says how many agencies it covers (the same number for every point, by design).

The numbers are the frames' (frameviews.Figures.points), as every chart's are.
"""

from __future__ import annotations

from dataclasses import dataclass

from goi_site.parse.record import Report
from goi_site.publish.charts import ChartKind, _number


@dataclass
class Trend:
    years: list[int]  # the window, consecutive
    agencies: list[str]  # the stable set (agency ids)
    rows: list[dict]  # {year, group, value, order, agencies}
    coverage: dict[int, int]  # agencies with a report, per year (all of them, for the note)


def stable_trend(kind: ChartKind, reports: list[Report], figures) -> Trend:
    """`figures`: the corpus's frames (frameviews.Figures) the reports' numbers are read from."""
    by_year: dict[int, dict[str, list]] = {}
    coverage: dict[int, int] = {}
    for r, (_, values) in zip(reports, figures.points(kind, reports)):
        if r.year and r.agency_id:
            coverage[r.year] = coverage.get(r.year, 0) + 1
            if all(v is not None for v in values):
                by_year.setdefault(r.year, {})[r.agency_id] = values
    years = sorted(by_year)
    best: tuple = (0, 0, 0)  # (agency-years, last year, length)
    window: list[int] = []
    panel: set[str] = set()
    for i in range(len(years)):
        members = set(by_year[years[i]])
        for j in range(i + 1, len(years)):
            if years[j] != years[j - 1] + 1:
                break
            members &= set(by_year[years[j]])
            if not members:
                break
            score = (len(members) * (j - i + 1), years[j], j - i + 1)
            if score > best:
                best, window, panel = score, years[i : j + 1], set(members)
    rows = []
    groups = list(dict.fromkeys(s.label for s in kind.series))
    for year in window:
        for k, series in enumerate(kind.series):
            total = sum(by_year[year][a][k] for a in panel)
            rows.append(
                {
                    "year": str(year),
                    "group": series.label,
                    "value": _number(total),
                    "order": groups.index(series.label),
                    "agencies": len(panel),
                }
            )
    return Trend(window, sorted(panel), rows, dict(sorted(coverage.items())))
