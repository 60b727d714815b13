"""The threaded entry point for large states, compiled only when a kernel has that many qubits.

A group of gates (see blocking.py) runs chunk by chunk: gather the chunk's 2^L amplitudes
(or use them in place when they are the lowest L bits), run the group's instructions on
it with the ordinary interpreter, scatter back. Chunks are independent, so they go to
`prange` threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_run import exec_code


@njit(cache=True, nogil=True, parallel=True)
def run_segment(code, start, end, state, regs, mats, out, bits):
    """code[start:end] on the whole state (`bits` empty), or chunked over `bits` in threads."""
    chunk = len(bits)
    if chunk == 0:
        exec_code(code, start, end, state, regs, mats, out)
        return
    n = code[O.H_QUBITS]
    size = 1 << chunk
    offs = np.zeros(size, np.int64)
    for j in range(size):
        for a in range(chunk):
            if (j >> a) & 1:
                offs[j] |= 1 << bits[a]
    rest = np.empty(n - chunk, np.int64)
    r = 0
    a = 0
    for b in range(n):
        if a < chunk and bits[a] == b:
            a += 1
        else:
            rest[r] = b
            r += 1
    contiguous = bits[chunk - 1] == chunk - 1
    for c in prange(1 << (n - chunk)):
        base = 0
        for x in range(n - chunk):
            if (c >> x) & 1:
                base |= 1 << rest[x]
        if contiguous:
            exec_code(code, start, end, state[base:base + size], regs, mats, out)
        else:
            buf = np.empty(size, np.complex128)
            for j in range(size):
                buf[j] = state[base + offs[j]]
            exec_code(code, start, end, buf, regs, mats, out)
            for j in range(size):
                state[base + offs[j]] = buf[j]
