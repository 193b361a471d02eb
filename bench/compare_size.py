"""Size of the compare page's data file (assets/compare-data.json) at scale.

    .venv/bin/python bench/compare_size.py 10000 5

Generates N agencies × Y years with bench/make_corpus.py (into bench/out/compare-N-Y,
reused if there), parses them with the parse cache, and prints the file's size raw and
gzipped (what a server that gzips sends). Target: under 2 MB gzipped at 10,000 agencies.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from goi_site.corpus.cache import ParseCache  # noqa: E402
from goi_site.publish.comparedata import compare_json  # noqa: E402
from goi_site.corpus.load import load_corpus  # noqa: E402
from goi_site.publish.views import agencies, agency_view  # noqa: E402


def main() -> None:
    n, years = int(sys.argv[1]), int(sys.argv[2])
    out = ROOT / "bench" / "out" / f"compare-{n}-{years}"
    if not (out / "data").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(n), str(years), str(out)], check=True)
    start = time.perf_counter()
    cache = ParseCache()
    corpus = load_corpus([out / "data"], cache, {})
    cache.close()
    views = {aid: agency_view(aid, rs, out, None) for aid, rs in agencies(corpus.reports).items()}
    data = compare_json(views).encode("utf-8")
    zipped = gzip.compress(data, 9)
    print(f"compare-data.json for {len(views):,} agencies × {years} years ({len(corpus.reports):,} reports): "
          f"{len(data) / 1e6:.2f} MB raw, {len(zipped) / 1e6:.2f} MB gzipped (target < 2 MB); "
          f"{time.perf_counter() - start:.0f} s to parse and write")


if __name__ == "__main__":
    main()
