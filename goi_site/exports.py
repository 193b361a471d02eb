"""Write the open-data downloads: CSV (tidy, wide, findings, indicators, codebook, and
splits per year and per agency), JSON, and a Frictionless datapackage.json.

Deterministic: rows in a stable order, no timestamps inside data files, so the same
corpus gives byte-identical files and a pull request's diff shows what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .csvout import write_csv
from .jsonout import report_to_json
from .record import Report, finding_catalogue
from .tabular import (FINDINGS, FINDINGS_KEY, TIDY, TIDY_KEY, Field, finding_rows, indicator_fields,
                      indicator_row, tidy_rows, wide_fields, wide_row)


@dataclass
class Download:
    name: str  # ASCII resource name
    path: str  # relative to the downloads folder, with /
    title: str
    description: str
    rows: int
    bytes: int = 0
    fields: list[Field] | None = None
    primary_key: list[str] | None = None
    group: str = "main"  # main | year | agency | meta


CODEBOOK = [
    Field("id", "编号", "id", "string"),
    Field("label_zh", "中文名称", "Chinese label", "string"),
    Field("label_en", "英文名称", "English label", "string"),
    Field("unit", "单位", "unit", "string"),
    Field("type", "类型", "type", "string"),
    Field("description", "说明", "description", "string"),
    Field("files", "所在文件", "files", "string"),
]


def codebook_rows() -> list[list]:
    rows = []
    seen = set()
    sets = [("goi-values.csv", TIDY), ("goi-reports-wide.csv", wide_fields()), ("goi-findings.csv", FINDINGS),
            ("goi-indicators.csv", indicator_fields())]
    where: dict[str, list[str]] = {}
    for file, fields in sets:
        for f in fields:
            where.setdefault(f.name, []).append(file)
    for _, fields in sets:
        for f in fields:
            if f.name in seen:
                continue
            seen.add(f.name)
            rows.append([f.name, f.title, f.en, f.unit, f.type, f.description, " ".join(where[f.name])])
    for rule, info in finding_catalogue().items():
        rows.append([f"rule:{rule}", info["title"], rule, "", info["severity"], info["description"], "goi-findings.csv"])
    return rows


def write_downloads(reports: list[Report], out: Path, root: Path, agency_files: bool = True) -> list[Download]:
    """Write every download into `out`; return what was written, for the downloads page."""
    out.mkdir(parents=True, exist_ok=True)
    done: list[Download] = []

    def csv(name, path, title, description, fields, rows, key=None, group="main"):
        count = write_csv(out / path, [f.name for f in fields], rows)
        done.append(Download(name, path, title, description, count, (out / path).stat().st_size, fields, key, group))

    csv("values", "goi-values.csv", "全部数值（长表）", "每个报告的每一个单元格一行：机关、年度、表格、行、栏、数值、原文行号。",
        TIDY, (row for r in reports for row in tidy_rows(r, root)), TIDY_KEY)
    csv("reports-wide", "goi-reports-wide.csv", "报告宽表", "每个报告一行，每个单元格一栏，栏的顺序同表式。",
        wide_fields(), (wide_row(r, root) for r in reports), ["agency_id", "year"])
    csv("findings", "goi-findings.csv", "检查发现", "勾稽关系检查与读取问题：机关、年度、规则、严重程度、说明和两边的数字。",
        FINDINGS, (row for r in reports for row in finding_rows(r, root)), FINDINGS_KEY)
    csv("indicators", "goi-indicators.csv", "派生指标", "每个报告的公开率、不予公开占比、无法提供占比、复议纠错率、结转率；分母为 0 时为空。",
        indicator_fields(), (indicator_row(r) for r in reports), ["agency_id", "year"])
    csv("codebook", "codebook.csv", "数据说明（代码本）", "每个字段的编号、中英文名称、单位、类型和说明。",
        CODEBOOK, codebook_rows(), ["id"], group="meta")
    for year in sorted({r.year for r in reports if r.year}):
        csv(f"values-{year}", f"years/goi-values-{year}.csv", f"{year} 年全部数值", f"{year} 年度各报告的全部数值（长表）。",
            TIDY, (row for r in reports if r.year == year for row in tidy_rows(r, root)), TIDY_KEY, group="year")
    if agency_files:
        for agency_id in sorted({r.agency_id for r in reports if r.agency_id}):
            own = [r for r in reports if r.agency_id == agency_id]
            csv(f"agency-{agency_id}", f"agencies/{agency_id}.csv", f"{own[-1].agency} 全部数值",
                f"{own[-1].agency} 各年度报告的全部数值（长表）。", TIDY,
                (row for r in own for row in tidy_rows(r, root)), TIDY_KEY, group="agency")
    json_path = out / "goi-reports.json"
    json_path.write_text(json.dumps([report_to_json_portable(r, root) for r in reports], ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    done.append(Download("reports-json", "goi-reports.json", "全部报告（JSON）", "与 goi parse --json 相同的结构，每个报告一个对象。",
                         len(reports), json_path.stat().st_size, None, None, "main"))
    _write_datapackage(out, done)
    return done


def report_to_json_portable(report: Report, root: Path) -> dict:
    """The parse JSON with the source path relative to the repository."""
    from .tabular import source_path

    data = report_to_json(report)
    data["source"]["file"] = source_path(report, root)
    for finding in data["findings"]:
        finding["file"] = data["source"]["file"]
    return data


def _write_datapackage(out: Path, done: list[Download]) -> None:
    resources = []
    for d in done:
        if d.fields is None:
            continue
        schema = {"fields": [_field(f) for f in d.fields]}
        if d.primary_key:
            schema["primaryKey"] = d.primary_key
        resources.append({
            "name": d.name, "path": d.path, "title": d.title, "description": d.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": schema,
        })
    package = {
        "name": "goi-site",
        "title": "政府信息公开工作年度报告数据",
        "description": "从各级行政机关政府信息公开工作年度报告中读出的统计表数据。",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _field(f: Field) -> dict:
    out = {"name": f.name, "title": f.title, "type": f.type, "description": " ".join(x for x in (f.en, f.description) if x)}
    if f.type in ("integer", "number"):
        out["bareNumber"] = True
    return out
