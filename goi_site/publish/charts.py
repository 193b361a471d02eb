"""Chart kinds (form/charts.yml): each built with Altair once, bound in the browser to
one page's rows.

Building an Altair chart costs milliseconds; at tens of thousands of charts that is
minutes. So each kind becomes one Vega-Lite spec template (specs.json, shipped with
the site and cached by the browser), and a page carries only its rows. The rows are
read from the frames the downloads are written from (frameviews.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import altair as alt

from goi_site.form.loader import CellRef, Form, load_form

FONT = "system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    cells: tuple[CellRef, ...]
    sum: bool = False  # add the cells up, instead of taking the first the report has
    offset: str | None = None
    id: str = ""  # the measure's id in a chart's CSV: its cell, or a name for a sum

    @property
    def measure(self) -> str:
        return self.id or ".".join(self.cells[0])


@dataclass(frozen=True)
class ChartKind:
    id: str
    title: str
    description: str
    legend: str
    layout: str  # grouped | stacked | normalized
    series: tuple[Series, ...]
    offset: str | None = None
    skip_zero: bool = False
    page: str = "agency"  # agency | year | corpus: where the chart is shown


def _charts_file(form: Form) -> dict:
    """charts.yml as the form loaded it: every series' cells resolved (form/loader.py)."""
    return form.file("charts")


@lru_cache(maxsize=8)
def _kinds(form: Form) -> dict[str, ChartKind]:
    kinds = {}
    for kid, k in _charts_file(form)["kinds"].items():
        series = tuple(
            Series(s["label"], s["cells"], bool(s.get("sum")), s.get("offset"), s.get("id", "")) for s in k["series"]
        )
        kinds[kid] = ChartKind(
            kid,
            k["title"],
            k["description"],
            k["legend"],
            k["layout"],
            series,
            k.get("offset"),
            bool(k.get("skip_zero")),
            k["page"],
        )
    return kinds


def chart_kinds(form: Form | None = None) -> dict[str, ChartKind]:
    # an entry point of tests (the shipped charts): the build always passes its form
    return _kinds(form if form is not None else load_form())


def agency_kinds(form: Form | None = None) -> list[ChartKind]:
    """The charts of every agency page, in the order of charts.yml (of the shipped form
    unless one is given: tests ask for the shipped ones)."""
    return [k for k in chart_kinds(form).values() if k.page == "agency"]


def page_kind(page: str, form: Form) -> ChartKind:
    """The one chart of a site-wide page: `year` (the ranking) or `corpus` (the trend)."""
    return next(k for k in chart_kinds(form).values() if k.page == page)


def axis_labels(form: Form) -> dict[str, str]:
    return _charts_file(form)["axes"]


def colors(form: Form) -> dict[str, str]:
    """Measure label → colour, from charts.yml: one colour per measure across charts."""
    return _charts_file(form)["colors"]


def _color_scale(kind: ChartKind, form: Form) -> alt.Scale:
    labels = list(dict.fromkeys(s.label for s in kind.series))
    return alt.Scale(domain=labels, range=[colors(form)[label] for label in labels])


