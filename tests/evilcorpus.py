"""The evil corpus: real report text under names and metadata an attacker (or a slip of
the keyboard) could write. Every value must reach the site as text: no script runs, no
Markdown, attribute-list or template syntax is interpreted, no front matter is added.

Built into a temporary folder by `write_evil_corpus` (data/ holds real reports only).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from goi_site.parse.metadata import read_metadata
from goi_site.parse.parser import parse_text

from .conftest import DATA

SOURCE = DATA / "henan" / "410411-shangwuju" / "2024.txt"
PREFIX = "平顶山市湛河区"
ALERT = "alert(document.domain)"

# (agency name, title, notes): each a different agency of 湛河区.
EVIL = [
    (f"{PREFIX}商务局 {{ tabindex=1 autofocus=1 onfocus={ALERT} }}", None, None),
    (f"{PREFIX}教育局 {{: onclick={ALERT} }}", f"标题 {{ onmouseover={ALERT} }}", None),
    (f"{PREFIX}[点我](javascript:{ALERT})局", "[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    (f"{PREFIX}<script>{ALERT}</script>局", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>"),
    (f'{PREFIX}财政局"><svg onload={ALERT}>', None, None),
    (f"{PREFIX}民政局\ntemplate: x.html\n# 大标题\n---\nonfocus: x", "标题\n{: onfocus=alert(1) }\n", None),
    (f"{PREFIX}{{{{ 7*7 }}}}{{% raw %}}{{# x #}}局", "{{ config }}{% include 'x' %}", "{{ 7*7 }}"),
    (f"{PREFIX}*强调* _斜体_ `代码` | 表格 | # 井号 ![图](x.png)局", None, None),
    (f"{PREFIX}{'长' * 5000}局", None, None),
]
SOURCE_URL = 'https://example.invalid/"><svg/onload=alert(1)>'
TEXT_TITLE = "{ onfocus=alert(1) autofocus }<b>湛河区商务局</b>2024年政府信息公开工作年度报告"


def write_evil_corpus(root: Path) -> Path:
    """Write the evil corpus below root/data and return that folder."""
    data = root / "data"
    text = SOURCE.read_text(encoding="utf-8")
    for index, (agency, title, notes) in enumerate(EVIL):
        body = text if index else text.replace("湛河区商务局 2024 年政府信息公开工作年度报告", TEXT_TITLE, 1)
        meta = {
            "agency": agency,
            "region": "河南省 / 平顶山市 / 湛河区",
            "division_code": "410411",
            "year": 2024,
            "title": title,
            "notes": notes,
            "source_url": SOURCE_URL if index % 2 else None,
            "retrieved": "2026-11-22",
        }
        staging = root / f"evil-{index}.txt"
        staging.write_text(body, encoding="utf-8")
        staging.with_suffix(".yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        report = parse_text(body, source=str(staging), meta=read_metadata(staging.with_suffix(".yml")))
        folder = data / "henan" / report.agency_id
        folder.mkdir(parents=True)
        staging.rename(folder / "2024.txt")
        staging.with_suffix(".yml").rename(folder / "2024.yml")
    return data
