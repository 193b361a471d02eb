"""Each chart's own CSV: exactly the rows and columns it plots, Chinese labels with the
ids beside them in the header ("本年新收 (applications.new.total)"), written with the
project's CSV conventions (BOM, formula-safe, missing is empty, never 0)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from goi_site.publish.csvout import BOM, safe_cell


def chart_csv(cv, labels: dict[str, str]) -> bytes:
    """`labels`: the header words of the fixed columns (year, agency, agencies), from charts.yml."""
    if cv.kind.layout == "ranking":
        series = cv.kind.series[0]
        header = [
            f"{labels['rank']} (rank)",
            f"{labels['agency']} (agency)",
            f"{labels['agency_id']} (agency_id)",
            f"{series.label} ({series.measure})",
        ]
        lines = [[i + 1, r["group"], r["id"], r["value"]] for i, r in enumerate(cv.rows)]
    else:
        header = [f"{labels['year']} (year)"] + [f"{label} ({mid})" for mid, label, _ in cv.table_groups]
        if cv.agencies is not None:
            header.append(f"{labels['agencies']} (agencies)")
        lines = []
        for i, year in enumerate(cv.table_years):
            if year in cv.gaps:
                continue
            line = [int(year)] + [values[i] for _, _, values in cv.table_groups]
            if cv.agencies is not None:
                line.append(cv.agencies)
            lines.append(line)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([safe_cell(v) for v in line] for line in [header, *lines])
    return BOM + buffer.getvalue().encode("utf-8")


def write_chart_csv(downloads: Path, cv, labels: dict[str, str]) -> None:
    path = downloads / cv.csv
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chart_csv(cv, labels))
