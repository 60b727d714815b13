"""Numba kernels that apply one gate to a register: dense, diagonal, phased permutation, parity.

Every kernel acts only on the subspace where the control bits match (`i & cmask == cval`),
so a controlled gate costs what its target gate costs on a 2^-c fraction of the state,
never a dense 2^(c+t) matrix. Registers are 1-D complex vectors; bit `p` of an index is
qubit position `p` (the lowering maps wires to positions). Matrices are column-major
(`m[c * d + r] = M[r, c]`) so that a fused block built column by column needs no transpose.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)


@njit(cache=True, nogil=True)
def spread(f, fixed):
    """Insert a zero bit at each position of `fixed` (ascending) into the bits of `f`."""
    for p in fixed:
        f = ((f >> p) << (p + 1)) | (f & ((1 << p) - 1))
    return f


@njit(cache=True, nogil=True)
def sorted_copy(bits):
    """Insertion sort: a handful of bit positions, without numba's costly np.sort."""
    out = bits.copy()
    for i in range(1, len(out)):
        x = out[i]
        j = i - 1
        while j >= 0 and out[j] > x:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = x
    return out


@njit(cache=True, nogil=True)
def target_offsets(targets):
    """Index offset of each local basis state; targets[0] is the most significant local bit."""
    k = len(targets)
    offs = np.zeros(1 << k, np.int64)
    for m in range(1 << k):
        o = 0
        for a in range(k):
            if (m >> (k - 1 - a)) & 1:
                o |= 1 << targets[a]
        offs[m] = o
    return offs


@njit(cache=True, nogil=True)
def apply_dense1(vec, nq, cval, m, targets, fixed):
    m00, m10, m01, m11 = m[0], m[1], m[2], m[3]
    stride = 1 << targets[0]
    for f in range(1 << (nq - len(fixed))):
        i = spread(f, fixed) | cval
        a = vec[i]
        b = vec[i + stride]
        vec[i] = m00 * a + m01 * b
        vec[i + stride] = m10 * a + m11 * b


@njit(cache=True, nogil=True)
def apply_dense2(vec, nq, cval, m, targets, fixed):
    s0 = 1 << targets[0]
    s1 = 1 << targets[1]
    for f in range(1 << (nq - len(fixed))):
        i = spread(f, fixed) | cval
        a0 = vec[i]
        a1 = vec[i + s1]
        a2 = vec[i + s0]
        a3 = vec[i + s0 + s1]
        vec[i] = m[0] * a0 + m[4] * a1 + m[8] * a2 + m[12] * a3
        vec[i + s1] = m[1] * a0 + m[5] * a1 + m[9] * a2 + m[13] * a3
        vec[i + s0] = m[2] * a0 + m[6] * a1 + m[10] * a2 + m[14] * a3
        vec[i + s0 + s1] = m[3] * a0 + m[7] * a1 + m[11] * a2 + m[15] * a3


@njit(cache=True, nogil=True)
def apply_dense(vec, nq, cval, m, targets, fixed):
    d = 1 << len(targets)
    offs = target_offsets(targets)
    tmp = np.empty(d, np.complex128)
    for f in range(1 << (nq - len(fixed))):
        i = spread(f, fixed) | cval
        for c in range(d):
            tmp[c] = vec[i + offs[c]]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += m[c * d + r] * tmp[c]
            vec[i + offs[r]] = acc


@njit(cache=True, nogil=True)
def apply_diag(vec, nq, cval, diag, targets, fixed):
    offs = target_offsets(targets)
    for f in range(1 << (nq - len(fixed))):
        i = spread(f, fixed) | cval
        for r in range(len(offs)):
            vec[i + offs[r]] *= diag[r]


@njit(cache=True, nogil=True)
def apply_perm(vec, nq, cval, phases, targets, fixed, perm):
    offs = target_offsets(targets)
    d = len(offs)
    tmp = np.empty(d, np.complex128)
    for f in range(1 << (nq - len(fixed))):
        i = spread(f, fixed) | cval
        for c in range(d):
            tmp[c] = vec[i + offs[c]]
        for c in range(d):
            vec[i + offs[perm[c]]] = phases[c] * tmp[c]


@njit(cache=True, nogil=True)
def parity(x):
    x ^= x >> 32
    x ^= x >> 16
    x ^= x >> 8
    x ^= x >> 4
    x ^= x >> 2
    x ^= x >> 1
    return x & 1


@njit(cache=True, nogil=True)
def apply_parity(vec, nq, cmask, cval, phases, targets):
    """`vec[i] *= phases[parity of i's target bits]`; `cmask`'s bits act as controls."""
    tmask = 0
    for t in targets:
        tmask |= 1 << t
    even, odd = phases[0], phases[1]
    for i in range(1 << nq):
        if (i & cmask) == cval:
            vec[i] *= odd if parity(i & tmask) else even
