"""The interpreter: one disk-cached numba function runs any lowered program's gates and
common measurements (rarer measurements are in kernels_extra.py, compiled only when used).

`run_program` is the whole call for states that fit in cache (one dispatch, a few
microseconds of overhead), and also runs slices of large-state runs (cache-blocked
chunks) that Program hands to threads, where per-dispatch cost is noise.

Only the entry points are numba dispatchers; everything they call is `register_jitable`,
compiled into the caller's (cached) library: a dispatcher per helper would emit machine
code for each helper and again inside every caller, doubling the cold compile.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_build import build_dense, build_diag, init_block
from .kernels_gates import apply_gate
from .kernels_measure import expval_terms, probs


@register_jitable
def exec_code(code, start, end, vec, regs, mats, out):
    """Run the instructions in code[start:end] on `vec` (the state or one chunk of it)."""
    pc = start
    while pc < end:
        op = code[pc]
        if op >= O.APPLY_DENSE:
            if op <= O.APPLY_PARITY:
                apply_gate(code, pc, vec, mats)
            elif op == O.EXPVAL_TERMS:
                out[code[pc + 2]] = expval_terms(vec, code, pc, regs)
            else:
                probs(vec, code, pc + 4, code[pc + 3], out, code[pc + 2])
        elif op == O.BUILD_DENSE:
            build_dense(code, pc, regs, mats)
        elif op == O.BUILD_DIAG:
            build_diag(code, pc, regs, mats)
        else:
            init_block(code, pc, mats)
        pc += code[pc + 1]


@register_jitable
def chunk_layout(n, bits):
    """For chunks over `bits` (ascending): offs[j] = state offset of local index j, and the
    remaining bit positions, whose values number the chunks."""
    chunk = len(bits)
    offs = np.zeros(1 << chunk, np.int64)
    for j in range(1 << chunk):
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
    return offs, rest


@njit(cache=cache.enabled(), nogil=True)
def run_program(code, params, rpool, cpool, state, task):
    """One call of a program; returns the output vector.

    `task` empty: the whole run for a small state (build matrices, evolve |0...0>, measure).
    `state` is the caller's buffer when it wants the final state, or empty (then a
    private one is used: boxing a returned array costs ~0.6 us).

    `task` = [start, end] + [first, last, bits...]: one slice of a large-state run, driven by
    Program from several threads (the GIL is released): code[start:end] on `state`, with
    `cpool` the already prepared matrices; with bits, on chunks first..last-1 over `bits`
    (ascending): each chunk's amplitudes are gathered into a buffer (or used in place when
    `bits` are the lowest ones) so a group of gates runs in cache.

    One entry point and one exec_code call site on purpose: each numba entry point, and
    each function calling a register_jitable helper, compiles the helper again (seconds, cold).
    """
    n = len(params)
    regs = np.empty(n + len(rpool))
    for i in range(n):  # loops, not slice assignment: its error path costs seconds of compile
        regs[i] = params[i]
    for i in range(len(rpool)):
        regs[n + i] = rpool[i]
    nq = code[O.H_QUBITS]
    if len(task) == 0:
        mats = cpool.copy()
        if len(state) == 0:
            state = np.empty(1 << nq, np.complex128)
        for i in range(len(state)):
            state[i] = 0j
        state[0] = 1.0
        start, end = O.HEADER, code[O.H_EXTRA_START]
    else:
        mats = cpool
        start, end = task[0], task[1]
    bits = task[4:] if len(task) > 4 else task[:0]
    # Measurements read the whole state, so they only run in tasks without bits (program.py
    # puts them in the last, unchunked segment): a chunk task must not allocate (and zero)
    # an output as long as a 2^n-entry probs vector.
    out = np.zeros(code[O.H_OUT_SIZE] if len(bits) == 0 else 0)
    first, last = (task[2], task[3]) if len(bits) > 0 else (0, 1)
    if len(bits) > 0:
        offs, rest = chunk_layout(nq, bits)
    else:  # empty views, not allocations: the small-state path runs in microseconds
        offs, rest = task[:0], task[:0]
    size = len(offs)
    contiguous = len(bits) == 0 or bits[len(bits) - 1] == len(bits) - 1
    buf = state[:0] if contiguous else np.empty(size, np.complex128)
    for c in range(first, last):
        base = 0
        for x in range(len(rest)):
            if (c >> x) & 1:
                base |= 1 << rest[x]
        if len(bits) == 0:
            vec = state
        elif contiguous:
            vec = state[base:base + size]
        else:
            for j in range(size):
                buf[j] = state[base + offs[j]]
            vec = buf
        exec_code(code, start, end, vec, regs, mats, out)
        if not contiguous:
            for j in range(size):
                state[base + offs[j]] = buf[j]
    return out
