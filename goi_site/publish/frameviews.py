"""What pages and charts read from the frames (frames.py): the numbers of each report.

The downloads are written from the frames; so is every number a page or a chart shows
(chart data, each chart's CSV, trends, headline figures, the tables of region, year and
site-wide pages, the compare page's data). The number is computed once, in the frames,
and read here: no page recomputes a cell, a sum or an indicator from the records.

`Figures` lines the frames up with the corpus's reports (the frames hold one row per
report, in the corpus's order; checked, not assumed) and hands out plain Python values:
None for missing (never 0), an int for a whole number, a float otherwise.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from goi_site.form.loader import CellRef, Form, load_form
from goi_site.parse.record import Finding, Report
from goi_site.publish.frames import Frames, build_frames
from goi_site.publish.indicators import load_indicators
from goi_site.publish.views import headline_specs, needs_attention


class FindingRow(SimpleNamespace):
    """One row of the findings frame, read the way templates read a Finding."""

    needs_attention = property(Finding.needs_attention.fget)  # the one definition, on the row's severity


def whole_frames(chunks: list) -> Frames:
    """One Frames of the whole corpus from the per-report frames of consecutive chunks
    (exports.write_downloads(keep=…)): the long table is not kept (no page reads it)."""
    if len(chunks) == 1:
        return chunks[0]
    joined = {
        name: pd.concat([c.table(name) for c in chunks], ignore_index=True)
        for name in ("wide", "findings", "indicators")
    }
    ratios = None if chunks[0].ratios is None else pd.concat([c.ratios for c in chunks], ignore_index=True)
    return Frames(chunks[0].values, joined["wide"], joined["findings"], joined["indicators"], ratios=ratios)


def plain(value):
    """A frame's number as the page prints it: None, an int when whole, else a float."""
    if value is None or value != value:
        return None
    return int(value) if value == int(value) else float(value)


def _objects(column) -> list:
    return column.to_numpy(dtype=object, na_value=None).tolist()


@cache  # keyed by (edition id, Form object)
def _edition_cells(edition: str, form: Form) -> frozenset:
    return frozenset(form.editions[edition].cells())


