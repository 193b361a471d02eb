"""The form's tables as a page shows them: two-level headers, rows of cells with their
provenance. Generic: headers come from form.yml (columns) and form/layout.yml (groups
above columns), rows from the report's edition. No label is spelled here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from goi_site.form.loader import CellRef, Form
from goi_site.parse.record import Report


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    term: str | None = None  # glossary key (a column id), for the tooltip


@dataclass
class Block:
    """Rows that share one set of columns, under one header (the disclosure table has several)."""

    header: list[list[HeaderCell]]
    rows: list[tuple[str, str, list]]  # (row id, label, cells: record.Cell or None)


@dataclass
class FormTable:
    id: str
    title: str  # "三、收到和处理政府信息公开申请情况"
    blocks: list[Block]
    span: tuple[int, int] | None  # first and last source line
    unit: str


def layout(form: Form) -> dict:
    """layout.yml as the form loaded it (its tables and columns checked)."""
    return form.file("layout")


def table_order(form: Form) -> tuple[str, ...]:
    """The order an agency page shows the form's tables in (layout.yml `page_order`)."""
    return tuple(layout(form)["page_order"])


@cache
def _header(table: str, columns: tuple[str, ...], form: Form) -> list[list[HeaderCell]]:
    spec = layout(form)
    group_of = {c: g["label"] for g in spec["column_groups"] for c in g["columns"]}
    grouped = any(c in group_of for c in columns)
    top: list[HeaderCell] = [HeaderCell(spec["stub"][table], rowspan=2 if grouped else 1)]
    second: list[HeaderCell] = []
    i = 0
    while i < len(columns):
        column = columns[i]
        group = group_of.get(column)
        if group is None:
            top.append(HeaderCell(form.columns[column].label, rowspan=2 if grouped else 1, term=column))
            i += 1
            continue
        members = []
        while i < len(columns) and group_of.get(columns[i]) == group:
            members.append(columns[i])
            i += 1
        top.append(HeaderCell(group, colspan=len(members)))
        second += [HeaderCell(form.columns[c].label, term=c) for c in members]
    return [top, second] if second else [top]


@cache
def _blocks(edition_id: str, table: str, form: Form) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(columns, row ids) of each run of rows that share their columns, in the form's order."""
    edition = form.editions[edition_id]
    runs: list[tuple[tuple[str, ...], list[str]]] = []
    for row in edition.rows(table):
        columns = tuple(edition.columns(table, row))
        if runs and runs[-1][0] == columns:
            runs[-1][1].append(row)
        else:
            runs.append((columns, [row]))
    return tuple((columns, tuple(rows)) for columns, rows in runs)


def form_table(report: Report, table: str, form: Form) -> FormTable:
    cells = report.cells
    blocks, lines = [], []
    for columns, rows in _blocks(report.edition, table, form):
        body = []
        for row in rows:
            row_cells = [cells.get(CellRef(table, row, c)) for c in columns]
            lines += [c.line for c in row_cells if c is not None and c.line]
            body.append((row, form.row(table, row).label, row_cells))
        blocks.append(Block(_header(table, columns, form), body))
    info = form.tables[table]
    return FormTable(
        table,
        f"{info.section}、{info.title}",
        blocks,
        (min(lines), max(lines)) if lines else None,
        layout(form)["count_unit"],
    )


def form_tables(report: Report, form: Form) -> list[FormTable]:
    edition = form.editions[report.edition]
    return [form_table(report, t, form) for t in table_order(form) if edition.rows(t)]
