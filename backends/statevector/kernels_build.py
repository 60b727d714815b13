"""Numba kernels that build gate matrices from parameters, once per call before the sweep.

A parametric gate is `prod_f V_f diag(exp(-i s theta_f lambda_f)) V_f^dagger` (the gate
table's eigen-factors); the lowering stores each factor as its eigenvalues and the
projectors `v_j v_j^dagger`, so one factor costs `d` exponentials and a `d x d` sum.
Diagonal gates only need the generators' diagonals. Fused blocks start as the identity
(`init_block`) and the member gates are applied to its columns by the ordinary gate kernels.
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)


@register_jitable
def _phase(x):
    """exp(-i x) from real functions (cheaper to compile than the complex exp overload)."""
    return complex(math.cos(x), -math.sin(x))


@register_jitable
def _build_dense2(code, pc, regs, mats):
    """BUILD_DENSE for one-qubit gates in scalars: no scratch arrays on the hot path."""
    out, nf = code[pc + 2], code[pc + 4]
    a00, a10, a01, a11 = 1.0 + 0j, 0j, 0j, 1.0 + 0j
    q = pc + 5
    for _ in range(nf):
        theta = regs[code[q]] * code[q + 1]
        lam0, lam1 = regs[code[q + 2]], regs[code[q + 2] + 1]
        e0 = _phase(theta * lam0)
        e1 = np.conj(e0) if lam1 == -lam0 else _phase(theta * lam1)  # Pauli rotations: half the trig
        p = code[q + 3]
        f00 = e0 * mats[p] + e1 * mats[p + 4]
        f10 = e0 * mats[p + 1] + e1 * mats[p + 5]
        f01 = e0 * mats[p + 2] + e1 * mats[p + 6]
        f11 = e0 * mats[p + 3] + e1 * mats[p + 7]
        a00, a10, a01, a11 = (f00 * a00 + f01 * a10, f10 * a00 + f11 * a10,
                              f00 * a01 + f01 * a11, f10 * a01 + f11 * a11)
        q += 4
    mats[out] = a00
    mats[out + 1] = a10
    mats[out + 2] = a01
    mats[out + 3] = a11


@register_jitable
def build_dense(code, pc, regs, mats):
    """BUILD_DENSE: write the column-major d x d matrix of a parametric gate at `out`.

    Flat 1-D scratch and explicit loops on purpose: 2-D arrays and slice assignment pull
    in numba library code that multiplies the cold compile time.
    """
    out, d, nf = code[pc + 2], code[pc + 3], code[pc + 4]
    if d == 2:
        _build_dense2(code, pc, regs, mats)
        return
    dd = d * d
    acc = np.zeros(dd, np.complex128)
    factor = np.empty(dd, np.complex128)
    product = np.empty(dd, np.complex128)
    for r in range(d):
        acc[r * d + r] = 1.0
    q = pc + 5
    for _ in range(nf):
        theta = regs[code[q]] * code[q + 1]
        lam, proj = code[q + 2], code[q + 3]
        for x in range(dd):
            factor[x] = 0j
        for j in range(d):
            e = _phase(theta * regs[lam + j])
            base = proj + j * dd
            for x in range(dd):
                factor[x] += e * mats[base + x]
        for c in range(d):  # column-major: product = factor @ acc
            for r in range(d):
                s = 0j
                for j in range(d):
                    s += factor[j * d + r] * acc[c * d + j]
                product[c * d + r] = s
        for x in range(dd):
            acc[x] = product[x]
        q += 4
    for x in range(dd):
        mats[out + x] = acc[x]


@register_jitable
def build_diag(code, pc, regs, mats):
    """BUILD_DIAG: write the d diagonal entries of a diagonal parametric gate at `out`."""
    out, d, nf = code[pc + 2], code[pc + 3], code[pc + 4]
    for m in range(d):
        phase = 0.0
        q = pc + 5
        for _ in range(nf):
            phase += regs[code[q]] * code[q + 1] * regs[code[q + 2] + m]
            q += 3
        mats[out + m] = _phase(phase)


@register_jitable
def init_block(code, pc, mats):
    """BLOCK_INIT: the identity as a 2kb-qubit register (column index high, row index low)."""
    out, kb = code[pc + 2], code[pc + 3]
    d = 1 << kb
    for x in range(d * d):
        mats[out + x] = 0j
    for r in range(d):
        mats[out + r * d + r] = 1.0