class Figures:
    """The frames of a corpus, read per report. `reports` are the reports the frames were
    built from, in the same order."""

    def __init__(self, frames, reports: list[Report], form: Form | None = None):
        # `form`: the form the frames were built with (tests build Figures too: shipped by default)
        self.form = form if form is not None else load_form()
        self.wide = frames.table("wide")
        self.finding_frame = frames.table("findings")
        ids = _objects(self.wide["agency_id"])
        if (
            len(self.wide) != len(reports)
            or ids != [r.agency_id for r in reports]
            or _objects(self.wide["year"]) != [r.year for r in reports]
        ):
            raise ValueError("the frames do not hold the corpus's reports in its order")
        self._row = {id(r): i for i, r in enumerate(reports)}
        self._editions = _objects(self.wide["edition"])
        self._columns: dict[str, list] = {}
        self._series: dict = {}
        self._ratios = getattr(frames, "ratios", None)
        self._ratio_columns: dict[str, list] = {}
        self._findings = self._by_report(reports)
        self._attention = [len(needs_attention(f)) for f in self._findings]

    def row(self, report: Report) -> int:
        return self._row[id(report)]

    # ---- cells and sums of cells (the wide frame) --------------------------------------------

    def column(self, name: str) -> list:
        """A cell's column (table.row.column) of the wide frame, one plain value per report."""
        if name not in self._columns:
            self._columns[name] = [plain(v) for v in _objects(self.wide[name])]
        return self._columns[name]

    def cell(self, report: Report, ref: CellRef):
        return self.column(".".join(ref))[self.row(report)]

    def series(self, cells: tuple[CellRef, ...], add: bool) -> list:
        """Per report: the first of `cells` its edition has (a measure named differently
        across editions), or with `add` the sum of those it has; None when any is missing,
        never a total made up around a gap."""
        key = (cells, add)
        if key not in self._series:
            columns = {ref: self.column(".".join(ref)) for ref in cells}
            present = {ed: [c for c in cells if c in _edition_cells(ed, self.form)] for ed in set(self._editions)}
            out = []
            for i, edition in enumerate(self._editions):
                have = present[edition]
                if not have:
                    out.append(None)
                elif add:
                    values = [columns[c][i] for c in have]
                    out.append(None if None in values else plain(sum(values)))
                else:
                    out.append(columns[have[0]][i])
            self._series[key] = out
        return self._series[key]

    def points(self, kind, reports: list[Report]) -> list[tuple]:
        """(year, value of each of a chart kind's series) per report, in the order given:
        the one reading of a chart's numbers, which its rows, table, CSV and trend share."""
        columns = [self.series(s.cells, s.sum) for s in kind.series]
        return [(r.year, [c[self.row(r)] for c in columns]) for r in reports]

    def sum_of(self, report: Report, refs) -> int | float | None:
        """The sum of some cells (None if any is missing or not in the report's edition)."""
        values = [self.cell(report, ref) for ref in refs]
        return None if None in values else plain(sum(values))

    # ---- indicators --------------------------------------------------------------------------

    def indicator(self, report: Report, indicator) -> float | None:
        """An indicator (indicators.yml) of a report at full precision, from the frames'
        ratios (frames.py computes it once; the indicators frame holds it rounded to 6
        decimals for the downloads): pages sort on it and print it to one decimal of a
        percent. An indicator that is not the frames' form's is taken from the frame's
        cells by the same formula."""
        if self._ratios is not None and load_indicators(self.form).get(indicator.id) == indicator:
            if indicator.id not in self._ratio_columns:
                self._ratio_columns[indicator.id] = [
                    None if x != x else float(x) for x in self._ratios[indicator.id].tolist()
                ]
            return self._ratio_columns[indicator.id][self.row(report)]
        return indicator.ratio(self.sum_of(report, indicator.numerator), self.sum_of(report, indicator.denominator))

    def headlines(self, report: Report, specs) -> dict[str, float | int | None]:
        """The headline figures of a report (form/headlines.yml): sums of cells or indicators."""
        return {
            s["id"]: self.indicator(report, s["indicator"]) if "indicator" in s else self.sum_of(report, s["refs"])
            for s in specs
        }

    # ---- findings ----------------------------------------------------------------------------

    def _by_report(self, reports: list[Report]) -> list[list[SimpleNamespace]]:
        """The findings frame's rows per report. They come report by report in the corpus's
        order, each report's numbered from 1 (checked: a row left over is an error)."""
        frame = self.finding_frame
        names = ("agency_id", "agency", "year", "seq", "rule", "severity", "message", "source_line")
        columns = [_objects(frame[c]) for c in names]
        rows = [FindingRow(**dict(zip(names, values))) for values in zip(*columns)]
        out: list[list[SimpleNamespace]] = [[] for _ in reports]
        j = 0
        for i, r in enumerate(reports):
            while (
                j < len(rows)
                and rows[j].agency_id == r.agency_id
                and rows[j].year == r.year
                and rows[j].seq == len(out[i]) + 1
            ):
                rows[j].line = rows[j].source_line  # what the templates call a finding's line
                out[i].append(rows[j])
                j += 1
        if j != len(rows):
            raise ValueError("the findings frame does not follow the corpus's reports")
        return out

    def attention(self, report: Report) -> int:
        """Findings to look at in a report: as every count on every page, views.needs_attention."""
        return self._attention[self.row(report)]

    def attention_total(self) -> int:
        return sum(self._attention)

    def finding_rows(self) -> list[SimpleNamespace]:
        """Every finding, as the quality page lists it: agency_id, agency, year, rule,
        severity, message, line (each row stands for both the report and the finding)."""
        return [f for findings in self._findings for f in findings]


def report_headlines(reports: list[Report], form: Form) -> list[dict]:
    """The headline figures (headlines.yml) of some reports, for what runs without a build
    (the PR summary, `goi` tables in the terminal): the frames of just these reports, read
    as the pages read them (Figures.headlines)."""
    figures = Figures(build_frames(reports, Path("."), form), reports, form)
    specs = headline_specs(form)
    return [figures.headlines(r, specs) for r in reports]
