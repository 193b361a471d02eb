"""CSV the way journalists open it: UTF-8 with BOM (Excel on Chinese Windows reads
BOM-less UTF-8 as GBK), CRLF line ends, formula injection neutralised, numbers left
as numbers, a missing value as an empty cell (never 0).

A frame is rendered column by column: each distinct text value once (through
`safe_cell`, then quoted as Python's csv module quotes: only when it holds a comma, a
quote or a line break), counts as integers, exact numbers (a count or an amount as
printed) without a trailing ".0". Arrow then joins the columns of every row into its
line in C++ (`binary_join_element_wise`), so a chunk of a million rows is one string
array whose bytes are written whole, or by row slices (an agency's reports) or row
numbers (a year's). Arrow's own CSV writer is not used: it quotes every text value
("needed" style) or refuses a comma ("none"), and neither is the CSV we publish.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# OWASP CSV injection: a text cell starting with one of these is run as a formula.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = (",", '"', "\r", "\n")
BOM = b"\xef\xbb\xbf"
EOL = "\r\n"


def safe_cell(value) -> str:
    """One cell's text (chart CSVs use it too): formula-safe, missing empty, numbers as numbers."""
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


def quoted(text: str) -> str:
    """A field as csv.QUOTE_MINIMAL writes it (delimiter ",", quote '"', CRLF lines)."""
    if any(ch in text for ch in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def exact_number(value: float) -> str:
    """A count or an amount as the report printed it: 12, not 12.0; 0.5 stays 0.5."""
    return str(int(value)) if value == int(value) else repr(value)


def _from_uniques(codes: np.ndarray, uniques, render, suffix: str = "") -> pa.Array:
    texts = pa.array([quoted(render(u)) + suffix for u in uniques] + [suffix], type=pa.string())
    codes = np.where(codes < 0, len(uniques), codes).astype(np.int32)
    return texts.take(pa.array(codes))


def _rendered(series: pd.Series, exact: bool, suffix: str | None = None) -> pa.Array:
    """A column as the Arrow array of its CSV fields (no nulls: a missing value is ""), each
    followed by `suffix` when given (the line end, on the last column: one pass less)."""
    dtype = series.dtype
    if suffix is not None:
        if isinstance(dtype, pd.CategoricalDtype):
            return _from_uniques(series.cat.codes.to_numpy(), list(series.cat.categories), safe_cell, suffix)
        if dtype == "Int64" or not pd.api.types.is_float_dtype(dtype):
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            return _from_uniques(
                codes, [int(u) for u in uniques] if dtype == "Int64" else list(uniques), safe_cell, suffix
            )
        return pc.binary_join_element_wise(_rendered(series, exact), suffix, "")
    if dtype == "Int64":
        return pc.fill_null(pc.cast(pa.array(series.array, type=pa.int64()), pa.string()), "")
    if pd.api.types.is_float_dtype(dtype) and exact:
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(numbers)
        whole = ~missing & (numbers == np.floor(np.where(missing, 0, numbers)))
        ints = np.where(whole, numbers, 0).astype(np.int64)
        text = pc.cast(pa.array(ints, mask=~whole), pa.string())
        if (~missing & ~whole).any():  # amounts with decimals: each distinct one rendered once
            others = ~missing & ~whole
            codes, uniques = pd.factorize(numbers[others])
            rest = np.full(len(numbers), -1, dtype=np.int64)
            rest[others] = codes
            text = pc.coalesce(
                text,
                pc.if_else(
                    pa.array(others),
                    _from_uniques(rest, [float(u) for u in uniques], exact_number),
                    pa.scalar(None, pa.string()),
                ),
            )
        return pc.fill_null(text, "")
    if isinstance(dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return _from_uniques(codes, list(uniques), safe_cell)


def _runs(frame: pd.DataFrame, fields) -> list[list]:
    """The fields in order, consecutive categorical columns grouped (the long table's agency,
    place and label columns repeat together: rendered as one field-group per distinct combination)."""
    runs: list[list] = []
    for f in fields:
        categorical = isinstance(frame[f.name].dtype, pd.CategoricalDtype)
        if categorical and runs and runs[-1][0] is not None:
            runs[-1][1].append(f)
        else:
            runs.append((True if categorical else None, [f]))
    return [run for _, run in runs]


def _rendered_run(frame: pd.DataFrame, run, suffix: str = "") -> pa.Array:
    """Consecutive categorical columns as one array of their joined fields ("a,b,c"): each
    distinct combination of their values is rendered once."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for f in run:
        codes = frame[f.name].cat.codes.to_numpy().astype(np.int64) + 1  # 0: missing
        combined, _ = pd.factorize(combined * (len(frame[f.name].cat.categories) + 1) + codes)
    first = np.unique(combined, return_index=True)[1]  # a row of each combination, by combination code
    parts = []
    for f in run:
        series = frame[f.name]
        uniques = list(series.cat.categories)
        codes = series.cat.codes.to_numpy()[first]
        parts.append(["" if c < 0 else quoted(safe_cell(uniques[c])) for c in codes])
    texts = pa.array([",".join(p) + suffix for p in zip(*parts)], type=pa.string())
    return texts.take(pa.array(combined.astype(np.int32)))


def header_line(fields) -> bytes:
    return (",".join(quoted(f.name) for f in fields) + EOL).encode("utf-8")


class Rendered:
    """A frame as the CSV lines of its rows (one Arrow string array), rendered once and
    written whole, by a slice of rows (an agency's reports) or by row numbers (a year's)."""

    def __init__(self, frame: pd.DataFrame, fields):
        columns = []
        runs = _runs(frame, fields)
        for k, run in enumerate(runs):
            suffix = EOL if k == len(runs) - 1 else None
            columns.append(
                _rendered(frame[run[0].name], run[0].exact, suffix)
                if len(run) == 1
                else _rendered_run(frame, run, suffix or "")
            )
        if len(frame):
            self.lines = pc.binary_join_element_wise(*columns, ",") if len(columns) > 1 else columns[0]
        else:
            self.lines = pa.array([], type=pa.string())
        if isinstance(self.lines, pa.ChunkedArray):
            self.lines = self.lines.combine_chunks()

    def __len__(self) -> int:
        return len(self.lines)

    def write(self, handle, rows=None) -> int:
        """Append the rows (all, a slice, or an array of row numbers) to a binary handle."""
        if rows is None:
            lines = self.lines
        elif isinstance(rows, slice):
            lines = self.lines[rows]
        else:
            return self._write_rows(handle, np.asarray(rows))
        if len(lines):
            handle.write(_bytes_of(lines))
        return len(lines)

    def _write_rows(self, handle, rows: np.ndarray) -> int:
        """Rows by number (a year's, in order: runs of each report's cells): each run of
        consecutive rows is one slice of the line buffer, written without a copy."""
        if not len(rows):
            return 0
        lines = self.lines
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
        data = memoryview(lines.buffers()[2])
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        starts = offsets[rows[np.concatenate(([0], breaks))]].tolist()
        ends = offsets[rows[np.concatenate((breaks - 1, [len(rows) - 1]))] + 1].tolist()
        for start, end in zip(starts, ends):
            handle.write(data[start:end])
        return len(rows)


def _bytes_of(lines: pa.StringArray) -> memoryview:
    """The concatenated text of a (non-null) string array: its data buffer between its first
    and last offsets, without a copy."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]


def write_header(handle, fields) -> None:
    handle.write(BOM)
    handle.write(header_line(fields))


def write_csv(frame: pd.DataFrame, fields, handle, header: bool = True) -> int:
    """Append `frame` (the catalogue's `fields`, in order) to a binary `handle` as CSV
    rows (with a BOM and the header when `header`). Returns the number of rows."""
    if header:
        write_header(handle, fields)
    return Rendered(frame, fields).write(handle) if len(frame) else 0
