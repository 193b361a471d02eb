"""The contributor-facing files: issue forms, CODEOWNERS, dependabot, licences, the
repository link; and the preview the PR summary promises (`python3 -m http.server -d site`)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import yaml

from .conftest import ROOT
from .sitefixture import built_site  # noqa: F401  (a fixture)

GITHUB = ROOT / ".github"


def _ids(form: dict) -> list[str]:
    return [field["id"] for field in form["body"] if "id" in field]


def test_issue_forms_ask_for_what_a_fix_needs():
    wrong = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "wrong-number.yml").read_text(encoding="utf-8"))
    assert _ids(wrong) == ["agency", "year", "table", "row", "column", "shown", "original", "link", "notes"]
    missing = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "missing-report.yml").read_text(encoding="utf-8"))
    assert _ids(missing)[:3] == ["agency", "year", "url"]
    for form in (wrong, missing):
        assert (
            form["name"]
            and form["description"]
            and all(f["attributes"]["label"] for f in form["body"] if f["type"] != "markdown")
        )
        required = [f["id"] for f in form["body"] if f.get("validations", {}).get("required")]
        assert "agency" in required and "year" in required


def test_codeowners_dependabot_and_licences():
    owners = [
        l.split()
        for l in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if l.strip() and not l.startswith("#")
    ]
    by_path = {o[0]: o[1:] for o in owners}
    assert by_path["/data/"] and by_path["*"] and by_path["/data/"] != by_path["*"]
    dependabot = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"]: u for u in dependabot["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    assert all(u["schedule"]["interval"] == "monthly" and u["groups"] for u in ecosystems.values())
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for readme in (ROOT / "README.md", ROOT / "data" / "README.md"):
        assert "CC BY 4.0" in readme.read_text(encoding="utf-8"), readme


def test_repo_url_comes_from_the_deploy_environment(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.setenv("GOI_REPO_URL", "https://github.com/example/goi-site")
    assert load_config(str(ROOT / "mkdocs.yml"))["repo_url"] == "https://github.com/example/goi-site"
    monkeypatch.delenv("GOI_REPO_URL")
    assert load_config(str(ROOT / "mkdocs.yml"))["repo_url"] is None


def test_preview_as_the_summary_says(built_site):
    """`python3 -m http.server -d site` serves the built site with its charts' code and data."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "-d", str(built_site), "--bind", "127.0.0.1", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                page = urllib.request.urlopen(base + "agencies/410100-shangwuju/", timeout=5).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("http.server did not start")
        assert "郑州市商务局" in page and 'class="goi-chart"' in page
        bundle = urllib.request.urlopen(base + "assets/vendor/vega-bundle.js", timeout=5).read()
        assert len(bundle) > 100_000
        csv = urllib.request.urlopen(base + "downloads/agencies/410100-shangwuju.csv", timeout=5).read()
        assert csv.startswith(b"\xef\xbb\xbf")
    finally:
        server.terminate()
        server.wait(timeout=10)
