"""What each page shows, as plain data for the templates: agencies, regions, years.

No Markdown or HTML here (that is the templates' job) and no Chinese page text
(labels come from the form files, sentences from the templates).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import yaml

from . import paths

from .charts import ChartKind, agency_kinds, chart_rows
from .divisions import load_divisions
from .form import CellRef, load_form
from .indicators import load_indicators, sum_cells
from .record import Finding, Report, finding_catalogue
from .tabular import source_path


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

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class ChartView:
    kind: ChartKind
    rows: list[dict]
    table_years: list[str]
    table_groups: list[tuple[str, list]]  # (label, value per year; None if missing)

    @property
    def rows_json(self) -> str:
        """The rows, packed: {"y": years, "g": groups, "o": offsets, "r": [[y, g, value(, o)]…]}
        with indexes into the lists (goi.js unpacks them). A third of the size of plain rows."""
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
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@dataclass
class FormRow:
    label: str
    cells: list[tuple]  # (value, line, status)


@dataclass
class YearView:
    report: Report
    source_file: str
    source_url: str | None  # the original publication
    repo_url: str | None  # the text in the repository
    applications: list[FormRow]
    appeals: list[FormRow]
    disclosure: list[FormRow]
    findings: list[Finding]
    spans: dict[str, tuple[int, int] | None] = None  # first and last source line of each table


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


def region_links(report: Report) -> list[Link]:
    table = load_divisions()
    if report.region.code is None or report.region.code not in table.by_code:
        return []
    return [Link(d.name, f"regions/{d.code}.md") for d in table.ancestors(table.by_code[report.region.code])]


@lru_cache(maxsize=1)
def headline_specs() -> list[dict]:
    raw = yaml.safe_load((paths.PACKAGE / "form" / "headlines.yml").read_text(encoding="utf-8"))
    indicators = load_indicators()
    specs = []
    for h in raw:
        if "indicator" in h:
            ind = indicators[h["indicator"]]
            specs.append({"id": h["id"], "label": ind.label, "percent": True, "indicator": ind})
        else:
            refs = [CellRef(*c.split(".")) for c in h["sum"]]
            specs.append({"id": h["id"], "label": h["label"], "percent": False, "refs": refs})
    return specs


def headline_values(report: Report) -> dict[str, float | int | None]:
    out = {}
    for spec in headline_specs():
        if "indicator" in spec:
            out[spec["id"]] = spec["indicator"].value(report)
        else:
            out[spec["id"]] = sum_cells(report, spec["refs"])
    return out


@lru_cache(maxsize=None)
def _layout(edition_id: str, table: str) -> list[tuple[str, list[CellRef]]]:
    """(row label, its cells) of a table in an edition, in the form's order."""
    form = load_form()
    edition = form.editions[edition_id]
    return [(form.row(table, row).label, [CellRef(table, row, c) for c in edition.columns(table, row)])
            for row in edition.rows(table)]


def _form_rows(report: Report, table: str) -> list[FormRow]:
    cells = report.cells
    return [FormRow(label, [cells[ref][:3] for ref in refs]) for label, refs in _layout(report.edition, table)]


def _span(report: Report, table: str) -> tuple[int, int] | None:
    lines = [c.line for ref, c in report.cells.items() if ref.table == table and c.line]
    return (min(lines), max(lines)) if lines else None


def _chart_view(kind: ChartKind, reports: list[Report]) -> ChartView:
    rows = chart_rows(kind, reports)
    years = [str(r.year) for r in reports]
    groups = []
    for label in dict.fromkeys(s.label for s in kind.series):
        by_year = defaultdict(list)
        for row in rows:
            if row["group"] == label:
                by_year[row["year"]].append(row["value"])
        if by_year or not kind.skip_zero:
            name = label
            groups.append((name, [sum(by_year[y]) if by_year.get(y) else None for y in years]))
    if kind.offset:  # one table line per (offset, result)
        groups = []
        for series in kind.series:
            values = []
            for year in years:
                hit = [r["value"] for r in rows if r["year"] == year and r["group"] == series.label and r.get("offset") == series.offset]
                values.append(hit[0] if hit else None)
            groups.append((f"{series.offset}·{series.label}", values))
    return ChartView(kind, rows, years, groups)


def agency_view(agency_id: str, reports: list[Report], root, repo_url: str | None) -> AgencyView:
    reports = sorted(reports, key=lambda r: r.year or 0)
    latest = reports[-1]
    previous = next((r for r in reports if r.year == (latest.year or 0) - 1), None)
    now = headline_values(latest)
    before = headline_values(previous) if previous else {}
    headlines = [Headline(h["id"], h["label"], now[h["id"]], before.get(h["id"]), h["percent"]) for h in headline_specs()]
    years = []
    for r in reports:
        path = source_path(r, root)
        years.append(YearView(
            r, path, r.meta.get("source_url"), f"{repo_url.rstrip('/')}/blob/main/{path}" if repo_url else None,
            _form_rows(r, "applications"), _form_rows(r, "appeals"), _form_rows(r, "disclosure"), r.findings,
            {table: _span(r, table) for table in ("applications", "appeals", "disclosure")},
        ))
    charts = [_chart_view(k, reports) for k in agency_kinds()]
    names = list(dict.fromkeys(r.agency for r in reversed(reports) if r.agency))
    table = load_divisions()
    keywords = []
    if latest.region.code in table.by_code:
        for d in table.ancestors(table.by_code[latest.region.code]):
            keywords += [d.name, d.short]
    if latest.agency_as_titled:
        keywords.append(latest.agency_as_titled)
    return AgencyView(
        agency_id, names[0], names, region_links(latest), years, headlines, charts,
        sum(1 for r in reports for f in r.findings if f.severity != "info"),
        " ".join(dict.fromkeys(k for k in keywords if k and k not in names[0])),
    )


def agencies(reports: list[Report]) -> dict[str, list[Report]]:
    grouped: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if r.agency_id:
            grouped[r.agency_id].append(r)
    return dict(sorted(grouped.items()))

