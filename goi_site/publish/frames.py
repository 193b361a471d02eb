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
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from goi_site.form.loader import Form, load_form
from goi_site.parse.record import STATUSES, Report
from goi_site.publish.catalogue import Field, cell_id, load_catalogue, source_path, table_spec
from goi_site.publish.indicators import load_indicators

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
    # For each row of `values`: its report's row in `reports` × KEY_STRIDE + its cell's index in
    # the label table (cell_labels()); the SQLite download stores the long table by this key.
    value_keys: np.ndarray | None = None
    # Each indicator unrounded (float64, NaN when empty), one column per indicator, one row per
    # report: the indicators frame publishes it rounded to 6 decimals; pages sort on this one.
    ratios: pd.DataFrame | None = None

    def table(self, name: str) -> pd.DataFrame:
        """A frame by its catalogue name (values, wide, findings, indicators)."""
        return {"values": self.values, "wide": self.reports, "findings": self.findings, "indicators": self.indicators}[
            name
        ]


KEY_STRIDE = 1024  # more than the cells of all editions together (see cell_labels)


def dtype_of(field: Field):
    return _DTYPES[field.type]


def build_frames(reports: list[Report], root: Path, form: Form | None = None) -> Frames:
    """All four frames of these reports (in the order given), from one column-wise pass
    over their cells, with the columns of `form` (an entry point of tests and benches
    too: the shipped form unless one is given)."""
    form = form if form is not None else load_form()
    cells = _Cells(reports, form)
    values, keys = _values_frame(cells, reports, root, form)
    wide = _reports_frame(cells, reports, root, form)
    indicators, ratios = _indicators_and_ratios(wide, form)
    return Frames(values, wide, findings_frame(reports, root, form), indicators, keys, ratios)


def frame_chunks(
    reports: list[Report], root: Path, size: int = CHUNK_REPORTS, *, form: Form | None = None
) -> Iterator[Frames]:
    """The frames of consecutive slices of `reports`, cut between agencies (an agency's
    reports stay in one chunk, so per-agency files can be written from a chunk). No
    reports: one chunk of empty frames (the files still get their headers)."""
    if not reports:
        yield build_frames([], root, form)
        return
    start = 0
    while start < len(reports):
        end = min(start + size, len(reports))
        while end < len(reports) and reports[end].agency_id == reports[end - 1].agency_id:
            end += 1
        yield build_frames(reports[start:end], root, form)
        start = end


# ---- identity columns shared by every frame -------------------------------------------------

_IDENTITY = ("agency_id", "agency", "province", "city", "county", "division_code", "year", "edition")


def _identity_columns(reports: list[Report], repeat: np.ndarray | None = None) -> dict:
    """The identity columns of these reports (text as categoricals), each report's value
    repeated over `repeat` (row → report) when given."""
    columns = {}
    regions = [r.region for r in reports]
    items = {
        "agency_id": [r.agency_id for r in reports],
        "agency": [r.agency for r in reports],
        "province": [g.province for g in regions],
        "city": [g.city for g in regions],
        "county": [g.county for g in regions],
        "division_code": [g.code for g in regions],
        "edition": [r.edition for r in reports],
    }
    years = np.array([r.year for r in reports], dtype=np.int64)
    for name in _IDENTITY:
        if name == "year":
            columns[name] = pd.arrays.IntegerArray(
                years if repeat is None else years[repeat],
                np.zeros(len(years) if repeat is None else len(repeat), dtype=bool),
            )
        elif repeat is None:  # one row per report: plain text, as the pages read it
            columns[name] = pd.array(items[name], dtype=STRING)
        else:
            columns[name] = _by_report(items[name], repeat)
    return columns


def _frame(columns: dict, name: str, form: Form) -> pd.DataFrame:
    """A frame with the catalogue's columns of table `name`, in its order and types."""
    spec = table_spec(name, form)
    fields = spec.all_fields
    data = {}
    for f in fields:
        column = columns[f.name]
        data[f.name] = (
            column
            if isinstance(column, (pd.Categorical, pd.api.extensions.ExtensionArray))
            else pd.array(column, dtype=dtype_of(f))
        )
    return pd.DataFrame(data, columns=[f.name for f in fields])


