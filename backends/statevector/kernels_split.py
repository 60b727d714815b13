"""Gate kernels on split states (real and imaginary parts in two float arrays), for the adjoint sweep.

numba does not vectorise loops over complex128 arrays (interleaved parts, complex
arithmetic that contracts poorly into FMAs); over two float arrays, with reassociation
allowed for the sums, LLVM vectorises a one-qubit gate's inner run: about 3x faster for
runs of 32+ amplitudes on the project's machine, 1.6x over all wires of 12 qubits. The
adjoint sweep is two states through every gate plus their cross matrices, so it keeps
psi and lambda split; matrices and small registers stay complex (kernels_gates).
Same instruction layouts as kernels_gates.apply_gate.
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_gates import inner_run, outer_skip, parity

VECTOR_RUN = 8
"""Inner runs at least this long are walked through contiguous views, which LLVM vectorises."""


@register_jitable
def _fields(code, e):
    """(nq, cmask, cval, mat, k, f0 = first fixed bit field, nfixed) of the APPLY instruction at e."""
    return (code[e + O.F_NQ], code[e + O.F_CMASK], code[e + O.F_CVAL], code[e + O.F_MAT], code[e + O.F_K],
            e + O.F_FIXED, code[e + O.F_NFIXED])


@register_jitable
def _matrix2(mats, mat):
    """The column-major 2x2 matrix [[a, b], [c, d]] at `mat` as floats (ar, ai, br, bi, cr, ci, dr, di)."""
    a, c, b, d = mats[mat], mats[mat + 1], mats[mat + 2], mats[mat + 3]
    return a.real, a.imag, b.real, b.imag, c.real, c.imag, d.real, d.imag


@register_jitable
def _dense1(re, im, i, j, ar, ai, br, bi, cr, ci, dr, di):
    """[[a, b], [c, d]] on amplitudes i and j of a split state."""
    xr, xi, yr, yi = re[i], im[i], re[j], im[j]
    re[i] = ar * xr - ai * xi + br * yr - bi * yi
    im[i] = ar * xi + ai * xr + br * yi + bi * yr
    re[j] = cr * xr - ci * xi + dr * yr - di * yi
    im[j] = cr * xi + ci * xr + dr * yi + di * yr


@register_jitable
def apply_split(code, e, re, im, mats):
    """The APPLY_* instruction at code[e] (layout in opcodes.py) on the split state (re, im)."""
    op = code[e]
    nq, cmask, cval, mat, k, f0, nfixed = _fields(code, e)
    o0 = f0 + nfixed
    d = 1 << k
    if op == O.APPLY_PARITY:
        tmask = code[o0 + d - 1]
        even, odd = mats[mat], mats[mat + 1]
        for i in range(1 << nq):
            if (i & cmask) == cval:
                p = odd if parity(i & tmask) else even
                x = complex(re[i], im[i]) * p
                re[i], im[i] = x.real, x.imag
        return
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    skip = outer_skip(code, f0, nfixed, shift, run)
    keep = ~skip
    length = 1 << run
    stride = code[o0 + 1] if d > 1 else 0
    if op == O.APPLY_DENSE and k == 1:
        ar, ai, br, bi, cr, ci, dr, di = _matrix2(mats, mat)
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            if step == 1 and length >= VECTOR_RUN:
                s, t = start, start + stride
                xr, xi, yr, yi = re[s:s + length], im[s:s + length], re[t:t + length], im[t:t + length]
                for n in range(length):
                    _dense1_views(xr, xi, yr, yi, n, ar, ai, br, bi, cr, ci, dr, di)
            else:
                for i in range(start, start + (step << run), step):
                    _dense1(re, im, i, i + stride, ar, ai, br, bi, cr, ci, dr, di)
        return
    if op == O.APPLY_PERM and d == 2:  # X-like: [[0, p1], [p0, 0]] or diag(p0, p1)
        p0, p1 = mats[mat], mats[mat + 1]
        swap = code[o0 + 2] == 1
        plain = swap and p0 == 1.0 and p1 == 1.0
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            if plain and step == 1 and length >= VECTOR_RUN:
                s, t = start, start + stride
                _swap_views(re[s:s + length], re[t:t + length])
                _swap_views(im[s:s + length], im[t:t + length])
                continue
            for i in range(start, start + (step << run), step):
                j = i + stride
                if plain:
                    re[i], re[j] = re[j], re[i]
                    im[i], im[j] = im[j], im[i]
                else:
                    a, b = complex(re[i], im[i]), complex(re[j], im[j])
                    x, y = (p1 * b, p0 * a) if swap else (p0 * a, p1 * b)
                    re[i], im[i], re[j], im[j] = x.real, x.imag, y.real, y.imag
        return
    _apply_gathered(code, op, re, im, mats, nq, cval, mat, d, f0, nfixed)


@register_jitable
def _dense1_views(xr, xi, yr, yi, t, ar, ai, br, bi, cr, ci, dr, di):
    """[[a, b], [c, d]] on element t of the paired views (x, y): unit stride, so LLVM vectorises."""
    ur, ui, vr, vi = xr[t], xi[t], yr[t], yi[t]
    xr[t] = ar * ur - ai * ui + br * vr - bi * vi
    xi[t] = ar * ui + ai * ur + br * vi + bi * vr
    yr[t] = cr * ur - ci * ui + dr * vr - di * vi
    yi[t] = cr * ui + ci * ur + dr * vi + di * vr


@register_jitable
def _swap_views(x, y):
    for n in range(len(x)):
        x[n], y[n] = y[n], x[n]


@register_jitable
def _apply_gathered(code, op, re, im, mats, nq, cval, mat, d, f0, nfixed):
    """Dense (column-major), diagonal or permutation actions on any number of targets, one group
    of 2^k amplitudes at a time."""
    o0 = f0 + nfixed
    tmp = np.empty(d, np.complex128)
    fixed = outer_skip(code, f0, nfixed, 0, 0)
    f = 0
    for _ in range(1 << (nq - nfixed)):
        i = f | cval
        f = ((f | fixed) + 1) & ~fixed
        for c in range(d):
            tmp[c] = complex(re[i + code[o0 + c]], im[i + code[o0 + c]])
        for r in range(d):
            if op == O.APPLY_DENSE:
                x = 0j
                for c in range(d):
                    x += mats[mat + c * d + r] * tmp[c]
                target = r
            elif op == O.APPLY_DIAG:
                x, target = mats[mat + r] * tmp[r], r
            else:  # new[perm[c]] = phase[c] old[c]
                x, target = mats[mat + r] * tmp[r], code[o0 + d + r]
            re[i + code[o0 + target]] = x.real
            im[i + code[o0 + target]] = x.imag


@register_jitable
def undo_split(code, e, pr, pi, lr, li, mats):
    """The APPLY instruction at e on psi and on lambda; plain swaps (CNOT) in one loop over all four
    arrays, whose short inner runs would otherwise pay the outer loop four times."""
    op = code[e]
    nq, cmask, cval, mat, k, f0, nfixed = _fields(code, e)
    o0 = f0 + nfixed
    plain = (op == O.APPLY_PERM and k == 1 and code[o0 + 2] == 1 and mats[mat] == 1.0
             and mats[mat + 1] == 1.0)
    shift, run = inner_run(code, f0, nfixed, nq)
    if not plain or (shift == 0 and (1 << run) >= VECTOR_RUN):
        apply_split(code, e, pr, pi, mats)
        apply_split(code, e, lr, li, mats)
        return
    step = 1 << shift
    skip = outer_skip(code, f0, nfixed, shift, run)
    keep = ~skip
    stride = code[o0 + 1]
    f = 0
    for _ in range(1 << (nq - nfixed - run)):
        start = f | cval
        f = ((f | skip) + 1) & keep
        for i in range(start, start + (step << run), step):
            j = i + stride
            pr[i], pr[j] = pr[j], pr[i]
            pi[i], pi[j] = pi[j], pi[i]
            lr[i], lr[j] = lr[j], lr[i]
            li[i], li[j] = li[j], li[i]


@register_jitable
def step_split(code, e, pr, pi, lr, li, mats, ra):
    """ADJ_STEP's state pass: mats[ra + j d + r] += sum conj(lambda_j) psi_r over the groups of the
    APPLY instruction at e (on its control subspace), then that instruction on psi and lambda."""
    op = code[e]
    nq, cmask, cval, mat, k, f0, nfixed = _fields(code, e)
    if op == O.APPLY_DENSE and k == 1:
        cross = _step_dense1(code, pr, pi, lr, li, mats, mat, f0, nfixed, nq, cval)
        for x in range(4):
            mats[ra + x] += cross[x]
        return
    d = 1 << k
    o0 = f0 + nfixed
    acc = np.zeros(d * d, np.complex128)
    a = np.empty(d, np.complex128)
    b = np.empty(d, np.complex128)
    fixed = outer_skip(code, f0, nfixed, 0, 0)
    f = 0
    for _ in range(1 << (nq - nfixed)):
        i = f | cval
        f = ((f | fixed) + 1) & ~fixed
        for c in range(d):
            a[c] = complex(pr[i + code[o0 + c]], pi[i + code[o0 + c]])
            b[c] = complex(lr[i + code[o0 + c]], -li[i + code[o0 + c]])
        for j in range(d):
            for r in range(d):
                acc[j * d + r] += a[r] * b[j]
    for x in range(d * d):
        mats[ra + x] += acc[x]
    apply_split(code, e, pr, pi, mats)
    apply_split(code, e, lr, li, mats)


@register_jitable
def _step_dense1(code, pr, pi, lr, li, mats, mat, f0, nfixed, nq, cval):
    """ADJ_STEP of a one-qubit dense action in one pass over both states: the cross sums
    psi_r conj(lambda_j) for (r, j) = (0,0), (1,0), (0,1), (1,1), then the action on both."""
    ar, ai, br, bi, cr, ci, dr, di = _matrix2(mats, mat)
    stride = code[f0 + nfixed + 1]
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    skip = outer_skip(code, f0, nfixed, shift, run)
    keep = ~skip
    length = 1 << run
    s0r = s0i = s1r = s1i = s2r = s2i = s3r = s3i = 0.0
    f = 0
    for _ in range(1 << (nq - nfixed - run)):
        start = f | cval
        f = ((f | skip) + 1) & keep
        if step == 1 and length >= VECTOR_RUN:
            s, t = start, start + stride
            xr, xi, yr, yi = pr[s:s + length], pi[s:s + length], pr[t:t + length], pi[t:t + length]
            ur, ui, vr, vi = lr[s:s + length], li[s:s + length], lr[t:t + length], li[t:t + length]
            for n in range(length):
                s0r += xr[n] * ur[n] + xi[n] * ui[n]
                s0i += xi[n] * ur[n] - xr[n] * ui[n]
                s1r += yr[n] * ur[n] + yi[n] * ui[n]
                s1i += yi[n] * ur[n] - yr[n] * ui[n]
                s2r += xr[n] * vr[n] + xi[n] * vi[n]
                s2i += xi[n] * vr[n] - xr[n] * vi[n]
                s3r += yr[n] * vr[n] + yi[n] * vi[n]
                s3i += yi[n] * vr[n] - yr[n] * vi[n]
                _dense1_views(xr, xi, yr, yi, n, ar, ai, br, bi, cr, ci, dr, di)
                _dense1_views(ur, ui, vr, vi, n, ar, ai, br, bi, cr, ci, dr, di)
            continue
        for i in range(start, start + (step << run), step):
            j = i + stride
            xr, xi, yr, yi = pr[i], pi[i], pr[j], pi[j]
            ur, ui, vr, vi = lr[i], li[i], lr[j], li[j]
            s0r += xr * ur + xi * ui
            s0i += xi * ur - xr * ui
            s1r += yr * ur + yi * ui
            s1i += yi * ur - yr * ui
            s2r += xr * vr + xi * vi
            s2i += xi * vr - xr * vi
            s3r += yr * vr + yi * vi
            s3i += yi * vr - yr * vi
            _dense1(pr, pi, i, j, ar, ai, br, bi, cr, ci, dr, di)
            _dense1(lr, li, i, j, ar, ai, br, bi, cr, ci, dr, di)
    return complex(s0r, s0i), complex(s1r, s1i), complex(s2r, s2i), complex(s3r, s3i)


@register_jitable
def parity_step_split(code, e, pr, pi, lr, li, mats):
    """ADJ_PARITY's state pass: sum_i (+-1) Im(conj(lambda_i) psi_i) over the control subspace
    (the sign the parity of the target bits), and the APPLY_PARITY at e on psi and lambda."""
    nq, cmask, cval, mat, k, f0, nfixed = _fields(code, e)
    tmask = code[f0 + nfixed + (1 << k) - 1]
    even, odd = mats[mat], mats[mat + 1]
    total = 0.0
    for i in range(1 << nq):
        if (i & cmask) == cval:
            im = lr[i] * pi[i] - li[i] * pr[i]
            odd_parity = parity(i & tmask)
            total += -im if odd_parity else im
            p = odd if odd_parity else even
            a = complex(pr[i], pi[i]) * p
            b = complex(lr[i], li[i]) * p
            pr[i], pi[i], lr[i], li[i] = a.real, a.imag, b.real, b.imag
    return total
