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
from .kernels_gates import (
    apply_dense,
    apply_dense1,
    apply_dense2,
    apply_diag,
    apply_parity,
    apply_perm,
)
from .kernels_measure import expval_terms, probs


@register_jitable
def exec_code(code, start, end, vec, regs, mats, out):
    """Run the instructions in code[start:end] on `vec` (the state or one chunk of it)."""
    pc = start
    while pc < end:
        op = code[pc]
        if op >= O.APPLY_DENSE:
            if op <= O.APPLY_PARITY:
                reg, nq, cval, mat, k = code[pc + 2], code[pc + 3], code[pc + 5], code[pc + 6], code[pc + 7]
                f0 = pc + O.F_FIXED
                nfixed = code[pc + O.F_NFIXED]
                o0 = f0 + nfixed
                d = 1 << k
                v = vec if reg < 0 else mats[reg:reg + (1 << nq)]
                if op == O.APPLY_DENSE:
                    if k == 1:
                        apply_dense1(v, nq, cval, mats, mat, code, f0, nfixed, o0)
                    elif k == 2:
                        apply_dense2(v, nq, cval, mats, mat, code, f0, nfixed, o0)
                    else:
                        apply_dense(v, nq, cval, mats, mat, code, f0, nfixed, o0, d)
                elif op == O.APPLY_DIAG:
                    apply_diag(v, nq, cval, mats, mat, code, f0, nfixed, o0, d)
                elif op == O.APPLY_PERM:
                    apply_perm(v, nq, cval, mats, mat, code, f0, nfixed, o0, d)
                else:
                    apply_parity(v, nq, code[pc + 4], cval, mats, mat, code[o0 + d - 1])
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
def run_chunks(code, start, end, state, regs, mats, out, bits, first, last):
    """code[start:end] on chunks first..last-1 of `state`: chunk c fixes the bits outside
    `bits` (ascending) to the bits of c; its 2^len(bits) amplitudes are gathered into a
    buffer (or used in place when `bits` are the lowest ones), so a group of gates runs
    in cache. Chunks are independent: threads take disjoint ranges."""
    n = code[O.H_QUBITS]
    chunk = len(bits)
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
    buf = np.empty(0 if contiguous else size, np.complex128)
    for c in range(first, last):
        base = 0
        for x in range(n - chunk):
            if (c >> x) & 1:
                base |= 1 << rest[x]
        if contiguous:
            exec_code(code, start, end, state[base:base + size], regs, mats, out)
        else:
            for j in range(size):
                buf[j] = state[base + offs[j]]
            exec_code(code, start, end, buf, regs, mats, out)
            for j in range(size):
                state[base + offs[j]] = buf[j]


@njit(cache=True, nogil=True)
def run_program(code, params, rpool, cpool, state, task):
    """One call of a program; returns the output vector.

    `task` empty: the whole run for a small state (build matrices, evolve |0...0>, measure).
    `state` is the caller's buffer when it wants the final state, or empty (then a
    private one is used: boxing a returned array costs ~0.6 us).

    `task` = [start, end, first, last, bits...]: one slice of a large-state run, driven by
    Program from several threads (the GIL is released): code[start:end] on `state`, by
    chunks first..last-1 over `bits` if any, with `cpool` the already prepared matrices.
    One entry point for both, because each numba entry point costs seconds to compile.
    """
    n = len(params)
    regs = np.empty(n + len(rpool))
    for i in range(n):  # loops, not slice assignment: its error path costs seconds of compile
        regs[i] = params[i]
    for i in range(len(rpool)):
        regs[n + i] = rpool[i]
    out = np.zeros(code[O.H_OUT_SIZE])
    if len(task) > 0:
        if len(task) == 4:
            exec_code(code, task[0], task[1], state, regs, cpool, out)
        else:
            run_chunks(code, task[0], task[1], state, regs, cpool, out, task[4:], task[2], task[3])
        return out
    mats = cpool.copy()
    if len(state) == 0:
        state = np.empty(1 << code[O.H_QUBITS], np.complex128)
    for i in range(len(state)):
        state[i] = 0j
    state[0] = 1.0
    exec_code(code, O.HEADER, code[O.H_PREP_END], state, regs, mats, out)
    exec_code(code, code[O.H_PREP_END], code[O.H_EXTRA_START], state, regs, mats, out)
    return out
