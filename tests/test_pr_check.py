"""What a pull request's data job shows: the changed reports only, annotated on the
stored file and line, and a summary a reviewer can check against the original."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goi_site.form.loader import load_form
from goi_site.publish.views import headline_specs

from .conftest import DATA
from .test_add_truth import _without_penalties

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository whose main holds 温县 (with warnings of its own), a branch `good` that
    adds 郑州 as `goi add` writes it, with its address, and a branch `bad` that adds a
    郑州 page missing a row (written with --allow-findings)."""
    tmp = tmp_path_factory.mktemp("pr")
    repo = tmp / "repo"
    (repo / "data" / "henan").mkdir(parents=True)
    shutil.copytree(DATA / "henan" / "410825-shangwuju", repo / "data" / "henan" / "410825-shangwuju")
    env = {
        "GOI_ROOT": str(repo),
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "NO_MKDOCS_2_WARNING": "1",
    }

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    for branch, source, extra in [
        ("good", DATA / "henan" / "410100-shangwuju" / "2023.txt", []),
        ("bad", _without_penalties(tmp), ["--allow-findings"]),
    ]:
        git("checkout", "-q", "-b", branch, "main")
        run = goi(
            "add",
            str(source),
            "--data",
            "data",
            "--source-url",
            "https://public.zhengzhou.gov.cn/2023.html",
            *extra,
            cwd=repo,
            env=env,
        )
        assert run.returncode == 0, run.stderr
        git("add", "-A")
        git("commit", "-qm", f"add a report ({branch})")
    return repo, env, git


def goi(*args, cwd, env):
    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


STORED = "data/henan/410100-shangwuju/2023.txt"


def test_good_report_passes_and_only_it_is_annotated(repo):
    path, env, git = repo
    git("checkout", "-q", "good")
    run = goi("validate", "--changed-since", "main", "--format", "github", "--fail-on", "error", cwd=path, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::" not in run.stdout  # 温县's own warnings are not this PR's
    assert "1 report(s) parsed" in run.stdout and "温县" not in run.stdout
    everything = goi("validate", "--data", "data", "--format", "github", cwd=path, env=env)
    assert "::warning file=data/henan/410825-shangwuju/2021.txt" in everything.stdout  # they exist


def test_report_with_a_missing_row_fails_on_its_stored_line(repo):
    path, env, git = repo
    git("checkout", "-q", "bad")
    run = goi("validate", "--changed-since", "main", "--format", "github", "--fail-on", "error", cwd=path, env=env)
    assert run.returncode == 1
    annotations = [l for l in run.stdout.splitlines() if l.startswith("::")]
    assert len(annotations) == 1
    line = int(
        re.fullmatch(
            rf"::error file={STORED},line=(\d+),title=missing_row::第二部分缺少 1 行：「行政处罚」", annotations[0]
        ).group(1)
    )
    assert (path / STORED).read_text(encoding="utf-8").splitlines()[line - 1].startswith("行政许可")


def test_summary_shows_what_a_reviewer_checks(repo):
    path, env, git = repo
    git("checkout", "-q", "bad")
    run = goi("summary", "--changed-since", "main", cwd=path, env=env)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "### goi: 1 report(s) added or changed" in out and "温县" not in out
    assert "#### 郑州市商务局 2023" in out
    assert "- region: 河南省 / 郑州市 (410100)" in out and "edition: 2021" in out
    assert "[https://public.zhengzhou.gov.cn/2023.html](https://public.zhengzhou.gov.cn/2023.html)" in out
    headline = next(l for l in out.splitlines() if l.startswith("- headline figures: "))
    assert all(spec["label"] in headline for spec in headline_specs()) and "40.0%" in headline
    assert re.search(rf"\*\*error\*\* `missing_row` `{STORED}:\d+`: 第二部分缺少 1 行：「行政处罚」", out)
    assert "`source_unrecorded`" not in out  # it has its address
    details = out[out.index("<details>") : out.index("</details>")]
    assert details.count("<table>") == len(load_form().tables)  # every table of the form
    assert "<caption>三、收到和处理政府信息公开申请情况" in details
    assert "<th>自然人</th>" in details and "<th>总计</th>" in details
    assert '<th align="left">行政许可</th><td align="right">174</td>' in details
    assert "python3 -m http.server -d site" in out


def test_summary_without_changes(repo):
    path, env, git = repo
    git("checkout", "-q", "main")
    run = goi("summary", "--changed-since", "main", cwd=path, env=env)
    assert run.returncode == 0 and "no report added or changed" in run.stdout
    assert goi("validate", "--changed-since", "main", "--fail-on", "error", cwd=path, env=env).returncode == 0
    bad = goi("summary", "--changed-since", "no-such-branch", cwd=path, env=env)
    assert bad.returncode == 1 and "git could not compare with no-such-branch" in bad.stderr


def test_workflow_has_a_fast_data_job_whose_help_survives_a_failure():
    import yaml

    from .conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pr.yml").read_text(encoding="utf-8"))
    data, code = workflow["jobs"]["data"], workflow["jobs"]["code"]
    assert code["needs"] == "data" and code["if"] == "${{ !cancelled() }}"
    runs = [s.get("run", "") for s in data["steps"]]
    assert not any("dev.py test" in r for r in runs) and "GOI_CHROMIUM" not in data.get("env", {})
    assert any("validate --changed-since" in r and "--format github" in r for r in runs)
    build = next(i for i, s in enumerate(data["steps"]) if "dev.py site" in s.get("run", ""))
    for step in data["steps"][build + 1 :]:
        assert step.get("if") == "${{ !cancelled() }}", step  # annotations, summary, artifact even on failure
    for job in (data, code):
        cache = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@"))
        assert cache["with"]["path"] == ".venv" and "hashFiles('requirements.lock'" in cache["with"]["key"]
    assert any("dev.py test" in s.get("run", "") for s in code["steps"])
