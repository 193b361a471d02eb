"""What the compare page loads at scale: its data files (assets/compare/) gzipped.

    .venv/bin/python bench/compare_size.py            # 10,000 agencies × 5 years
    .venv/bin/python bench/compare_size.py 1000 5     # chosen sizes

Generates N agencies × Y years of reports in memory (bench/synth.py: consistent numbers
for every cell; agencies are real counties' departments, as bench/make_corpus.py names
them), builds the frames the compare data is read from (frames.py), writes the files as
the build does (comparedata.py) and prints their sizes raw and gzipped (what a server
that gzips sends). The page loads index.json and the one measure the reader picks.
Target: under 2 MB gzipped at 10,000 agencies.
"""

from __future__ import annotations

import gzip
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_corpus import agencies as agency_names  # noqa: E402
from bench.synth import random_truth  # noqa: E402
from goi_site.form.loader import CellRef, load_form  # noqa: E402
from goi_site.parse.record import Cell, CellMap, Region, Report  # noqa: E402
from goi_site.publish.comparedata import compare_files  # noqa: E402
from goi_site.publish.frames import Frames, findings_frame, reports_frame  # noqa: E402
from goi_site.publish.frameviews import Figures  # noqa: E402
from goi_site.publish.views import region_links  # noqa: E402


def corpus(n: int, years: int) -> list[tuple[str, str, str, list[Report]]]:
    rng = random.Random(n * 1000 + years)
    out = []
    for agency_id, name, province in agency_names(n):
        reports = []
        for year in range(2024 - years + 1, 2025):
            edition = "2019" if year <= 2020 else "2021"
            truth = random_truth(rng, agency=name, year=year, edition=edition, scale=rng.choice([3, 20, 200]))
            cells = CellMap(edition, {CellRef(*ref): Cell(v, 1) for ref, v in truth.cells.items()})
            reports.append(
                Report(
                    f"bench/{agency_id}/{year}.txt",
                    edition,
                    cells,
                    [],
                    agency=name,
                    agency_id=agency_id,
                    year=year,
                    region=Region(province=province, code=agency_id[:6]),
                )
            )
        region = " ".join(link.label for link in region_links(reports[-1]))
        out.append((agency_id, name, region, reports))
    return out


def main() -> None:
    n, years = (int(a) for a in (sys.argv[1:3] if len(sys.argv) > 2 else (10000, 5)))
    start = time.perf_counter()
    listed = corpus(n, years)
    reports = [r for *_, rs in listed for r in rs]
    generated = time.perf_counter() - start
    cpu = time.process_time()
    empty = pd.DataFrame()
    form = load_form()
    frames = Frames(empty, reports_frame(reports, ROOT, form), findings_frame(reports, ROOT, form), empty)
    files = compare_files(listed, Figures(frames, reports, form), form)
    cpu = time.process_time() - cpu
    sizes = {
        name: (len(text.encode("utf-8")), len(gzip.compress(text.encode("utf-8"), 9))) for name, text in files.items()
    }
    index_raw, index_gz = sizes.pop("index.json")
    measures = sorted(sizes.values(), key=lambda s: s[1])
    biggest_raw, biggest_gz = measures[-1]
    mb = 1e6
    print(
        f"compare data for {n:,} agencies × {years} years ({len(reports):,} reports, generated in {generated:.0f} s; "
        f"frames and files {cpu:.1f} s CPU)"
    )
    print(f"  index.json: {index_raw / mb:.2f} MB raw, {index_gz / mb:.2f} MB gzipped")
    print(
        f"  one measure file ({len(measures)} measures): median {statistics.median(g for _, g in measures) / mb:.3f} MB, "
        f"largest {biggest_raw / mb:.2f} MB raw, {biggest_gz / mb:.3f} MB gzipped"
    )
    print(
        f"  the page loads: {(index_gz + biggest_gz) / mb:.2f} MB gzipped at most (index + one measure; target < 2 MB), "
        f"+{biggest_gz / mb:.3f} MB per other measure picked"
    )
    print(
        f"  all files together: {(index_gz + sum(g for _, g in measures)) / mb:.2f} MB gzipped (written once per build)"
    )


if __name__ == "__main__":
    main()
