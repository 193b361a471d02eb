"""Property-based: random consistent reports in every layout read back exactly.

The reports are printed with the labels of the reference document (tests/printed.py
reads its fixture copy), not with form.yml's: a label the form spells wrong is a failure
here, not a form agreeing with itself."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth import LAYOUTS, random_truth, render
from goi_site.check.rules import check_report
from goi_site.parse.parser import parse_text

from .printed import printed

AGENCIES = ["平顶山市湛河区商务局", "郑州市商务局", "温县商务局", "河南省商务厅", "漯河市市场监督管理局"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(LAYOUTS),
    edition=st.sampled_from(["2021", "2019"]),
    agency=st.sampled_from(AGENCIES),
    scale=st.sampled_from([0, 3, 50, 5000]),
)
def test_every_number_comes_back(seed, layout, edition, agency, scale):
    rng = random.Random(seed)
    year = 2020 if edition == "2019" else 2023
    truth = random_truth(rng, agency=agency, year=year, edition=edition, scale=scale)
    report = parse_text(render(truth, layout, rng, printed()))
    assert report.edition == edition
    assert report.year == year and report.agency == agency
    wrong = {k: (v, report.value(*k)) for k, v in truth.cells.items() if report.value(*k) != v}
    assert wrong == {}
    assert [f.rule for f in report.findings if f.needs_attention] == []
    assert check_report(report) == []


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), layout=st.sampled_from(LAYOUTS))
def test_agency_slips_are_found_not_fixed(seed, layout):
    rng = random.Random(seed)
    truth = random_truth(rng, slip=True)
    report = parse_text(render(truth, layout, rng, printed()))
    assert (
        report.value("applications", "processed_total", "total")
        == truth.cells[("applications", "processed_total", "total")]
    )
    assert {f.rule for f in check_report(report)} == set(truth.slips)


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            list("0123456789 \t\n|一二三、（）().其他总计规章行政许可本年新收政府信息公开申请数量无—")
        ),
        max_size=400,
    )
)
def test_arbitrary_text_never_crashes(text):
    from goi_site.core.errors import ReportError

    try:
        report = parse_text(text)
    except ReportError:
        return
    for cell in report.cells.values():
        assert cell.value is None or cell.line is not None


def _drop_separators(text: str) -> str:
    """What a crawler that drops every cell separator makes of a report."""
    return "\n".join("".join(line.split()).replace("|", "") for line in text.split("\n"))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(["tabs", "spaces", "pipes"]),
    scale=st.sampled_from([0, 3, 50]),
)
def test_run_together_cells_are_recovered_or_left_empty_never_invented(seed, layout, scale):
    rng = random.Random(seed)
    truth = random_truth(rng, scale=scale)
    report = parse_text(_drop_separators(render(truth, layout, rng, printed())))
    wrong = {k: (v, report.value(*k)) for k, v in truth.cells.items() if report.value(*k) not in (None, v)}
    assert wrong == {}
    # a row the equations decide comes back whole; one they do not is named in a finding
    for f in report.findings:
        assert f.rule != "run_together_ambiguous" or "种（" in f.message
    recovered = [c for c in report.cells.values() if c.status == "recovered"]
    assert all(c.rule for c in recovered)
    if scale == 0:  # all zeros: every row splits one way
        assert all(report.value(*k) == v for k, v in truth.cells.items() if k[0] == "applications")


def test_the_reference_labels_are_printed_as_the_bundled_reports_print_them():
    """Where the document's Markdown differs from print (straight quotes), the reports decide."""
    from .conftest import corpus_files

    texts = "".join(path.read_text(encoding="utf-8") for path in corpus_files())
    quoted = {label.split(".", 1)[-1] for label in printed().rows.values() if "“" in label}
    assert quoted and all(label in texts for label in quoted)
