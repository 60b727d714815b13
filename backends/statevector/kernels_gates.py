"""Numba kernels that apply one gate to a register: dense, diagonal, phased permutation, parity.

Every kernel acts only on the subspace where the control bits match (`i & cmask == cval`),
so a controlled gate costs what its target gate costs on a 2^-c fraction of the state,
never a dense 2^(c+t) matrix. Registers are 1-D complex vectors; bit `p` of an index is
qubit position `p` (the lowering maps wires to positions). Matrices are column-major
(`m[c * d + r] = M[r, c]`) so that a fused block built column by column needs no transpose.
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)


@register_jitable
def spread(f, code, f0, nfixed):
    """Insert a zero bit at each position code[f0:f0 + nfixed] (ascending) into the bits of `f`.

    Kernels take (array, offset) pairs rather than slices: a slice is a new array view
    whose reference counting costs more than a small gate's arithmetic.
    """
    for x in range(f0, f0 + nfixed):
        p = code[x]
        f = ((f >> p) << (p + 1)) | (f & ((1 << p) - 1))
    return f


@register_jitable
def inner_run(code, f0, nfixed, nq):
    """(shift, length) of the lowest block of consecutive free bits: the kernels' inner loop.

    Walking those bits needs no `spread` (index = base + j << shift), so a gate pays the
    bit-insertion loop once per run instead of once per amplitude, whichever bits it uses.
    """
    shift = 0
    x = f0
    while x < f0 + nfixed and code[x] == shift:
        shift += 1
        x += 1
    top = code[x] if x < f0 + nfixed else nq
    return shift, top - shift


@register_jitable
def apply_dense1(vec, nq, cval, m, mat, code, f0, nfixed, o0):
    m00, m10, m01, m11 = m[mat], m[mat + 1], m[mat + 2], m[mat + 3]
    stride = code[o0 + 1]
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    for f in range(1 << (nq - nfixed - run)):
        start = spread(f << run, code, f0, nfixed) | cval
        for i in range(start, start + (step << run), step):
            a = vec[i]
            b = vec[i + stride]
            vec[i] = m00 * a + m01 * b
            vec[i + stride] = m10 * a + m11 * b


@register_jitable
def apply_dense2(vec, nq, cval, m, mat, code, f0, nfixed, o0):
    s1, s2, s3 = code[o0 + 1], code[o0 + 2], code[o0 + 3]
    m0, m1, m2, m3, m4, m5, m6, m7 = m[mat], m[mat + 1], m[mat + 2], m[mat + 3], m[mat + 4], \
        m[mat + 5], m[mat + 6], m[mat + 7]
    m8, m9, m10, m11, m12, m13, m14, m15 = m[mat + 8], m[mat + 9], m[mat + 10], m[mat + 11], \
        m[mat + 12], m[mat + 13], m[mat + 14], m[mat + 15]
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    for f in range(1 << (nq - nfixed - run)):
        start = spread(f << run, code, f0, nfixed) | cval
        for i in range(start, start + (step << run), step):
            a0 = vec[i]
            a1 = vec[i + s1]
            a2 = vec[i + s2]
            a3 = vec[i + s3]
            vec[i] = m0 * a0 + m4 * a1 + m8 * a2 + m12 * a3
            vec[i + s1] = m1 * a0 + m5 * a1 + m9 * a2 + m13 * a3
            vec[i + s2] = m2 * a0 + m6 * a1 + m10 * a2 + m14 * a3
            vec[i + s3] = m3 * a0 + m7 * a1 + m11 * a2 + m15 * a3


@register_jitable
def apply_dense(vec, nq, cval, m, mat, code, f0, nfixed, o0, d):
    tmp = np.empty(d, np.complex128)
    for f in range(1 << (nq - nfixed)):
        i = spread(f, code, f0, nfixed) | cval
        for c in range(d):
            tmp[c] = vec[i + code[o0 + c]]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += m[mat + c * d + r] * tmp[c]
            vec[i + code[o0 + r]] = acc


@register_jitable
def apply_diag(vec, nq, cval, m, mat, code, f0, nfixed, o0, d):
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    for f in range(1 << (nq - nfixed - run)):
        start = spread(f << run, code, f0, nfixed) | cval
        for i in range(start, start + (step << run), step):
            for r in range(d):
                vec[i + code[o0 + r]] *= m[mat + r]


@register_jitable
def apply_perm(vec, nq, cval, m, mat, code, f0, nfixed, o0, d):
    """new[perm[c]] = phases[c] * old[c] on each target block (a swap for one target)."""
    if d == 2:
        p0, p1 = m[mat], m[mat + 1]
        swap = code[o0 + 2] == 1
        stride = code[o0 + 1]
        shift, run = inner_run(code, f0, nfixed, nq)
        step = 1 << shift
        for f in range(1 << (nq - nfixed - run)):
            start = spread(f << run, code, f0, nfixed) | cval
            for i in range(start, start + (step << run), step):
                a = vec[i]
                b = vec[i + stride]
                if swap:
                    vec[i] = p1 * b
                    vec[i + stride] = p0 * a
                else:
                    vec[i] = p0 * a
                    vec[i + stride] = p1 * b
        return
    tmp = np.empty(d, np.complex128)
    for f in range(1 << (nq - nfixed)):
        i = spread(f, code, f0, nfixed) | cval
        for c in range(d):
            tmp[c] = vec[i + code[o0 + c]]
        for c in range(d):
            vec[i + code[o0 + code[o0 + d + c]]] = m[mat + c] * tmp[c]


@register_jitable
def parity(x):
    x ^= x >> 32
    x ^= x >> 16
    x ^= x >> 8
    x ^= x >> 4
    x ^= x >> 2
    x ^= x >> 1
    return x & 1


@register_jitable
def apply_parity(vec, nq, cmask, cval, m, mat, tmask):
    """`vec[i] *= m[mat + parity of i's target bits]`; `cmask`'s bits act as controls."""
    even, odd = m[mat], m[mat + 1]
    for i in range(1 << nq):
        if (i & cmask) == cval:
            vec[i] *= odd if parity(i & tmask) else even
