"""Plain-text renderings for the terminal: the summary table and one report's tables."""

from __future__ import annotations

import unicodedata

from goi_site.corpus.load import Corpus
from goi_site.form.loader import Form, load_form
from goi_site.parse.record import Report
from goi_site.publish.frameviews import report_headlines
from goi_site.publish.views import key_headline


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(_pad(str(h), w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(str(c), w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _fmt(value) -> str:
    return "" if value is None else str(value)


def render_summary(corpus: Corpus, form: Form | None = None) -> str:
    form = form if form is not None else load_form()  # an entry point (CLI, tests): shipped by default
    key = key_headline(form)  # the headline figure shown per report (headlines.yml `key: true`)
    rows = []
    for r, values in zip(corpus.reports, report_headlines(corpus.reports, form)):
        counts = {s: sum(1 for f in r.findings if f.severity == s) for s in ("error", "warning", "info")}
        rows.append(
            [
                r.source,
                r.agency or "?",
                _fmt(r.year),
                r.edition,
                " ".join(r.region.path()) or "?",
                _fmt(values[key]),
                str(counts["error"]),
                str(counts["warning"]),
                str(counts["info"]),
            ]
        )
    for f in corpus.failures:
        rows.append([f.source, "UNREADABLE", "", "", "", "", "", "", ""])
    out = [table(["file", "agency", "year", "edition", "region", key, "errors", "warnings", "info"], rows)]
    findings = corpus.findings()
    if findings:
        out.append("")
        out.append("findings:")
        out += [f"  {f.severity:7} {f.located()}" for f in findings]
    if corpus.failures:
        out.append("")
        out.append("could not be read:")
        out += [f"  {f.located()}" for f in corpus.failures]
    ok = len(corpus.reports)
    out.append("")
    out.append(
        f"{ok} report(s) parsed, {len(corpus.failures)} unreadable, "
        f"{len(corpus.rule_findings())} finding(s) of severity warning or error, "
        f"{len(findings) - len(corpus.rule_findings())} info"
    )
    return "\n".join(out)


def render_reports(reports: list[Report], form: Form | None = None) -> str:
    form = form if form is not None else load_form()  # an entry point (CLI, tests): shipped by default
    blocks = []
    for report in reports:
        edition = form.editions[report.edition]
        head = f"{report.source}: {report.agency} {report.year} ({edition.id} 版表式, {' '.join(report.region.path()) or '地区未定'})"
        parts = [head]
        for table_id, tbl in form.tables.items():
            rows = edition.rows(table_id)
            if (
                len({tuple(edition.columns(table_id, r)) for r in rows}) > 1
            ):  # rows of their own columns: label each cell
                body = [
                    [
                        form.row(table_id, r).label,
                        *(
                            f"{form.columns[c].label}={_fmt(report.value(table_id, r, c))}"
                            for c in edition.columns(table_id, r)
                        ),
                    ]
                    for r in rows
                ]
                width = max(len(b) for b in body)
                body = [b + [""] * (width - len(b)) for b in body]
                parts.append(f"\n{tbl.section}、{tbl.title}\n" + table(["row", *[""] * (width - 1)], body))
            else:
                columns = edition.columns(table_id, rows[0])
                body = [
                    [form.row(table_id, r).short, *(_fmt(report.value(table_id, r, c)) for c in columns)] for r in rows
                ]
                parts.append(
                    f"\n{tbl.section}、{tbl.title}\n" + table(["", *(form.columns[c].label for c in columns)], body)
                )
        if report.findings:
            parts.append("\nfindings:\n" + "\n".join(f"  {f.severity:7} {f.located()}" for f in report.findings))
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)
