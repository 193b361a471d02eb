"""The corpus as rows: the tidy table of every value, the wide table of every report,
findings and indicators. Shared by the CSV/JSON downloads and the site's pages, so
the numbers a journalist downloads are the numbers the pages show."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .form import CellRef, load_form
from .indicators import indicators_of, load_indicators
from .record import Report


@dataclass(frozen=True)
class Field:
    name: str
    title: str  # Chinese label
    en: str
    type: str  # frictionless type: string, integer, number, date
    description: str = ""
    unit: str = ""


IDENTITY = [
    Field("agency_id", "机关编号", "agency id", "string", "行政区划代码加机关名称拼音，稳定不变"),
    Field("agency", "机关全称", "agency", "string"),
    Field("province", "省", "province", "string"),
    Field("city", "市", "city", "string"),
    Field("county", "县（区）", "county", "string"),
    Field("division_code", "行政区划代码", "division code", "string", "机关所在最低一级行政区划的 6 位代码"),
    Field("year", "报告年度", "report year", "integer", "统计期所在年度，而非发布年度"),
    Field("edition", "表式版本", "form edition", "string", "2021 版（国办公开办函〔2021〕30号）或 2019 版"),
]
SOURCE = [
    Field("source_file", "原文文件", "source file", "string", "仓库中的原文文本路径"),
    Field("source_line", "原文行号", "source line", "integer", "数值所在的原文行"),
]


def source_path(report: Report, root: Path) -> str:
    """The report's text file relative to the repository (or corpus parent), with /."""
    return _relative(report.source, str(root))


@lru_cache(maxsize=200_000)
def _relative(source: str, root: str) -> str:
    absolute = os.path.abspath(source)
    try:
        return os.path.relpath(absolute, os.path.abspath(root)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")


def identity(report: Report) -> list:
    r = report.region
    return [report.agency_id, report.agency, r.province, r.city, r.county, r.code, report.year, report.edition]


# ---- tidy: one row per value ----------------------------------------------------------

TIDY = IDENTITY + [
    Field("section", "部分", "section", "string", "表格所在部分：二、三、四"),
    Field("table", "表格编号", "table id", "string"),
    Field("row_id", "行编号", "row id", "string"),
    Field("row_label", "行名称", "row label", "string"),
    Field("column_id", "栏编号", "column id", "string"),
    Field("column_label", "栏名称", "column label", "string"),
    Field("value", "数值", "value", "number", "按报告原样；空表示报告未给出或无法读出，不是 0"),
    Field("status", "读取状态", "status", "string", "read 原样读出；filled 按本行合计唯一补足；missing 缺；placeholder 以符号代替；invalid 不合规"),
] + SOURCE
TIDY_KEY = ["agency_id", "year", "table", "row_id", "column_id"]


def tidy_prefix(report: Report, root: Path) -> str:
    """The identity fields of a tidy row, as CSV text ending in a comma."""
    from .csvout import csv_line

    return csv_line(identity(report)) + ","


@lru_cache(maxsize=None)
def tidy_suffixes(edition: str) -> list[tuple[CellRef, str]]:
    """Each cell of an edition with its label fields as CSV text (section … column_label),
    ending in a comma: computed once per edition."""
    from .csvout import csv_line

    form = load_form()
    out = []
    for ref in form.editions[edition].cells():
        row = form.row(ref.table, ref.row)
        fields = [form.tables[ref.table].section, ref.table, ref.row, row.label, ref.column, form.columns[ref.column].label]
        out.append((ref, csv_line(fields) + ","))
    return out


# ---- wide: one row per report ------------------------------------------------------------

def cell_id(ref: CellRef) -> str:
    return f"{ref.table}.{ref.row}.{ref.column}"


def wide_fields() -> list[Field]:
    form = load_form()
    cells = []
    for ref in form.all_cells():
        column = form.columns[ref.column]
        row = form.row(ref.table, ref.row)
        table = form.tables[ref.table]
        cells.append(Field(
            cell_id(ref), f"{table.section}·{row.label}·{column.label}", f"{table.en}: {row.en}: {column.en}",
            "number" if column.type == "decimal" else "integer",
            f"第{table.section}部分“{table.title}”", column.unit,
        ))
    return IDENTITY + cells + [Field("source_file", "原文文件", "source file", "string")]


def wide_row(report: Report, root: Path) -> list:
    form = load_form()
    values = [report.cells[ref].value if ref in report.cells else None for ref in form.all_cells()]
    return identity(report) + values + [source_path(report, root)]


# ---- findings and indicators --------------------------------------------------------------

FINDINGS = IDENTITY[:2] + [IDENTITY[6]] + [
    Field("seq", "序号", "sequence", "integer", "同一报告内的发现序号"),
    Field("rule", "规则", "rule", "string", "发现类型的稳定编号，见数据说明"),
    Field("severity", "严重程度", "severity", "string", "error 无法读出；warning 存疑或报告自身数字不一致；info 提示"),
    Field("message", "说明", "message", "string"),
    Field("scope", "范围", "scope", "string", "规则检查的栏或行"),
    Field("left", "左边", "left side", "number"),
    Field("right", "右边", "right side", "number"),
] + SOURCE
FINDINGS_KEY = ["agency_id", "year", "seq"]


def finding_rows(report: Report, root: Path):
    source = source_path(report, root)
    for seq, f in enumerate(report.findings, start=1):
        yield [report.agency_id, report.agency, report.year, seq, f.rule, f.severity, f.message,
               f.numbers.get("scope"), f.numbers.get("left"), f.numbers.get("right"), source, f.line]


def indicator_fields() -> list[Field]:
    return IDENTITY + [
        Field(i.id, i.label, i.en, "number", f"{i.formula}。{i.description}", "比例")
        for i in load_indicators().values()
    ]


def indicator_row(report: Report) -> list:
    values = indicators_of(report)
    return identity(report) + [None if v is None else round(v, 6) for v in values.values()]
