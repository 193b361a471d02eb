"""The form is data, loaded into one Form and passed in.

- every reference of every file of a form folder is resolved at load, or the load fails
  with a message naming the file and the key (and the nearest valid name);
- a named group of rows is defined once (form.yml `groups`) and referred to by name;
- the proof of the design: a made-up third edition (tests/fixtures/edition-draft/: a copy
  of 2021 with one extra row and one renamed column) is read from a fixture folder without
  touching package code, and a new chart kind of an existing layout is one entry in
  charts.yml.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from goi_site.check.rules import check_report
from goi_site.core import paths
from goi_site.form.loader import CellRef, FormError, load_form
from goi_site.parse.parser import parse_text
from goi_site.publish.charts import agency_kinds, chart_kinds
from goi_site.publish.formtables import form_tables
from goi_site.terminal import render_reports
from tests.conftest import DATA, FIXTURES

SHIPPED = paths.PACKAGE / "form"
DRAFT = FIXTURES / "edition-draft"


@pytest.fixture
def form_copy(tmp_path) -> Path:
    """A copy of the shipped form folder, to be edited by one test."""
    folder = tmp_path / "form"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---- validation at load --------------------------------------------------------------


def test_shipped_form_resolves_every_reference():
    form = load_form()
    assert form is load_form(SHIPPED)  # one object per folder
    cells = set(form.all_cells())
    for indicator in form.file("indicators").values():
        assert set(indicator["numerator"]) <= cells and set(indicator["denominator"]) <= cells
    for kind in form.file("charts")["kinds"].values():
        for series in kind["series"]:
            assert series["cells"] and set(series["cells"]) <= cells
    withheld = form.groups["withheld"]
    assert len(withheld) == 8
    share = form.file("indicators")["withheld_share"]["numerator"]
    assert share == tuple(CellRef("applications", row, "total") for row in withheld)
    assert set(withheld) < set(form.rules["outcome_sum"].right)


def test_groups_are_defined_once():
    """No file refers to the rows of a group one by one: they name the group. (The
    glossary explains each row, and form.yml defines rows and lines: those name rows.)"""
    form = load_form()
    for name in ("indicators.yml", "headlines.yml", "charts.yml", "layout.yml"):
        text = (SHIPPED / name).read_text(encoding="utf-8")
        for group, rows in form.groups.items():
            if len(rows) > 1:
                named = [row for row in rows if re.search(rf"\.{row}\.", text)]
                assert not named, f"{name} lists rows of @{group} one by one: {named}"
    rules = yaml.safe_load((SHIPPED / "form.yml").read_text(encoding="utf-8"))["rules"]
    assert "@withheld" in rules["outcome_sum"]["right"]  # the rule names the group, not its rows


@pytest.mark.parametrize(
    "name, old, new, message",
    [
        (
            "indicators.yml",
            "denominator: [applications.new.total, applications.carried_over.total]",
            "denominator: [applications.new.totl, applications.carried_over.total]",
            "indicators.yml: carried_forward_share.denominator[0]: no cell applications.new.totl "
            "(did you mean applications.new.total?)",
        ),
        (
            "indicators.yml",
            "numerator: [applications.@withheld.total]",
            "numerator: [applications.@withheldd.total]",
            "indicators.yml: withheld_share.numerator[0]: no group @withheldd (did you mean withheld?)",
        ),
        (
            "headlines.yml",
            "{id: corrected_share, indicator: corrected_share}",
            "{id: corrected_share, indicator: corected_share}",
            "headlines.yml: [4] corrected_share.indicator: no indicator corected_share (did you mean corrected_share?)",
        ),
        (
            "headlines.yml",
            "sum: [applications.new.total], key: true",
            "sum: [applications.new.total]",
            "headlines.yml: exactly one headline is the `key: true` figure (directory, rankings), found 0",
        ),
        (
            "charts.yml",
            "{label: 结转下年, cell: applications.carried_forward.total}\n\n  outcomes",
            "{label: 结转下年, cell: applications.carried_forward.totals}\n\n  outcomes",
            "charts.yml: kinds.flow.series[3].cell: no cell applications.carried_forward.totals "
            "(did you mean applications.carried_forward.total?)",
        ),
        (
            "charts.yml",
            "  flow:\n    title: 申请的收、转、办\n",
            "  flow:\n    title: 申请的收、转、办\n    page: agencies\n",
            "charts.yml: kinds.flow.page: 'agencies' is not agency, year or corpus",
        ),
        (
            "charts.yml",
            '  本年新收: "#4e79a7"\n',
            "",
            "charts.yml: kinds.flow.series[0]: no colour for '本年新收' under colors",
        ),
        (
            "layout.yml",
            "page_order: [applications, appeals, disclosure]",
            "page_order: [applications, appeal, disclosure]",
            "layout.yml: page_order[1]: no table appeal (did you mean appeals?)",
        ),
        (
            "glossary.yml",
            "      applications.granted: ",
            "      applications.grant: ",
            "glossary.yml: sections[2].terms.applications.grant: no row applications.grant (did you mean applications.granted?)",
        ),
        (
            "downloads.yml",
            "primary_key: [agency_id, year, seq]",
            "primary_key: [agency_id, year, seqq]",
            "downloads.yml: tables.findings.primary_key[2]: no field seqq (did you mean seq?)",
        ),
        (
            "form.yml",
            'right: ["@granted", "@partially_granted",',
            'right: ["@granted", "@partialy_granted",',
            "form.yml: rules.outcome_sum.right: no group @partialy_granted (did you mean partially_granted?)",
        ),
        (
            "form.yml",
            "left: [new, carried_over]",
            "left: [new, carried_ovr]",
            "form.yml: rules.balance.left: no row applications.carried_ovr (did you mean applications.carried_over?)",
        ),
    ],
)
def test_a_wrong_reference_is_an_error_naming_file_and_key(form_copy, name, old, new, message):
    _edit(form_copy / name, old, new)
    with pytest.raises(FormError) as caught:
        load_form(form_copy)
    assert str(caught.value) == f"{form_copy.as_posix()}/{message}"


def test_the_shipped_folder_is_named_as_in_the_checkout():
    """Messages name a shipped file as goi_site/form/<file>, like every other message."""
    from goi_site.form.loader import _shown

    assert _shown(SHIPPED / "indicators.yml") == "goi_site/form/indicators.yml"


# ---- the proof: a third edition from a fixture folder ----------------------------------


def test_a_draft_edition_reads_a_report_printed_in_it():
    # the files a third edition touches: the form file and the report printed in it, both fixtures
    assert sorted(p.name for p in DRAFT.iterdir()) == ["form.yml", "report.txt"]
    draft = load_form(DRAFT)
    assert list(draft.editions) == ["2021", "2019", "draft"]
    assert "draft" not in load_form().editions  # the shipped form is untouched
    text = (DRAFT / "report.txt").read_text(encoding="utf-8")
    report = parse_text(text, source="tests/fixtures/edition-draft/report.txt", form=draft)
    assert report.edition == "draft"
    assert report.findings == []  # every line found, nothing missing
    assert check_report(report, draft) == []  # the draft's rules hold
    assert report.value("disclosure", "ruling", "decisions") == 6  # the extra row
    assert report.value("disclosure", "regulations", "in_effect") == 5  # the renamed column
    assert report.value("disclosure", "normative_documents", "in_effect") == 12
    assert report.value("applications", "new", "total") == 10
    assert report.value("appeals", "litigation_direct", "pending") == 1
    assert report.cells[CellRef("disclosure", "ruling", "decisions")].line == text.split("\n").index("行政裁决\t6") + 1
    # what a reader sees: the tables of `goi parse` and of the agency page, from the draft
    printed = render_reports([report], draft)
    assert "行政裁决        本年处理决定数量=6" in printed and "现行有效总件数=5" in printed
    disclosure = next(t for t in form_tables(report, draft) if t.id == "disclosure")
    assert ("ruling", "行政裁决") in [(rid, label) for block in disclosure.blocks for rid, label, _ in block.rows]
    headers = [h.label for block in disclosure.blocks for row in block.header for h in row]
    assert "现行有效总件数" in headers and "现行有效件数" not in headers


def test_the_draft_report_read_with_the_shipped_form_lacks_the_new_cells():
    """The form is passed in, not global: the same text read with the shipped form is a
    2021 report without the draft's row and column."""
    report = parse_text((DRAFT / "report.txt").read_text(encoding="utf-8"))
    assert report.edition == "2021"
    assert CellRef("disclosure", "ruling", "decisions") not in report.cells
    assert CellRef("disclosure", "regulations", "in_effect") not in report.cells
    assert report.value("disclosure", "regulations", "in_force") == 5  # read by position, under 2021's label


