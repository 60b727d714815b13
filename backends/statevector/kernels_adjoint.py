"""The adjoint sweep (Jones & Gacon) as one lazily compiled, disk-cached entry point.

`adjoint_run` interprets an adjoint program (adjoint.py lays it out): build the matrices,
evolve |0...0> (unless the caller passes the final state), form lambda = O_bar psi from
the cotangents, then walk the gate actions backwards, undoing each on psi and lambda in
the pass that also sums their cross matrix, and read every parameter's derivative off
those small matrices. psi and lambda are split states (a 2 x 2^n float array each: real
parts, imaginary parts), which the gate loops of kernels_split vectorise. Extra memory:
lambda, plus phi for a var. Like run_program it also runs slices of a large-state run
(chunks of psi and lambda) for threads. Kernels that are never differentiated never
compile it.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_build import build_dense, build_diag, init_block
from .kernels_gates import apply_gate, parity, spread
from .kernels_measure import _i_power
from .kernels_run import chunk_layout
from .kernels_split import apply_split, parity_step_split, step_split, undo_split


@register_jitable
def _pauli_amp(re, im, i, xmask, zmask, phase):
    """(P psi)[i] for the Pauli word with masks (xmask, zmask) and phase i^ny."""
    j = i ^ xmask
    t = phase * complex(re[j], im[j])
    return -t if parity(j & zmask) else t


@register_jitable
def _terms(code, pc, regs):
    """A Pauli sum's terms as arrays: coefficient, xmask, zmask, i^ny."""
    nt = code[pc + 3]
    coeff = np.empty(nt)
    xmask = np.empty(nt, np.int64)
    zmask = np.empty(nt, np.int64)
    phase = np.empty(nt, np.complex128)
    for t in range(nt):
        q = pc + 4 + 4 * t
        coeff[t] = 1.0 if code[q] < 0 else regs[code[q]]
        xmask[t], zmask[t], phase[t] = code[q + 1], code[q + 2], _i_power(code[q + 3])
    return coeff, xmask, zmask, phase


@register_jitable
def _coefficient_grads(code, pc, values, grad):
    for t in range(code[pc + 3]):
        r = code[pc + 4 + 4 * t]
        if r >= 0:
            grad[r] += values[t]


@register_jitable
def cot_terms(code, pc, pr, pi, lr, li, regs, w, grad):
    """COT_TERMS: lambda += w H psi; coefficient register t gets w <P_t>. Diagonal words (Z
    strings) cost a sign each, taken without branches (parities are unpredictable)."""
    coeff, xmask, zmask, phase = _terms(code, pc, regs)
    nt = len(coeff)
    sums = np.zeros(nt)
    for i in range(len(pr)):
        ar, ai = pr[i], pi[i]
        p = ar * ar + ai * ai
        diagonal = 0.0
        acc = 0j
        for t in range(nt):
            if xmask[t] == 0:
                sign = 1.0 - 2.0 * parity(i & zmask[t])
                sums[t] += sign * p
                diagonal += sign * coeff[t]
            else:
                v = _pauli_amp(pr, pi, i, xmask[t], zmask[t], phase[t])
                sums[t] += ar * v.real + ai * v.imag
                acc += coeff[t] * v
        lr[i] += w * (diagonal * ar + acc.real)
        li[i] += w * (diagonal * ai + acc.imag)
    _coefficient_grads(code, pc, w * sums, grad)


@register_jitable
def cot_var_terms(code, pc, pr, pi, lr, li, phi, regs, w, grad):
    """COT_VAR_TERMS: lambda += w (H^2 - 2 <H> H) psi with phi = H psi (a split scratch state);
    coefficient t gets w (<{P_t, H}> - 2 <H> <P_t>) = w (2 Re <psi|P_t|phi> - 2 <H> <P_t>)."""
    coeff, xmask, zmask, phase = _terms(code, pc, regs)
    nt = len(coeff)
    fr, fi = phi[0], phi[1]
    mean = 0.0
    for i in range(len(pr)):
        acc = 0j
        for t in range(nt):
            acc += coeff[t] * _pauli_amp(pr, pi, i, xmask[t], zmask[t], phase[t])
        fr[i], fi[i] = acc.real, acc.imag
        mean += pr[i] * acc.real + pi[i] * acc.imag
    anti = np.zeros(nt)
    plain = np.zeros(nt)
    for i in range(len(pr)):
        acc = 0j
        for t in range(nt):
            x = _pauli_amp(fr, fi, i, xmask[t], zmask[t], phase[t])
            y = _pauli_amp(pr, pi, i, xmask[t], zmask[t], phase[t])
            anti[t] += pr[i] * x.real + pi[i] * x.imag
            plain[t] += pr[i] * y.real + pi[i] * y.imag
            acc += coeff[t] * x
        lr[i] += w * (acc.real - 2.0 * mean * fr[i])
        li[i] += w * (acc.imag - 2.0 * mean * fi[i])
    _coefficient_grads(code, pc, w * (2.0 * anti - 2.0 * mean * plain), grad)


