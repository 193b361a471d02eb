"""One fixture per consistency rule that fails it; the finding keeps the published numbers."""

from __future__ import annotations

import pytest

from goi_site.check.rules import check_carry_chain, check_report
from goi_site.corpus.load import load_corpus
from goi_site.parse.parser import parse_text

from .conftest import FIXTURES

RULES = FIXTURES / "rules"


def findings(name: str):
    report = parse_text((RULES / name).read_text(encoding="utf-8"), source=f"rules/{name}")
    return report, check_report(report)


def test_the_consistent_report_passes_every_rule():
    _, found = findings("carry_chain_2023.txt")
    assert found == []


@pytest.mark.parametrize(
    "name, expected, published",
    [
        (
            "balance.txt",
            [
                "rules/balance.txt:9 balance: 新收+结转=6 ≠ 办理+结转下年=7 (自然人)",
                "rules/balance.txt:9 balance: 新收+结转=6 ≠ 办理+结转下年=7 (总计)",
            ],
            {("applications", "carried_forward", "natural_person"): 2, ("applications", "carried_forward", "total"): 2},
        ),
        (
            "row_total.txt",
            [
                "rules/row_total.txt:9 row_total: 总计=6 ≠ 各类申请人之和=7 (新收)",
                "rules/row_total.txt:33 row_total: 总计=1 ≠ 各类申请人之和=2 (结转下年)",
            ],
            {
                ("applications", "new", "natural_person"): 7,
                ("applications", "new", "total"): 6,
                ("applications", "carried_forward", "natural_person"): 2,
                ("applications", "carried_forward", "total"): 1,
            },
        ),
        (
            "outcome_sum.txt",
            [
                "rules/outcome_sum.txt:32 outcome_sum: 总计=5 ≠ 各办理结果之和=6 (自然人)",
                "rules/outcome_sum.txt:32 outcome_sum: 总计=5 ≠ 各办理结果之和=6 (总计)",
            ],
            {("applications", "granted", "natural_person"): 3, ("applications", "granted", "total"): 3},
        ),
        (
            "review_total.txt",
            [
                "rules/review_total.txt:40 review_total: 总计=4 ≠ 维持+纠正+其他+未审结=3 (行政复议)",
            ],
            {("appeals", "review", "total"): 4},
        ),
    ],
)
def test_each_rule_fails_on_its_fixture(name, expected, published):
    report, found = findings(name)
    assert [f.located() for f in found] == expected
    assert all(f.severity == "warning" for f in found)
    # Kept as published: the cells that break the rule still hold the agency's numbers.
    assert {cell: report.value(*cell) for cell in published} == published


def test_rule_finding_carries_both_sides():
    _, found = findings("balance.txt")
    assert found[0].numbers == {"scope": "natural_person", "left": 6, "right": 7}


def test_carry_chain_across_consecutive_years():
    corpus = load_corpus([RULES / "carry_chain_2023.txt", RULES / "carry_chain_2024.txt"])
    assert {r.agency_id for r in corpus.reports} == {"410100-shangwuju"}
    chain = [f for f in corpus.findings() if f.rule == "carry_chain"]
    assert [f.message for f in chain] == [
        "2023年上年结转下年=1 ≠ 2024年本年上年结转=0 (自然人)",
        "2023年上年结转下年=1 ≠ 2024年本年上年结转=0 (总计)",
    ]
    assert chain[0].file.endswith("carry_chain_2024.txt") and chain[0].line == 10


def test_carry_chain_skips_years_that_are_not_consecutive():
    a = parse_text((RULES / "carry_chain_2023.txt").read_text(encoding="utf-8"), "a")
    b = parse_text((RULES / "carry_chain_2024.txt").read_text(encoding="utf-8").replace("2024", "2025"), "b")
    assert check_carry_chain([a, b]) == []
