"""Issue 9: no command loses the corpus, no input crashes the process, two agencies stay two.

Each test reproduces one hole found on main and checks the clear line and exit code
that replace it. Real processes where the exit code matters (python -m goi_site).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from goi_site.core.errors import MetadataError, UsageError
from goi_site.corpus.cache import ParseCache, report_key
from goi_site.corpus.load import load_corpus
from goi_site.corpus.reader import read_report
from goi_site.extract.decode import decode
from goi_site.form.divisions import load_divisions
from goi_site.form.loader import load_form
from goi_site.parse.identity import agency_slug
from goi_site.parse.metadata import read_metadata
from goi_site.publish import outdir

from .conftest import DATA, ROOT

ZZ = "henan/410100-shangwuju/2023"  # 郑州市商务局


def goi(*args: str, cwd: Path = ROOT, limit: int | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    def small_disk():  # a full disk: writes past `limit` bytes fail with EFBIG (the signal would kill)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_disk if limit else None,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def one_line_error(run: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert run.returncode == code, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for needle in needles:
        assert needle in run.stderr, run.stderr


@pytest.fixture
def corpus(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# 1. Data loss: --out may never be, contain or sit inside the corpus, site_src/ or the repository root,
#    nor a folder holding files goi did not write.


def test_out_equal_to_the_corpus_is_refused_and_the_corpus_kept(corpus):
    before = files_of(corpus)
    one_line_error(goi("build", "--data", str(corpus), "--out", str(corpus)), 2, "is or contains the corpus")
    assert files_of(corpus) == before


def test_out_containing_the_corpus_is_refused(corpus):
    (corpus.parent / "notes.txt").write_text("mine", encoding="utf-8")
    one_line_error(goi("build", "--data", str(corpus), "--out", str(corpus.parent)), 2, "is or contains the corpus")
    assert (corpus.parent / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert files_of(corpus) == files_of(DATA)


@pytest.mark.parametrize("inside", ["data", "site_src", "root"])
def test_out_inside_the_corpus_or_site_src_or_at_the_repository_root_is_refused(corpus, inside):
    out = {"data": corpus / "henan" / "site", "site_src": ROOT / "site_src" / "built", "root": ROOT}[inside]
    with pytest.raises(UsageError):
        outdir.check_out(out, corpus)
    assert not (ROOT / "site_src" / "built").exists()


def test_out_that_is_a_file_or_holds_other_files_is_refused_naming_the_file(corpus, tmp_path):
    afile = tmp_path / "site.html"
    afile.write_text("x", encoding="utf-8")
    one_line_error(goi("build", "--data", str(corpus), "--out", str(afile)), 2, "is a file, not a folder")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"precious")
    one_line_error(goi("build", "--data", str(corpus), "--out", str(folder)), 2, "thesis.docx", "did not write")
    assert (folder / "thesis.docx").read_bytes() == b"precious"


def test_a_symlink_does_not_get_round_the_rules(corpus, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to(corpus)
    with pytest.raises(UsageError, match="corpus"):
        outdir.check_out(link, corpus)


# 9. Not atomic: the site is built beside --out and swapped in; a failed or killed build leaves the old one.


def _old_site(out: Path) -> None:
    out.mkdir(parents=True)
    outdir.mark(out)
    (out / "index.html").write_text("the previous complete site", encoding="utf-8")


def test_a_failing_build_leaves_the_previous_site_whole(corpus, tmp_path, monkeypatch):
    from goi_site.publish import sitebuild

    out = tmp_path / "site"
    _old_site(out)

    def broken_mkdocs(generated, site_dir):  # half a site written, then the disk fills up
        site_dir.mkdir(parents=True)
        (site_dir / "half.html").write_text("…", encoding="utf-8")
        raise OSError(28, "No space left on device", str(site_dir / "agencies"))

    monkeypatch.setattr(sitebuild, "run_mkdocs_build", broken_mkdocs)
    with pytest.raises(OSError):
        sitebuild.build_site(corpus, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous complete site"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.goi-lock"]


def test_a_killed_build_leaves_the_previous_site_whole(corpus, tmp_path):
    out = tmp_path / "site"
    _old_site(out)
    process = subprocess.Popen(
        [sys.executable, "-m", "goi_site", "build", "--data", str(corpus), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        process.wait(timeout=1.5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous complete site"


def test_disk_full_during_a_build_is_one_line_exit_1_and_the_old_site_stays(corpus, tmp_path):
    out = tmp_path / "site"
    _old_site(out)
    run = goi(
        "build", "--data", str(corpus), "--out", str(out), limit=400_000, env={"GOI_CACHE": str(tmp_path / "cache")}
    )
    one_line_error(run, 1, "File too large")
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous complete site"


def test_a_second_build_at_the_same_time_is_refused_with_a_clear_line(corpus, tmp_path):
    out = tmp_path / "site"
    with outdir.build_lock(out):
        run = goi("build", "--data", str(corpus), "--out", str(out))
    one_line_error(run, 1, "another `goi build`", str(os.getpid()))
    assert not out.exists()


def test_a_truncated_vega_bundle_in_the_cache_is_made_again(tmp_path, monkeypatch):
    from goi_site.publish.sitebuild import vega_bundle

    monkeypatch.setenv("GOI_CACHE", str(tmp_path))
    whole = vega_bundle()
    (cached,) = tmp_path.glob("vega-bundle-*.js")
    cached.write_bytes(cached.read_bytes()[:1000])  # a build killed while writing it, on main
    assert vega_bundle() == whole
    assert len(whole) > 100_000


# 7. A damaged parse cache is detected and rebuilt; one bad file never stops the others.


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bad entry"])
def test_a_damaged_parse_cache_is_rebuilt(tmp_path, damage):
    path = tmp_path / "parse.sqlite3"
    first = ParseCache(path)
    expected = load_corpus([DATA], first)
    first.close()
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:
        text = DATA / f"{ZZ}.txt"
        key = report_key(os.path.relpath(text), text, text.with_suffix(".yml"), None, load_form())
        with sqlite3.connect(path) as db:
            db.execute("UPDATE parsed SET value = ? WHERE key = ?", (b"\x80\x05garbage", key))
    cache = ParseCache(path)
    again = load_corpus([DATA], cache)
    cache.close()
    assert [r.agency_id for r in again.reports] == [r.agency_id for r in expected.reports]
    assert again.failures == []
    assert cache.repaired  # said, not silent
    assert len(ParseCache(path).db.execute("SELECT key FROM parsed").fetchall()) == 5


def test_an_unreadable_report_is_one_failure_and_the_others_are_read(corpus, monkeypatch):
    locked = corpus / f"{ZZ}.txt"
    real = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = load_corpus([corpus], corpus_root=corpus)
    assert len(result.reports) == 4
    (failure,) = result.failures
    assert failure.source.endswith("2023.txt") and "Permission denied" in failure.error


def test_a_metadata_file_that_is_a_folder_is_a_failure(corpus):
    meta = corpus / f"{ZZ}.yml"
    meta.unlink()
    meta.mkdir()
    run = goi("validate", "--data", str(corpus))
    one_line_error(run, 1, f"goi: {corpus / ZZ}.txt", "is a folder")


@pytest.mark.parametrize(
    "value, needle",
    [("2026-13-45", "must be a date"), ("2999-01-01", "not a possible date"), ("1999-01-01", "not a possible date")],
)
def test_impossible_retrieval_dates_are_refused(corpus, value, needle):
    meta = corpus / f"{ZZ}.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("retrieved: 2026-11-22", f"retrieved: {value}"), encoding="utf-8"
    )
    one_line_error(goi("validate", "--data", str(corpus)), 1, "'retrieved'", needle)


def test_the_environment_is_exit_1_not_an_internal_error(corpus, tmp_path):
    run = goi("export", "--data", str(corpus), "--out", str(tmp_path / "out"), limit=2000)
    # the first file past the limit says so as OSError (a CSV) or as SQLite's own words (goi.sqlite)
    one_line_error(run, 1, "File too large" if "File too large" in run.stderr else "disk I/O error")
    assert len(run.stderr.strip().splitlines()) == 1


def test_exit_3_says_it_is_a_bug_and_where_to_report_it():
    code = "import sys; import goi_site.cli as c; c.app = lambda: 1 / 0; c.main()"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 3
    assert "bug in goi" in run.stderr and "issue tracker" in run.stderr and "GOI_DEBUG=1" in run.stderr


# 6. Deep nesting in a metadata file: a clear line, not a segmentation fault.


def test_deeply_nested_yaml_is_refused_not_a_crash(corpus):
    meta = corpus / f"{ZZ}.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8") + "notes: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8"
    )
    run = goi("validate", "--data", str(corpus))  # on main: a segmentation fault, exit 139
    one_line_error(run, 1, f"{corpus / ZZ}.yml", "too large for a metadata file")
    deep = corpus.parent / "deep.yml"
    deep.write_text("notes: " + "[" * 30 + "]" * 30 + "\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="nested"):
        read_metadata(deep)


# 5. Half-written corpus: a report without its metadata (or the reverse) is an error; goi add writes both or neither.


def test_a_report_without_its_metadata_is_an_error_in_validate_and_build(corpus, tmp_path):
    (corpus / f"{ZZ}.yml").unlink()
    one_line_error(goi("validate", "--data", str(corpus)), 1, "no metadata file 2023.yml")
    run = goi("build", "--data", str(corpus), "--out", str(tmp_path / "site"))
    one_line_error(run, 1, "could not be read")
    assert not (tmp_path / "site").exists()


def test_metadata_without_its_report_is_an_error(corpus):
    (corpus / f"{ZZ}.txt").unlink()
    one_line_error(goi("validate", "--data", str(corpus)), 1, "without its report 2023.txt")


def test_goi_add_on_a_full_disk_writes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    run = goi("add", str(DATA / f"{ZZ}.txt"), "--data", str(data), limit=3000)
    one_line_error(run, 1, "File too large")
    assert [p for p in data.rglob("*") if p.is_file()] == []


def test_goi_add_takes_back_the_metadata_when_the_report_cannot_be_put_in_place(tmp_path, monkeypatch):
    from goi_site.maintain import add

    data = tmp_path / "data"
    real = os.replace

    def failing_replace(source, target):
        if str(target).endswith(".txt"):
            raise OSError(28, "No space left on device", str(target))
        return real(source, target)

    monkeypatch.setattr(add.os, "replace", failing_replace)
    with pytest.raises(OSError):
        add.add_report(DATA / f"{ZZ}.txt", data)
    assert [p for p in data.rglob("*") if p.is_file()] == []


# 8. goi add validates the year before writing anything.


@pytest.mark.parametrize("year", ["-5", "1800", "2007", "99999", str(dt.date.today().year + 1)])
def test_goi_add_refuses_an_impossible_year_and_writes_nothing(tmp_path, year):
    data = tmp_path / "data"
    run = goi("add", str(DATA / f"{ZZ}.txt"), "--data", str(data), "--year", year)
    one_line_error(run, 2, "--year", "out of range")
    assert not data.exists() or [p for p in data.rglob("*") if p.is_file()] == []


# 3. A line break in a name cannot add keys to the metadata goi add writes.


def test_goi_add_agency_with_a_newline_writes_one_key(tmp_path):
    data = tmp_path / "data"
    source = tmp_path / "report.txt"
    text = (DATA / f"{ZZ}.txt").read_text(encoding="utf-8")
    source.write_text(text.replace("郑州市商务局2023年政府信息公开工作年度报告", "", 1), encoding="utf-8")
    run = goi(
        "add",
        str(source),
        "--data",
        str(data),
        "--agency",
        "郑州市商务局\ntemplate: x.html",
        "--year",
        "2023",
        "--region",
        "河南省/郑州市",
    )
    assert run.returncode == 0, run.stderr
    (meta,) = data.rglob("*.yml")
    assert "template" not in {line.split(":")[0] for line in meta.read_text(encoding="utf-8").splitlines()}
    assert read_metadata(meta).agency == "郑州市商务局 template: x.html"


# 4. Two agencies become one: ids keep digits; two names on one id stop the build with the way out.


def test_names_differing_only_in_digits_get_different_ids():
    zhengzhou = load_divisions().by_code["410100"]
    ids = {agency_slug(name, zhengzhou) for name in ("郑州市第1中学", "郑州市第2中学", "郑州市第１２中学")}
    assert ids == {"410100-di1zhongxue", "410100-di2zhongxue", "410100-di12zhongxue"}


def test_two_names_sharing_a_pinyin_never_merge_silently(corpus):
    folder = corpus / "henan" / "410100-shangwuju"
    (folder / "2024.txt").write_bytes((folder / "2023.txt").read_bytes())
    meta = (folder / "2023.yml").read_text(encoding="utf-8")
    meta = "\n".join(line for line in meta.splitlines() if not line.startswith("sha256"))
    (folder / "2024.yml").write_text(
        meta.replace("郑州市商务局", "郑州市上午局").replace("year: 2023", "year: 2024"), encoding="utf-8"
    )  # 上午 and 商务 are both shangwu
    run = goi("validate", "--data", str(corpus))
    one_line_error(run, 1, "agency id 410100-shangwuju is also the id of", "agency_id: 410100-shangwuju-2")
    # the way out the message gives: an agency_id of its own, and the files in its folder
    other = corpus / "henan" / "410100-shangwuju-2"
    other.mkdir()
    for suffix in (".txt", ".yml"):
        (folder / f"2024{suffix}").rename(other / f"2024{suffix}")
    (other / "2024.yml").write_text(
        (other / "2024.yml").read_text(encoding="utf-8") + "\nagency_id: 410100-shangwuju-2\n", encoding="utf-8"
    )
    result = load_corpus([corpus], corpus_root=corpus)
    assert result.failures == []
    assert {r.agency_id: r.agency for r in result.reports if r.region.code == "410100"} == {
        "410100-shangwuju": "郑州市商务局",
        "410100-shangwuju-2": "郑州市上午局",
    }


# 10. Silent or unclear.


def test_build_of_a_missing_corpus_says_so(tmp_path):
    one_line_error(
        goi("build", "--data", str(tmp_path / "nonexistent"), "--out", str(tmp_path / "s")), 2, "no such folder"
    )


def test_validate_prints_unreadable_files_in_the_goi_file_form(corpus):
    (corpus / f"{ZZ}.txt").write_bytes(b"\x00\x01\x02" * 100)
    run = goi("validate", "--data", str(corpus))
    one_line_error(run, 1, f"goi: {corpus / ZZ}.txt: ")


def test_an_unknown_region_is_refused_not_replaced(corpus, tmp_path):
    run = goi("add", str(DATA / f"{ZZ}.txt"), "--data", str(tmp_path / "d"), "--region", "火星省/奥林匹斯市")
    one_line_error(run, 2, "--region", "火星省 / 奥林匹斯市 is not a division")
    meta = corpus / f"{ZZ}.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('division_code: "410100"', 'division_code: "419999"'), encoding="utf-8"
    )
    one_line_error(goi("validate", "--data", str(corpus)), 1, "'division_code' 419999 is not in the division table")


def test_metadata_that_contradicts_the_text_is_a_finding(corpus):
    meta = corpus / f"{ZZ}.yml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(
        text.replace("region: 河南省 / 郑州市", "region: 河南省 / 漯河市").replace(
            'division_code: "410100"', 'division_code: "411100"'
        ),
        encoding="utf-8",
    )
    report = read_report(corpus / f"{ZZ}.txt")
    assert report.region.code == "411100"  # the metadata wins, and the disagreement is shown
    assert [f.rule for f in report.findings if f.rule == "region_mismatch"] == ["region_mismatch"]


def test_a_twenty_digit_count_is_a_finding(tmp_path):
    path = tmp_path / "2023.txt"
    shutil.copy(DATA / f"{ZZ}.txt", path)
    (before,) = load_corpus([path]).reports
    assert not [f for f in before.findings if f.rule == "implausible_value"]
    line = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if "新收" in line)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line] = lines[line].replace("\t\t6\t", "\t\t12345678901234567890\t", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (meta_free,) = load_corpus([path]).reports
    assert [f.rule for f in meta_free.findings if f.rule == "implausible_value"]


def test_utf16_without_a_bom_is_read():
    text = (DATA / f"{ZZ}.txt").read_text(encoding="utf-8")
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode(text.encode(encoding)) == (text, encoding)


def test_examples_in_messages_do_not_name_another_agency(tmp_path):
    source = tmp_path / "untitled.txt"
    source.write_text((DATA / f"{ZZ}.txt").read_text(encoding="utf-8").replace("郑州市商务局", ""), encoding="utf-8")
    run = goi("add", str(source), "--data", str(tmp_path / "d"))
    assert run.returncode != 0
    assert "平顶山" not in run.stderr and "湛河" not in run.stderr, run.stderr


# 11. A revision that is an option is refused, never passed to git.


def test_summary_changed_since_an_option_is_refused(tmp_path):
    target = tmp_path / "x"
    run = goi("summary", f"--changed-since=--output={target}")
    one_line_error(run, 2, "is not a git revision")
    assert not target.exists()


def test_job_summary_shows_evil_names_as_text(tmp_path):
    """The PR job summary is Markdown with HTML, like a page: names reach it only as text."""
    import re

    from goi_site.maintain.prsummary import summary_markdown

    from .evilcorpus import write_evil_corpus

    data = write_evil_corpus(tmp_path)
    summary = summary_markdown(load_corpus([data], corpus_root=data))
    assert summary.count("#### ") == 9  # every agency has its section
    assert "<script" not in summary and "<svg" not in summary and "<img" not in summary
    assert not re.search(r"\{:?\s*on\w+=", summary)  # no attribute list survives
    assert "](javascript:" not in summary
    assert not any(line.startswith(("template:", "onfocus:", "# 大标题", "---")) for line in summary.splitlines())


def test_summary_links_keep_an_address_as_written_and_defuse_the_rest():
    from goi_site.core.textsafe import link_url

    assert link_url("https://public.zhengzhou.gov.cn/2023.html") == "https://public.zhengzhou.gov.cn/2023.html"
    evil = link_url('https://example.invalid/"><svg/onload=alert(1)>)[x](javascript:alert(1))')
    assert not any(c in evil for c in '"<>()[] ') and evil.startswith("https://example.invalid/")
    assert "javascript&#58;" in link_url("javascript:alert(1)")  # not a link target: inert text