@register_jitable
def cot_matrix(code, pc, pr, pi, lr, li, mats, nq, w, var):
    """COT_MATRIX / COT_VAR_MATRIX: lambda += w M psi, or w (M^2 - 2 <M> M) psi."""
    mat, k = code[pc + 3], code[pc + 4]
    f0, o0, d = pc + 5 + k, pc + 5 + 2 * k, 1 << k
    amps = np.empty(d, np.complex128)
    mean = 0.0
    if var:  # <M> first
        for f in range(1 << (nq - k)):
            i = spread(f, code, f0, k)
            for c in range(d):
                amps[c] = complex(pr[i + code[o0 + c]], pi[i + code[o0 + c]])
            for r in range(d):
                acc = 0j
                for c in range(d):
                    acc += mats[mat + c * d + r] * amps[c]
                mean += (np.conj(amps[r]) * acc).real
    w1, w2, mat2 = (-2.0 * w * mean, w, code[o0 + d]) if var else (w, 0.0, mat)
    for f in range(1 << (nq - k)):
        i = spread(f, code, f0, k)
        for c in range(d):
            amps[c] = complex(pr[i + code[o0 + c]], pi[i + code[o0 + c]])
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += (w1 * mats[mat + c * d + r] + w2 * mats[mat2 + c * d + r]) * amps[c]
            lr[i + code[o0 + r]] += acc.real
            li[i + code[o0 + r]] += acc.imag


@register_jitable
def cot_probs(code, pc, pr, pi, lr, li, weights):
    """COT_PROBS: lambda[i] += weights[wslot + (the bits of i)] psi[i]."""
    wslot, k = code[pc + 2], code[pc + 3]
    b0 = pc + 4
    nonzero = False
    for j in range(1 << k):
        nonzero = nonzero or weights[wslot + j] != 0.0
    if not nonzero:
        return
    for i in range(len(pr)):
        idx = 0
        for b in range(b0, b0 + k):
            idx = (idx << 1) | ((i >> code[b]) & 1)
        lr[i] += weights[wslot + idx] * pr[i]
        li[i] += weights[wslot + idx] * pi[i]


@register_jitable
def gen_cross(code, pc, mats, grad):
    """GEN_CROSS: grad[preg] += 2 s Im <B| G |A> for G (column-major at the embedded `mat`) on the
    embedded targets of the small registers A (the embedded `reg`) and B, on its control subspace."""
    preg, sign, rb, e = code[pc + 2], code[pc + 3], code[pc + 4], pc + 5
    ra, nq, cval, mat = code[e + O.F_REG], code[e + O.F_NQ], code[e + O.F_CVAL], code[e + O.F_MAT]
    k, nfixed = code[e + O.F_K], code[e + O.F_NFIXED]
    f0 = e + O.F_FIXED
    o0 = f0 + nfixed
    d = 1 << k
    total = 0j
    for f in range(1 << (nq - nfixed)):
        i = spread(f, code, f0, nfixed) | cval
        for r in range(d):
            s = 0j
            for c in range(d):
                s += mats[mat + c * d + r] * mats[ra + i + code[o0 + c]]
            total += np.conj(mats[rb + i + code[o0 + r]]) * s
    grad[preg] += 2.0 * sign * total.imag