def test_a_draft_record_survives_pickling():
    """A record of a draft edition carries its cell order (the cache stores records)."""
    import pickle

    draft = load_form(DRAFT)
    report = parse_text((DRAFT / "report.txt").read_text(encoding="utf-8"), form=draft)
    again = pickle.loads(pickle.dumps(report))
    assert dict(again.cells) == dict(report.cells)


# ---- the proof: a new chart is one entry in charts.yml ---------------------------------

NEW_CHART = """
  refusals:
    title: 不予公开的理由
    description: 各年度各类不予公开理由的申请件数的堆积柱状图。
    legend: 理由
    layout: stacked
    series:
      - {label: "不予公开：{short}", each: applications.@withheld.total}
"""


def test_a_new_chart_kind_is_one_entry_in_charts_yml(form_copy, tmp_path, monkeypatch):
    from goi_site.publish.sitebuild import build_site

    monkeypatch.setenv("GOI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    charts = form_copy / "charts.yml"
    charts.write_text(charts.read_text(encoding="utf-8") + NEW_CHART, encoding="utf-8")
    changed = sorted(p.name for p in form_copy.iterdir() if p.read_bytes() != (SHIPPED / p.name).read_bytes())
    assert changed == ["charts.yml"]  # the one file the new chart touches
    form = load_form(form_copy)
    assert [k.id for k in agency_kinds(form)][-1] == "refusals"
    assert "refusals" not in chart_kinds()  # the shipped form has no such chart
    out = tmp_path / "site"
    build_site(DATA, out, form=form)
    generated = tmp_path / "site-generated"
    agency = "410100-shangwuju"  # an agency whose reports withheld requests (the others' charts are "all zero")
    page = generated / "agencies" / f"{agency}.md"
    parts = page.with_name(page.name + ".parts.html")  # the page's HTML blocks, kept beside its Markdown
    assert 'data-kind="refusals"' in parts.read_text(encoding="utf-8")
    specs = json.loads((generated / "assets" / "charts" / "specs.json").read_text(encoding="utf-8"))
    assert specs["refusals"]["title"]["text"] == "不予公开的理由"
    csv = (generated / "downloads" / "charts" / agency / "refusals.csv").read_text(encoding="utf-8-sig")
    assert "applications.withheld_state_secret.total" in csv.splitlines()[0]  # one column per row of the group
    assert 'data-kind="refusals"' in (out / "agencies" / agency / "index.html").read_text(encoding="utf-8")


# ---- the proof: a whole site built from the draft form ---------------------------------


def _draft_corpus(root: Path) -> tuple[Path, str]:
    """A corpus folder holding the draft report as the corpus keeps one: under its agency's
    folder, with its metadata. (Its year is moved from 2030 to 2025: a report year must
    be past, and the draft edition is told by its markers, not by the year.)"""
    data = (DRAFT / "report.txt").read_bytes().replace(b"2030", b"2025")
    report = parse_text(data.decode("utf-8"), form=load_form(DRAFT))
    folder = root / "data" / "henan" / report.agency_id
    folder.mkdir(parents=True)
    (folder / "2025.txt").write_bytes(data)
    meta = {
        "agency": report.agency,
        "region": " / ".join(report.region.path()),
        "division_code": report.region.code,
        "year": 2025,
        "title": report.title,
        "source_url": None,
        "retrieved": "2026-11-22",
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (folder / "2025.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root / "data", report.agency_id


def _goi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args], cwd=paths.repo_root(), capture_output=True, text=True, timeout=300
    )


def test_a_whole_site_is_built_from_the_draft_form(tmp_path):
    """`goi build --form tests/fixtures/edition-draft`: the draft's extra row and renamed
    column reach the agency page, the downloads and the built HTML; no package file changes."""
    data, agency = _draft_corpus(tmp_path)
    out = tmp_path / "site"
    run = _goi("build", "--data", str(data), "--out", str(out), "--form", str(DRAFT))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("1 report(s) of 1 agencies"), run.stdout
    generated = tmp_path / "site-generated" / "agencies"
    page = (generated / f"{agency}.md").read_text(encoding="utf-8") + (generated / f"{agency}.md.parts.html").read_text(
        encoding="utf-8"
    )
    assert "行政裁决" in page and "现行有效总件数" in page and "现行有效件数" not in page
    html = (out / "agencies" / agency / "index.html").read_text(encoding="utf-8")
    assert "行政裁决" in html and "现行有效总件数" in html
    downloads = out / "downloads"
    values = list(csv.DictReader((downloads / "goi-values.csv").open(encoding="utf-8-sig", newline="")))
    cells = {(v["table"], v["row_id"], v["column_id"]): v for v in values}
    ruling = cells[("disclosure", "ruling", "decisions")]
    assert (ruling["row_label"], ruling["value"], ruling["edition"]) == ("行政裁决", "6", "draft")
    renamed = cells[("disclosure", "regulations", "in_effect")]
    assert (renamed["column_label"], renamed["value"]) == ("现行有效总件数", "5")
    assert ("disclosure", "regulations", "in_force") not in cells  # the 2021 column is not the draft's
    wide = next(csv.DictReader((downloads / "goi-reports-wide.csv").open(encoding="utf-8-sig", newline="")))
    assert wide["disclosure.ruling.decisions"] == "6" and wide["disclosure.regulations.in_effect"] == "5"
    codebook = (downloads / "codebook.csv").read_text(encoding="utf-8-sig")
    assert "disclosure.ruling.decisions" in codebook and "现行有效总件数" in codebook
    # the package's own form is untouched: the same corpus read with it is a 2021 report
    shipped = _goi("parse", str(data), "--json")
    assert json.loads(shipped.stdout)["edition"] == "2021"


def test_the_draft_corpus_validates_with_its_form(tmp_path):
    """`goi validate --form`: the draft report checked with the draft's rules (no finding to
    look at); with the shipped form the same file misses the draft's lines."""
    data, _ = _draft_corpus(tmp_path)
    run = _goi("validate", "--data", str(data), "--form", str(DRAFT), "--fail-on", "error")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 report(s) parsed, 0 unreadable, 0 finding(s) of severity warning or error" in run.stdout


def test_goi_add_reads_a_report_with_the_draft_form(tmp_path):
    """`goi add --form`: a maintainer adds a report printed in the draft edition; it is
    written with the draft's cells read, and validates with the same form."""
    source = tmp_path / "report.txt"
    source.write_bytes((DRAFT / "report.txt").read_bytes().replace(b"2030", b"2025"))
    data = tmp_path / "data"
    run = _goi("add", str(source), "--data", str(data), "--form", str(DRAFT))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "行政裁决" in run.stdout and "wrote " in run.stdout
    (written,) = data.rglob("2025.txt")
    assert written.read_bytes() == source.read_bytes()
    check = _goi("validate", "--data", str(data), "--form", str(DRAFT), "--fail-on", "error")
    assert check.returncode == 0, check.stdout + check.stderr
    shipped = _goi("parse", str(written), "--json")
    assert json.loads(shipped.stdout)["edition"] == "2021"  # the shipped form would read it as a 2021 report


def test_the_cache_key_holds_the_form(tmp_path):
    """A report read with another form is another cache entry: the draft's reading is never
    served to a build with the shipped form, nor the other way round."""
    from goi_site.corpus.cache import ParseCache
    from goi_site.corpus.load import load_corpus

    data, _ = _draft_corpus(tmp_path)
    cache = ParseCache(tmp_path / "parse.sqlite3")
    draft = load_corpus([data], cache, corpus_root=data, form=load_form(DRAFT))
    shipped = load_corpus([data], cache, corpus_root=data)
    again = load_corpus([data], cache, corpus_root=data, form=load_form(DRAFT))
    cache.close()
    assert [r.edition for r in (*draft.reports, *shipped.reports, *again.reports)] == ["draft", "2021", "draft"]
    assert (cache.misses, cache.hits) == (2, 1)


@pytest.mark.parametrize(
    "command",
    [
        ("build", "--out", "{tmp}/site"),
        ("validate",),
        ("parse", "tests/fixtures/edition-draft/report.txt"),
        ("export", "--out", "{tmp}/site"),
        ("serve", "--out", "{tmp}/site"),
        ("add", "tests/fixtures/edition-draft/report.txt", "--data", "{tmp}/data", "--year", "2025"),
    ],
)
def test_a_wrong_form_folder_is_one_line_and_exit_2(form_copy, tmp_path, command):
    _edit(form_copy / "form.yml", "left: [new, carried_over]", "left: [new, carried_ovr]")
    args = [part.format(tmp=tmp_path) for part in command]
    run = _goi(*args, "--form", str(form_copy))
    assert run.returncode == 2
    assert run.stderr == (
        f"goi: --form: {form_copy.as_posix()}/form.yml: rules.balance.left: no row applications.carried_ovr "
        "(did you mean applications.carried_over?)\n"
    )
    missing = _goi(*args, "--form", str(tmp_path / "nowhere"))
    assert (missing.returncode, missing.stderr) == (2, f"goi: --form {tmp_path / 'nowhere'}: no such folder\n")
    assert not (tmp_path / "site").exists()


def test_a_form_file_of_the_wrong_shape_is_one_line_not_a_bug(tmp_path):
    folder = tmp_path / "form"
    folder.mkdir()
    (folder / "form.yml").write_text("columns: {}\n", encoding="utf-8")
    run = _goi("validate", "--form", str(folder))
    assert (run.returncode, run.stderr) == (
        2,
        f"goi: --form: {folder.as_posix()}/: not a complete form folder: the key 'tables' is missing "
        "(goi_site/form/ shows every file and key)\n",
    )
