"""CI as code: the workflow files pass real linters, and what they run works here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import DATA, FIXTURES, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def goi(*args: str, cwd: Path = ROOT, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_workflows_match_the_github_schema():
    run = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_workflows_pass_the_zizmor_security_audit():
    run = subprocess.run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--config",
            str(ROOT / ".github" / "zizmor.yml"),
            str(ROOT / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_deploy_uses_pages_actions_with_the_right_permissions():
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    assert deploy[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True
    assert deploy["concurrency"]["cancel-in-progress"] is False
    job = deploy["jobs"]["deploy"]
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s.get("uses", "") for j in deploy["jobs"].values() for s in j["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_every_run_step_is_a_documented_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for workflow in WORKFLOWS:
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            for step in job["steps"]:
                if "run" not in step:
                    continue
                command = step["run"].split(">>")[0].strip()
                program = " ".join(command.replace(".venv/bin/", "").split()[:2])
                assert program in readme, (workflow.name, command)


def test_annotations_name_the_file_and_line():
    run = goi("validate", str(FIXTURES / "rules" / "balance.txt"), "--format", "github")
    assert run.returncode == 0  # a report that reads but does not add up passes, with a warning
    lines = [l for l in run.stdout.splitlines() if l.startswith("::warning")]
    assert lines[0] == (
        "::warning file=tests/fixtures/rules/balance.txt,line=9,title=balance::新收+结转=6 ≠ 办理+结转下年=7 (自然人)"
    )


def test_unreadable_and_partial_reports_fail(tmp_path):
    bad = tmp_path / "2023.txt"
    bad.write_text("会议纪要\n", encoding="utf-8")
    run = goi("validate", str(bad), "--format", "github")
    assert run.returncode == 1 and "::error file=" in run.stdout and "title=unreadable report::" in run.stdout
    partial = goi("validate", str(FIXTURES / "quirks" / "partial.txt"), "--format", "github", "--fail-on", "error")
    assert partial.returncode == 1
    assert "::error file=tests/fixtures/quirks/partial.txt,title=missing_section::找不到第四部分" in partial.stdout


def test_duplicate_and_misfiled_reports_fail(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    copy = data / "henan" / "410100-shangwuju"
    twin = data / "hebei" / "410100-shangwuju"
    shutil.copytree(copy, twin)
    run = goi("validate", str(data))
    assert run.returncode == 1 and "duplicate" in run.stdout
    shutil.rmtree(twin)
    (copy / "2023.txt").rename(copy / "2022.txt")
    (copy / "2023.yml").rename(copy / "2022.yml")
    run = goi("validate", str(data))
    assert run.returncode == 1 and "rename it 2023.txt" in run.stdout


def test_malformed_metadata_fails_with_the_reason(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    meta = data / "henan" / "410100-shangwuju" / "2023.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("retrieved: 2026-11-22", "retrieved: last week"), encoding="utf-8"
    )
    run = goi("validate", str(data), "--format", "github")
    assert run.returncode == 1
    assert "'retrieved' must be a date like 2026-11-20" in run.stdout and "::error file=" in run.stdout


def test_summary_of_changed_reports(tmp_path):
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    shutil.copytree(DATA / "henan" / "410400-shangwuju", repo / "data" / "henan" / "410400-shangwuju")
    env = {
        "GOI_ROOT": str(repo),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    shutil.copytree(DATA / "henan" / "410100-shangwuju", repo / "data" / "henan" / "410100-shangwuju")
    git("add", "-A")
    git("commit", "-qm", "add 郑州")
    run = goi(
        "summary",
        "--changed-since",
        "HEAD~1",
        "--data",
        str(repo / "data"),
        cwd=repo,
        env={**env, "PATH": f"{BIN}:/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert "1 report(s) added or changed" in run.stdout
    assert "| 郑州市商务局 | 2023 |" in run.stdout and "40.0%" in run.stdout
