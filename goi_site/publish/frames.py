"""The corpus as pandas DataFrames, built once after parsing and checking; every download
(CSV, Parquet, SQLite, .xlsx) is written from them, and pages and charts can read them.

    values      tidy: one row per cell of every report, with its status, source line and
                provenance (source text/ocr, OCR confidence, deciding rule)
    reports     wide: one row per report, one column per cell of the form
    findings    one row per finding
    indicators  one row per report, one column per indicator (indicators.yml)

Columns, their order and their types come from the download catalogue (form/downloads.yml,
read by tabular.py), which expands the form's cells and the indicators. Types are explicit:
text is `string[pyarrow]` (or categorical, for the long table's repeated labels), counts
and line numbers nullable `Int64`, amounts and ratios nullable `Float64`; a value the
report did not give stays missing (<NA>), never 0 and never NaN-as-float.

At scale, `frame_chunks` yields the frames for a slice of agencies at a time, so memory
holds one slice of the long table, not the corpus (10,000 agencies × 5 years is 11
million cells).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from goi_site.form.loader import load_form
from goi_site.publish.indicators import indicators_of
from goi_site.parse.record import STATUSES, Report
from goi_site.publish.catalogue import Field, load_catalogue, source_path, table_spec

STRING = pd.StringDtype("pyarrow")
_DTYPES = {"string": STRING, "integer": "Int64", "number": "Float64"}
# Reports per chunk: ~230 cells each, so a chunk of the long table is ~1 M rows (~150 MB).
CHUNK_REPORTS = 4000


@dataclass
class Frames:
    values: pd.DataFrame
    reports: pd.DataFrame
    findings: pd.DataFrame
    indicators: pd.DataFrame

    def table(self, name: str) -> pd.DataFrame:
        """A frame by its catalogue name (values, wide, findings, indicators)."""
        return {"values": self.values, "wide": self.reports, "findings": self.findings,
                "indicators": self.indicators}[name]


def dtype_of(field: Field):
    return _DTYPES[field.type]


def build_frames(reports: list[Report], root: Path) -> Frames:
    """All four frames of these reports (in the order given)."""
    return Frames(values_frame(reports, root), reports_frame(reports, root), findings_frame(reports, root),
                  indicators_frame(reports))


def frame_chunks(reports: list[Report], root: Path, size: int = CHUNK_REPORTS) -> Iterator[Frames]:
    """The frames of consecutive slices of `reports`, cut between agencies (an agency's
    reports stay in one chunk, so per-agency files can be written from a chunk). No
    reports: one chunk of empty frames (the files still get their headers)."""
    if not reports:
        yield build_frames([], root)
        return
    start = 0
    while start < len(reports):
        end = min(start + size, len(reports))
        while end < len(reports) and reports[end].agency_id == reports[end - 1].agency_id:
            end += 1
        yield build_frames(reports[start:end], root)
        start = end


# ---- identity columns shared by every frame -------------------------------------------------

_IDENTITY = ("agency_id", "agency", "province", "city", "county", "division_code", "year", "edition")


def _identity(report: Report) -> dict:
    r = report.region
    return {"agency_id": report.agency_id, "agency": report.agency, "province": r.province, "city": r.city,
            "county": r.county, "division_code": r.code, "year": report.year, "edition": report.edition}


def _frame(columns: dict, name: str) -> pd.DataFrame:
    """A frame with the catalogue's columns of table `name`, in its order and types."""
    spec = table_spec(name)
    fields = spec.all_fields
    data = {}
    for f in fields:
        column = columns[f.name]
        data[f.name] = column if isinstance(column, (pd.Categorical, pd.api.extensions.ExtensionArray)) \
            else pd.array(column, dtype=dtype_of(f))
    return pd.DataFrame(data, columns=[f.name for f in fields])


