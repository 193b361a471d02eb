"""A report as a diff-friendly text: one line per cell and per finding."""

from __future__ import annotations

from goi_site.form.loader import load_form
from goi_site.parse.record import Report


def render_golden(report: Report) -> str:
    form = load_form()
    out = [
        f"agency\t{report.agency}",
        f"agency_as_titled\t{report.agency_as_titled}",
        f"agency_id\t{report.agency_id}",
        f"year\t{report.year}",
        f"edition\t{report.edition}",
        f"region\t{' / '.join(report.region.path())}\t{report.region.code}",
        f"title\t{report.title}\tline {report.title_line}",
        "",
    ]
    for cell in form.editions[report.edition].cells():
        value = report.cells[cell]
        out.append(f"{cell.table}.{cell.row}.{cell.column}\t{value.value}\tline {value.line}\t{value.status}")
    out.append("")
    for finding in report.findings:
        out.append(f"finding\t{finding.severity}\t{finding.rule}\tline {finding.line}\t{finding.message}")
    return "\n".join(out) + "\n"
