"""A frame's rows into an XlsxWriter worksheet (constant_memory mode) in bulk.

XlsxWriter writes a cell in a few microseconds of Python; the wide table of 10,000
agencies × 5 years is 12 million cells, most of a minute. Here each distinct value of a
column is written once by XlsxWriter's own cell writers (so escaping, inline strings
and number formatting are exactly its own), and Arrow joins those cell elements with
their references into the `<row>` elements of the chunk in C++. The rows go into the
worksheet's row-data file, where XlsxWriter's constant_memory mode puts its own rows,
and its dimensions are updated as write_row would; the workbook, its styles, frozen
header and zip container stay XlsxWriter's. The bytes are the same as write_row gives
(tests/test_downloads.py compares them).

It relies on the worksheet's constant_memory internals (fh, previous_row,
_write_single_row, _check_dimensions) of the pinned XlsxWriter version.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name


def append_rows(sheet, first_row: int, frame: pd.DataFrame, fields) -> None:
    """Write `frame`'s columns `fields` as rows first_row, first_row + 1, … (0-based)."""
    if not sheet.constant_memory:
        raise ValueError("append_rows writes into a constant_memory worksheet")
    n = len(frame)
    if not n:
        return
    last = first_row + n - 1
    sheet._write_single_row(first_row)  # the pending row (the header) goes out first
    if sheet._check_dimensions(first_row, 0) or sheet._check_dimensions(last, len(fields) - 1):
        raise ValueError(f"{n} rows from row {first_row + 1} do not fit in a worksheet")
    numbers = pc.cast(pa.array(np.arange(first_row + 1, last + 2, dtype=np.int64)), pa.string())
    cells = []
    for j, f in enumerate(fields):
        tails = _tails(sheet, frame[f.name])
        cells.append(pc.fill_null(pc.binary_join_element_wise(f'<c r="{xl_col_to_name(j)}', numbers, tails, ""), ""))
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32, count=len(rows) + 1, offset=rows.offset * 4)
    sheet.fh.write(bytes(memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]).decode("utf-8"))
    sheet.previous_row = last


def _tails(sheet, series: pd.Series) -> pa.Array:
    """Per row, its cell element after the reference (`"><v>12</v></c>`), null for no cell."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        uniques = list(uniques)
    if series.dtype == "Int64":
        uniques = [int(u) for u in uniques]
    elif pd.api.types.is_float_dtype(series.dtype):
        uniques = [float(u) for u in uniques]
    # a cell's element does not depend on where it is: each distinct value rendered once per sheet
    seen = sheet.__dict__.setdefault("_goi_tails", {})
    tails = []
    for u in uniques:
        key = (type(u), u)
        tail = seen.get(key, seen)
        if tail is seen:
            tail = seen[key] = _tail(sheet, u)
        tails.append(tail)
    texts = pa.array(tails + [None], type=pa.string())
    return texts.take(pa.array(np.where(codes < 0, len(uniques), codes).astype(np.int32)))


def _tail(sheet, value) -> str | None:
    """One cell as XlsxWriter's constant_memory writer prints it, without `<c` and its reference."""
    if isinstance(value, str):
        if value == "":  # write_row leaves an empty string's cell blank (no element)
            return None
        if len(value) > sheet.xls_strmax // 2 and _utf16_len(value) > sheet.xls_strmax:
            value = _utf16_truncate(value, sheet.xls_strmax)  # as write_string cuts a text too long for a cell
    out, keep = io.StringIO(), sheet.fh
    sheet.fh = out
    try:
        if isinstance(value, str):
            text = sheet._escape_control_characters(value)
            if text.startswith("<r>") and text.endswith("</r>"):
                sheet._xml_rich_inline_string(text, [])
            else:
                sheet._xml_inline_string(text, _preserve_whitespace(text), [])
        else:
            sheet._xml_number_element(value, [])
    finally:
        sheet.fh = keep
    return '"' + out.getvalue()[2:]
