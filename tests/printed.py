"""The labels a report prints, read from the reference document (a fixture copy of
report-format.md, the project's contract), not from goi_site/form/form.yml.

The property tests print their generated reports with these labels, so a label that
form.yml spells wrong (or a row it misses) makes the parser fail the test instead of
agreeing with itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference" / "report-format.md"
_LABELLED_ID = re.compile(r"([^\s,;:`][^,;:`]*?)\s*`(\w+)`")


@dataclass
class Printed:
    sections: dict[str, str] = field(default_factory=dict)  # table id → "二、主动公开政府信息情况"
    rows: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (edition, table, row) → label
    # (edition, table, row, column) → label; row "" where a table's columns are the same for all rows
    columns: dict[tuple[str, str, str, str], str] = field(default_factory=dict)

    def row(self, edition: str, table: str, row: str) -> str:
        return self.rows[(edition, table, row)]

    def column(self, edition: str, table: str, row: str, column: str) -> str:
        return self.columns.get((edition, table, row, column)) or self.columns[(edition, table, "", column)]

    def section(self, table: str) -> str:
        return self.sections[table]


def as_printed(label: str) -> str:
    """The document is Markdown and writes straight quotes ("三安全一稳定"); the reports
    print curly ones (“三安全一稳定”, every bundled report): labels are printed as reports do."""
    return re.sub(r'"([^"]*)"', "“\\1”", label)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@lru_cache(maxsize=1)
def printed() -> Printed:
    text = REFERENCE.read_text(encoding="utf-8")
    out = Printed()
    parts = dict(re.findall(r"([二三四])、(\S+?情况)", text.split("## Section")[0]))
    for numeral, table in (("二", "disclosure"), ("三", "applications"), ("四", "appeals")):
        out.sections[table] = f"{numeral}、{parts[numeral]}"
    chunks = re.split(r"^#{2,3} ", text, flags=re.M)
    for chunk in chunks:
        heading = chunk.split("\n", 1)[0]
        edition = re.fullmatch(r"Edition (\d{4})", heading.strip())
        if edition:  # a disclosure table: block | row label | id | columns → ids
            previous: list[tuple[str, str]] = []
            for line in chunk.splitlines():
                cells = _cells(line)
                if len(cells) != 4 or not cells[2].startswith("`"):
                    continue
                row = cells[2].strip("`")
                out.rows[(edition.group(1), "disclosure", row)] = cells[1]
                columns = _LABELLED_ID.findall(cells[3]) or previous  # "same three": the row above's
                for label, column in columns:
                    out.columns[(edition.group(1), "disclosure", row, column)] = label
                previous = columns
        if heading.startswith("Section 三"):
            columns_text = chunk.split("Columns (ids), in order:", 1)[1].split("\n\n", 1)[0]
            for label, column in _LABELLED_ID.findall(columns_text.replace("法人或其他组织:", "")):
                for edition in ("2021", "2019"):
                    out.columns[(edition, "applications", "", column)] = label.strip()
            for line in chunk.splitlines():
                cells = _cells(line)
                if len(cells) == 2 and cells[1].startswith("`"):
                    for edition in ("2021", "2019"):
                        out.rows[(edition, "applications", cells[1].strip("`"))] = as_printed(cells[0])
            single = re.search(r"Edition 2019 has a single row (\S+) instead", chunk)
            out.rows[("2019", "applications", "other")] = single.group(1)
    return out
