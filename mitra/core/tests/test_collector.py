"""The cycle collector's pause (mitra.core.collector): imports and report rendering run inside it."""

from __future__ import annotations

import gc

from mitra.core.collector import cyclic_gc_paused


def test_overlapping_pauses_resume_the_collector_when_the_last_ends() -> None:
    first, second = cyclic_gc_paused(), cyclic_gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the other pause still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()  # paused by someone else before: left as it was
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failure_inside_the_pause_resumes_the_collector() -> None:
    try:
        with cyclic_gc_paused():
            raise RuntimeError("the disk is full")
    except RuntimeError:
        pass
    assert gc.isenabled()
