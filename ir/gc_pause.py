"""Pause Python's cyclic garbage collector while a compile stage builds a large IR.

Tracing, parsing and lowering a 1e5-gate circuit create millions of objects that stay
alive; each full collection walks all of them, and CPython runs one every time the heap
grows by a quarter, which made those stages two to three times slower (measured in
benchmarks/bench_scale.py). These objects hold no reference cycles worth collecting, so
the collector is paused for the stage and resumes after it (Mercurial does the same).
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
            gc.enable()
