"""A Report as the stable JSON object of `goi parse --json` (ids of the reference)."""

from __future__ import annotations

from decimal import Decimal

from goi_site.form.loader import CellRef, Form, load_form
from goi_site.parse.record import CellMap, Report


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
    read = _reader(report)
    for table_id, top_level, rows in _plan(form, edition):
        values: dict = {}
        where: dict = {}
        for row, columns, refs in rows:
            numbers, at = read(refs)
            values[row] = dict(zip(columns, numbers))
            where[row] = dict(zip(columns, at))
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
    """(table id, at top level, [(row, its columns, their cells)]) of an edition, in the
    form's order: made once per edition (a corpus of 50,000 reports shares a few)."""
    key = (id(form), edition.id)
    plan = _PLANS.get(key)
    if plan is None or plan[0] is not edition:
        tables = []
        for table_id, table in form.tables.items():
            rows = []
            for row in edition.rows(table_id):
                columns = edition.columns(table_id, row)
                rows.append((row, columns, [CellRef(table_id, row, column) for column in columns]))
            tables.append((table_id, table.groups_at_top_level, rows))
        plan = _PLANS[key] = (edition, tables)
    return plan[1]


_PLANS: dict = {}
_POSITIONS: dict = {}


def _positions_of(index: dict) -> dict:
    """id(a plan's list of cells) → their positions in a CellMap's arrays, per positions
    table (the reports of an edition share one)."""
    cached = _POSITIONS.get(id(index))
    if cached is None or cached[0] is not index:
        cached = _POSITIONS[id(index)] = (index, {})
    return cached[1]


def _reader(report: Report):
    """cells → (their values as JSON, their source lines). A CellMap holding every cell of
    its edition is read from its arrays, without making a Cell per cell (the downloads'
    JSON reads ten million); otherwise cell by cell (a missing cell is a KeyError)."""
    cells = report.cells
    if isinstance(cells, CellMap):
        values, lines, status, _ = cells.arrays()
        if 255 not in status:
            at = _positions_of(cells.positions)
            values = [v if v is None or type(v) is int else _number(v) for v in values]

            def read(refs):
                where = at.get(id(refs))
                if where is None:
                    where = at[id(refs)] = [cells.positions[ref] for ref in refs]
                return [values[i] for i in where], [lines[i] or None for i in where]

            return read

    def read_cells(refs):
        found = [cells[ref] for ref in refs]
        return [_number(c.value) for c in found], [c.line for c in found]

    return read_cells
