"""CSV the way journalists open it: UTF-8 with BOM (Excel on Chinese Windows reads
BOM-less UTF-8 as GBK), CRLF line ends, formula injection neutralised, numbers left
as numbers, a missing value as an empty cell (never 0).

A frame is written by Arrow's CSV writer (C++, fast) after every column is rendered to
its CSV text: text through `safe_cell`, counts as integers, exact numbers (a count or
an amount as printed) without a trailing ".0". Arrow quotes every text value, which is
not the CSV Excel users have always got from us, so Arrow writes unquoted and a chunk
whose text needs quoting (a comma, a quote, a line break) goes through the stdlib csv
writer instead, whose minimal quoting is the same bytes Arrow gives for the rest.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

# OWASP CSV injection: a text cell starting with one of these is run as a formula.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = (",", '"', "\r", "\n")
BOM = b"\xef\xbb\xbf"


def safe_cell(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, float):
        return repr(float(round(value, 6)))
    text = str(value)
    if text.startswith(_DANGEROUS):
        return "'" + text
    return text


def exact_number(value: float) -> str:
    """A count or an amount as the report printed it: 12, not 12.0; 0.5 stays 0.5."""
    return str(int(value)) if value == int(value) else repr(value)


def _rendered(series: pd.Series, exact: bool) -> pa.Array:
    """A column as the Arrow array of its CSV text (dictionary-encoded: most columns repeat)."""
    if series.dtype == "Int64":
        return pa.array(series.array, type=pa.int64())
    if pd.api.types.is_float_dtype(series.dtype):
        render = exact_number if exact else safe_cell
    else:
        render = safe_cell
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = pa.array([render(float(u) if render is exact_number else u) for u in uniques], type=pa.string())
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, texts)


class Rendered:
    """A frame as the Arrow table of its CSV text, rendered once and written whole or in
    row slices (a chunk's years, an agency's reports)."""

    def __init__(self, frame: pd.DataFrame, fields):
        self.names = [f.name for f in fields]
        arrays = [_rendered(frame[f.name], f.exact) for f in fields]
        self.quoted = any(_needs_quotes(a) for a in arrays)
        self.table = pa.Table.from_arrays(
            [a.dictionary_decode() if pa.types.is_dictionary(a.type) else a for a in arrays], names=self.names)

    def write(self, handle, rows=None) -> int:
        """Append the rows (all, or a slice/array of row numbers) to a binary handle."""
        table = self.table if rows is None else (self.table.slice(rows.start, rows.stop - rows.start)
                                                 if isinstance(rows, slice) else self.table.take(rows))
        if not table.num_rows:
            return 0
        if self.quoted:
            handle.write(_stdlib_csv(zip(*(c.to_pylist() for c in table.columns))))
        else:
            pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, quoting_style="none", eol="\r\n"))
        return table.num_rows


def write_header(handle, fields) -> None:
    handle.write(BOM)
    handle.write(_stdlib_csv([[f.name for f in fields]]))


def write_csv(frame: pd.DataFrame, fields, handle, header: bool = True) -> int:
    """Append `frame` (the catalogue's `fields`, in order) to a binary `handle` as CSV
    rows (with a BOM and the header when `header`). Returns the number of rows."""
    if header:
        write_header(handle, fields)
    return Rendered(frame, fields).write(handle) if len(frame) else 0


def _needs_quotes(array: pa.Array) -> bool:
    if not pa.types.is_dictionary(array.type):
        return False
    return any(ch in text for text in array.dictionary.to_pylist() for ch in _NEEDS_QUOTES)


def _stdlib_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
