"""The metadata table of a crawled page (索引号, 发布机构, 名称, 生成日期 …) as hints.

Government sites print a table of fields above the report. Its cells are field labels
and values, never statistics, so the HTML reader takes it out of the tables and writes
one `label：value` line per field at the top of the extracted text. Identity reads those
lines back: the agency (发布机构 first), the report's title (名称) and the page's date.
The labels come from form/page_metadata.yml; a label is never part of a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import yaml

from goi_site.core import paths

SEPARATOR = "："  # what the reader writes between a label and its value


@dataclass(frozen=True)
class PageFields:
    roles: dict[str, tuple[str, ...]]  # role -> labels, in order of preference
    min_labels: int
    agency_endings: tuple[str, ...] = ()

    @cached_property
    def role_of(self) -> dict[str, str]:
        return {label: role for role, labels in self.roles.items() for label in labels}


@lru_cache(maxsize=1)
def page_fields() -> PageFields:
    data = yaml.safe_load(paths.PAGE_METADATA_FILE.read_text(encoding="utf-8"))
    roles = {role: tuple(labels) for role, labels in data["fields"].items()}
    return PageFields(roles, int(data.get("min_labels", 2)), tuple(data.get("agency_endings", ())))


def _compact(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", "", text).rstrip("：:")


def label_of(cell: str) -> str | None:
    """The field label a cell holds (`发布机构：`, `发 布 机 构`), else None."""
    compact = _compact(cell)
    return compact if compact in page_fields().role_of else None


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    fields = page_fields()

    def alternatives(labels) -> str:
        first = "".join(sorted({label[0] for label in labels}))
        spaced = [r"\s*".join(map(re.escape, label)) for label in sorted(labels, key=len, reverse=True)]
        return f"(?=[{re.escape(first)}])(?:" + "|".join(spaced) + ")"  # the lookahead fails most lines at once

    labelled = re.compile(rf"^\s*({alternatives(fields.role_of)})\s*[：:]\s*(.+)$", re.S)
    glued = re.compile(rf"^\s*{alternatives(fields.roles['title'] + fields.roles['agency'])}\s*[：:]?\s*(?=\S.{{4}})")
    return labelled, glued


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    """The first two characters of every label: the field lines the readers write start with one."""
    return frozenset(label[:2] for label in page_fields().role_of)


def split_labelled(cell: str) -> tuple[str, str] | None:
    """(label, value) of a cell that holds both (`发布机构：沭阳县发展和改革局`), else None."""
    if "：" not in cell and ":" not in cell:
        return None
    match = _patterns()[0].match(cell)
    return (_compact(match.group(1)), match.group(2).strip()) if match else None


def table_fields(rows: list[list[str]]) -> list[tuple[str, str]] | None:
    """The (label, value) pairs of a metadata table, or None when the table is not one."""
    pairs: list[tuple[str, str]] = []
    for row in rows:
        cells = [c for c in row if c.strip()]
        i = 0
        while i < len(cells):
            label = label_of(cells[i])
            if label is not None:
                value = cells[i + 1] if i + 1 < len(cells) and label_of(cells[i + 1]) is None else ""
                pairs.append((label, value.strip()))
                i += 2 if value else 1
                continue
            both = split_labelled(cells[i])
            if both:
                pairs.append(both)
            i += 1
    return pairs if len(pairs) >= page_fields().min_labels else None


def field_lines(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{label}{SEPARATOR}{value}" for label, value in pairs if value]


@dataclass
class PageHints:
    agency: str | None = None
    title: str | None = None
    date: str | None = None

    @property
    def year(self) -> int | None:
        """The year of the page's date (the publication year, not the report year)."""
        match = re.search(r"(?:19|20)\d{2}", self.date or "")
        return int(match.group(0)) if match else None

    @property
    def report_year(self) -> int | None:
        """The report year a page's date suggests: reports of year N are published early in N+1."""
        match = re.search(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})", self.date or "")
        if match and 1 <= int(match.group(2)) <= 6:
            return int(match.group(1)) - 1
        return None


def page_hints(lines: list[str], scan: int = 80) -> PageHints:
    """The metadata fields printed as `label：value` lines near the top of a text."""
    fields = page_fields()
    found: dict[str, list[tuple[int, str]]] = {}
    prefixes = _prefixes()
    for line in lines[:scan]:
        if line[:2] not in prefixes or "\t" in line:  # nearly every line of a report fails here, cheaply
            continue
        both = split_labelled(line)
        if both:
            role = fields.role_of[both[0]]
            found.setdefault(role, []).append((fields.roles[role].index(both[0]), both[1]))

    def best(role: str) -> str | None:
        values = sorted(found.get(role, []))
        return values[0][1] if values else None

    agency = best("agency")
    if agency is not None and not agency.endswith(fields.agency_endings):
        agency = None  # 发布机构：-, a site's own name
    return PageHints(agency=agency, title=best("title"), date=best("date"))


def strip_label(line: str) -> str:
    """A line without a field label glued before it (`名称沭阳县…报告`, `名称：…` → `沭阳县…报告`)."""
    if line[:2] not in _prefixes():
        return line
    match = _patterns()[1].match(line)
    return line[match.end() :] if match else line
