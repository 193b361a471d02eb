"""Where a second core starts to pay: reading N generated reports serially and with the
parallel map (goi_site/core/parallel.py), back to back, best of three runs each.

    .venv/bin/python bench/parallel_bench.py [N ...]

Prints, per N, wall seconds of each, and CPU seconds: the serial run's, and the parallel
run's in this process (forking, sending items, unpickling results) and in its workers.
On a shared machine wall time says little; the CPU figures give the wall time the
parallel run would take on idle cores: this process's CPU + the workers' CPU / workers.
PARALLEL_FROM is set from where that estimate falls clearly below the serial time. The
reports are generated into a temporary folder (bench/synth.py), never into data/.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import LAYOUTS, random_truth, render  # noqa: E402
from goi_site.core.parallel import parallel_map, workers  # noqa: E402
from goi_site.corpus.reader import _Lookup, _read_cached  # noqa: E402


def _texts(n: int) -> list[str]:
    rng = random.Random(42)
    out = []
    for i in range(n):
        truth = random_truth(rng, year=2023, edition="2021")
        text = render(truth, LAYOUTS[i % len(LAYOUTS)], rng)
        out.append(text + "\n".join(["本机关持续推进政务公开工作，完善制度机制，提升公开质量。" * 3] * 20))
    return out


def _best(function, repeat: int = 3) -> tuple[float, float, float]:
    """(wall, CPU of this process, CPU of its finished children), each the best of `repeat`."""
    runs = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start, cpu = time.perf_counter(), time.process_time()
        function()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        runs.append((time.perf_counter() - start, time.process_time() - cpu, children))
    return tuple(min(r[k] for r in runs) for k in range(3))


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [8, 16, 32, 64, 128, 256]
    with tempfile.TemporaryDirectory(prefix="goi-parallel-") as temp:
        paths = []
        for i, text in enumerate(_texts(max(sizes))):
            path = Path(temp) / f"{i:05d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        _read_cached(_Lookup(None), paths[0])  # the form and tables loaded, as in a long run
        print(f"{workers()} worker(s)")
        print(
            f"{'reports':>8} {'serial wall':>12} {'parallel wall':>14} {'serial cpu':>11} "
            f"{'parent cpu':>11} {'workers cpu':>12} {'idle-core estimate':>19}"
        )
        for n in sizes:
            items = paths[:n]
            serial = _best(lambda items=items, n=n: parallel_map(_read_cached, items, _Lookup(None), threshold=n + 1))
            parallel = _best(lambda items=items: parallel_map(_read_cached, items, _Lookup(None), threshold=1))
            estimate = parallel[1] + parallel[2] / workers()
            print(
                f"{n:>8} {serial[0]:>12.3f} {parallel[0]:>14.3f} {serial[1]:>11.3f} {parallel[1]:>11.3f} "
                f"{parallel[2]:>12.3f} {estimate / serial[1]:>18.2f}x"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
