"""The parser: text of a report in, a typed Report with findings out. Pure: no I/O.

    report = parse_text(text, source="data/…/2024.txt", meta=metadata_or_None)
    report = parse_text(text, form=load_form("tests/fixtures/edition-draft"), divisions=table)

The form and the division table are parameters; only this entry point falls back to
the shipped ones (goi_site/form/), so a test can parse against a draft edition.

Missing parts never raise: a report with a table cut off yields the cells that were
found and a finding naming what is missing. Only text with no table at all (not a
report, or a pre-2019 report with free-form statistics) raises ReportError.
"""

from __future__ import annotations

from goi_site.core.errors import ReportError
from goi_site.core.text import match_key
from goi_site.form.divisions import DivisionTable, load_divisions
from goi_site.form.loader import CellRef, Edition, Form, load_form
from goi_site.parse import recover, sections
from goi_site.parse.formlines import Occurrence, best_chain, chain_weight, line_index, occurrences, pieces
from goi_site.parse.identity import agency_slug, find_title, full_name, region_of
from goi_site.parse.metadata import Metadata
from goi_site.parse.normalize import normalize_lines
from goi_site.parse.prose import check_prose
from goi_site.parse.record import Cell, CellMap, Region, Report
from goi_site.parse.rowfill import read_line


def parse_text(
    text: str,
    source: str = "<text>",
    meta: Metadata | None = None,
    *,
    form: Form | None = None,
    divisions: DivisionTable | None = None,
) -> Report:
    form = form if form is not None else load_form()
    divisions = divisions if divisions is not None else load_divisions()
    lines = normalize_lines(text, form)
    stream = pieces(lines)
    compact = "".join([p.text for p in stream if not p.number])  # the text without spaces, for markers
    title = find_title(lines)  # read once: the year hint and the identity both use it
    year_hint = meta.year if meta is not None else title[3]
    edition, chosen, guessed = _choose_edition(form, stream, compact, year_hint)
    if not chosen:
        raise ReportError(
            "no statistical table of the annual report form was found "
            "(is this a 政府信息公开工作年度报告 from 2019 or later?)"
        )
    report = Report(source=source, edition=edition.id, cells={}, findings=[])
    _fill_cells(form, report, edition, chosen, stream)
    report.cells = CellMap(edition, report.cells)
    _identify(form, report, lines, meta, divisions, title)
    check_prose(report, lines, form)
    if guessed:
        report.add("edition_guessed", edition=edition.id, form=form)
    return report


def _choose_edition(form: Form, stream, compact: str, year: int | None) -> tuple[Edition, dict[int, Occurrence], bool]:
    """The edition whose own column names the text prints; else the one that reads more.

    Most reports print their column headers, so the markers decide and only one
    edition's lines are matched; the second pass runs only when they do not.
    """
    editions = list(form.editions.values())
    markers = {e.id: sum(1 for marker in e.markers if marker in compact) for e in editions}
    editions.sort(key=lambda e: -markers[e.id])
    if markers[editions[0].id] > markers[editions[1].id]:
        edition = editions[0]
        return edition, _chain(form, stream, edition), False
    results = []
    for edition in editions:
        chosen = _chain(form, stream, edition)
        results.append((chain_weight(chosen, edition.lines), edition, chosen))
    results.sort(key=lambda r: -r[0])
    if results[0][0] != results[1][0]:
        return results[0][1], results[0][2], False
    default = form.edition_for_year(year)
    weight, edition, chosen = next(r for r in results if r[1].id == default)
    return edition, chosen, True


def _chain(form: Form, stream, edition: Edition) -> dict[int, Occurrence]:
    found = occurrences(stream, line_index(edition))
    chosen = best_chain(found, edition.lines)
    if chosen:  # the section 四 shapes, only in a text that holds a table at all
        sections.join_groups(chosen, found, edition.lines)
        sections.by_heading(chosen, stream, edition.lines, form)
        sections.unlabelled(chosen, found, edition.lines)
    return chosen


