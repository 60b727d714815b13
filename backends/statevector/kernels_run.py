"""The interpreter: one disk-cached numba function runs any lowered program's gates and
common measurements (rarer measurements are in kernels_extra.py, compiled only when used).

`run_program` is the whole call for states that fit in cache (one dispatch, a few
microseconds of overhead). Large states use `prepare` + `exec_code` (+ the threaded
`run_group` in kernels_parallel.py) driven from Python, where per-dispatch cost is noise.

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


@njit(cache=True, nogil=True)
def run_program(code, params, rpool, cpool, state):
    """The whole run for small states: build matrices, evolve |0...0>, measure; returns `out`.

    `state` is the caller's buffer of 2^n amplitudes when it wants the final state, or an
    empty array (then a private one is used): boxing a returned array costs ~0.6 us.
    """
    n = len(params)
    regs = np.empty(n + len(rpool))
    for i in range(n):  # loops, not slice assignment: its error path costs seconds of compile
        regs[i] = params[i]
    for i in range(len(rpool)):
        regs[n + i] = rpool[i]
    mats = cpool.copy()
    out = np.zeros(code[O.H_OUT_SIZE])
    if len(state) == 0:
        state = np.empty(1 << code[O.H_QUBITS], np.complex128)
    for i in range(len(state)):
        state[i] = 0j
    state[0] = 1.0
    exec_code(code, O.HEADER, code[O.H_PREP_END], state, regs, mats, out)
    exec_code(code, code[O.H_PREP_END], code[O.H_EXTRA_START], state, regs, mats, out)
    return out