def _by_report(items: list, repeat: np.ndarray) -> pd.Categorical:
    """A per-report text column repeated over the report's rows, as a categorical."""
    codes, uniques = pd.factorize(pd.Series(items, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(codes[repeat], categories=pd.Index(uniques, dtype=STRING))


# ---- values: the long table ------------------------------------------------------------------

@lru_cache(maxsize=None)
def _edition_labels() -> tuple[dict, dict]:
    """Per edition: its offset into one label table of every edition's cells, and the
    label table itself (section, table, row_id, row_label, column_id, column_label)."""
    form = load_form()
    offsets, labels = {}, {k: [] for k in ("section", "table", "row_id", "row_label", "column_id", "column_label")}
    for edition_id, edition in form.editions.items():
        offsets[edition_id] = len(labels["table"])
        for ref in edition.cells():
            labels["section"].append(form.tables[ref.table].section)
            labels["table"].append(ref.table)
            labels["row_id"].append(ref.row)
            labels["row_label"].append(form.row(ref.table, ref.row).label)
            labels["column_id"].append(ref.column)
            labels["column_label"].append(form.columns[ref.column].label)
    return offsets, labels


def values_frame(reports: list[Report], root: Path) -> pd.DataFrame:
    offsets, labels = _edition_labels()
    values: list = []
    lines, status, label_index, report_index = [], [], [], []
    provenance = {}
    for i, report in enumerate(reports):
        cell_values, cell_lines, cell_status, cell_provenance = report.cells.arrays()
        base = len(values)
        values.extend(cell_values)
        lines.append(np.frombuffer(cell_lines, dtype=np.int32))
        status.append(np.frombuffer(cell_status, dtype=np.uint8))
        label_index.append(np.arange(len(cell_values)) + offsets[report.edition])
        report_index.append(np.full(len(cell_values), i))
        for position, extra in cell_provenance.items():
            provenance[base + position] = extra
    if not reports:
        return _frame({f.name: [] for f in table_spec("values").all_fields}, "values")
    status_codes = np.concatenate(status)
    keep = status_codes != 255  # a cell the report's edition has but the record lacks
    rows = report_index_all = np.concatenate(report_index)
    label_at = np.concatenate(label_index)
    line_numbers = np.concatenate(lines).astype("int64")
    columns: dict = {}
    identity = [_identity(r) for r in reports]
    for name in _IDENTITY:
        items = [x[name] for x in identity]
        columns[name] = pd.array(np.asarray(items, dtype=object)[rows], dtype="Int64") if name == "year" \
            else _by_report(items, rows)
    for name, table in labels.items():
        codes, uniques = pd.factorize(pd.Series(table, dtype=object))
        columns[name] = pd.Categorical.from_codes(codes[label_at], categories=pd.Index(uniques, dtype=STRING))
    columns["value"] = pd.array(values, dtype="Float64")
    columns["status"] = pd.Categorical.from_codes(np.where(keep, status_codes, 0).astype("int16"),
                                                  categories=pd.Index(list(STATUSES), dtype=STRING))
    columns["source_file"] = _by_report([source_path(r, root) for r in reports], report_index_all)
    columns["source_line"] = pd.arrays.IntegerArray(line_numbers, line_numbers == 0)
    sources = np.full(len(values), "text", dtype=object)
    confidence = np.full(len(values), None, dtype=object)
    rule = np.full(len(values), None, dtype=object)
    for position, (source, conf, why) in provenance.items():
        sources[position], confidence[position], rule[position] = source, conf, why
    columns["cell_source"] = pd.Categorical(sources, categories=pd.Index(["text", "ocr"], dtype=STRING))
    columns["cell_confidence"] = pd.array(confidence, dtype="Float64")
    columns["cell_rule"] = pd.array(rule, dtype=STRING)
    frame = _frame(columns, "values")
    return frame if keep.all() else frame[keep].reset_index(drop=True)


# ---- reports (wide), findings, indicators -----------------------------------------------------

@lru_cache(maxsize=None)
def _wide_positions(edition: str) -> np.ndarray:
    """For each cell of an edition (its order), the index of its column among all the form's cells."""
    form = load_form()
    where = {ref: i for i, ref in enumerate(form.all_cells())}
    return np.array([where[ref] for ref in form.editions[edition].cells()], dtype=np.int64)


def reports_frame(reports: list[Report], root: Path) -> pd.DataFrame:
    form = load_form()
    spec = table_spec("wide")
    cells = np.full((len(reports), len(form.all_cells())), None, dtype=object)
    for i, report in enumerate(reports):
        cell_values, _, cell_status, _ = report.cells.arrays()
        row = np.array(cell_values, dtype=object)
        row[np.frombuffer(cell_status, dtype=np.uint8) == 255] = None
        cells[i, _wide_positions(report.edition)] = row
    columns: dict = {name: [x[name] for x in map(_identity, reports)] for name in _IDENTITY}
    cell_names = [f.name for f in spec.fields if f.name not in columns and f.name != "source_file"]
    for j, name in enumerate(cell_names):
        columns[name] = cells[:, j]
    columns["source_file"] = [source_path(r, root) for r in reports]
    return _frame(columns, "wide")


def findings_frame(reports: list[Report], root: Path) -> pd.DataFrame:
    names = [f.name for f in table_spec("findings").all_fields]
    rows = []
    for report in reports:
        source = source_path(report, root)
        for seq, f in enumerate(report.findings, start=1):
            rows.append((report.agency_id, report.agency, report.year, seq, f.rule, f.severity, f.message,
                         f.numbers.get("scope"), f.numbers.get("left"), f.numbers.get("right"), source, f.line))
    columns = {name: [row[k] for row in rows] for k, name in enumerate(names)}
    columns["scope"] = [None if s is None else str(s) for s in columns["scope"]]
    return _frame(columns, "findings")


def indicators_frame(reports: list[Report]) -> pd.DataFrame:
    """Indicators rounded to 6 decimals: the published figure, the same in every format."""
    spec = table_spec("indicators")
    columns: dict = {name: [x[name] for x in map(_identity, reports)] for name in _IDENTITY}
    computed = [indicators_of(r) for r in reports]
    for f in spec.fields:
        if f.name not in columns:
            columns[f.name] = [None if c[f.name] is None else round(c[f.name], 6) for c in computed]
    return _frame(columns, "indicators")


def codebook_frame() -> pd.DataFrame:
    """Every column of every table once (with the files it is in), then every finding rule."""
    from goi_site.parse.record import finding_catalogue

    catalogue = load_catalogue()
    spec = catalogue.tables["codebook"]
    described = [catalogue.tables[name] for name in spec.raw["describes"]]
    where: dict[str, list[str]] = {}
    for table in described:
        for f in table.fields:
            where.setdefault(f.name, []).append(f"{table.file}.csv")
    rows, seen = [], set()
    for table in described:
        for f in table.fields:
            if f.name not in seen:
                seen.add(f.name)
                rows.append((f.name, f.title, f.en, f.unit, f.type, f.description, " ".join(where[f.name])))
    findings_file = f"{catalogue.tables['findings'].file}.csv"
    for rule, info in finding_catalogue().items():
        rows.append((f"rule:{rule}", info["title"], rule, "", info["severity"], info["description"], findings_file))
    names = [f.name for f in spec.fields]
    return _frame({name: [row[k] for row in rows] for k, name in enumerate(names)}, "codebook")
