"""Proof that the code tests do not depend on what data/ holds.

A copy of the repository (its git-tracked files) gets a different data/: one bundled
report removed, another taken out and put back by `goi add` the way a maintainer adds
one (new metadata, retrieved today). The tests that used to read data/ then run in the
copy, unchanged, and pass; so does the data-driven check of the copy's own data/.

(There is no sixth real report in the repository to add: the only other real text,
the 淮安 PDF, lands in data/ once the PDF reader reads it. Removing and re-adding
changes data/ just as much for the tests that must not care.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

# the formerly data-dependent tests: golden files, the CLI, goi add, downloads, the site
SUITE = [
    "tests/test_golden.py",
    "tests/test_cli.py",
    "tests/test_add.py",
    "tests/test_downloads.py",
    "tests/test_site.py",
    "tests/test_data.py",
]


def _copy_repository(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree but not yet in git is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in [
        p.relative_to(ROOT) for p in (ROOT / "tests").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]:
        if not (target / name).exists():  # this branch's new tests and fixtures, before they are committed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def test_code_tests_pass_with_a_different_data_folder(tmp_path):
    repo = tmp_path / "repo"
    _copy_repository(repo)
    env = {
        **os.environ,
        "GOI_ROOT": str(repo),
        "PYTHONPATH": str(repo),
        "GOI_CACHE": str(tmp_path / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    data = repo / "data" / "henan"
    shutil.rmtree(data / "410825-shangwuju")
    readd = tmp_path / "2022.txt"
    shutil.move(data / "411100-shangwuju" / "2022.txt", readd)
    shutil.rmtree(data / "411100-shangwuju")
    python = [sys.executable]
    imported = subprocess.run(
        [*python, "-c", "import goi_site; print(goi_site.__file__)"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert imported.startswith(str(repo)), imported  # the copy's code, not this checkout's
    add = subprocess.run(
        [*python, "-m", "goi_site", "add", str(readd), "--data", str(repo / "data")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert add.returncode == 0, add.stdout + add.stderr
    assert sorted(p.name for p in data.iterdir()) == [
        "410100-shangwuju",
        "410400-shangwuju",
        "410411-shangwuju",
        "411100-shangwuju",
    ]
    run = subprocess.run(
        [*python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
