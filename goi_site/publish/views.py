"""What each page shows, as plain data for the templates: agencies, regions, years.

No Markdown or HTML here (that is the templates' job) and no Chinese page text
(labels come from the form files, sentences from the templates). Numbers come from the
frames (frameviews.Figures), as the downloads' do; the records give names, years,
links and the form tables' cells with their provenance.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from goi_site.form.divisions import DivisionTable, load_divisions
from goi_site.form.loader import Form, load_form
from goi_site.parse.record import Finding, Report
from goi_site.publish.catalogue import source_path
from goi_site.publish.charts import ChartKind, _number, agency_kinds, chart_rows
from goi_site.publish.formtables import FormTable, form_tables
from goi_site.publish.indicators import load_indicators


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Headline:
    id: str
    label: str
    value: float | int | None
    previous: float | int | None
    percent: bool = False
    formula: str | None = None  # an indicator's formula (indicators.yml), printed under the figures
    key: bool = False  # the headline directory, region and year pages show (headlines.yml `key: true`)

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class ChartView:
    kind: ChartKind
    rows: list[dict]  # exactly what the chart plots
    table_years: list[str]  # the x axis: every year from first to last, gaps included
    table_groups: list[tuple[str, str, list]]  # (measure id, label, value per year; None: not given)
    gaps: list[str] = field(default_factory=list)  # years on the axis with no report
    agencies: int | None = None  # a trend: the size of its stable set of agencies
    csv: str = ""  # the chart's own CSV, relative to the downloads folder
    sources: list[Link] = field(default_factory=list)  # the original report of each year plotted
    subject: str = ""  # whose numbers (agency, region, year), for the citation
    coverage: dict = field(default_factory=dict)  # a trend: reports per year, all agencies

    @property
    def empty_reason(self) -> str:
        """Why nothing is drawn: "missing" (no value given), "zero" (all given values are 0)."""
        values = [v for _, _, vs in self.table_groups for v in vs if v is not None]
        if any(self.rows) and any(r["value"] for r in self.rows):
            return ""
        return "zero" if values else "missing"

    @property
    def rows_json(self) -> str:
        """The rows, packed: {"y": years, "g": groups, "o": offsets, "r": [[y, g, value(, o)]…],
        "d": the axis's years} with indexes into the lists (goi.js unpacks them). A third
        of the size of plain rows."""
        years = list(dict.fromkeys(r["year"] for r in self.rows))
        # The series' labels first, so a group's index is its order (colour, stacking);
        # a ranking's groups are the agencies themselves, in rank order.
        groups = list(dict.fromkeys([s.label for s in self.kind.series] + [r["group"] for r in self.rows]))
        offsets = list(dict.fromkeys(s.offset for s in self.kind.series if s.offset))
        packed = []
        for r in self.rows:
            item = [years.index(r["year"]), groups.index(r["group"]), r["value"]]
            if offsets:
                item.append(offsets.index(r["offset"]))
            packed.append(item)
        data = {"y": years, "g": groups, "r": packed}
        if offsets:
            data["o"] = offsets
        if self.gaps:
            data["d"] = self.table_years
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@dataclass
class YearView:
    report: Report
    source_file: str
    source_url: str | None  # the original publication
    repo_url: str | None  # the text in the repository
    tables: list[FormTable]  # the form's tables, in the order the page shows them
    findings: list[Finding]


@dataclass
class AgencyView:
    id: str
    name: str
    report_names: list[str]
    region: list[Link]
    years: list[YearView]
    headlines: list[Headline]
    charts: list[ChartView]
    finding_count: int = 0
    keywords: str = ""

    @property
    def latest(self) -> YearView:
        return self.years[-1]

    @property
    def key_headline(self) -> Headline:
        """The latest year's key figure (headlines.yml `key: true`)."""
        return next(h for h in self.headlines if h.key)


def text_copy(source_file: str) -> str:
    """Where the site keeps a copy of a report's text when it has no other link (from the
    site root): the reader can always open the original the numbers came from."""
    return f"downloads/texts/{source_file}"


def needs_attention(findings) -> list[Finding]:
    """The findings a reader should look at (errors and warnings; notes are "info").
    Every count of findings on every page is the length of this list: one definition."""
    return [f for f in findings if f.needs_attention]


def region_links(report: Report, divisions: DivisionTable | None = None) -> list[Link]:
    # the division table is reference data, not the form (bench/compare_size.py calls this bare)
    table = divisions if divisions is not None else load_divisions()
    if report.region.code is None or report.region.code not in table.by_code:
        return []
    return [Link(d.name, f"regions/{d.code}.md") for d in table.ancestors(table.by_code[report.region.code])]


def headline_specs(form: Form | None = None) -> list[dict]:
    """The headline figures of headlines.yml (their cells resolved when the form loaded);
    of the shipped form unless one is given (tests ask for the shipped ones)."""
    return _headline_specs(form if form is not None else load_form())


@lru_cache(maxsize=8)
def _headline_specs(form: Form) -> list[dict]:
    indicators = load_indicators(form)
    specs = []
    for h in form.file("headlines"):
        if "indicator" in h:
            ind = indicators[h["indicator"]]
            specs.append(
                {"id": h["id"], "label": ind.label, "percent": True, "indicator": ind, "key": bool(h.get("key"))}
            )
        else:
            specs.append(
                {
                    "id": h["id"],
                    "label": h["label"],
                    "percent": False,
                    "refs": list(h["sum"]),
                    "key": bool(h.get("key")),
                }
            )
    return specs


def key_headline(form: Form) -> str:
    """The id of the `key: true` headline: the figure directory, region and year pages show
    and rank agencies by (headlines.yml)."""
    return next(spec["id"] for spec in headline_specs(form) if spec["key"])


def year_axis(years) -> list[str]:
    """Every year from the first to the last: a year with no report is a gap, not skipped."""
    years = sorted({int(y) for y in years})
    return [str(y) for y in range(years[0], years[-1] + 1)] if years else []


def chart_table(kind: ChartKind, points: list[tuple], axis: list[str]) -> list[tuple[str, str, list]]:
    """(measure id, label, value per year of the axis) of each series that has a value:
    0 stays 0, a value not given stays None, a year with no report is None. `points`:
    (year, value of each series) per report (Figures.points)."""
    by_year = {str(year): values for year, values in points}
    groups = []
    for k, series in enumerate(kind.series):
        values = [by_year[y][k] if y in by_year else None for y in axis]
        if any(v is not None for v in values):
            label = f"{series.offset}·{series.label}" if series.offset else series.label
            groups.append((series.measure, label, [None if v is None else _number(v) for v in values]))
    return groups


def _chart_view(
    kind: ChartKind, reports: list[Report], figures, sources: list[Link], subject: str, csv: str
) -> ChartView:
    points = figures.points(kind, reports)  # read once: the chart, its table and its CSV share them
    rows = chart_rows(kind, points)
    axis = year_axis(r.year for r in reports if r.year)
    have = {str(r.year) for r in reports}
    plotted = {r["year"] for r in rows}
    return ChartView(
        kind,
        rows,
        axis,
        chart_table(kind, points, axis),
        [y for y in axis if y not in have],
        csv=csv,
        sources=[s for s in sources if s.label in plotted],
        subject=subject,
    )


def agency_view(
    agency_id: str,
    reports: list[Report],
    root,
    repo_url: str | None,
    figures,
    form: Form,
    divisions: DivisionTable,
) -> AgencyView:
    """An agency page's data. `figures`: the corpus's frames (frameviews.Figures), where the
    numbers come from; `form` the build's form, `divisions` the division table."""
    reports = sorted(reports, key=lambda r: r.year or 0)
    latest = reports[-1]
    previous = next((r for r in reports if r.year == (latest.year or 0) - 1), None)
    specs = headline_specs(form)
    now = figures.headlines(latest, specs)
    before = figures.headlines(previous, specs) if previous else {}
    headlines = [
        Headline(
            h["id"],
            h["label"],
            now[h["id"]],
            before.get(h["id"]),
            h["percent"],
            h["indicator"].formula if "indicator" in h else None,
            h["key"],
        )
        for h in specs
    ]
    years = []
    for r in reports:
        path = source_path(r, root)
        years.append(
            YearView(
                r,
                path,
                r.meta.get("source_url"),
                f"{repo_url.rstrip('/')}/blob/main/{path}" if repo_url else None,
                form_tables(r, form),
                r.findings,
            )
        )
    names = list(dict.fromkeys(r.agency for r in reversed(reports) if r.agency))
    sources = [Link(str(y.report.year), y.source_url or y.repo_url or text_copy(y.source_file)) for y in years]
    charts = [
        _chart_view(k, reports, figures, sources, names[0], f"charts/{agency_id}/{k.id}.csv")
        for k in agency_kinds(form)
    ]
    table = divisions
    keywords = []
    if latest.region.code in table.by_code:
        for d in table.ancestors(table.by_code[latest.region.code]):
            keywords += [d.name, d.short]
    if latest.agency_as_titled:
        keywords.append(latest.agency_as_titled)
    return AgencyView(
        agency_id,
        names[0],
        names,
        region_links(latest, table),
        years,
        headlines,
        charts,
        sum(figures.attention(r) for r in reports),
        " ".join(dict.fromkeys(k for k in keywords if k and k not in names[0])),
    )


def agencies(reports: list[Report]) -> dict[str, list[Report]]:
    grouped: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if r.agency_id:
            grouped[r.agency_id].append(r)
    return dict(sorted(grouped.items()))