def _fill_cells(form: Form, report: Report, edition: Edition, chosen: dict[int, Occurrence], stream) -> None:
    placeholders: list[str] = []
    reads = []
    for index, line in enumerate(edition.lines):
        occurrence = chosen.get(index)
        if occurrence is None:
            report.cells.update(dict.fromkeys(line.cells, _MISSING))
            continue
        read = read_line(line, occurrence.numbers, form.columns)
        reads.append((line, occurrence, read))
        if occurrence.unlabelled:
            report.add(
                "row_unlabelled",
                occurrence.label_line,
                label=line.label,
                printed=" ".join(p.text for p in occurrence.numbers),
                form=form,
            )
        if occurrence.typo:
            report.add("label_typo", occurrence.label_line, printed=occurrence.typo, label=line.label, form=form)
        report.cells.update(zip(line.cells, read.cells))
    pending = [read.pending for _, _, read in reads if read.pending is not None]
    if pending:
        recover.resolve(pending, report.cells, form)
    for line, occurrence, read in reads:
        if read.pending is not None:
            read.cells = recover.finish(read.pending)
            _pending_findings(form, report, read.pending)
            report.cells.update(zip(line.cells, read.cells))
        for ref, cell in zip(line.cells, read.cells):  # (the other lines' cells are in already)
            status = cell.status
            if status == "read":
                continue
            if status == "placeholder":
                placeholders.append(f"{cell.raw}@{cell.line}")
            elif status == "invalid":
                report.add("invalid_number", cell.line, cell=_label(form, ref), raw=cell.raw, form=form)
        if read.status not in _QUIET:
            _line_findings(form, report, line, occurrence, read)
    if placeholders:
        report.add("placeholder_cell", count=len(placeholders), cells=" ".join(placeholders[:5]), form=form)
    _missing_findings(form, report, edition, chosen, _printed_as_group(edition, chosen, stream))


_MISSING = Cell(None, None, "missing")  # a cell is an immutable tuple: one serves every missing cell
_QUIET = frozenset({"complete", "pending"})  # line statuses _line_findings says nothing about


def _pending_findings(form: Form, report: Report, p) -> None:
    line, width = p.line, len(p.line.cells)
    printed = " ".join(p.printed)
    if p.count == 1:
        values = recover.describe(p.readings[0])
        report.add(
            "cells_recovered",
            p.source_line,
            label=line.label,
            printed=printed,
            values=values,
            rules=recover.decided_by(p),
            form=form,
        )
        return
    if p.kind == "collapsed":  # the short-row finding: which slots, nobody can tell
        report.add(
            "short_row",
            p.source_line,
            label=line.label,
            count=len(p.values),
            width=width,
            printed=printed,
            empty=width,
            form=form,
        )
        return
    shown = "；".join(recover.describe(r) for r in p.readings[: recover.SHOWN]) or "-"
    report.add(
        "run_together_ambiguous",
        p.source_line,
        label=line.label,
        printed=printed,
        count=p.count,
        candidates=shown,
        form=form,
    )


def _label(form: Form, ref: CellRef) -> str:
    return f"{form.row(ref.table, ref.row).short}/{form.columns[ref.column].label}"


def _line_findings(form: Form, report: Report, line, occurrence: Occurrence, read) -> None:
    width = len(line.cells)
    printed = " ".join(read.published)
    where = occurrence.numbers[0].line if occurrence.numbers else occurrence.label_line
    if read.status == "grid":
        blanks = sum(1 for c in read.cells if c.value is None)
        if blanks:
            report.add("blank_cells", where, label=line.label, count=blanks, width=width, printed=printed, form=form)
    elif read.status == "extra":
        extra = " ".join(read.published[width:])
        report.add(
            "extra_cells",
            where,
            label=line.label,
            count=len(read.published),
            width=width,
            extra=extra,
            printed=printed,
            form=form,
        )
    elif read.status == "filled":
        report.add(
            "short_row_filled",
            where,
            label=line.label,
            count=len(read.published),
            width=width,
            printed=printed,
            form=form,
        )
    elif read.status in ("short", "empty"):
        kept = sum(1 for c in read.cells if c.value is not None)
        report.add(
            "short_row",
            where,
            label=line.label,
            count=len(read.published),
            width=width,
            printed=printed or "-",
            empty=width - kept,
            form=form,
        )