@register_jitable
def exec_adjoint(code, start, end, pr, pi, lr, li, phi, regs, mats, weights, grad):
    """Run the instructions in code[start:end] (layouts in opcodes.py) on psi = (pr, pi) and
    lambda = (lr, li)."""
    nq = code[O.H_QUBITS]
    pc = start
    while pc < end:
        op = code[pc]
        if op == O.ADJ_STEP:
            step_split(code, pc + 3, pr, pi, lr, li, mats, code[pc + 2])
        elif op == O.UNDO:
            undo_split(code, pc + 2, pr, pi, lr, li, mats)
        elif op == O.GEN_CROSS:
            gen_cross(code, pc, mats, grad)
        elif op == O.ADJ_PARITY:
            total = parity_step_split(code, pc + 5, pr, pi, lr, li, mats)
            grad[code[pc + 2]] += 2.0 * code[pc + 3] * regs[code[pc + 4]] * total
        elif op == O.BUILD_DENSE:
            build_dense(code, pc, regs, mats)
        elif op == O.BUILD_DIAG:
            build_diag(code, pc, regs, mats)
        elif op == O.BLOCK_INIT:
            init_block(code, pc, mats)
        elif op <= O.APPLY_PARITY:
            if code[pc + O.F_REG] < 0:
                apply_split(code, pc, pr, pi, mats)
            else:
                apply_gate(code, pc, mats, mats)  # a small register inside `mats`
        elif op == O.COT_PROBS:
            cot_probs(code, pc, pr, pi, lr, li, weights)
        else:
            w = weights[code[pc + 2]]
            if w == 0.0:
                pass
            elif op == O.COT_TERMS:
                cot_terms(code, pc, pr, pi, lr, li, regs, w, grad)
            elif op == O.COT_VAR_TERMS:
                cot_var_terms(code, pc, pr, pi, lr, li, phi, regs, w, grad)
            else:
                cot_matrix(code, pc, pr, pi, lr, li, mats, nq, w, op == O.COT_VAR_MATRIX)
        pc += code[pc + 1]


@njit(cache=cache.enabled(), nogil=True, fastmath={"reassoc", "contract"})
def adjoint_run(code, params, rpool, cpool, state, lam, weights, grad, task):
    """One adjoint VJP, or one slice of one; returns d(weighted results)/d register (params, rpool).

    `state` and `lam` are split states (2 x 2^n floats: real parts, imaginary parts). `task`
    empty: the whole VJP of a small state (matrices from a copy of `cpool`; `lam` and `grad`
    may be empty, then private ones are used; with code[A_EVOLVE] the forward runs here
    from |0...0>, else `state` holds the final state). `task` = [start, end] + [first, last,
    bits...]: code[start:end] with `cpool` as the (prepared) matrices, on `state` and `lam`,
    or on chunks first..last-1 over `bits` (ascending) of both, as run_program slices a
    large state for threads. Reassociation is allowed (fastmath) so that the cross sums
    vectorise; results change by rounding only.
    """
    n = len(params)
    regs = np.empty(n + len(rpool))
    for i in range(n):  # loops, not slice assignment: its error path costs seconds of compile
        regs[i] = params[i]
    for i in range(len(rpool)):
        regs[n + i] = rpool[i]
    if len(grad) == 0:
        grad = np.zeros(len(regs))
    nq = code[O.H_QUBITS]
    size = 1 << nq
    bits = task[4:] if len(task) > 4 else task[:0]
    if len(task) == 0:
        mats = cpool.copy()
        start, end = O.HEADER, len(code)
        if code[O.A_EVOLVE]:
            state = np.zeros((2, size))
            state[0, 0] = 1.0
        if lam.shape[1] == 0:
            lam = np.zeros((2, size))
    else:
        mats = cpool
        start, end = task[0], task[1]
    phi = np.empty((2, size if code[O.A_SCRATCH] and len(bits) == 0 else 0))
    first, last = (task[2], task[3]) if len(bits) > 0 else (0, 1)
    if len(bits) > 0:
        offs, rest = chunk_layout(nq, bits)
    else:
        offs, rest = task[:0], task[:0]
    chunk = len(offs)
    contiguous = len(bits) == 0 or bits[len(bits) - 1] == len(bits) - 1
    psi_buf = np.empty((2, 0 if contiguous else chunk))
    lam_buf = np.empty((2, 0 if contiguous else chunk))
    for c in range(first, last):
        base = 0
        for x in range(len(rest)):
            if (c >> x) & 1:
                base |= 1 << rest[x]
        if len(bits) == 0:
            lo, hi, psi, lambda_ = 0, size, state, lam
        elif contiguous:
            lo, hi, psi, lambda_ = base, base + chunk, state, lam
        else:
            for j in range(chunk):
                for part in range(2):
                    psi_buf[part, j] = state[part, base + offs[j]]
                    lam_buf[part, j] = lam[part, base + offs[j]]
            lo, hi, psi, lambda_ = 0, chunk, psi_buf, lam_buf
        exec_adjoint(code, start, end, psi[0, lo:hi], psi[1, lo:hi], lambda_[0, lo:hi], lambda_[1, lo:hi],
                     phi, regs, mats, weights, grad)
        if not contiguous:
            for j in range(chunk):
                for part in range(2):
                    state[part, base + offs[j]] = psi_buf[part, j]
                    lam[part, base + offs[j]] = lam_buf[part, j]
    return grad
