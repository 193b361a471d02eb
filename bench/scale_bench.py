"""The whole path at scale: `goi build` of generated corpora of N agencies × 5 years.

    .venv/bin/python bench/scale_bench.py            # N = 100, 1,000 and 10,000
    .venv/bin/python bench/scale_bench.py 100 1000   # chosen sizes

For each N: generate the corpus once (bench/make_corpus.py, kept in bench/out/), build
it cold (empty parse cache) in a subprocess, and measure: parse reports/s, wall time
and its stages, peak memory (largest process), site size, average and largest agency
page, search index. Then add one report and rebuild (only it is parsed again). Prints
one Markdown table and writes it, with the national-scale projection, into the site's
performance page (site_src/performance.md, between its markers).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
YEARS = 5


def corpus(n: int) -> Path:
    folder = OUT / f"c{n}"
    if not (folder / "truth.jsonl").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(n), str(YEARS), str(folder)], check=True
        )
    return folder / "data"


def build(data: Path, site: Path, cache: Path) -> tuple[dict, float, float]:
    stats = site.parent / f"{site.name}.stats.json"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GOI_CACHE": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "goi"), "build", "--data", str(data), "--out", str(site), "--stats", str(stats)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(stats.read_text()), wall, max(peak, before) / 1024


def measure(n: int) -> dict:
    data = corpus(n)
    site = OUT / f"site{n}"
    cache = OUT / f"cache{n}"
    shutil.rmtree(cache, ignore_errors=True)
    stats, wall, peak = build(data, site, cache)
    pages = [p.stat().st_size for p in (site / "agencies").glob("*/index.html")]
    row = {
        "agencies": stats["agencies"],
        "reports": stats["reports"],
        "wall": wall,
        "stages": stats["stages"],
        "downloads": stats.get("downloads", {}),
        "parse_rate": stats["reports"] / stats["stages"]["parse"],
        "peak_mb": peak,
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        "files": stats["files"],
        "page_avg_kb": sum(pages) / len(pages) / 1024,
        "page_max_kb": max(pages) / 1024,
        "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
    }
    # One more report (the next year of one agency), then a rebuild: only it is parsed.
    folder = sorted((data).glob("*/*"))[0]
    newest = max(int(p.stem) for p in folder.glob("*.txt"))
    extra = [folder / f"{newest + 1}.txt", folder / f"{newest + 1}.yml"]
    extra[0].write_bytes(
        (folder / f"{newest}.txt").read_bytes().replace(str(newest).encode(), str(newest + 1).encode())
    )
    extra[1].write_text(
        (folder / f"{newest}.yml")
        .read_text(encoding="utf-8")
        .replace(str(newest), str(newest + 1))
        .split("sha256:")[0],
        encoding="utf-8",
    )
    try:
        again, rewall, _ = build(data, site, cache)
    finally:
        for path in extra:
            path.unlink()
    row.update(
        rebuild_wall=rewall,
        rebuild_parsed=again["parsed"],
        rebuild_cached=again["cached"],
        rebuild_parse=again["stages"]["parse"],
    )
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| agencies × years | reports | parse (cold) | build wall | parse · checks · csv · pages · charts · mkdocs (s) "
        "| downloads, two processes: [frames · Parquet · SQLite · .xlsx] beside [frames · CSV · JSON], wall (CPU) s "
        "| peak memory | site | agency page avg / max | search index | rebuild +1 report |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        s = r["stages"]
        split = " · ".join(f"{s.get(k, 0):.0f}" for k in ("parse", "checks", "csv", "pages", "charts", "mkdocs"))
        d = r.get("downloads", {})
        formats = " beside ".join(
            "[" + " · ".join(f"{d.get(k, 0):.1f} ({d.get(k + '_cpu', 0):.1f})" for k in keys) + "]"
            for keys in (("frames", "parquet", "sqlite", "xlsx"), ("csv_frames", "csv", "json"))
        )
        lines.append(
            f"| {r['agencies']:,} × {YEARS} | {r['reports']:,} | {r['parse_rate']:,.0f} reports/s | {r['wall']:.0f} s "
            f"({r['wall'] / r['agencies'] * 1000:.1f} ms/agency) | {split} | {formats} | {r['peak_mb']:,.0f} MB | "
            f"{r['site_mb']:,.0f} MB, {r['files']:,} files | {r['page_avg_kb']:.0f} / {r['page_max_kb']:.0f} KB | "
            f"{r['search_mb']:.1f} MB | {r['rebuild_wall']:.0f} s, {r['rebuild_parsed']} parsed, "
            f"{r['rebuild_cached']:,} cached |"
        )
    return "\n".join(lines)


def projection(rows: list[dict]) -> str:
    """National scale from the largest run's per-report costs (linear, as measured)."""
    big = max(rows, key=lambda r: r["agencies"])
    agencies, years = 150_000, 7
    reports = agencies * years
    per_report_s = big["wall"] / big["reports"]
    per_report_mb = big["site_mb"] / big["reports"]
    per_agency_search = big["search_mb"] / big["agencies"]
    return (
        f"| quantity | per unit, measured at {big['agencies']:,} agencies | at {agencies:,} agencies × {years} years |\n"
        f"|---|---|---|\n"
        f"| build time | {per_report_s * 1000:.1f} ms per report | {per_report_s * reports / 3600:.1f} h on this 2-core machine |\n"
        f"| site size | {per_report_mb * 1000:.0f} KB per report | {per_report_mb * reports / 1e3:,.0f} GB (GitHub Pages allows 1 GB) |\n"
        f"| search index | {per_agency_search * 1e6:,.0f} bytes per agency | {per_agency_search * agencies:,.0f} MB |\n"
        f"| peak memory | {big['peak_mb']:,.0f} MB at {big['reports']:,} reports | "
        f"{big['peak_mb'] * reports / big['reports'] / 1e3:,.1f} GB if one process held the whole corpus |"
    )


def write_pages(rows: list[dict]) -> None:
    """The table into the performance page, the projection into the design note."""
    for page, name, body in (("performance.md", "table", table(rows)), ("scale.md", "projection", projection(rows))):
        path = ROOT / "site_src" / page
        text = path.read_text(encoding="utf-8")
        start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        path.write_text(f"{head}{start}\n{body}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 10000]
    rows = [measure(n) for n in sizes]
    print(table(rows))
    print()
    print(projection(rows))
    if len(rows) > 1:
        small, big = rows[-2], rows[-1]
        growth = (big["wall"] / big["agencies"]) / (small["wall"] / small["agencies"])
        print(f"\ntime per agency at {big['agencies']:,} vs {small['agencies']:,}: {growth:.2f}× (target ≤ 1.3×)")
    write_pages(rows)


if __name__ == "__main__":
    main()
