"""A Report as the stable JSON object of `goi parse --json` (ids of the reference)."""

from __future__ import annotations

from decimal import Decimal

from goi_site.form.loader import CellRef, Form, load_form
from goi_site.parse.record import Report


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def report_to_json(report: Report, form: Form | None = None) -> dict:
    """`form`: the form the report was read with (an entry point of `goi parse --json` and
    tests: the shipped form by default)."""
    form = form if form is not None else load_form()
    edition = form.editions[report.edition]
    out: dict = {
        "agency": report.agency,
        "agency_as_titled": report.agency_as_titled,
        "agency_id": report.agency_id,
        "year": report.year,
        "edition": report.edition,
        "region": {
            "province": report.region.province,
            "city": report.region.city,
            "county": report.region.county,
            "code": report.region.code,
        },
        "title": report.title,
        "source": {"file": report.source, "sha256": report.sha256, "encoding": report.encoding, **report.meta},
    }
    lines: dict = {}
    for table_id, table in form.tables.items():
        values: dict = {}
        where: dict = {}
        for row in edition.rows(table_id):
            values[row] = {}
            where[row] = {}
            for column in edition.columns(table_id, row):
                cell = report.cells[_ref(table_id, row, column)]
                values[row][column] = _number(cell.value)
                where[row][column] = cell.line
        if table.groups_at_top_level:
            out.update(values)
            lines.update(where)
        else:
            out[table_id] = values
            lines[table_id] = where
    out["findings"] = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "message": f.message,
            "line": f.line,
            "file": f.file,
            "numbers": {k: _number(v) for k, v in f.numbers.items()},
        }
        for f in report.findings
    ]
    out["lines"] = lines
    return out


def _ref(table, row, column):
    return CellRef(table, row, column)
