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

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from goi_site.publish.catalogue import Download, TableSpec

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
    def __init__(self, out: Path, catalogue, long_rows: int):
        self.out, self.catalogue = out, catalogue
        self.specs = {name: catalogue.tables[name] for name in _TABLES}
        formats = catalogue.formats
        self.parquet: dict[str, pq.ParquetWriter] = {}
        self.rows = dict.fromkeys(_TABLES, 0)
        db = out / formats["sqlite"]["file"]
        db.unlink(missing_ok=True)
        self.db = sqlite3.connect(db)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        for spec in self.specs.values():
            columns = ", ".join(f'"{f.name}" {_sql_type(f)}' for f in spec.all_fields)
            self.db.execute(f'CREATE TABLE "{sql_name(spec)}" ({columns})')
        # Excel's limit, and below it the size past which the workbook would take minutes to write
        # and a minute to open: then the long table is in the CSV, Parquet and SQLite files only.
        self.xlsx_long = long_rows <= min(formats["xlsx_rows_max"] - 2, formats["xlsx_long_rows_max"])
        self.book, self.sheets = _workbook(out / formats["xlsx"]["file"]), {}
        for name in _TABLES:  # the long table's sheet holds a note when the table does not fit
            self.sheets[name] = self.book.add_worksheet(_sheet_name(self.specs[name]))

    def append(self, frames, timings: dict | None = None) -> None:
        for name in _TABLES[:-1]:
            self._append(name, frames.table(name), timings)

    def _append(self, name: str, frame: pd.DataFrame, timings: dict | None = None) -> None:
        from goi_site.publish.exports import _timed

        spec = self.specs[name]
        with _timed(timings, "parquet"):
            table = arrow_table(frame, spec)
            if name not in self.parquet:
                self.parquet[name] = pq.ParquetWriter(self.out / f"{spec.file}.parquet", table.schema, compression="zstd")
            self.parquet[name].write_table(table)
        with _timed(timings, "sqlite"):
            rows = list(zip(*(column.to_pylist() for column in table.columns)))
            marks = ", ".join("?" * table.num_columns)
            self.db.executemany(f'INSERT INTO "{sql_name(spec)}" VALUES ({marks})', rows)
        if name != "values" or self.xlsx_long:
            with _timed(timings, "xlsx"):
                sheet = self.sheets[name]
                if self.rows[name] == 0:
                    _header(sheet, spec, self.book)
                start = self.rows[name] + 2
                for i, row in enumerate(rows):
                    sheet.write_row(start + i, 0, row)
        self.rows[name] += len(rows)

    def finish(self, codebook: pd.DataFrame, long_table_files: list[str] | None,
               timings: dict | None = None) -> list[Download]:
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
        for spec in self.specs.values():
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
            out.append(Download(f"{spec.resource}-parquet", f"{spec.file}.parquet", f"{spec.title}（Parquet）",
                                formats["parquet"]["description"], self.rows[name], group="format", format="parquet",
                                holds={name: spec.file}))
        holds_sql = {name: sql_name(spec) for name, spec in self.specs.items()}
        sqlite = formats["sqlite"]
        out.append(Download("sqlite", sqlite["file"], sqlite["title"], sqlite["description"], sum(self.rows.values()),
                            group="format", format="sqlite", holds=holds_sql))
        xlsx = formats["xlsx"]
        in_book = {name: _sheet_name(spec) for name, spec in self.specs.items() if name != "values" or self.xlsx_long}
        out.append(Download("xlsx", xlsx["file"], xlsx["title"], xlsx["description"],
                            sum(self.rows[n] for n in in_book), group="format", format="xlsx", holds=in_book))
        return out


def _sql_type(f) -> str:
    if f.type == "integer":
        return "INTEGER"
    if f.type == "number":
        return "NUMERIC" if f.exact else "REAL"  # NUMERIC stores 12.0 as the integer 12
    return "TEXT"


def _workbook(path: Path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
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
