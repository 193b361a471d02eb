"""The parser: text of a report in, a typed Report with findings out. Pure: no I/O.

    report = parse_text(text, source="data/…/2024.txt", meta=metadata_or_None)

Missing parts never raise: a report with a table cut off yields the cells that were
found and a finding naming what is missing. Only text with no table at all (not a
report, or a pre-2019 report with free-form statistics) raises ReportError.
"""

from __future__ import annotations

from .divisions import load_divisions
from .errors import ReportError
from .form import CellRef, Edition, load_form
from .identity import agency_slug, find_title, full_name, region_of
from .metadata import Metadata
from .normalize import normalize_lines
from .record import Cell, Region, Report
from .rowfill import read_line
from .tables import Occurrence, best_chain, chain_weight, line_index, occurrences, pieces


def parse_text(text: str, source: str = "<text>", meta: Metadata | None = None) -> Report:
    form = load_form()
    lines = normalize_lines(text)
    stream = pieces(lines)
    compact = "".join(p.text for p in stream if not p.number)  # the text without spaces, for markers
    edition, chosen, guessed = _choose_edition(stream, compact, _year_hint(lines, meta))
    if not chosen:
        raise ReportError(
            "no statistical table of the annual report form was found "
            "(is this a 政府信息公开工作年度报告 from 2019 or later?)"
        )
    report = Report(source=source, edition=edition.id, cells={}, findings=[])
    _fill_cells(report, edition, chosen)
    _identify(report, lines, meta)
    if guessed:
        report.add("edition_guessed", f"表式版本无法从栏目名称判断，按年度推定为 {edition.id} 版")
    return report


def _year_hint(lines: list[str], meta: Metadata | None) -> int | None:
    if meta is not None:
        return meta.year
    return find_title(lines)[3]


def _choose_edition(stream, compact: str, year: int | None) -> tuple[Edition, dict[int, Occurrence], bool]:
    """The edition whose own column names the text prints; else the one that reads more.

    Most reports print their column headers, so the markers decide and only one
    edition's lines are matched; the second pass runs only when they do not.
    """
    form = load_form()
    editions = list(form.editions.values())
    markers = {e.id: sum(1 for marker in e.markers if marker in compact) for e in editions}
    editions.sort(key=lambda e: -markers[e.id])
    if markers[editions[0].id] > markers[editions[1].id]:
        edition = editions[0]
        return edition, best_chain(occurrences(stream, line_index(edition)), edition.lines), False
    results = []
    for edition in editions:
        chosen = best_chain(occurrences(stream, line_index(edition)), edition.lines)
        results.append((chain_weight(chosen, edition.lines), edition, chosen))
    results.sort(key=lambda r: -r[0])
    if results[0][0] != results[1][0]:
        return results[0][1], results[0][2], False
    default = form.edition_for_year(year)
    weight, edition, chosen = next(r for r in results if r[1].id == default)
    return edition, chosen, True


def _fill_cells(report: Report, edition: Edition, chosen: dict[int, Occurrence]) -> None:
    form = load_form()
    placeholders: list[str] = []
    for index, line in enumerate(edition.lines):
        occurrence = chosen.get(index)
        if occurrence is None:
            for cell in line.cells:
                report.cells[cell] = Cell(None, None, "missing")
            continue
        read = read_line(line, occurrence.numbers, form.columns)
        for ref, cell in zip(line.cells, read.cells):
            report.cells[ref] = cell
            if cell.status == "placeholder":
                placeholders.append(f"{cell.raw}(第{cell.line}行)")
            elif cell.status == "invalid":
                report.add("invalid_number", f"{_label(ref)} 写作 {cell.raw}，计数不能为负数或小数，按空值处理", cell.line)
        _line_findings(report, line, occurrence, read)
    if placeholders:
        report.add("placeholder_cell", f"{len(placeholders)} 个单元格以符号代替数字，按空值处理：{'、'.join(placeholders[:5])}")
    _missing_findings(report, edition, chosen)


def _label(ref: CellRef) -> str:
    form = load_form()
    return f"{form.row(ref.table, ref.row).short}/{form.columns[ref.column].label}"


