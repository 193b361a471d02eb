"""axe-core (the npm package, installed by `python3 dev.py test` from tests/a11y's lock
file, injected from disk: nothing from the network) on every page kind, light and dark.
Fails on any serious or critical violation. The theme's own markup counts too: where it
was a template attribute it is overridden in overrides/; nothing is excluded."""

from __future__ import annotations

from pathlib import Path

import pytest

from .pagekinds import PAGE_KINDS, SCHEMES, settle
from .sitefixture import built_site  # noqa: F401  (a fixture)
from .test_browser import browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations'],
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation_on_any_page_kind(browser, server, scheme):
    assert AXE.exists(), f"{AXE} is missing: `python3 dev.py test` installs it (npm ci in tests/a11y)"
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for kind, path in PAGE_KINDS.items():
        page.goto(server + path)
        settle(page)
        found[kind] = violations(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_axe_catches_a_violation(browser, server):
    """The check can fail: a page with an image without alt text and a low-contrast line."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server)
    page.evaluate("""() => { document.body.insertAdjacentHTML('beforeend',
        '<img src="x.png"><p style="color:#eee;background:#fff">低对比度</p>'); }""")
    ids = {v["id"] for v in violations(page)}
    context.close()
    assert {"image-alt", "color-contrast"} <= ids
