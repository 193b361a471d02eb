"""The one way the package uses a second core: a map over items, and a job in the background.

Work goes to forked processes, so what the workers need (the views of every agency, a
Jinja environment) is inherited, never pickled; only each item and each result cross.
Below PARALLEL_FROM items, or where fork is not available, the same calls run here, in
order: the results are the same either way (tests/test_parallel.py runs both).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

# Measured with `python bench/parallel_bench.py` (reading generated reports, serial and
# with two forked workers, CPU time, so that the figures hold on a busy machine): two
# workers would take 2.5x the serial time for 8 reports, 0.94x for 32, 0.75x for 64 and
# 0.6x from 128. Reading a report is the cheapest item any caller maps (an agency page,
# the other one, costs more), so from 64 items every map is worth a second core.
PARALLEL_FROM = 64


def workers() -> int:
    """Worker processes for a parallel map: every core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


_WORKER: tuple = ()  # (function, context) of this worker process: set once when it starts


def _install(function, context) -> None:
    global _WORKER
    _WORKER = (function, context)


def _call(item):
    function, context = _WORKER
    return function(context, item)


def parallel_map(
    function: Callable, items: Sequence, context=None, *, threshold: int = PARALLEL_FROM, processes: int | None = None
) -> list:
    """[function(context, item) for item in items], on every core when there are at least
    `threshold` items. `function` must be a module-level function; `context` is what every
    call shares (inherited by the workers at fork, not sent with each item)."""
    processes = processes or workers()
    if len(items) < threshold or processes < 2 or not can_fork():
        return [function(context, item) for item in items]
    with multiprocessing.get_context("fork").Pool(
        processes, initializer=_install, initargs=(function, context)
    ) as pool:
        return pool.map(_call, items)


class Background:
    """A function run in a forked process while this one goes on; `wait()` is True when it
    succeeded, `result()` is what it returned (pickled back through a pipe). Run here and
    now instead when not worth a process (or fork is missing)."""

    def __init__(self, function: Callable, *args, parallel: bool = True):
        self.process, self.value, self.ok = None, None, True
        if parallel and can_fork():
            context = multiprocessing.get_context("fork")
            self.pipe, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_run_and_send, args=(child, function, args))
            self.process.start()
            child.close()
        else:
            self.value = function(*args)

    def wait(self) -> bool:
        if self.process is None:
            return self.ok
        try:
            self.value = self.pipe.recv()  # before join: a large result would block the child
        except EOFError:  # the child died before sending (an exception, a signal)
            self.ok = False
        self.pipe.close()
        self.process.join()
        self.ok = self.ok and self.process.exitcode == 0
        self.process = None
        return self.ok

    def result(self):
        """The function's return value (after waiting); None when it failed."""
        return self.value if self.wait() else None


def _run_and_send(pipe, function, args) -> None:
    pipe.send(function(*args))
    pipe.close()
