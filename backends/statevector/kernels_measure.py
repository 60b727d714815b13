"""Numba kernels for measurements on the final state, none of which copies it (except
`rotated_probs`, which must): Pauli-sum expval and var, matrix expval, probs marginals.

A Pauli word is three masks: `xmask` (X or Y positions), `zmask` (Y or Z positions) and
the number of Y's, so `(P psi)[i] = i^ny (-1)^popcount(j & zmask) psi[j]` with
`j = i ^ xmask`: one pass pairing amplitudes, no matrix and no scratch state.
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from .kernels_gates import parity, spread


@register_jitable
def _i_power(ny):
    r = ny & 3
    if r == 0:
        return 1.0 + 0j
    if r == 1:
        return 1j
    if r == 2:
        return -1.0 + 0j
    return -1j


@register_jitable
def pauli_expval(vec, xmask, zmask, ny):
    """<psi|P|psi> for one Pauli word."""
    if xmask == 0:
        s = 0.0
        for i in range(len(vec)):
            a = vec[i]
            p = a.real * a.real + a.imag * a.imag
            s += -p if parity(i & zmask) else p
        return s
    acc = 0j
    for i in range(len(vec)):
        j = i ^ xmask
        t = np.conj(vec[i]) * vec[j]
        acc += -t if parity(j & zmask) else t
    return (acc * _i_power(ny)).real


@register_jitable
def _coeff(regs, r):
    return 1.0 if r < 0 else regs[r]


@register_jitable
def expval_terms(vec, code, pc, regs):
    """EXPVAL_TERMS: sum_k c_k <P_k>, one pass per term."""
    nt = code[pc + 3]
    total = 0.0
    q = pc + 4
    for _ in range(nt):
        total += _coeff(regs, code[q]) * pauli_expval(vec, code[q + 1], code[q + 2], code[q + 3])
        q += 4
    return total


@register_jitable
def var_terms(vec, code, pc, regs):
    """VAR_TERMS: <H^2> - <H>^2 with phi = H psi formed one amplitude at a time (no scratch)."""
    nt = code[pc + 3]
    q0 = pc + 4
    sq = 0.0
    mean = 0j
    for i in range(len(vec)):
        phi = 0j
        q = q0
        for _ in range(nt):
            j = i ^ code[q + 1]
            t = _coeff(regs, code[q]) * _i_power(code[q + 3]) * vec[j]
            phi += -t if parity(j & code[q + 2]) else t
            q += 4
        sq += phi.real * phi.real + phi.imag * phi.imag
        mean += np.conj(vec[i]) * phi
    return sq - mean.real * mean.real


@register_jitable
def expval_matrix(vec, nq, m, mat, code, f0, k, o0):
    """<psi| M (column-major at m[mat:]) on the bits of code[f0:f0 + k] |psi>; offsets at o0."""
    d = 1 << k
    amps = np.empty(d, np.complex128)
    total = 0j
    for f in range(1 << (nq - k)):
        i = spread(f, code, f0, k)
        for c in range(d):
            amps[c] = vec[i + code[o0 + c]]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += m[mat + c * d + r] * amps[c]
            total += np.conj(amps[r]) * acc
    return total.real


@register_jitable
def probs(vec, code, b0, k, out, slot):
    """Marginal probabilities of bits code[b0:b0 + k] (first most significant) into out[slot:]."""
    for i in range(len(vec)):
        a = vec[i]
        idx = 0
        for b in range(b0, b0 + k):
            idx = (idx << 1) | ((i >> code[b]) & 1)
        out[slot + idx] += a.real * a.real + a.imag * a.imag


@register_jitable
def rotated_probs(vec, nq, m, mat, code, b0, k, out, slot):
    """Probabilities of the bits at code[b0:] after applying M to a copy: eigenbasis statistics."""
    rotated = vec.copy()
    f0, o0, d = b0 + k, b0 + 2 * k, 1 << k
    amps = np.empty(d, np.complex128)
    for f in range(1 << (nq - k)):
        i = spread(f, code, f0, k)
        for c in range(d):
            amps[c] = vec[i + code[o0 + c]]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += m[mat + c * d + r] * amps[c]
            rotated[i + code[o0 + r]] = acc
    probs(rotated, code, b0, k, out, slot)
