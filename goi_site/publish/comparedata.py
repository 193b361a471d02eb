"""The compare page's data: one compact JSON file written once by the build, loaded only
by that page (assets/compare.js). Every agency, every year, every measure a reader can
pick (form/layout.yml `compare`), as numbers by position:

    {"years": [2021, …], "measures": [[id, label, table title], …],
     "agencies": [[id, name, region], …],
     "values": [[[year index, v0, v1, …], …] per agency]}   (null: not given, never 0)

Positional arrays and short numbers keep it under 2 MB gzipped at 10,000 agencies
(bench/compare_size.py measures it)."""

from __future__ import annotations

import json

from goi_site.form.loader import CellRef, load_form
from goi_site.publish.formtables import layout, table_order


def measures() -> list[tuple[CellRef, str, str]]:
    form = load_form()
    choice = layout(form)["compare"]
    out = []
    for table in table_order(form):
        info = form.tables[table]
        title = f"{info.section}、{info.title}"
        for row in form.rows[table].values():
            columns = list(dict.fromkeys(c for e in form.editions.values() if row.id in e.rows(table)
                                         for c in e.columns(table, row.id)))
            if choice[table] != "all":  # one column of each row (layout.yml `compare`), labelled by the row
                columns = [c for c in columns if c == choice[table]]
            for column in columns:
                label = row.label if choice[table] != "all" else f"{row.label}·{form.columns[column].label}"
                out.append((CellRef(table, row.id, column), label, title))
    return out


def _plain(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def compare_json(views: dict) -> str:
    """`views`: agency id → AgencyView (its years' reports, name and region)."""
    chosen = measures()
    years = sorted({y.report.year for v in views.values() for y in v.years if y.report.year})
    index = {y: i for i, y in enumerate(years)}
    agencies, values = [], []
    for aid, view in views.items():
        agencies.append([aid, view.name, " ".join(link.label for link in view.region)])
        rows = []
        for y in view.years:
            if y.report.year not in index:
                continue
            cells = y.report.cells
            row = [index[y.report.year]]
            for ref, _, _ in chosen:
                cell = cells.get(ref)
                row.append(None if cell is None else _plain(cell.value))
            while len(row) > 1 and row[-1] is None:  # trailing cells of another edition
                row.pop()
            rows.append(row)
        values.append(rows)
    data = {"years": years, "measures": [[".".join(ref), label, title] for ref, label, title in chosen],
            "agencies": agencies, "values": values}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
