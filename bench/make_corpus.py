"""Generate a corpus of N agencies × Y years of realistic reports, with the truth beside it.

    .venv/bin/python bench/make_corpus.py 1000 5 bench/out/corpus-1000

Writes OUT/data/<province>/<agency-id>/<year>.txt + .yml in the corpus layout, and
OUT/truth.jsonl (every cell of every report, and the rules its numbers break).
Agencies are real divisions' departments spread over several provinces; layouts vary
(tabs, spaces, pipes, one cell per line, split labels); a known fraction of reports
carries an arithmetic slip. For benchmarks and tests only: never copy into data/.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypinyin import lazy_pinyin  # noqa: E402

from bench.synth import LAYOUTS, random_truth, render  # noqa: E402
from goi_site.form.divisions import load_divisions  # noqa: E402
from goi_site.form.loader import load_form  # noqa: E402
from goi_site.maintain.add import province_slug  # noqa: E402

PROVINCES = ["河南省", "河北省", "山东省", "江苏省", "四川省", "广东省", "湖南省", "浙江省"]
DEPARTMENTS = [
    "商务局",
    "财政局",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "文化广电和旅游局",
    "司法局",
    "审计局",
    "林业局",
]
SLIP_RATE = 0.05
PROSE = "本机关坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开，不断提升政务公开质量和实效。"


def agencies(n: int) -> list[tuple[str, str, str]]:
    """(agency id, full name, province name) for n departments of real counties."""
    table = load_divisions()
    by_province = {p: [] for p in PROVINCES}
    for code in sorted(table.by_code):
        division = table.by_code[code]
        chain = table.ancestors(division)
        if division.level == "county" and len(chain) == 3 and chain[0].name in by_province:
            by_province[chain[0].name].append(chain)
    counties = [c for group in zip(*by_province.values()) for c in group]  # round robin over provinces
    out = []
    for chain in counties:
        for department in DEPARTMENTS:
            if len(out) == n:
                return out
            slug = "".join(lazy_pinyin(department))
            out.append((f"{chain[-1].code}-{slug}", chain[1].name + chain[2].name + department, chain[0].name))
    if len(out) < n:
        raise SystemExit(f"only {len(out)} agencies available")
    return out


def main() -> None:
    n, years, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    rng = random.Random(n * 1000 + years)
    data = out / "data"
    truth_lines = []
    for index, (agency_id, name, province) in enumerate(agencies(n)):
        carried = None
        for year in range(2024 - years + 1, 2025):
            edition = "2019" if year <= 2020 else "2021"
            slip = rng.random() < SLIP_RATE
            truth = random_truth(
                rng,
                agency=name,
                year=year,
                edition=edition,
                scale=rng.choice([3, 20, 200]),
                slip=slip,
                carried_over=carried,
            )
            carried = {
                c: truth.cells[("applications", "carried_forward", c)] for c in load_form().applicant_columns[:-1]
            }
            layout = LAYOUTS[(index + year) % len(LAYOUTS)]
            # prose to the size of the real reports in data/ (5.3 to 7.3 KB, 6.1 KB on average)
            text = render(truth, layout, rng) + "\n".join([PROSE * 2] * 8) + "\n"
            body = text.encode("utf-8")
            folder = data / province_slug(province) / agency_id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{year}.txt").write_bytes(body)
            (folder / f"{year}.yml").write_text(
                f'agency: {name}\ndivision_code: "{agency_id[:6]}"\nyear: {year}\n'
                f"source_url: https://example.invalid/{agency_id}/{year}.html\nretrieved: 2026-11-{1 + index % 20:02d}\n"
                f"sha256: {hashlib.sha256(body).hexdigest()}\n",
                encoding="utf-8",
            )
            truth_lines.append(
                json.dumps(
                    {
                        "agency_id": agency_id,
                        "year": year,
                        "layout": layout,
                        "slips": truth.slips,
                        "cells": {".".join(k): v for k, v in truth.cells.items()},
                    },
                    ensure_ascii=False,
                )
            )
    (out / "truth.jsonl").write_text("\n".join(truth_lines) + "\n", encoding="utf-8")
    print(f"{n} agencies × {years} years = {len(truth_lines)} reports in {data}")


if __name__ == "__main__":
    main()
