"""The consistency rules (勾稽关系), read from the form and applied generically.

Each rule is `left = right` over sums of cells; a failure is a Finding about the
agency's report, carrying the numbers on both sides. Values stay as published.
"""

from __future__ import annotations

from collections import defaultdict

from .form import CellRef, Rule, load_form
from .record import Finding, Report


def check_report(report: Report) -> list[Finding]:
    """Findings of every single-report rule, in the form's order."""
    form = load_form()
    findings: list[Finding] = []
    edition = form.editions[report.edition]
    for rule in form.rules.values():
        if rule.across_years:
            continue
        rows = edition.rows(rule.table)
        if rule.for_each == "column":
            columns = {c for r in rows for c in edition.columns(rule.table, r)}
            scopes = [(col, lambda ident, col=col: CellRef(rule.table, ident, col)) for col in _ordered(columns, form)]
        else:
            scopes = [(row, lambda ident, row=row: CellRef(rule.table, row, ident)) for row in rows]
        for scope, ref in scopes:
            finding = _check(report, rule, scope, ref, edition)
            if finding:
                findings.append(finding)
    return findings


def _ordered(columns: set[str], form) -> list[str]:
    return [c for c in form.columns if c in columns]


def _check(report: Report, rule: Rule, scope: str, ref, edition) -> Finding | None:
    present = set(edition.cells())
    left_refs = [ref(i) for i in rule.left if ref(i) in present]
    right_refs = [ref(i) for i in rule.right if ref(i) in present]
    if not left_refs or not right_refs:
        return None
    values = [report.cells[r].value for r in left_refs + right_refs]
    if any(v is None for v in values):
        return None  # a missing cell is already a finding; no sum is made up around it
    left = sum(report.cells[r].value for r in left_refs)
    right = sum(report.cells[r].value for r in right_refs)
    if left == right:
        return None
    form = load_form()
    scope_label = form.columns[scope].label if rule.for_each == "column" else form.row(rule.table, scope).short
    line = report.cells[left_refs[0]].line
    message = f"{rule.left_label}={left} ≠ {rule.right_label}={right} ({scope_label})"
    return Finding(rule.id, rule.severity, message, line, report.source, {"scope": scope, "left": left, "right": right})


def check_carry_chain(reports: list[Report]) -> list[Finding]:
    """carried_forward of year N = carried_over of year N+1, for each agency's consecutive years."""
    form = load_form()
    rule = form.rules["carry_chain"]
    earlier_row = rule.across_years["earlier"]
    later_row = rule.across_years["later"]
    by_agency: dict[str, dict[int, Report]] = defaultdict(dict)
    for report in reports:
        if report.agency_id and report.year:
            by_agency[report.agency_id][report.year] = report
    findings = []
    for agency_id in sorted(by_agency):
        years = by_agency[agency_id]
        for year in sorted(years):
            later = years.get(year + 1)
            if later is None:
                continue
            earlier = years[year]
            for column in form.applicant_columns:
                before = earlier.cells.get(CellRef(rule.table, earlier_row, column))
                after = later.cells.get(CellRef(rule.table, later_row, column))
                if before is None or after is None or before.value is None or after.value is None:
                    continue
                if before.value != after.value:
                    message = (
                        f"{year}年{rule.left_label}={before.value} ≠ {year + 1}年{rule.right_label}={after.value} "
                        f"({form.columns[column].label})"
                    )
                    findings.append(
                        Finding(rule.id, rule.severity, message, after.line, later.source,
                                {"scope": column, "left": before.value, "right": after.value, "earlier_year": year})
                    )
    return findings


def check_all(reports: list[Report]) -> None:
    """Add every rule finding to its report (the carry chain to the later year's report)."""
    for report in reports:
        report.findings.extend(check_report(report))
    by_source = {r.source: r for r in reports}
    for finding in check_carry_chain(reports):
        by_source[finding.file].findings.append(finding)