def _line_findings(report: Report, line, occurrence: Occurrence, read) -> None:
    width = len(line.cells)
    printed = " ".join(read.published)
    where = occurrence.numbers[0].line if occurrence.numbers else occurrence.label_line
    if read.status == "extra":
        extra = " ".join(read.published[width:])
        report.add("extra_cells", f"{line.label}：印有 {len(read.published)} 个数字，表头只有 {width} 栏，多出的 {extra} 未采用", where, printed=printed)
    elif read.status == "filled":
        report.add("short_row_filled", f"{line.label}：只印了 {len(read.published)}/{width} 个数字（{printed}），本行合计唯一确定了缺项，已补足", where, printed=printed)
    elif read.status in ("short", "empty"):
        kept = sum(1 for c in read.cells if c.value is not None)
        report.add("short_row", f"{line.label}：只印了 {len(read.published)}/{width} 个数字（{printed or '无'}），无法确定缺项位置，{width - kept} 项留空", where, printed=printed)


def _missing_findings(report: Report, edition: Edition, chosen: dict[int, Occurrence]) -> None:
    form = load_form()
    by_table: dict[str, list[str]] = {}
    found_tables = {edition.lines[i].table for i in chosen}
    for index, line in enumerate(edition.lines):
        if index not in chosen:
            by_table.setdefault(line.table, []).append(line.label)
    for table_id, labels in by_table.items():
        table = form.tables[table_id]
        if table_id not in found_tables:
            report.add("missing_section", f"找不到第{table.section}部分“{table.title}”的统计表", None, section=table.section)
        else:
            report.add("missing_row", f"第{table.section}部分缺少 {len(labels)} 行：{'、'.join(labels)}", None, rows=len(labels))


def _identify(report: Report, lines: list[str], meta: Metadata | None) -> None:
    table = load_divisions()
    text = "".join(lines)
    title, title_line, titled_agency, title_year = find_title(lines)
    report.title, report.title_line, report.agency_as_titled = title, title_line, titled_agency
    if title is None:
        report.add("no_title", "找不到“××××年政府信息公开工作年度报告”样式的标题")
    # Year: the metadata's, else the title's.
    report.year = title_year
    if meta is not None:
        if title_year is not None and title_year != meta.year:
            report.add("year_mismatch", f"标题年度 {title_year} ≠ 元数据年度 {meta.year}", title_line)
        report.year = meta.year
    if report.year is None:
        report.add("year_unknown", "标题中没有年度，也没有元数据；请在元数据中写明 year")
    # Region: the metadata's division, else placed from the agency's name.
    name = meta.agency if meta is not None else titled_agency
    division, candidates = None, []
    if meta is not None and meta.division_code:
        division = table.by_code.get(meta.division_code)
    if division is None and meta is not None and meta.region:
        division = table.by_path(meta.region)
    if division is None and name:
        division, candidates, _ = table.place(name, text)
    if division is None and titled_agency and titled_agency != name:
        division, candidates, _ = table.place(titled_agency, text)
    report.region = region_of(division)
    if division is None:
        detail = "、".join(" ".join(a.name for a in table.ancestors(c)) for c in candidates) if candidates else "名称中没有可识别的地名"
        report.add("region_unplaced", f"无法确定“{name or '（无名称）'}”所在地区：{detail}；请在元数据中写明 region", title_line)
    # Agency: the metadata's full name, else the title's, completed from the text.
    if meta is not None:
        report.agency = meta.agency
        if titled_agency and titled_agency != meta.agency and not meta.agency.endswith(titled_agency):
            report.add("agency_mismatch", f"标题机关“{titled_agency}” ≠ 元数据机关“{meta.agency}”", title_line)
        report.meta = meta.as_dict()
        if meta.source_url is None:
            report.add("source_unrecorded", "元数据中没有原文网址（source_url）")
    elif titled_agency:
        report.agency = full_name(titled_agency, division, text)
    report.agency_id = agency_slug(report.agency, division) if report.agency else None


__all__ = ["parse_text", "Region"]
