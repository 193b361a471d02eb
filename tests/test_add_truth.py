"""`goi add` tells the truth: error findings refuse (exit 1, nothing written) unless
--allow-findings; findings name the stored file and its lines; batches give one line
per file and keep what was added."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import DATA, FIXTURES
from .test_add import goi

SOURCES = FIXTURES / "sources"
ZHENGZHOU = DATA / "henan" / "410100-shangwuju" / "2023.txt"
STORED = Path("henan") / "410100-shangwuju" / "2023.txt"


def _without_penalties(tmp_path: Path) -> Path:
    """The 郑州 page with its 行政处罚 row taken out: a report with a missing row."""
    html = (SOURCES / "report.html").read_text(encoding="utf-8")
    row = "<tr><td>行政处罚</td><td>0</td><td></td><td></td></tr>"
    assert row in html
    source = tmp_path / "missing-row.html"
    source.write_text(html.replace(row, ""), encoding="utf-8")
    return source


def test_error_findings_refuse_and_write_nothing(tmp_path):
    data = tmp_path / "data"
    run = goi("add", str(_without_penalties(tmp_path)), "--data", str(data))
    assert run.returncode == 1
    assert not data.exists()
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and "1 error finding(s)" in errors[0] and "nothing written" in errors[0]
    assert "--allow-findings" in errors[0] and "Traceback" not in run.stderr
    assert "next: goi validate" not in run.stdout
    # the finding names the file it would be stored as, and a line of the stored text
    assert re.search(
        r"error +\S*data/henan/410100-shangwuju/2023\.txt:\d+ missing_row: 第二部分缺少 1 行：「行政处罚」", run.stdout
    ), run.stdout


def test_allow_findings_writes_and_says_what_the_pull_request_will_show(tmp_path):
    data = tmp_path / "data"
    run = goi("add", str(_without_penalties(tmp_path)), "--data", str(data), "--allow-findings")
    assert run.returncode == 0, run.stderr
    stored = data / STORED
    assert stored.exists() and stored.with_suffix(".yml").exists()
    line = int(re.search(r"2023\.txt:(\d+) missing_row", run.stdout).group(1))
    # the line is the stored text's: the row read just before the missing one
    assert stored.read_text(encoding="utf-8").splitlines()[line - 1].startswith("行政许可")
    assert "fail the data check with 1 error annotation(s) (missing_row) on" in run.stdout
    assert f"2023.txt:{line}" in run.stdout
    # and the pull request's check says the same, on the same file and line
    check = goi("validate", str(data), "--format", "github", "--fail-on", "error")
    assert check.returncode == 1
    annotation = [l for l in check.stdout.splitlines() if l.startswith("::error")]
    assert len(annotation) == 1 and annotation[0].endswith(
        f"2023.txt,line={line},title=missing_row::第二部分缺少 1 行：「行政处罚」"
    )


def test_missing_row_labels_are_quoted_one_by_one():
    run = goi("parse", str(FIXTURES / "quirks" / "unplaceable_county.txt"))
    listed = re.search(r"缺少 (\d+) 行：(\S+)", run.stdout)
    count, labels = int(listed.group(1)), listed.group(2)
    assert re.fullmatch(r"(「[^「」]+」)+", labels) and labels.count("「") == count


def test_batch_folder_one_line_per_file_and_keeps_the_added(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("410400-shangwuju", "410825-shangwuju"):
        (year,) = (DATA / "henan" / name).glob("*.txt")
        shutil.copy(year, inbox / f"{name}.txt")
    shutil.copy(_without_penalties(tmp_path), inbox / "zhengzhou.html")
    (inbox / "notes.txt").write_text("会议纪要\n", encoding="utf-8")
    (inbox / "scan.jpg").write_bytes(b"\xff\xd8")  # not a report file type: not picked up
    data = tmp_path / "data"
    run = goi("add", str(inbox), "--data", str(data))
    assert run.returncode == 1, run.stdout
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 5 and lines[-1] == "2 added, 2 refused"
    assert lines[0].startswith(f"added {inbox / '410400-shangwuju.txt'} -> ") and "平顶山市商务局 2022" in lines[0]
    assert lines[1].startswith("added ") and "温县商务局 2021" in lines[1]
    assert lines[2].startswith(f"refused {inbox / 'notes.txt'}: ") and "no statistical table" in lines[2]
    assert lines[3].startswith(f"refused {inbox / 'zhengzhou.html'}: ") and "missing_row" in lines[3]
    assert sorted(p.name for p in (data / "henan").iterdir()) == ["410400-shangwuju", "410825-shangwuju"]
    # run again: both are already there, each refused by name, nothing changes
    again = goi("add", str(inbox / "410400-shangwuju.txt"), str(inbox / "410825-shangwuju.txt"), "--data", str(data))
    assert again.returncode == 1 and again.stdout.count("already the") == 2
    assert again.stdout.strip().splitlines()[-1] == "0 added, 2 refused"


def test_batch_of_good_files_exits_0_and_refuses_one_report_options(tmp_path):
    data = tmp_path / "data"
    files = [str(p) for p in sorted(DATA.rglob("*.txt"))[:2]]
    assert goi("add", *files, "--data", str(data), "--year", "2022").returncode == 2
    run = goi("add", *files, "--data", str(data))
    assert run.returncode == 0 and run.stdout.strip().splitlines()[-1] == "2 added, 0 refused"
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = goi("add", str(empty), "--data", str(data))
    assert refused.returncode == 1 and "no report files" in refused.stderr
