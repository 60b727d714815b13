"""Pause Python's cyclic garbage collector while a compile stage builds a large IR.

Tracing, parsing and lowering a 1e5-gate circuit create millions of objects that stay
alive; each full collection walks all of them, and CPython runs one every time the heap
grows by a quarter, which made those stages two to three times slower (measured in
benchmarks/bench_scale.py). These objects hold no reference cycles worth collecting, so
the collector is paused for the stage and resumes after it (Mercurial does the same).

Resuming alone would leave the bill for later: every object made during the pause is
still in the youngest generation, and the first young collection after it walks them
all, then the middle one again (0.8 s and 0.3 s after a 1e5-gate first call). So the
pause ends by moving them straight to the oldest generation (`gc.freeze()` then
`gc.unfreeze()`), which only full collections visit, as if they had survived the young
ones. Cycles made during the pause are still collected, by the next full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """`with gc_paused():` runs the block without cyclic collections; the collector's
    state is restored after it (a nested or concurrent pause leaves it to the outer one)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _age_young_objects()
            gc.enable()


def _age_young_objects() -> None:
    """Move every object of the young generations to the oldest one, without walking them.

    Skipped when the program froze objects itself (`gc.freeze()` before a fork, say):
    unfreezing would hand its frozen objects back to the collector.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
