"""The one parallel map (goi_site/core/parallel.py) gives what the serial map gives, on
both cores: the threshold is forced low here, as no test corpus reaches the real one."""

from __future__ import annotations

import multiprocessing
import os
import pickle

import pytest

from goi_site.core.parallel import Background, can_fork, parallel_map
from goi_site.corpus.reader import _Lookup, _read_cached
from goi_site.form.loader import load_form

from .conftest import corpus_files

needs_fork = pytest.mark.skipif(not can_fork(), reason="the parallel map forks")


_MET: set = set()  # the processes whose first call has waited for the other worker


def _square_with_pid(context, item):
    factor, barrier = context
    if barrier is not None and os.getpid() not in _MET:  # both workers must be busy at once
        _MET.add(os.getpid())
        barrier.wait(timeout=60)
    return factor * item * item, os.getpid()


@needs_fork
def test_parallel_map_runs_on_two_processes_and_equals_the_serial_map():
    items = list(range(40))
    serial = parallel_map(_square_with_pid, items, (3, None), threshold=len(items) + 1)
    barrier = multiprocessing.get_context("fork").Barrier(2)
    parallel = parallel_map(_square_with_pid, items, (3, barrier), threshold=1, processes=2)
    assert [value for value, _ in parallel] == [value for value, _ in serial] == [3 * i * i for i in items]
    assert {pid for _, pid in serial} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in parallel}  # the work really left this process
    assert len({pid for _, pid in parallel}) == 2


@needs_fork
def test_reports_read_in_parallel_equal_reports_read_serially():
    paths = corpus_files()
    serial = parallel_map(_read_cached, paths, _Lookup(None, load_form()), threshold=len(paths) + 1)
    parallel = parallel_map(_read_cached, paths, _Lookup(None, load_form()), threshold=1, processes=2)
    assert [pickle.loads(blob) for _, blob, _ in parallel] == [pickle.loads(blob) for _, blob, _ in serial]


def _fail():
    raise SystemExit(1)


def test_background_reports_failure_and_success(tmp_path):
    target = tmp_path / "written"
    assert Background(target.write_text, "done").wait() and target.read_text() == "done"
    assert Background(target.write_text, "here", parallel=False).wait() and target.read_text() == "here"
    if can_fork():
        assert not Background(_fail).wait()


def _big(n):
    return list(range(n))


def test_background_returns_the_result_either_way():
    # larger than a pipe's buffer: the parent reads before it joins, or both would wait
    for parallel in (True, False):
        job = Background(_big, 200_000, parallel=parallel)
        assert job.result() == list(range(200_000))
        assert job.wait()
    if can_fork():
        assert Background(_fail).result() is None
