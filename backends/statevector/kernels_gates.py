"""Numba kernels that apply one gate to a register: dense, diagonal, phased permutation, parity.

Every kernel acts only on the subspace where the control bits match (`i & cmask == cval`),
so a controlled gate costs what its target gate costs on a 2^-c fraction of the state,
never a dense 2^(c+t) matrix. Registers are 1-D complex vectors; bit `p` of an index is
qubit position `p` (the lowering maps wires to positions). Matrices are column-major
(`m[c * d + r] = M[r, c]`) so that a fused block built column by column needs no transpose.
"""

from __future__ import annotations

import numpy as np
from numba.core import types
from numba.extending import intrinsic, register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O


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

    Walking those bits is a plain strided loop (index = base + j << shift); the outer loop
    steps over the remaining free bits once per run (see `outer_skip`).
    """
    shift = 0
    x = f0
    while x < f0 + nfixed and code[x] == shift:
        shift += 1
        x += 1
    top = code[x] if x < f0 + nfixed else nq
    return shift, top - shift


@register_jitable
def outer_skip(code, f0, nfixed, shift, run):
    """The bits the outer loop of a gate kernel leaves at zero: the fixed ones and the inner run.

    The outer loop walks the other bits in increasing order with `f = ((f | skip) + 1) & ~skip`
    (three integer operations) rather than `spread`-ing a counter: a gate whose lowest free
    run is short (CNOT on bits 0 and 2) would otherwise pay the spread loop every few
    amplitudes.
    """
    skip = ((1 << run) - 1) << shift
    for x in range(f0, f0 + nfixed):
        skip |= 1 << code[x]
    return skip


@intrinsic
def _popcount(typingctx, x):
    """LLVM's ctpop on an integer (numba exposes no popcount of its own)."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return x(x), codegen


@register_jitable
def parity(x):
    """The parity of the set bits of `x`: one popcnt instruction."""
    return _popcount(x) & 1


@register_jitable
def apply_gate(code, pc, vec, mats):
    """One APPLY_* instruction (layout in opcodes.py) on `vec` or on a block register in `mats`.

    One function for every kind on purpose: each numba function costs a fixed share of
    the cold compile, and these loops are what the cache library is made of.
    """
    op, reg, nq = code[pc], code[pc + O.F_REG], code[pc + O.F_NQ]
    cmask, cval, mat, k = code[pc + O.F_CMASK], code[pc + O.F_CVAL], code[pc + O.F_MAT], code[pc + O.F_K]
    nfixed = code[pc + O.F_NFIXED]
    f0 = pc + O.F_FIXED
    o0 = f0 + nfixed
    d = 1 << k
    v = vec if reg < 0 else mats[reg:reg + (1 << nq)]
    m = mats
    if op == O.APPLY_PARITY:  # vec[i] *= phase[parity of the target bits], on the control subspace
        tmask = code[o0 + d - 1]
        even, odd = m[mat], m[mat + 1]
        for i in range(1 << nq):
            if (i & cmask) == cval:
                v[i] *= odd if parity(i & tmask) else even
        return
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    skip = outer_skip(code, f0, nfixed, shift, run)
    keep = ~skip
    if op == O.APPLY_DENSE and k == 1:
        m00, m10, m01, m11 = m[mat], m[mat + 1], m[mat + 2], m[mat + 3]
        stride = code[o0 + 1]
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                a = v[i]
                b = v[i + stride]
                v[i] = m00 * a + m01 * b
                v[i + stride] = m10 * a + m11 * b
    elif op == O.APPLY_DENSE and k == 2:
        s1, s2, s3 = code[o0 + 1], code[o0 + 2], code[o0 + 3]
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                a0 = v[i]
                a1 = v[i + s1]
                a2 = v[i + s2]
                a3 = v[i + s3]
                v[i] = m[mat] * a0 + m[mat + 4] * a1 + m[mat + 8] * a2 + m[mat + 12] * a3
                v[i + s1] = m[mat + 1] * a0 + m[mat + 5] * a1 + m[mat + 9] * a2 + m[mat + 13] * a3
                v[i + s2] = m[mat + 2] * a0 + m[mat + 6] * a1 + m[mat + 10] * a2 + m[mat + 14] * a3
                v[i + s3] = m[mat + 3] * a0 + m[mat + 7] * a1 + m[mat + 11] * a2 + m[mat + 15] * a3
    elif op == O.APPLY_DIAG:
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                for r in range(d):
                    v[i + code[o0 + r]] *= m[mat + r]
    elif op == O.APPLY_PERM and d == 2:  # X-like: a (phased) swap, or phases only
        p0, p1 = m[mat], m[mat + 1]
        swap = code[o0 + 2] == 1
        plain = swap and p0 == 1.0 and p1 == 1.0  # CNOT, Toffoli: moves only
        stride = code[o0 + 1]
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                a = v[i]
                b = v[i + stride]
                if plain:
                    v[i] = b
                    v[i + stride] = a
                elif swap:
                    v[i] = p1 * b
                    v[i + stride] = p0 * a
                else:
                    v[i] = p0 * a
                    v[i + stride] = p1 * b
    else:  # dense k >= 3 (M column-major) or a wider permutation (new[perm[c]] = phase[c] old[c])
        dense = op == O.APPLY_DENSE
        tmp = np.empty(d, np.complex128)
        fixed = outer_skip(code, f0, nfixed, 0, 0)
        f = 0
        for _ in range(1 << (nq - nfixed)):
            i = f | cval
            f = ((f | fixed) + 1) & ~fixed
            for c in range(d):
                tmp[c] = v[i + code[o0 + c]]
            if dense:
                for r in range(d):
                    acc = 0j
                    for c in range(d):
                        acc += m[mat + c * d + r] * tmp[c]
                    v[i + code[o0 + r]] = acc
            else:
                for c in range(d):
                    v[i + code[o0 + code[o0 + d + c]]] = m[mat + c] * tmp[c]
