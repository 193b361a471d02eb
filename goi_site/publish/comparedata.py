"""The compare page's data: small JSON files written once by the build into
assets/compare/, loaded only by that page (assets/compare.js), from the frames.

    index.json      {"years": [2021, …], "regions": [region, …],
                     "agencies": [[id, name, region index, years reported (bit i: years[i])], …]}
    <measure>.json  [[value per year index, …] per agency of the index]  (one file per
                    measure a reader can pick, form/layout.yml `compare`; null: not given
                    or no report, never 0; trailing nulls left out)

The page loads the index (to find agencies by name) and the one measure the reader
picks; another measure is another small file. At 10,000 agencies × 5 years that is
well under 2 MB gzipped (bench/compare_size.py prints the figures)."""

from __future__ import annotations

import json
from pathlib import Path

from goi_site.form.loader import CellRef, Form
from goi_site.publish.formtables import layout, table_order

FOLDER = "compare"  # under the site's assets/


def measures(form: Form) -> list[tuple[CellRef, str, str]]:
    choice = layout(form)["compare"]
    out = []
    for table in table_order(form):
        info = form.tables[table]
        title = f"{info.section}、{info.title}"
        for row in form.rows[table].values():
            columns = list(
                dict.fromkeys(
                    c for e in form.editions.values() if row.id in e.rows(table) for c in e.columns(table, row.id)
                )
            )
            if choice[table] != "all":  # one column of each row (layout.yml `compare`), labelled by the row
                columns = [c for c in columns if c == choice[table]]
            for column in columns:
                label = row.label if choice[table] != "all" else f"{row.label}·{form.columns[column].label}"
                out.append((CellRef(table, row.id, column), label, title))
    return out


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def compare_files(agencies: list[tuple], figures, form: Form) -> dict[str, str]:
    """File name → text of every file of assets/compare/. `agencies`: (id, name, region,
    reports) per agency, in the page's order; `figures`: the frames the numbers are read
    from (frameviews.Figures)."""
    years = sorted({r.year for *_, reports in agencies for r in reports if r.year})
    index = {y: i for i, y in enumerate(years)}
    regions = list(dict.fromkeys(region for _, _, region, _ in agencies))
    where = {region: i for i, region in enumerate(regions)}
    listed, rows = [], []  # rows: per agency, (frame row, year index) of each report with a year
    for aid, name, region, reports in agencies:
        dated = [r for r in reports if r.year in index]
        listed.append([aid, name, where[region], sum(1 << index[r.year] for r in dated)])
        rows.append([(figures.row(r), index[r.year]) for r in dated])
    files = {"index.json": _dump({"years": years, "regions": regions, "agencies": listed})}
    for ref, _, _ in measures(form):
        column = figures.column(".".join(ref))
        values = []
        for at in rows:
            line = [None] * (max(i for _, i in at) + 1 if at else 0)
            for row, i in at:
                line[i] = column[row]
            while line and line[-1] is None:
                line.pop()
            values.append(line)
        files[f"{'.'.join(ref)}.json"] = _dump(values)
    return files


def write_compare_data(assets: Path, agencies: list[tuple], figures, form: Form) -> None:
    folder = assets / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in compare_files(agencies, figures, form).items():
        (folder / name).write_text(text, encoding="utf-8")