def _by_report(items: list, repeat: np.ndarray | None = None) -> pd.Categorical:
    """A per-report text column (repeated over the report's rows), as a categorical."""
    codes, uniques = pd.factorize(pd.Series(items, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(
        codes if repeat is None else codes[repeat], categories=pd.Index(uniques, dtype=STRING)
    )


# ---- the cells of a chunk, column-wise ---------------------------------------------------------

_LABELS = ("section", "table", "row_id", "row_label", "column_id", "column_label")


@cache  # keyed by the Form object (one per folder)
def _edition_labels(form: Form) -> tuple[dict, dict]:
    """Per edition: its offset into one label table of every edition's cells, and the
    label table itself (section, table, row_id, row_label, column_id, column_label)."""
    offsets, labels = {}, {k: [] for k in _LABELS}
    for edition_id, edition in form.editions.items():
        offsets[edition_id] = len(labels["table"])
        for ref in edition.cells():
            labels["section"].append(form.tables[ref.table].section)
            labels["table"].append(ref.table)
            labels["row_id"].append(ref.row)
            labels["row_label"].append(form.row(ref.table, ref.row).label)
            labels["column_id"].append(ref.column)
            labels["column_label"].append(form.columns[ref.column].label)
    if len(labels["table"]) > KEY_STRIDE:
        raise ValueError(f"the form's editions have {len(labels['table'])} cells: raise KEY_STRIDE")
    return offsets, labels


def cell_labels(form: Form) -> pd.DataFrame:
    """The label table: one row per cell of every edition (its index is a value key's cell part)."""
    return pd.DataFrame({k: pd.array(v, dtype=STRING) for k, v in _edition_labels(form)[1].items()})


@cache
def _label_categoricals(form: Form) -> dict:
    out = {}
    for name, table in _edition_labels(form)[1].items():
        codes, uniques = pd.factorize(pd.Series(table, dtype=object))
        out[name] = (codes, pd.Index(uniques, dtype=STRING))
    return out


@cache
def _wide_of_label(form: Form) -> np.ndarray:
    """For each row of the label table, the index of its cell among all the form's cells (the wide columns)."""
    where = {ref: i for i, ref in enumerate(form.all_cells())}
    out = []
    for edition in form.editions.values():
        out += [where[ref] for ref in edition.cells()]
    return np.array(out, dtype=np.int64)


class _Cells:
    """Every cell of some reports as flat arrays (one entry per cell of each report's edition)."""

    def __init__(self, reports: list[Report], form: Form):
        offsets, _ = _edition_labels(form)
        values: list = []
        lines, status, label, counts = [], [], [], []
        self.provenance = {}
        for report in reports:
            cell_values, cell_lines, cell_status, cell_provenance = report.cells.arrays()
            base = len(values)
            values.extend(cell_values)
            lines.append(np.frombuffer(cell_lines, dtype=np.int32))
            status.append(np.frombuffer(cell_status, dtype=np.uint8))
            label.append(np.arange(offsets[report.edition], offsets[report.edition] + len(cell_values)))
            counts.append(len(cell_values))
            for position, extra in cell_provenance.items():
                self.provenance[base + position] = extra
        self.value = np.array(values, dtype=np.float64)  # None → NaN: the missing mask below
        self.missing = np.isnan(self.value)
        join = (
            (lambda parts, dtype: np.concatenate(parts).astype(dtype))
            if reports
            else (lambda parts, dtype: np.zeros(0, dtype=dtype))
        )
        self.line = join(lines, np.int64)
        self.status = join(status, np.uint8)
        self.label = join(label, np.int64)
        self.report = np.repeat(np.arange(len(reports)), counts) if reports else np.zeros(0, dtype=np.int64)
        self.present = self.status != 255  # a cell the report's edition has but the record lacks: no row


# ---- values: the long table ------------------------------------------------------------------


def values_frame(reports: list[Report], root: Path, form: Form) -> pd.DataFrame:
    return _values_frame(_Cells(reports, form), reports, root, form)[0]


def _values_frame(cells: _Cells, reports: list[Report], root: Path, form: Form) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(cells.value)
    rows = cells.report
    columns = _identity_columns(reports, rows)
    for name, (codes, categories) in _label_categoricals(form).items():
        columns[name] = pd.Categorical.from_codes(codes[cells.label], categories=categories)
    columns["value"] = pd.arrays.FloatingArray(np.where(cells.missing, 0.0, cells.value), cells.missing)
    columns["status"] = pd.Categorical.from_codes(
        np.where(cells.present, cells.status, 0).astype("int16"), categories=pd.Index(list(STATUSES), dtype=STRING)
    )
    columns["source_file"] = _by_report([source_path(r, root) for r in reports], rows)
    columns["source_line"] = pd.arrays.IntegerArray(cells.line, cells.line == 0)
    source = np.zeros(n, dtype=np.int8)  # 0 text, 1 ocr
    confidence = np.zeros(n, dtype=np.float64)
    no_confidence = np.ones(n, dtype=bool)
    rule = np.full(n, -1, dtype=np.int32)
    rules: dict[str, int] = {}
    for position, (where, conf, why) in cells.provenance.items():
        source[position] = 0 if where == "text" else 1
        if conf is not None:
            confidence[position], no_confidence[position] = conf, False
        if why is not None:
            rule[position] = rules.setdefault(why, len(rules))
    columns["cell_source"] = pd.Categorical.from_codes(source, categories=pd.Index(["text", "ocr"], dtype=STRING))
    columns["cell_confidence"] = pd.arrays.FloatingArray(confidence, no_confidence)
    columns["cell_rule"] = pd.Categorical.from_codes(rule, categories=pd.Index(list(rules), dtype=STRING))
    frame = _frame(columns, "values", form)
    keys = rows * KEY_STRIDE + cells.label
    if cells.present.all():
        return frame, keys
    return frame[cells.present].reset_index(drop=True), keys[cells.present]


# ---- reports (wide), findings, indicators -----------------------------------------------------


def reports_frame(reports: list[Report], root: Path, form: Form) -> pd.DataFrame:
    return _reports_frame(_Cells(reports, form), reports, root, form)


def _reports_frame(cells: _Cells, reports: list[Report], root: Path, form: Form) -> pd.DataFrame:
    spec = table_spec("wide", form)
    width = len(form.all_cells())
    matrix = np.zeros((width, len(reports)), dtype=np.float64)  # column-major: one column per cell
    absent = np.ones((width, len(reports)), dtype=bool)
    given = cells.present & ~cells.missing
    columns_at = _wide_of_label(form)[cells.label[given]]
    matrix[columns_at, cells.report[given]] = cells.value[given]
    absent[columns_at, cells.report[given]] = False
    columns: dict = _identity_columns(reports)
    cell_fields = [f for f in spec.fields if f.name not in columns and f.name != "source_file"]
    for j, f in enumerate(cell_fields):
        if f.type == "integer":
            columns[f.name] = pd.arrays.IntegerArray(matrix[j].astype(np.int64), absent[j])
        else:
            columns[f.name] = pd.arrays.FloatingArray(matrix[j], absent[j])
    columns["source_file"] = pd.array([source_path(r, root) for r in reports], dtype=STRING)
    return _frame(columns, "wide", form)


def findings_frame(reports: list[Report], root: Path, form: Form) -> pd.DataFrame:
    names = [f.name for f in table_spec("findings", form).all_fields]
    rows = []
    for report in reports:
        source = source_path(report, root)
        for seq, f in enumerate(report.findings, start=1):
            rows.append(
                (
                    report.agency_id,
                    report.agency,
                    report.year,
                    seq,
                    f.rule,
                    f.severity,
                    f.message,
                    f.numbers.get("scope"),
                    f.numbers.get("left"),
                    f.numbers.get("right"),
                    source,
                    f.line,
                )
            )
    columns = {name: [row[k] for row in rows] for k, name in enumerate(names)}
    columns["scope"] = [None if s is None else str(s) for s in columns["scope"]]
    return _frame(columns, "findings", form)


def indicators_frame(reports: list[Report], form: Form) -> pd.DataFrame:
    return _indicators_and_ratios(_reports_frame(_Cells(reports, form), reports, Path("."), form), form)[0]


def _indicators_and_ratios(wide: pd.DataFrame, form: Form) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each indicator from the wide frame's columns: sum(numerator) / sum(denominator), empty
    when a cell is missing or the denominator is 0 (indicators.py says the same for one
    report). The indicators frame holds it rounded to 6 decimals by Python's round, the
    published figure in every format; the ratios frame holds it unrounded (NaN when empty),
    the order pages rank reports in."""
    spec = table_spec("indicators", form)
    columns: dict = {name: wide[name].array for name in _IDENTITY}
    ratios: dict = {}
    for key, indicator in load_indicators(form).items():
        top, top_missing = _sum(wide, indicator.numerator)
        bottom, bottom_missing = _sum(wide, indicator.denominator)
        empty = top_missing | bottom_missing | (bottom == 0)
        ratio = np.divide(top, np.where(empty, 1.0, bottom))
        rounded = np.array([round(float(x), 6) for x in ratio[~empty]], dtype=np.float64)
        out = np.zeros(len(wide), dtype=np.float64)
        out[~empty] = rounded
        columns[key] = pd.arrays.FloatingArray(out, empty)
        ratios[key] = np.where(empty, np.nan, ratio)
    for f in spec.fields:
        if f.name not in columns:
            raise ValueError(f"downloads.yml: indicators column {f.name!r} is not an indicator of indicators.yml")
    return _frame(columns, "indicators", form), pd.DataFrame(ratios, index=pd.RangeIndex(len(wide)))


def _sum(wide: pd.DataFrame, refs) -> tuple[np.ndarray, np.ndarray]:
    total = np.zeros(len(wide), dtype=np.float64)
    missing = np.zeros(len(wide), dtype=bool)
    for ref in refs:
        column = wide[cell_id(ref)]
        missing |= column.isna().to_numpy()
        total += column.to_numpy(dtype=np.float64, na_value=0.0)
    return total, missing


def codebook_frame(form: Form) -> pd.DataFrame:
    """Every column of every table once (with the files it is in), then every finding rule."""
    from goi_site.parse.record import finding_catalogue

    catalogue = load_catalogue(form)
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
    for rule, info in finding_catalogue(form).items():
        rows.append((f"rule:{rule}", info["title"], rule, "", info["severity"], info["description"], findings_file))
    names = [f.name for f in spec.fields]
    return _frame({name: [row[k] for row in rows] for k, name in enumerate(names)}, "codebook", form)
