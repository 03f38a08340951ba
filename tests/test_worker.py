"""The brief's second process (kzecon.study._worker): a worker started early (prestart) is taken by the next
Background and runs its jobs; one that no build took is ended by discard (a brief served from its cache)."""

import os
import time

import pytest

from kzecon.study import _worker

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the second process runs on two cores or more")


def test_a_prestarted_worker_is_taken_by_the_next_background_and_runs_its_jobs():
    _worker.prestart()
    _worker.prestart()  # a second call starts no second worker
    assert len(_worker._PRESTARTED) == 1
    pool = _worker._PRESTARTED[0]
    with _worker.Background() as bg:
        assert bg.pool is pool and not _worker._PRESTARTED
        job = bg.submit("check_country", country="kaz")  # kzecon.study.pipeline.check_country, in the worker
        assert job.result() == "KAZ"
    assert bg.pool is None  # every result in: the worker was terminated


def test_discard_ends_a_worker_no_build_took():
    _worker.prestart()
    procs = list(_worker._PRESTARTED[0]._pool)
    _worker.discard()
    assert not _worker._PRESTARTED
    deadline = time.monotonic() + 10
    while any(p.is_alive() for p in procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(p.is_alive() for p in procs)
    _worker.discard()  # nothing left: a no-op
