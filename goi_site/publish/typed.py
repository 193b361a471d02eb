"""The typed downloads, appended to one chunk of frames at a time: Parquet (pyarrow, one
file per table, typed columns), SQLite (stdlib sqlite3, one table per download, indexed
on agency and year) and an .xlsx workbook (XlsxWriter: Chinese headers, frozen header
rows, one sheet per table and a codebook sheet).

Excel stops at 1,048,576 rows: when the long table is larger, its sheet says which files
hold it and the workbook keeps the per-report tables. Text goes into every format as
text (no formula prefix needed: SQLite, Parquet and typed Excel cells are not formulas).
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from goi_site.form.loader import Form
from goi_site.publish import xlsxrows
from goi_site.publish.catalogue import Download, TableSpec
from goi_site.publish.frames import KEY_STRIDE, cell_labels

_ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
_TABLES = ("values", "wide", "findings", "indicators", "codebook")
_FIXED_DATE = datetime.datetime(2019, 1, 1)  # workbook metadata: the bytes stay reproducible


def arrow_schema(spec: TableSpec) -> pa.Schema:
    fields = [pa.field(f.name, _ARROW[f.type], metadata={"title": f.title, "en": f.en}) for f in spec.all_fields]
    return pa.schema(fields, metadata={"title": spec.title, "en": spec.en})


def arrow_table(frame: pd.DataFrame, spec: TableSpec) -> pa.Table:
    """A frame as an Arrow table of the catalogue's types (categoricals become plain text)."""
    schema = arrow_schema(spec)
    arrays = []
    for f in schema:
        column = frame[f.name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            array = pa.array(column.array, from_pandas=True).dictionary_decode()
        else:
            array = pa.array(column.array, from_pandas=True)
        arrays.append(array.cast(f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def sql_name(spec: TableSpec) -> str:
    return spec.resource.replace("-", "_")


class TypedWriters:
    def __init__(self, out: Path, catalogue, long_rows: int, form: Form):
        self.out, self.catalogue, self.form = out, catalogue, form
        self.specs = {name: catalogue.tables[name] for name in _TABLES}
        formats = catalogue.formats
        self.parquet: dict[str, pq.ParquetWriter] = {}
        self.rows = dict.fromkeys(_TABLES, 0)
        db = out / formats["sqlite"]["file"]
        db.unlink(missing_ok=True)
        self.db = sqlite3.connect(db)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        for name, spec in self.specs.items():
            if name == "values":
                _create_long_table(self.db, spec)
                continue
            columns = ", ".join(f'"{f.name}" {_sql_type(f)}' for f in spec.all_fields)
            self.db.execute(f'CREATE TABLE "{sql_name(spec)}" ({columns})')
        self.reports_done = 0  # reports of the long table stored so far (the key's report part)
        # Excel's limit, and below it the size past which the workbook would take minutes to write
        # and a minute to open: then the long table is in the CSV, Parquet and SQLite files only.
        self.xlsx_long = long_rows <= min(formats["xlsx_rows_max"] - 2, formats["xlsx_long_rows_max"])
        self.book, self.sheets = _workbook(out / formats["xlsx"]["file"]), {}
        for name in _TABLES:  # the long table's sheet holds a note when the table does not fit
            self.sheets[name] = self.book.add_worksheet(_sheet_name(self.specs[name]))

    def append(self, frames, timings: dict | None = None) -> None:
        for name in _TABLES[:-1]:
            self._append(name, frames.table(name), timings, frames)
        self.reports_done += len(frames.reports)

    def _append(self, name: str, frame: pd.DataFrame, timings: dict | None = None, frames=None) -> None:
        from goi_site.publish.exports import _timed

        spec = self.specs[name]
        with _timed(timings, "parquet"):
            table = arrow_table(frame, spec)
            if name not in self.parquet:
                self.parquet[name] = pq.ParquetWriter(
                    self.out / f"{spec.file}.parquet", table.schema, compression="zstd"
                )
            self.parquet[name].write_table(table)
        with _timed(timings, "sqlite"):
            if name == "values":
                self._append_long(frame, frames)
            else:
                rows = list(zip(*(column.to_pylist() for column in table.columns)))
                marks = ", ".join("?" * table.num_columns)
                self.db.executemany(f'INSERT INTO "{sql_name(spec)}" VALUES ({marks})', rows)
        if name != "values" or self.xlsx_long:
            with _timed(timings, "xlsx"):
                sheet = self.sheets[name]
                if self.rows[name] == 0:
                    _header(sheet, spec, self.book)
                xlsxrows.append_rows(sheet, self.rows[name] + 2, frame, spec.all_fields)
        self.rows[name] += len(frame)

    def _append_long(self, frame: pd.DataFrame, frames) -> None:
        """The long table's chunk into SQLite: its reports once, each cell as (key, value,
        status, source line), provenance only where it is not the default."""
        reports = frames.reports
        base = self.reports_done
        names = [f.name for f in self.specs["values"].all_fields if _LONG_PLACE.get(f.name, "r") == "r"]
        columns = [list(range(base, base + len(reports)))] + [_python(reports[n]) for n in names]
        self.db.executemany(f"INSERT INTO values_reports VALUES ({', '.join('?' * len(columns))})", zip(*columns))
        keys = frames.value_keys + base * KEY_STRIDE
        self.db.executemany(
            "INSERT INTO values_cells VALUES (?, ?, ?, ?)",
            zip(keys.tolist(), _python(frame["value"]), _python(frame["status"]), _python(frame["source_line"])),
        )
        special = (
            (frame["cell_source"] != "text") | frame["cell_confidence"].notna() | frame["cell_rule"].notna()
        ).to_numpy()
        if special.any():
            picked = frame[special]
            self.db.executemany(
                "INSERT INTO values_provenance VALUES (?, ?, ?, ?)",
                zip(
                    keys[special].tolist(),
                    _python(picked["cell_source"]),
                    _python(picked["cell_confidence"]),
                    _python(picked["cell_rule"]),
                ),
            )

    def finish(
        self, codebook: pd.DataFrame, long_table_files: list[str] | None, timings: dict | None = None
    ) -> list[Download]:
        """Close every file; `long_table_files` names the CSVs holding the long table when it
        is published only split (None: the whole-table CSV exists)."""
        from goi_site.publish.exports import _timed

        self._append("codebook", codebook, timings)
        for writer in self.parquet.values():
            writer.close()
        with _timed(timings, "sqlite"):
            self._index()
        with _timed(timings, "xlsx"):
            self._close_book(long_table_files)
        return self._downloads()

    def _index(self) -> None:
        labels = cell_labels(self.form)
        self.db.executemany(
            f"INSERT INTO values_labels VALUES ({', '.join('?' * (len(labels.columns) + 1))})",
            zip(range(len(labels)), *(_python(labels[c]) for c in labels.columns)),
        )
        for spec in self.specs.values():
            if spec.name == "values":  # its report columns live in values_reports
                for key in ("agency_id", "year"):
                    self.db.execute(f'CREATE INDEX "values_{key}" ON values_reports ("{key}")')
                continue
            ids = {f.name for f in spec.all_fields}
            for key in ("agency_id", "year"):
                if key in ids:
                    self.db.execute(f'CREATE INDEX "{sql_name(spec)}_{key}" ON "{sql_name(spec)}" ("{key}")')
        self.db.commit()
        self.db.close()

    def _close_book(self, long_table_files) -> None:
        if not self.xlsx_long:
            spec = self.specs["values"]
            files = long_table_files or [f"{spec.file}.csv"]
            note = self.catalogue.formats["xlsx_long_table_note"].format(files="、".join(files))
            self.sheets["values"].write_string(0, 0, note)
        self.book.close()

    def _downloads(self) -> list[Download]:
        formats = self.catalogue.formats
        out = []
        for name, spec in self.specs.items():
            out.append(
                Download(
                    f"{spec.resource}-parquet",
                    f"{spec.file}.parquet",
                    f"{spec.title}（Parquet）",
                    formats["parquet"]["description"],
                    self.rows[name],
                    group="format",
                    format="parquet",
                    holds={name: spec.file},
                )
            )
        holds_sql = {name: sql_name(spec) for name, spec in self.specs.items()}
        sqlite = formats["sqlite"]
        out.append(
            Download(
                "sqlite",
                sqlite["file"],
                sqlite["title"],
                sqlite["description"],
                sum(self.rows.values()),
                group="format",
                format="sqlite",
                holds=holds_sql,
            )
        )
        xlsx = formats["xlsx"]
        in_book = {name: _sheet_name(spec) for name, spec in self.specs.items() if name != "values" or self.xlsx_long}
        out.append(
            Download(
                "xlsx",
                xlsx["file"],
                xlsx["title"],
                xlsx["description"],
                sum(self.rows[n] for n in in_book),
                group="format",
                format="xlsx",
                holds=in_book,
            )
        )
        return out


# Where each column of the long table lives in SQLite: r values_reports (one row per report),
# l values_labels (one row per cell of the form), v values_cells (one row per value, keyed
# report × 1024 + cell), p values_provenance (only the values not read from text as printed).
_LONG_PLACE = {
    **{name: "l" for name in ("section", "table", "row_id", "row_label", "column_id", "column_label")},
    "value": "v",
    "status": "v",
    "source_line": "v",
    "cell_source": "p",
    "cell_confidence": "p",
    "cell_rule": "p",
}


def _create_long_table(db, spec: TableSpec) -> None:
    """The long table as a view over three narrow tables: the same rows and columns as the
    CSV, at a fraction of the size and of the time to write (a million values are a million
    small rows, not a million copies of the agency's name and the row's label)."""
    fields = {f.name: f for f in spec.all_fields}

    def columns(place: str) -> list[str]:
        return [f'"{n}" {_sql_type(fields[n])}' for n in fields if _LONG_PLACE.get(n, "r") == place]

    db.execute(f"CREATE TABLE values_reports (report INTEGER PRIMARY KEY, {', '.join(columns('r'))})")
    db.execute(f"CREATE TABLE values_labels (cell INTEGER PRIMARY KEY, {', '.join(columns('l'))})")
    db.execute(f"CREATE TABLE values_cells (key INTEGER PRIMARY KEY, {', '.join(columns('v'))})")
    db.execute(f"CREATE TABLE values_provenance (key INTEGER PRIMARY KEY, {', '.join(columns('p'))})")
    select = []
    for name in fields:
        place = _LONG_PLACE.get(name, "r")
        select.append(f'coalesce(p."{name}", \'text\') AS "{name}"' if name == "cell_source" else f'{place}."{name}"')
    db.execute(
        f'CREATE VIEW "{sql_name(spec)}" AS SELECT {", ".join(select)} FROM values_reports r '
        f"JOIN values_cells v ON v.key BETWEEN r.report * {KEY_STRIDE} AND r.report * {KEY_STRIDE} + {KEY_STRIDE - 1} "
        f"JOIN values_labels l ON l.cell = v.key % {KEY_STRIDE} LEFT JOIN values_provenance p ON p.key = v.key"
    )


def _python(series: pd.Series) -> list:
    """A column as Python values for sqlite3 (None for missing; integers as int)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        names = np.array(list(series.cat.categories) + [None], dtype=object)
        return names[np.where(codes < 0, len(names) - 1, codes)].tolist()
    if series.dtype == "Int64" or pd.api.types.is_float_dtype(series.dtype):
        numbers = series.to_numpy(dtype="int64" if series.dtype == "Int64" else "float64", na_value=0).astype(object)
        numbers[series.isna().to_numpy()] = None
        return numbers.tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _sql_type(f) -> str:
    if f.type == "integer":
        return "INTEGER"
    if f.type == "number":
        return "NUMERIC" if f.exact else "REAL"  # NUMERIC stores 12.0 as the integer 12
    return "TEXT"


def _workbook(path: Path):
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties({"created": _FIXED_DATE, "title": "政府信息公开工作年度报告数据"})
    return book


def _sheet_name(spec: TableSpec) -> str:
    name = spec.title
    for ch in "[]:*?/\\":
        name = name.replace(ch, "")
    return name[:31]


def _header(sheet, spec: TableSpec, book) -> None:
    """Two frozen header rows: the Chinese label, then the stable id (the CSV's header)."""
    bold = book.__dict__.setdefault("_goi_bold", book.add_format({"bold": True}))
    sheet.write_row(0, 0, [f.title for f in spec.all_fields], bold)
    sheet.write_row(1, 0, [f.name for f in spec.all_fields])
    sheet.freeze_panes(2, 0)
