"""The `goi` command as users run it: real processes, real files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goi_site.corpus.load import load_corpus
from goi_site.publish.jsonout import report_to_json

from .conftest import DATA, FIXTURES, ROOT, corpus_files

ZHENGZHOU = DATA / "henan" / "410100-shangwuju" / "2023.txt"


def goi(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_parse_json_equals_the_library():
    files = [str(p.relative_to(ROOT)) for p in corpus_files()]
    run = goi("parse", *files, "--json")
    assert run.returncode == 0, run.stderr
    printed = [json.loads(line) for line in run.stdout.splitlines()]
    expected = [report_to_json(r) for r in load_corpus([ROOT / f for f in files]).reports]
    # the library reports absolute-or-relative paths as given; compare the rest
    for got, want in zip(printed, expected):
        got["source"].pop("file")
        want["source"].pop("file")
        for f in got["findings"] + want["findings"]:
            f.pop("file")
    assert printed == json.loads(json.dumps(expected, ensure_ascii=False))
    keys = set(printed[0])
    assert {
        "agency",
        "year",
        "edition",
        "region",
        "disclosure",
        "applications",
        "review",
        "litigation_direct",
        "litigation_after_review",
        "findings",
    } <= keys
    zz = next(p for p in printed if p["agency"] == "郑州市商务局")
    assert zz["review"] == {"upheld": 2, "corrected": 0, "other": 1, "pending": 0, "total": 3}
    assert zz["applications"]["carried_forward"]["natural_person"] == 1
    assert zz["region"] == {"province": "河南省", "city": "郑州市", "county": None, "code": "410100"}


def test_parse_json_missing_cells_are_null():
    run = goi("parse", str(FIXTURES / "quirks" / "partial.txt"), "--json")
    assert run.returncode == 0
    record = json.loads(run.stdout)
    assert record["applications"]["carried_over"]["total"] is None
    assert record["review"]["total"] is None
    assert {"rule", "severity", "message", "line"} <= set(record["findings"][0])


def test_parse_prints_readable_tables():
    run = goi("parse", str(ZHENGZHOU))
    assert run.returncode == 0
    assert "郑州市商务局 2023" in run.stdout and "结转下年" in run.stdout


def test_validate_corpus_all_parsed():
    run = goi("validate", "--data", str(DATA))
    assert run.returncode == 0, run.stderr
    assert "5 report(s) parsed, 0 unreadable" in run.stdout
    for name in ("平顶山市商务局", "漯河市商务局", "温县商务局", "郑州市商务局", "平顶山市湛河区商务局"):
        assert name in run.stdout


def test_validate_strict_fails_on_findings():
    run = goi("validate", str(FIXTURES / "rules" / "balance.txt"), "--strict")
    assert run.returncode == 1
    assert "balance: 新收+结转=6 ≠ 办理+结转下年=7 (自然人)" in run.stdout
    assert goi("validate", str(FIXTURES / "rules" / "balance.txt")).returncode == 0


def test_usage_errors_exit_2():
    assert goi("parse").returncode == 2
    assert goi("validate", "--no-such-option").returncode == 2
    assert goi("frobnicate").returncode == 2


# ---- bad input: one clear line, non-zero exit, no traceback -----------------------


def _junk(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases = {}

    def make(name: str, data: bytes, expect: str):
        path = tmp_path / name
        path.write_bytes(data)
        cases[name] = (path, expect)

    make("empty.txt", b"", "empty")
    make("blank.txt", b"  \n\n \t\n", "empty")
    make("binary.txt", bytes(range(256)) * 8, "binary")
    make("report.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF")
    make("doc.txt", b"PK\x03\x04" + b"\x00" * 40, "ZIP")
    make("notareport.txt", "今天天气很好，我们去公园散步。\n春天来了，花开了。\n".encode(), "no statistical table")
    make(
        "latin1.txt",
        "Caf\xe9 cr\xe8me br\xfbl\xe9e \xe0 la fran\xe7aise\n".encode("latin-1") * 20,
        "neither UTF-8 nor GB18030",
    )
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.seek(50 * 1024 * 1024)
        handle.write(b"0")
    cases["huge.txt"] = (big, "too large")
    cases["missing.txt"] = (tmp_path / "missing.txt", "no such file")
    return cases


@pytest.mark.parametrize(
    "name",
    [
        "empty.txt",
        "blank.txt",
        "binary.txt",
        "report.pdf.txt",
        "doc.txt",
        "notareport.txt",
        "latin1.txt",
        "huge.txt",
        "missing.txt",
    ],
)
def test_bad_input_gets_one_clear_line(tmp_path, name):
    path, expect = _junk(tmp_path)[name]
    for command in (["parse", str(path), "--json"], ["validate", str(path)]):
        run = goi(*command)
        assert run.returncode == 1, (command, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr + run.stdout
        errors = [line for line in run.stderr.splitlines() if line.strip()]
        if command[0] == "parse":
            assert len(errors) == 1 and errors[0].startswith("goi: ")
            assert name in errors[0] and expect in errors[0], errors
        else:
            assert expect in run.stdout


def test_directory_with_no_reports(tmp_path):
    (tmp_path / "notes.md").write_text("hello")
    run = goi("validate", str(tmp_path))
    assert run.returncode == 1 and "no report files" in run.stderr and "Traceback" not in run.stderr


def test_path_that_does_not_exist():
    run = goi("validate", "no/such/dir")
    assert run.returncode == 1 and "no/such/dir" in run.stdout + run.stderr


def test_one_bad_file_among_good_ones_exits_1_but_prints_the_good(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    run = goi("parse", str(ZHENGZHOU), str(bad), "--json")
    assert run.returncode == 1
    assert json.loads(run.stdout)["agency"] == "郑州市商务局"


def test_malformed_metadata_is_named(tmp_path):
    report = tmp_path / "2023.txt"
    report.write_bytes((DATA / "henan" / "410100-shangwuju" / "2023.txt").read_bytes())
    (tmp_path / "2023.yml").write_text(
        "agency: 郑州市商务局\nyear: 二〇二三\nretrieved: 2026-11-22\n", encoding="utf-8"
    )
    run = goi("validate", str(tmp_path))
    assert run.returncode == 1 and "2023.yml: 'year' must be a year" in run.stdout
    (tmp_path / "2023.yml").write_text(
        "agency: 郑州市商务局\nyear: 2023\nretrieved: 2026-11-22\nsorce_url: x\n", encoding="utf-8"
    )
    assert "unknown key 'sorce_url'" in goi("validate", str(tmp_path)).stdout


def test_edited_report_text_is_caught_by_its_checksum(tmp_path):
    folder = tmp_path / "410100-shangwuju"
    folder.mkdir()
    source = DATA / "henan" / "410100-shangwuju"
    (folder / "2023.txt").write_bytes((source / "2023.txt").read_bytes().replace(b"174", b"175"))
    (folder / "2023.yml").write_bytes((source / "2023.yml").read_bytes())
    run = goi("validate", str(folder))
    assert run.returncode == 1 and "sha256 does not match" in run.stdout
