"""Numbers no report can hold: kept as published (never "fixed"), flagged as a finding.

A count of requests, cases or documents of one agency in one year runs to thousands,
for the largest to a few million; a figure of more than ten digits is a misread or a
typing slip (two numbers run together, a phone number in a table), and is shown so.
"""

from __future__ import annotations

from goi_site.form.loader import Form
from goi_site.parse.record import Report

MAX_PLAUSIBLE = 10**10 - 1  # ten digits


def implausible_values(report: Report, form: Form) -> None:
    """Add an `implausible_value` finding per cell whose value is above MAX_PLAUSIBLE
    (its message as `form`'s findings.yml words it)."""
    cells = report.cells
    values, lines, _, _ = cells.arrays()  # a CellMap: index the arrays, no Cell made
    positions = cells.positions
    for ref, i in ((ref, positions[ref]) for ref in cells):
        value = values[i]
        if value is not None and abs(value) > MAX_PLAUSIBLE:
            report.add(
                "implausible_value",
                lines[i] or None,
                value=f"{value:.0f}" if isinstance(value, float) else str(value),
                digits=len(str(int(abs(value)))),
                cell=f"{ref.table}.{ref.row}.{ref.column}",
                form=form,
            )
