"""Findings as GitHub Actions workflow commands (annotations on the file and line)."""

from __future__ import annotations

from goi_site.corpus.load import Corpus


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(corpus: Corpus) -> list[str]:
    """::error for unreadable reports and read errors, ::warning for failed checks."""
    lines = []
    for failure in corpus.failures:
        lines.append(
            f"::error file={_escape_property(failure.source)},title=unreadable report::{_escape_data(failure.error)}"
        )
    for finding in corpus.findings():
        if not finding.needs_attention:
            continue
        where = f"file={_escape_property(finding.file or '')}"
        if finding.line:
            where += f",line={finding.line}"
        lines.append(
            f"::{finding.severity} {where},title={_escape_property(finding.rule)}::{_escape_data(finding.message)}"
        )
    return lines
