"""Issue 9, case 2 and 3: the evil corpus (tests/evilcorpus.py) built for real and opened in
headless Chromium. No dialog may open, no element may carry an on… attribute or a
javascript: link, and every name must read on the page exactly as written (as text).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from goi_site.core.textsafe import one_line
from goi_site.publish.serve import serve_in_background
from goi_site.publish.sitebuild import build_site

from .evilcorpus import EVIL, write_evil_corpus
from .test_browser import browser  # noqa: F401  (a fixture: Playwright's Chromium, launched as there)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evil")
    out = root / "site"
    build_site(write_evil_corpus(root), out)
    return out


@pytest.fixture(scope="module")
def evil_server(evil_site):
    httpd, url = serve_in_background(evil_site)
    yield url
    httpd.shutdown()


def test_front_matter_holds_only_title_and_description(evil_site):
    pages = sorted((evil_site.parent / f"{evil_site.name}-generated" / "agencies").glob("410411-*.md"))
    assert len(pages) == len(EVIL)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = re.match(r"---\n(.*?)\n---\n", text, re.S)
        assert head, page
        assert set(yaml.safe_load(head.group(1))) == {"title", "description"}, page
        body = text[head.end() :]
        assert "onfocus=" not in body and "javascript:" not in body and "{{" not in body, page


def test_no_name_runs_script_or_becomes_markup(browser, evil_server, evil_site):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    urls = ["", "agencies/", "quality/", "years/2024/", "regions/410411/", "downloads/"]
    urls += [f"agencies/{p.name}/" for p in sorted((evil_site / "agencies").iterdir()) if p.is_dir()]
    assert len(urls) == 6 + len(EVIL)
    shown: set[str] = set()
    for url in urls:
        page.goto(evil_server + url)
        page.wait_for_load_state("load")
        for _ in range(5):  # autofocus/tabindex tricks fire on focus: walk the focus along
            page.keyboard.press("Tab")
        heading = page.locator("article h1").first
        heading.click()
        heading.hover()
        handlers = page.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(el =>
            Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
        assert handlers == [], (url, handlers)
        assert page.locator("a[href^='javascript:' i], [src^='javascript:' i]").count() == 0, url
        assert page.locator("article script:not([type='application/json'])").count() == 0, url
        assert page.locator("article svg[onload], article img[onerror]").count() == 0, url
        if url.startswith("agencies/410411-"):
            shown.add(heading.inner_text().strip())
    assert dialogs == []
    assert shown == {one_line(name).strip() for name, _, _ in EVIL}  # each name, as text, whole (5,000 characters too)
    context.close()
