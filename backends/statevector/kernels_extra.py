"""The rarer measurements (Pauli-sum var, Hermitian expval, eigenbasis probabilities) as their
own disk-cached entry point, so kernels that never use them never compile them.
"""

from __future__ import annotations

from numba import njit

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_measure import expval_matrix, rotated_probs, var_terms


@njit(cache=cache.enabled(), nogil=True)
def measure_extra(code, state, regs, mats, out):
    """Run the extras section code[extra_start:] on the final state, writing into `out`."""
    nq = code[O.H_QUBITS]
    pc = code[O.H_EXTRA_START]
    while pc < len(code):
        op, slot = code[pc], code[pc + 2]
        if op == O.VAR_TERMS:
            out[slot] = var_terms(state, code, pc, regs)
        else:
            mat, k = code[pc + 3], code[pc + 4]
            b0 = pc + 5
            if op == O.EXPVAL_MATRIX:
                out[slot] = expval_matrix(state, nq, mats, mat, code, b0 + k, k, b0 + 2 * k)
            else:
                rotated_probs(state, nq, mats, mat, code, b0, k, out, slot)
        pc += code[pc + 1]