def _printed_as_group(edition: Edition, chosen: dict[int, Occurrence], stream) -> set[str]:
    """Rows not printed because their group was printed as one row (form.yml `printed_as_group`)."""
    absent: set[str] = set()
    for index, occurrence in chosen.items():
        line = edition.lines[index]
        if not line.group_keys:
            continue
        before = [p.text for p in stream[max(0, occurrence.position - 3) : occurrence.position] if not p.number]
        label = match_key("".join(before), keep_numbering=line.strict)
        if any(label.endswith(key) for key in line.group_keys):
            absent.update(line.group_rows)
    return absent


def _missing_findings(
    form: Form, report: Report, edition: Edition, chosen: dict[int, Occurrence], absent: set[str]
) -> None:
    by_table: dict[str, list[str]] = {}
    found_tables = {edition.lines[i].table for i in chosen}
    not_printed = [line.label for i, line in enumerate(edition.lines) if i not in chosen and line.rows[0] in absent]
    if not_printed:
        report.add(
            "group_printed_as_one_row",
            count=len(not_printed),
            labels="".join(f"「{label}」" for label in not_printed),
            form=form,
        )
    near: dict[str, int] = {}  # a line read next to the first missing row: where a reader looks for it
    for index, line in enumerate(edition.lines):
        if index not in chosen and line.rows[0] not in absent:
            by_table.setdefault(line.table, []).append(line.label)
        elif index in chosen and (line.table not in near or line.table not in by_table):
            near[line.table] = chosen[index].label_line
    for table_id, labels in by_table.items():
        table = form.tables[table_id]
        if table_id not in found_tables:
            report.add("missing_section", section=table.section, title=table.title, form=form)
        else:  # labels quoted: they contain 、 themselves
            report.add(
                "missing_row",
                near.get(table_id),
                section=table.section,
                count=len(labels),
                labels="".join(f"「{label}」" for label in labels),
                form=form,
            )


def _identify(
    form: Form, report: Report, lines: list[str], meta: Metadata | None, table: DivisionTable, found: tuple
) -> None:
    """Title, year, region and agency; `found` is find_title(lines)."""
    text = "".join(lines)
    title, title_line, titled_agency, title_year = found
    report.title, report.title_line, report.agency_as_titled = title, title_line, titled_agency
    if title is None:
        report.add("no_title", form=form)
    # Year: the metadata's, else the title's.
    report.year = title_year
    if meta is not None:
        if title_year is not None and title_year != meta.year:
            report.add("year_mismatch", title_line, title_year=title_year, meta_year=meta.year, form=form)
        report.year = meta.year
    if report.year is None:
        report.add("year_unknown", form=form)
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
    report.region = region_of(division, table)
    if division is None:
        detail = "、".join(" ".join(a.name for a in table.ancestors(c)) for c in candidates) or "-"
        report.add("region_unplaced", title_line, name=name or "?", detail=detail, form=form)
    # Agency: the metadata's full name, else the title's, completed from the text.
    if meta is not None:
        report.agency = meta.agency
        if titled_agency and titled_agency != meta.agency and not meta.agency.endswith(titled_agency):
            report.add("agency_mismatch", title_line, titled=titled_agency, meta=meta.agency, form=form)
        report.meta = meta.as_dict()
        if meta.source_url is None:
            report.add("source_unrecorded", form=form)
    elif titled_agency:
        report.agency = full_name(titled_agency, division, text, table)
    report.agency_id = agency_slug(report.agency, division, table) if report.agency else None


__all__ = ["parse_text", "Region"]
