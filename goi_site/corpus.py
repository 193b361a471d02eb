"""The corpus as a whole: read every report, run every check, summarise.

The library entry points the CLI calls. Reports come back sorted by agency and year
so every output built on them is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checks import check_all
from .reader import Failure, expand, read_many
from .record import Report


@dataclass
class Corpus:
    reports: list[Report]
    failures: list[Failure]

    def findings(self):
        return [f for r in self.reports for f in r.findings]

    def rule_findings(self):
        """Findings of severity warning or error (what --strict fails on)."""
        return [f for f in self.findings() if f.severity in ("warning", "error")]


def load_corpus(paths: list[Path]) -> Corpus:
    """Read and check every report under `paths` (files or directories)."""
    reports, failures = read_many(expand(paths))
    reports.sort(key=lambda r: (r.agency_id or "", r.year or 0, r.source))
    check_all(reports)
    return Corpus(reports, failures)