def _ranking(kind: ChartKind, axes: dict, form: Form) -> alt.Chart:
    # A bar per agency at a fixed step: the chart is as tall as its bars (no "fit-y"
    # room for 20 bars when a year has 5).
    return (
        alt.Chart(alt.NamedData(name="rows"), title=alt.Title(kind.title, anchor="start"))
        .mark_bar(color=colors(form)[kind.series[0].label])
        .encode(
            y=alt.Y("group:N", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", title=axes["count"], axis=alt.Axis(format="d", tickMinStep=1)),
            tooltip=[alt.Tooltip("group:N", title=kind.legend), alt.Tooltip("value:Q", title=axes["count"])],
        )
        .properties(width="container", height=alt.Step(22), description=kind.description)
    )


def _chart(kind: ChartKind, form: Form) -> alt.Chart:
    axes = _charts_file(form)["axes"]
    if kind.layout == "ranking":
        return _ranking(kind, axes, form)
    normalized = kind.layout == "normalized"
    y = alt.Y(
        "value:Q",
        title=axes["share"] if normalized else axes["count"],
        stack="normalize" if normalized else (True if kind.layout == "stacked" else None),
        axis=alt.Axis(format="%" if normalized else "d", tickMinStep=1),
    )
    tooltip = [
        alt.Tooltip("year:N", title=axes["year"]),
        alt.Tooltip("group:N", title=kind.legend),
        alt.Tooltip("value:Q", title=axes["count"]),
    ]
    encoding = dict(
        x=alt.X("year:N", title=axes["year"], axis=alt.Axis(labelAngle=0)),
        y=y,
        color=alt.Color(
            "group:N",
            title=kind.legend,
            sort=alt.SortField("order"),
            scale=_color_scale(kind, form),
            legend=alt.Legend(orient="bottom", columns=3, symbolType="square"),
        ),
        order=alt.Order("order:Q"),
        tooltip=tooltip,
    )
    if kind.layout == "grouped":
        encoding["xOffset"] = alt.XOffset("group:N", sort=alt.SortField("order"))
    if kind.offset:
        encoding["xOffset"] = alt.XOffset("offset:N", sort=alt.SortField("offset_order"))
        tooltip.insert(1, alt.Tooltip("offset:N", title=kind.offset))
    return (
        alt.Chart(alt.NamedData(name="rows"), title=alt.Title(kind.title, anchor="start"))
        .mark_bar()
        .encode(**encoding)
        .properties(width="container", height=240, description=kind.description)
    )


def _compare(form: Form) -> alt.Chart:
    """The compare page: one line per agency (agencies are not measures: a categorical scheme);
    a year with no value breaks the line."""
    axes = _charts_file(form)["axes"]
    return (
        alt.Chart(alt.NamedData(name="rows"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=axes["year"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=axes["count"], axis=alt.Axis(format="~s")),
            color=alt.Color(
                "group:N",
                title=axes["agency"],
                sort=alt.SortField("order"),
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("group:N", title=axes["agency"]),
                alt.Tooltip("year:O", title=axes["year"]),
                alt.Tooltip("value:Q", title=axes["count"]),
            ],
        )
        .properties(width="container", height=280)
    )


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def spec_templates(form: Form) -> dict[str, dict]:
    """kind id → Vega-Lite spec whose data source `rows` the page fills in."""
    specs = {}
    kinds = chart_kinds(form)
    charts = {kind.id: _chart(kind, form) for kind in kinds.values()}
    charts["compare"] = _compare(form)
    for kid, chart in charts.items():
        spec = chart.to_dict()
        spec["config"] = {
            "font": FONT,
            "view": {"stroke": None},
            "legend": {"labelLimit": 240},
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
        }
        if kid in kinds and kinds[kid].layout == "ranking":
            spec["autosize"] = {"type": "fit-x", "contains": "padding"}  # as tall as its bars
        specs[kid] = spec
    return specs


def _number(value):
    return int(value) if value == int(value) else float(value)


def chart_rows(kind: ChartKind, points: list[tuple]) -> list[dict]:
    """Long rows {year, group, value, order[, offset]}; a missing value is left out, not 0.
    `points`: (year, value of each series) per report, read from the frames (Figures.points)."""
    rows: list[dict] = []
    offsets = list(dict.fromkeys(s.offset for s in kind.series if s.offset))
    groups = list(dict.fromkeys(s.label for s in kind.series))
    for year, values in points:
        for series, value in zip(kind.series, values):
            if value is None or (kind.skip_zero and value == 0):
                continue
            row = {
                "year": str(year),
                "group": series.label,
                "value": _number(value),
                "order": groups.index(series.label),
            }
            if series.offset:
                row.update(offset=series.offset, offset_order=offsets.index(series.offset))
            rows.append(row)
    return rows
