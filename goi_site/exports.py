"""Write the open-data downloads: CSV (tidy, wide, findings, indicators, codebook, and
splits per year and per agency), JSON, and a Frictionless datapackage.json.

Deterministic: rows in a stable order, no timestamps inside data files (zip members
carry a fixed date), so the same corpus gives byte-identical files.

Size: a file larger than ZIP_FROM (10 MB) is published as a .zip holding it (GitHub
Pages takes 1 GB in all, and Excel opens at most 1,048,576 rows anyway). Zipping can run in
a second process while MkDocs builds the pages (see sitebuild.py).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .csvout import BOM, csv_line, safe_cell
from .form import load_form
from .jsonout import report_to_json
from .record import Report, finding_catalogue
from .tabular import (FINDINGS, FINDINGS_KEY, TIDY, TIDY_KEY, Field, finding_rows, indicator_fields,
                      indicator_row, source_path, tidy_prefix, tidy_suffixes, wide_fields, wide_row)

ZIP_FROM = 10 * 1024 * 1024
# Past this size the all-values table is published only as its split by year (which
# holds the same rows): at 10,000 agencies it would add 2.4 GB raw, 125 MB zipped.
ALL_VALUES_MAX = 500 * 1024 * 1024


@dataclass
class Download:
    name: str  # ASCII resource name
    path: str  # relative to the downloads folder, with /; ends in .zip when zipped
    title: str
    description: str
    rows: int
    bytes: int = 0  # of the CSV or JSON itself (unzipped)
    schema: str | None = None  # the schema file, for CSVs (its primary key is in SCHEMA_KEYS)
    group: str = "main"  # main | year | agency | meta

    @property
    def zipped(self) -> bool:
        return self.path.endswith(".zip")


CODEBOOK = [
    Field("id", "编号", "id", "string"),
    Field("label_zh", "中文名称", "Chinese label", "string"),
    Field("label_en", "英文名称", "English label", "string"),
    Field("unit", "单位", "unit", "string"),
    Field("type", "类型", "type", "string"),
    Field("description", "说明", "description", "string"),
    Field("files", "所在文件", "files", "string"),
]
SCHEMAS = {"values": TIDY, "wide": None, "findings": FINDINGS, "indicators": None, "codebook": CODEBOOK}
SCHEMA_KEYS = {"values": TIDY_KEY, "wide": ["agency_id", "year"], "findings": FINDINGS_KEY,
               "indicators": ["agency_id", "year"], "codebook": ["id"]}


def schema_fields(name: str) -> list[Field]:
    return {"wide": wide_fields, "indicators": indicator_fields}.get(name, lambda: SCHEMAS[name])()


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


def _tidy_text(report: Report, root: Path) -> str:
    """Every value of one report as CSV lines, made once and reused by every split.

    The parts that repeat (the report's identity, each cell's labels) are escaped once;
    a line is then a few string joins, which keeps millions of rows to seconds."""
    prefix = tidy_prefix(report, root)
    source = csv_line([source_path(report, root)])
    out = []
    for ref, middle in tidy_suffixes(report.edition):
        cell = report.cells[ref]
        value = cell.value
        text = "" if value is None else (str(value) if type(value) is int else safe_cell(value))
        out.append(f"{prefix}{middle}{text},{cell.status},{source},{cell.line or ''}\r\n")
    return "".join(out)


def _write_tidy(w: "_Writer", reports: list[Report], root: Path) -> None:
    """The tidy table, all years and each year, streamed: each report's rows are made
    once and written to both files, so memory stays flat whatever the corpus size."""
    header = (BOM + (csv_line([f.name for f in TIDY]) + "\r\n").encode("utf-8"))
    years = sorted({r.year for r in reports if r.year})
    files = {None: "goi-values.csv", **{y: f"years/goi-values-{y}.csv" for y in years}}
    handles, rows = {}, dict.fromkeys(files, 0)
    for key, path in files.items():
        (w.out / path).parent.mkdir(parents=True, exist_ok=True)
        handles[key] = (w.out / path).open("wb")
        handles[key].write(header)
    try:
        for report in reports:
            data = _tidy_text(report, root).encode("utf-8")
            count = len(load_form().editions[report.edition].cells())
            for key in (None, report.year) if report.year else (None,):
                handles[key].write(data)
                rows[key] += count
    finally:
        for handle in handles.values():
            handle.close()
    if (w.out / files[None]).stat().st_size > ALL_VALUES_MAX and len(years) > 1:
        (w.out / files[None]).unlink()
    else:
        w.add("values", files[None], "全部数值（长表）", "每个报告的每一个单元格一行：机关、年度、表格、行、栏、数值、原文行号。",
              rows[None], "values")
    for year in years:
        w.add(f"values-{year}", files[year], f"{year} 年全部数值", f"{year} 年度各报告的全部数值（长表）。", rows[year],
              "values", group="year")


class _Writer:
    def __init__(self, out: Path):
        self.out = out
        self.done: list[Download] = []
        self.to_zip: list[str] = []

    def write(self, path: str, data: bytes, download: Download) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._record(download)

    def add(self, name, path, title, description, rows, schema, group="main") -> None:
        """Record a CSV already written to `path`."""
        self._record(Download(name, path, title, description, rows, 0, schema, group))

    def _record(self, download: Download) -> None:
        path = download.path
        download.bytes = (self.out / path).stat().st_size
        if download.bytes > ZIP_FROM:
            self.to_zip.append(path)
            download.path = path + ".zip"
        self.done.append(download)

    def csv(self, name, path, title, description, header, body: str, rows: int, schema, group="main"):
        data = BOM + (csv_line(header) + "\r\n" + body).encode("utf-8")
        self.write(path, data, Download(name, path, title, description, rows, 0, schema, group))


def write_downloads(reports: list[Report], out: Path, root: Path, zip_now: bool = True) -> tuple[list[Download], list[str]]:
    """Write every download into `out`. Returns the downloads (for the page and the
    datapackage) and the files still to zip: zipped here unless `zip_now` is False."""
    out.mkdir(parents=True, exist_ok=True)
    w = _Writer(out)
    # The JSON is written by a second process while this one writes the CSVs.
    json_writer = _fork(_write_json, reports, out / "goi-reports.json", root)
    _write_tidy(w, reports, root)
    wide_header = [f.name for f in wide_fields()]
    wide = {id(r): csv_line(wide_row(r, root)) + "\r\n" for r in reports}  # made once: also the agency files
    w.csv("reports-wide", "goi-reports-wide.csv", "报告宽表", "每个报告一行，每个单元格一栏，栏的顺序同表式。",
          wide_header, "".join(wide[id(r)] for r in reports), len(reports), "wide")
    finding_lines = [csv_line(row) + "\r\n" for r in reports for row in finding_rows(r, root)]
    w.csv("findings", "goi-findings.csv", "检查发现", "勾稽关系检查与读取问题：机关、年度、规则、严重程度、说明和两边的数字。",
          [f.name for f in FINDINGS], "".join(finding_lines), len(finding_lines), "findings")
    w.csv("indicators", "goi-indicators.csv", "派生指标", "每个报告的公开率、不予公开占比、无法提供占比、复议纠错率、结转率；分母为 0 时为空。",
          [f.name for f in indicator_fields()], "".join(csv_line(indicator_row(r)) + "\r\n" for r in reports), len(reports),
          "indicators")
    codebook = codebook_rows()
    w.csv("codebook", "codebook.csv", "数据说明（代码本）", "每个字段的编号、中英文名称、单位、类型和说明。",
          [f.name for f in CODEBOOK], "".join(csv_line(r) + "\r\n" for r in codebook), len(codebook), "codebook",
          group="meta")
    by_agency: dict[str, list[Report]] = {}
    for r in reports:
        if r.agency_id:
            by_agency.setdefault(r.agency_id, []).append(r)
    for agency_id in sorted(by_agency):
        own = by_agency[agency_id]
        w.csv(f"agency-{agency_id}", f"agencies/{agency_id}.csv", f"{own[-1].agency}",
              f"{own[-1].agency} 各年度报告，每个报告一行，每个单元格一栏。", wide_header,
              "".join(wide[id(r)] for r in own), len(own), "wide", group="agency")
    if json_writer is None:
        _write_json(reports, out / "goi-reports.json", root)
    else:
        json_writer.join()
        if json_writer.exitcode != 0:
            raise OSError("writing goi-reports.json failed")
    w._record(Download("reports-json", "goi-reports.json", "全部报告（JSON）", "与 goi parse --json 相同的结构，每个报告一个对象。",
                       len(reports)))
    _write_datapackage(out, w.done)
    if zip_now:
        zip_files(out, w.to_zip)
        return w.done, []
    return w.done, w.to_zip


def _write_json(reports: list[Report], path: Path, root: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for index, report in enumerate(reports):
            handle.write(("," if index else "") + json.dumps(_portable_json(report, root), ensure_ascii=False,
                                                             separators=(",", ":")))
        handle.write("]\n")


def _fork(function, *args):
    """Run `function` in a forked process when the corpus is big enough to be worth it."""
    import multiprocessing

    if len(args[0]) < 500 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    process = multiprocessing.get_context("fork").Process(target=function, args=args)
    process.start()
    return process


def zip_files(out: Path, names: list[str]) -> None:
    """Replace each file by a .zip holding it (fixed member date: the bytes stay reproducible)."""
    for name in names:
        source = out / name
        info = zipfile.ZipInfo(Path(name).name, date_time=(2019, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out / (name + ".zip"), "w") as archive:
            with source.open("rb") as handle, archive.open(info, "w", force_zip64=True) as member:
                while chunk := handle.read(1 << 22):
                    member.write(chunk)
        source.unlink()


def _portable_json(report: Report, root: Path) -> dict:
    """The parse JSON with the source path relative to the repository."""
    data = report_to_json(report)
    data["source"]["file"] = source_path(report, root)
    for finding in data["findings"]:
        finding["file"] = data["source"]["file"]
    return data


def _write_datapackage(out: Path, done: list[Download]) -> None:
    schemas = out / "schemas"
    schemas.mkdir(exist_ok=True)
    used = sorted({d.schema for d in done if d.schema})
    for name in used:
        schema = {"fields": [_field(f) for f in schema_fields(name)], "primaryKey": SCHEMA_KEYS[name]}
        (schemas / f"{name}.json").write_text(json.dumps(schema, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    resources = []
    for d in done:
        if d.schema is None:
            continue
        resource = {"name": d.name, "path": d.path, "title": d.title, "description": d.description,
                    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": f"schemas/{d.schema}.json"}
        if d.zipped:
            resource["compression"] = "zip"
        resources.append(resource)
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


