"""CSV the way journalists open it: UTF-8 with BOM (Excel on Chinese Windows reads
BOM-less UTF-8 as GBK), CRLF line ends, formula injection neutralised, numbers left
as numbers, a missing value as an empty cell (never 0)."""

from __future__ import annotations

from decimal import Decimal

# OWASP CSV injection: a text cell starting with one of these is run as a formula.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, float):
        return repr(round(value, 6))
    text = str(value)
    if text.startswith(_DANGEROUS):
        return "'" + text
    return text


BOM = b"\xef\xbb\xbf"
_NEEDS_QUOTES = frozenset(',"\r\n')


def csv_line(values) -> str:
    """One CSV record (no line end), quoted like the csv module's minimal quoting."""
    out = []
    for value in values:
        if value is None:
            out.append("")
            continue
        if type(value) is int:  # most cells: no quoting, no neutralising
            out.append(str(value))
            continue
        text = safe_cell(value)
        if _NEEDS_QUOTES.intersection(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)
