"""Generate annual reports with known numbers, in the layouts real reports come in.

For tests and benchmarks only: generated reports never go into data/ and never reach
the public site. `render(truth, layout)` returns the report text; `truth` holds every
cell, so a parse can be compared with it exactly.

Layouts: tabs (cells split by tabs), spaces (runs of spaces), pipes (`|`), cells
(one cell per line, as web tables copy), split (labels broken over lines, values on
the next line, as PDF extraction gives).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from goi_site.form.loader import load_form

LAYOUTS = ("tabs", "spaces", "pipes", "cells", "split")


@dataclass
class Truth:
    agency: str
    year: int
    edition: str
    cells: dict[tuple[str, str, str], int] = field(default_factory=dict)
    slips: list[str] = field(default_factory=list)  # rules the agency's own numbers break


def random_truth(
    rng: random.Random,
    agency: str = "平顶山市湛河区商务局",
    year: int = 2023,
    edition: str = "2021",
    scale: int = 50,
    slip: bool = False,
    carried_over: dict[str, int] | None = None,
) -> Truth:
    """Consistent numbers (every rule holds) unless `slip`, which breaks one total.

    `carried_over` (per applicant column) continues the agency's previous year, so the
    carry chain holds across years too."""
    form = load_form()
    ed = form.editions[edition]
    truth = Truth(agency, year, edition)
    previous = dict(carried_over or {})
    apps = ed.rows("applications")
    outcomes = apps[apps.index("granted") : apps.index("processed_total")]
    for row in ed.rows("disclosure"):
        for col in ed.columns("disclosure", row):
            truth.cells[("disclosure", row, col)] = rng.randint(0, scale * 4)
    per_column = {}
    for col in form.applicant_columns[:-1]:
        weight = scale if col == "natural_person" else max(1, scale // 8)
        values = {row: (rng.randint(0, weight) if rng.random() < 0.6 else 0) for row in outcomes}
        processed = sum(values.values())
        carried_over = carried_over_given = previous.get(col)
        if carried_over is None:
            carried_over = rng.randint(0, max(1, weight // 4))
        carried_forward = rng.randint(0, processed + carried_over) if processed + carried_over else 0
        new = processed + carried_forward - carried_over
        if new < 0:  # more carried over than handled: handle it all
            if carried_over_given is None:
                carried_over, new = processed + carried_forward, 0
            else:
                values["granted"] += -new
                processed, new = processed - new, 0
        values.update(new=new, carried_over=carried_over, processed_total=processed, carried_forward=carried_forward)
        per_column[col] = values
    for row in apps:
        total = 0
        for col in form.applicant_columns[:-1]:
            truth.cells[("applications", row, col)] = per_column[col][row]
            total += per_column[col][row]
        truth.cells[("applications", row, "total")] = total
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = [rng.randint(0, 3) for _ in range(4)]
        for col, value in zip(form.appeal_columns, [*parts, sum(parts)]):
            truth.cells[("appeals", group, col)] = value
    if slip:
        truth.cells[("applications", "processed_total", "total")] += 1
        truth.slips = ["balance", "row_total", "outcome_sum"]
    return truth


def _line_labels(line) -> list[str]:
    """A printed label, sometimes with the numbering real forms print."""
    return [line.label]


def render(truth: Truth, layout: str, rng: random.Random | None = None, printed=None) -> str:
    """`printed`: where the labels come from (tests/printed.py reads them from the reference
    document, independent of form.yml); by default the form's own labels."""
    rng = rng or random.Random(0)
    form = load_form()
    ed = form.editions[truth.edition]

    def column_label(table: str, row: str, column: str) -> str:
        return printed.column(truth.edition, table, row, column) if printed else form.columns[column].label

    def section(table_id: str) -> str:
        table = form.tables[table_id]
        return printed.section(table_id) if printed else f"{table.section}、{table.title}"

    out: list[str] = [
        f"{truth.agency}{truth.year}年政府信息公开工作年度报告",
        "",
        "一、总体情况",
        f"{truth.year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，现将有关情况报告如下。",
        "",
        printed.section("disclosure") if printed else "二、主动公开政府信息情况",
    ]
    current_table = "disclosure"
    header = None
    for line in ed.lines:
        columns = [column_label(c.table, c.row, c.column) for c in line.cells] if line.table == "disclosure" else None
        if line.table == "disclosure" and columns != header:
            out += _cells_line(["信息内容", *columns], layout)  # each block prints its columns
            header = columns
        if line.table != current_table:
            current_table = line.table
            out += ["", section(line.table)]
            if line.table == "applications":
                out += _cells_line(
                    ["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "申请人情况"], layout
                )
                out += _cells_line(["", *(column_label("applications", "", c) for c in form.applicant_columns)], layout)
            if line.table == "appeals":
                out += _cells_line(["行政复议", "行政诉讼"], layout)
                out += _cells_line(
                    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"], layout
                )
                out += _cells_line(["结果维持", "结果纠正", "其他结果", "尚未审结"], layout)
        values = [str(truth.cells[(c.table, c.row, c.column)]) for c in line.cells]
        label = (
            printed.row(truth.edition, line.table, line.cells[0].row)
            if printed and line.table != "appeals"
            else line.label
        )
        if line.table == "appeals":
            out += _cells_line(["总计"], layout)  # the header's last cell
            out += _cells_line(values, layout)
            continue
        if layout == "split" and len(label) > 6:
            cut = rng.randint(2, len(label) - 2)
            out += [label[:cut], label[cut:], " ".join(values)]
        else:
            out += _cells_line([label, *values], layout)
    out += [
        "",
        "五、存在的主要问题及改进情况",
        f"{truth.year} 年 信息公开工作仍有 3 项不足。",
        "",
        "六、其他需要报告的事项",
        "无",
    ]
    return "\n".join(out) + "\n"


def _cells_line(cells: list[str], layout: str) -> list[str]:
    if layout == "tabs":
        return ["\t".join(cells)]
    if layout in ("spaces", "split"):
        return ["  ".join(c for c in cells if c)]
    if layout == "pipes":
        return ["| " + " | ".join(cells) + " |"]
    if layout == "cells":
        return ["\t" + c for c in cells if c] + [""]
    raise ValueError(layout)
