"""A Report as the stable JSON object of `goi parse --json` (ids of the reference)."""

from __future__ import annotations

from decimal import Decimal

from goi_site.form.loader import CellRef, load_form
from goi_site.parse.record import CellMap, Report


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def report_to_json(report: Report) -> dict:
    form = load_form()
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
    cell_at = _reader(report)
    for table_id, top_level, rows in _plan(form, edition):
        values: dict = {}
        where: dict = {}
        for row, columns in rows:
            values[row] = row_values = {}
            where[row] = row_lines = {}
            for column, ref in columns:
                row_values[column], row_lines[column] = cell_at(ref)
        if top_level:
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


def _plan(form, edition) -> list:
    """(table id, at top level, [(row, [(column, cell)])]) of an edition, in the form's
    order: made once per edition (a corpus of 50,000 reports shares a few)."""
    key = (id(form), edition.id)
    plan = _PLANS.get(key)
    if plan is None or plan[0] is not edition:
        tables = [
            (
                table_id,
                table.groups_at_top_level,
                [
                    (row, [(column, CellRef(table_id, row, column)) for column in edition.columns(table_id, row)])
                    for row in edition.rows(table_id)
                ],
            )
            for table_id, table in form.tables.items()
        ]
        plan = _PLANS[key] = (edition, tables)
    return plan[1]


_PLANS: dict = {}


def _reader(report: Report):
    """cell → (value as JSON, source line): from a CellMap's arrays without making a Cell
    per cell (the downloads' JSON reads ten million); a missing cell is a KeyError either way."""
    cells = report.cells
    if not isinstance(cells, CellMap):
        return lambda ref: (_number(cells[ref].value), cells[ref].line)
    values, lines, status, _ = cells.arrays()
    index = cells.positions

    def cell_at(ref):
        i = index[ref]
        if status[i] == 255:
            raise KeyError(ref)
        value = values[i]
        return (value if value is None or type(value) is int else _number(value)), (lines[i] or None)

    return cell_at
