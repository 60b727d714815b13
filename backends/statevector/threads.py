"""Large states: run the cache-blocked program as slices on a thread pool.

`run_program` releases the GIL, so plain Python threads run chunks in parallel. This
replaces a numba `prange` entry point on purpose: the parallel entry cost ~20 s to compile
from an empty cache on the project's machine, while threads reuse the one compiled
interpreter and scale the same (chunks are independent and equal-sized).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import opcodes as O

_POOL: ThreadPoolExecutor | None = None
_EMPTY = np.zeros(0, dtype=complex)


def threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=threads(), thread_name_prefix="kettle-statevector")
    return _POOL


class BlockedRunner:
    """Drop-in for `run_program` on a program lowered with segments (see program.py)."""

    def __init__(self, code: np.ndarray, segments: list[tuple[int, int, np.ndarray]]):
        from .kernels_run import run_program

        self.run_program = run_program
        self.n = int(code[O.H_QUBITS])
        self.prep = np.array([O.HEADER, code[O.H_PREP_END], 0, 0], dtype=np.int64)
        self.segments = [self._tasks(start, end, bits) for start, end, bits in segments]

    def _tasks(self, start: int, end: int, bits: np.ndarray) -> list[np.ndarray]:
        if len(bits) == 0:
            return [np.array([start, end, 0, 0], dtype=np.int64)]
        chunks = 1 << (self.n - len(bits))
        pieces = min(chunks, 4 * threads())  # a few per thread evens out uneven progress
        edges = np.linspace(0, chunks, pieces + 1).astype(np.int64)
        return [np.array([start, end, lo, hi, *bits], dtype=np.int64)
                for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]

    def __call__(self, code, params, rpool, cpool, state, task=None) -> np.ndarray:
        mats = cpool.copy()
        if len(state) == 0:
            state = np.empty(1 << self.n, dtype=complex)
        state[:] = 0
        state[0] = 1
        run = self.run_program
        run(code, params, rpool, mats, _EMPTY, self.prep)
        out = np.zeros(code[O.H_OUT_SIZE])
        for tasks in self.segments:
            if len(tasks) == 1:
                out = run(code, params, rpool, mats, state, tasks[0])
            else:
                list(_pool().map(lambda t: run(code, params, rpool, mats, state, t), tasks))
        return out  # the last segment holds the measurements
