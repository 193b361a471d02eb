"""One page of each kind of the built site, for the browser tests that go through them all."""

PAGE_KINDS = {
    "home": "",
    "directory": "agencies/",
    "agency": "agencies/410100-shangwuju/",
    "region": "regions/410000/",
    "year": "years/2023/",
    "years": "years/",
    "quality": "quality/",
    "methodology": "methodology/",
    "downloads": "downloads/",
    "codebook": "codebook/",
    "glossary": "glossary/",
    "compare": "compare/?a=410100-shangwuju,410411-shangwuju&m=applications.new.total",
    "contribute": "contribute/",
}
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")


def settle(page) -> None:
    """Wait until the page's charts are drawn (or it has none) and fonts are laid out."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('figure.goi-chart')).every(f => f.hidden || f.querySelector('.goi-chart-view svg'))",
        timeout=20000,
    )
