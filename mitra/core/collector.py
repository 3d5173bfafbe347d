"""Python's cycle collector paused while a bounded piece of work allocates many objects that stay alive until it
ends (issue 17): an import's rows and records, a report's laid-out pages.

Such work makes the collector run hundreds of times and walk the same live objects again and again, with little or
nothing to free: 18–29 % of an import's CPU time, about a third of the LAKIP PDF's. Reference counting still frees
everything that is not a cycle meanwhile; the cycles wait for the collector's next run after the pause (the price is
memory: about 23 MiB more at the peak of the N=100 LAKIP PDF).

The collector is global to the process: the first pause to start disables it and the last to end restores it as it
was before (a collector someone else disabled stays disabled). Pauses may nest and overlap across threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses running now (threads of one process, nested ones)
_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
