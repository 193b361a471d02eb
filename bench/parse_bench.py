"""Parse throughput: N generated reports in every layout, on one core.

    .venv/bin/python bench/parse_bench.py [N]

Prints reports per second by the wall clock and by the CPU time of this process
(time.process_time: the figure that holds on a loaded machine, where the wall clock
also counts the time other processes held the core), the average report size and the
peak memory (RSS), and the machine's load average before and after (CPU time still
rises on a busy machine: the cores' caches are shared). The process is pinned to one
core, and the parse runs in it alone (no worker processes). The reports are generated
in memory (bench/synth.py) and never written to data/.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import LAYOUTS, random_truth, render  # noqa: E402
from goi_site.check.rules import check_report  # noqa: E402
from goi_site.parse.parser import parse_text  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    if hasattr(os, "sched_setaffinity"):  # one core, whatever the machine has
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(42)
    texts = []
    for i in range(n):
        edition = "2019" if i % 7 == 0 else "2021"
        truth = random_truth(rng, year=2020 if edition == "2019" else 2023, edition=edition)
        text = render(truth, LAYOUTS[i % len(LAYOUTS)], rng)
        # pad with prose to the size of a real report (~6 KB)
        text += "\n".join(["本机关持续推进政务公开工作，完善制度机制，提升公开质量。" * 3] * 20)
        texts.append(text)
    parse_text(texts[0])  # load the form and tables once, as a long run would
    load_before = os.getloadavg()[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    for text in texts:
        check_report(parse_text(text))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    size = sum(len(t.encode("utf-8")) for t in texts) / n
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports         {n}")
    print(f"average size    {size / 1024:.1f} KB")
    print(f"parse + checks  {elapsed:.2f} s on one core")
    print(f"cpu time        {cpu:.2f} s")
    print(f"throughput      {n / elapsed:.0f} reports/s")
    print(f"cpu throughput  {n / cpu:.0f} reports/s of CPU time")
    print(f"peak memory     {peak:.0f} MB")
    print(f"load average    {load_before:.2f} before, {os.getloadavg()[0]:.2f} after (1 min)")


if __name__ == "__main__":
    main()
