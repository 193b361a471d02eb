"""Cell accuracy of the reader on every fixture with expected values.

    .venv/bin/python bench/accuracy.py [ROOT] [--details]

ROOT (default tests/fixtures/accuracy/) holds one folder per format, any name
(text, html, pdf, pdf-scanned, markdown, docx, run-together, traditional, …); each
holds report files <name>.<ext> with <name>.expected.json beside them, in the shape of
`goi parse --json` (a cell not printed is absent or null). Every report is read the
way `goi parse` reads it (extraction, parsing, checks), and each expected cell counts as

- right: the reader's value equals the printed one;
- empty: the reader left it empty (it was unsure; a finding says why);
- wrong: the reader gave another value. Wrong is worse than empty: it is invented.

A cell the expected file leaves null but the reader fills also counts as wrong. Identity
(agency, year, edition, region) is counted apart. Prints one Markdown table row per
format and a total; exits 1 if any value is wrong. --details lists every miss.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from goi_site.core.errors import GoiError  # noqa: E402
from goi_site.corpus.reader import read_report  # noqa: E402
from goi_site.publish.jsonout import report_to_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "accuracy"
TABLES = ("disclosure", "applications", "review", "litigation_direct", "litigation_after_review")
IDENTITY = ("agency", "year", "edition", "region.province", "region.city", "region.county")


@dataclass
class Score:
    reports: int = 0
    unreadable: int = 0
    expected: int = 0
    right: int = 0
    empty: int = 0
    wrong: int = 0
    identity_expected: int = 0
    identity_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "reports",
            "unreadable",
            "expected",
            "right",
            "empty",
            "wrong",
            "identity_expected",
            "identity_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)


def cells(record: dict) -> dict[str, object]:
    """Every table cell as 'table.row.column' (or 'table.column' for section 四's groups) → value."""
    out: dict[str, object] = {}

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}", value)
        else:
            out[prefix] = node

    for table in TABLES:
        if isinstance(record.get(table), dict):
            walk(table, record[table])
    return out


def _get(record: dict, dotted: str):
    node = record
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _same(expected, got) -> bool:
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return abs(expected - got) < 1e-9
    return expected == got


def score_report(path: Path, expected: dict) -> Score:
    score = Score(reports=1)
    want = {k: v for k, v in cells(expected).items()}
    try:
        got_record = report_to_json(read_report(path))
    except GoiError as exc:
        got_record = {}
        score.unreadable = 1
        score.misses.append(f"{path}: unreadable: {exc}")
    got = cells(got_record)
    for key, value in want.items():
        if value is None:
            if got.get(key) is not None:
                score.wrong += 1
                score.misses.append(f"{path}: {key}: not printed, read {got[key]!r}")
            continue
        score.expected += 1
        found = got.get(key)
        if found is None:
            score.empty += 1
            score.misses.append(f"{path}: {key}: empty (expected {value!r})")
        elif _same(value, found):
            score.right += 1
        else:
            score.wrong += 1
            score.misses.append(f"{path}: {key}: read {found!r}, expected {value!r}")
    for key in IDENTITY:
        value = _get(expected, key)
        if value is None:
            continue
        score.identity_expected += 1
        if _get(got_record, key) == value:
            score.identity_right += 1
        else:
            score.misses.append(f"{path}: {key}: read {_get(got_record, key)!r}, expected {value!r}")
    return score


def fixtures(root: Path) -> dict[str, list[tuple[Path, Path]]]:
    """{format: [(report, expected json)]} for every format folder under root."""
    out: dict[str, list[tuple[Path, Path]]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        pairs = []
        for expected in sorted(folder.glob("*.expected.json")):
            name = expected.name[: -len(".expected.json")]
            reports = [
                p
                for p in folder.iterdir()
                if p.name.startswith(name + ".")
                and p != expected
                and p.stem == name
                and not p.name.endswith((".json", ".yml"))
            ]
            if len(reports) != 1:
                raise SystemExit(
                    f"{expected}: expected exactly one report file named {name}.<ext>, found {len(reports)}"
                )
            pairs.append((reports[0], expected))
        if pairs:
            out[folder.name] = pairs
    return out


def measure(root: Path = ROOT) -> dict[str, Score]:
    return {
        fmt: _total(
            score_report(report, json.loads(expected.read_text(encoding="utf-8"))) for report, expected in pairs
        )
        for fmt, pairs in fixtures(root).items()
    }


def _total(scores) -> Score:
    total = Score()
    for score in scores:
        total.add(score)
    return total


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def table(scores: dict[str, Score]) -> str:
    lines = [
        "| format | reports | cells right / expected | right | left empty | wrong (invented) | identity right |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = list(scores.items()) + [("**all**", _total(scores.values()))]
    for name, s in rows:
        lines.append(
            f"| {name} | {s.reports} | {s.right:,} / {s.expected:,} | {_share(s.right, s.expected)} | "
            f"{_share(s.empty, s.expected)} | {s.wrong} | {s.identity_right} / {s.identity_expected} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    details = "--details" in argv
    args = [a for a in argv if a != "--details"]
    root = Path(args[0]) if args else ROOT
    scores = measure(root)
    print(table(scores))
    if details:
        for score in scores.values():
            for miss in score.misses:
                print(miss)
    return 1 if any(s.wrong for s in scores.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
