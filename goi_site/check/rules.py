"""The consistency rules (勾稽关系), read from the form and applied generically.

Each rule is `left = right` over sums of cells; a failure is a Finding about the
agency's report, carrying the numbers on both sides. Values stay as published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from goi_site.form.loader import CellRef, Form, Rule, load_form
from goi_site.parse.record import Finding, Report


@dataclass(frozen=True)
class _Plan:
    """One rule applied to one column (or row): the cells on each side."""

    rule: Rule
    scope: str
    left: tuple[CellRef, ...]
    right: tuple[CellRef, ...]


@cache  # keyed by (edition id, Form object)
def _plans(edition_id: str, form: Form) -> tuple[_Plan, ...]:
    """Every single-report check an edition's cells allow, in the form's order."""
    edition = form.editions[edition_id]
    present = set(edition.cells())
    plans = []
    for rule in form.rules.values():
        if rule.across_years:
            continue
        rows = edition.rows(rule.table)
        if rule.for_each == "column":
            columns = {c for r in rows for c in edition.columns(rule.table, r)}
            scopes = [c for c in form.columns if c in columns]
            make = lambda scope, ident, table=rule.table: CellRef(table, ident, scope)  # noqa: E731
        else:
            scopes = rows
            make = lambda scope, ident, table=rule.table: CellRef(table, scope, ident)  # noqa: E731
        for scope in scopes:
            left = tuple(r for r in (make(scope, i) for i in rule.left) if r in present)
            right = tuple(r for r in (make(scope, i) for i in rule.right) if r in present)
            if left and right:
                plans.append(_Plan(rule, scope, left, right))
    return tuple(plans)


def _no_values(values) -> tuple:
    return ()


_INDEXED: dict = {}  # (edition id, form) → (the positions they were found in, getter, plans)


def _indexed_plans(edition_id: str, form: Form | None, positions: dict) -> tuple[itemgetter, tuple]:
    """(getter, plans): the getter takes the values of every plan's cells out of a CellMap's
    values in one call, side after side; each plan holds where its left and right sides
    lie in that tuple (left = [start, middle), right = [middle, end)). `positions` is the
    CellMap's public map; one dict serves every report of an edition (record.positions_of),
    so the indexes are found once per edition and form and the dict compared by identity."""
    entry = _INDEXED.get((edition_id, form))
    if entry is None or entry[0] is not positions:
        at: list[int] = []
        plans = []
        for plan in _plans(edition_id, form):
            start = len(at)
            at.extend(positions[r] for r in plan.left)
            middle = len(at)
            at.extend(positions[r] for r in plan.right)
            plans.append((plan, start, middle, len(at)))
        at.append(0)  # never one position: itemgetter then always gives a tuple
        getter = itemgetter(*at) if plans else _no_values  # (a form without rules: no index read)
        entry = _INDEXED[(edition_id, form)] = (positions, getter, tuple(plans))
    return entry[1], entry[2]


def check_report(report: Report, form: Form | None = None) -> list[Finding]:
    """Findings of every single-report rule of `form` (default: the shipped one, for tests
    and benches; the corpus passes its form), in its order."""
    form = form if form is not None else load_form()
    findings = []
    getter, plans = _indexed_plans(report.edition, form, report.cells.positions)
    every = getter(report.cells.arrays()[0])  # a CellMap's values directly, no Cell made
    for plan, start, middle, end in plans:
        left_values = every[start:middle]
        right_values = every[middle:end]
        if None in left_values or None in right_values:
            continue  # a missing cell is already a finding; no sum is made up around it
        left, right = sum(left_values), sum(right_values)
        if left != right:
            findings.append(_finding(report, plan, left, right, form))
    return findings


def _finding(report: Report, plan: _Plan, left, right, form: Form) -> Finding:
    rule = plan.rule
    if rule.for_each == "column":
        scope_label = form.columns[plan.scope].label
    else:
        scope_label = form.row(rule.table, plan.scope).short
    message = f"{rule.left_label}={left} ≠ {rule.right_label}={right} ({scope_label})"
    line = report.cells[plan.left[0]].line
    return Finding(
        rule.id, rule.severity, message, line, report.source, {"scope": plan.scope, "left": left, "right": right}
    )


def check_carry_chain(reports: list[Report], form: Form | None = None) -> list[Finding]:
    """The across-years rules (form.yml `across_years`, e.g. carried_forward of year N =
    carried_over of year N+1), for each agency's consecutive years. (`form`: the shipped
    one by default, for tests; the corpus passes its form.)"""
    form = form if form is not None else load_form()
    findings = []
    for rule in (r for r in form.rules.values() if r.across_years):
        findings += _across_years(reports, rule, form)
    return findings


def _across_years(reports: list[Report], rule: Rule, form: Form) -> list[Finding]:
    earlier_row = rule.across_years["earlier"]
    later_row = rule.across_years["later"]
    known = set(form.all_cells())
    columns = [c for c in form.columns if CellRef(rule.table, earlier_row, c) in known]
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
            for column in columns:
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
                        Finding(
                            rule.id,
                            rule.severity,
                            message,
                            after.line,
                            later.source,
                            {"scope": column, "left": before.value, "right": after.value, "earlier_year": year},
                        )
                    )
    return findings


def check_corpus(reports: list[Report], form: Form) -> list[list[Finding]]:
    """The check step: each report's rule findings (in the order of `reports`), the
    one-report rules of `form` in its order, then the corpus-wide
    one (carry chain, on the later year's report). Returns findings; the reports are not touched."""
    found = [check_report(r, form) for r in reports]
    index = {r.source: i for i, r in enumerate(reports)}
    for finding in check_carry_chain(reports, form):
        found[index[finding.file]].append(finding)
    return found
