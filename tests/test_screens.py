"""Screenshots of every page kind at 1366×900 and 390×844, light and dark, into a temp
folder (GOI_SCREENSHOTS keeps them somewhere else, to look at). Each screenshot is also
a check that people reading on a phone depend on: the page does not scroll sideways
(only a table's own scroll box may), the form tables' cells do not wrap one character
per line, and the dark palette is really dark."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .pagekinds import PAGE_KINDS, SCHEMES, WIDTHS, settle
from .sitefixture import built_site  # noqa: F401  (a fixture)
from .test_browser import browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("GOI_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshots_of_every_page_kind(browser, server, shots, width, scheme):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    for kind, path in PAGE_KINDS.items():
        page.goto(server + path)
        settle(page)
        target = shots / f"{kind}-{width}-{scheme}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 5000, target
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{kind} scrolls sideways by {overflow}px at {w}px"
        # a form table's number cells and headers are at least two characters wide
        narrow = page.evaluate("""() => Array.from(document.querySelectorAll('table.goi-form td, table.goi-form th'))
            .filter(c => c.getBoundingClientRect().width > 0 && c.getBoundingClientRect().width < 24).length""")
        assert narrow == 0, f"{kind}: {narrow} form table cells narrower than two characters at {w}px"
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        dark = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert dark == (scheme == "dark"), (kind, background)
    assert problems == []
    context.close()
