"""The adjoint sweep (Jones & Gacon) as one lazily compiled, disk-cached entry point.

`adjoint_run` interprets an adjoint program (adjoint.py lays it out): build the matrices,
evolve |0...0> (unless the caller passes the final state), form lambda = O_bar psi from
the cotangents, then walk the gate actions backwards, undoing each on psi and lambda in
the pass that also sums their cross matrix, and read every parameter's derivative off
those small matrices. Extra memory: lambda, plus phi for a var. Like run_program it also
runs slices of a large-state run (chunks of psi and lambda) for threads. Kernels that are
never differentiated never compile it.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import register_jitable

from . import cache  # noqa: F401  (registers the cache locator before the @njit below)
from . import opcodes as O
from .kernels_build import build_dense, build_diag, init_block
from .kernels_gates import apply_gate, inner_run, outer_skip, parity, spread
from .kernels_measure import _i_power, expval_matrix
from .kernels_run import chunk_layout


@register_jitable
def _re_dot(a, b):
    """Re(conj(a) b)."""
    return a.real * b.real + a.imag * b.imag


@register_jitable
def _pauli_amp(vec, i, xmask, zmask, phase):
    """(P vec)[i] for the Pauli word with masks (xmask, zmask) and phase i^ny."""
    j = i ^ xmask
    t = phase * vec[j]
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
def cot_terms(code, pc, psi, lam, regs, w, grad):
    """COT_TERMS: lambda += w H psi; coefficient register t gets w <P_t>. Diagonal words (Z
    strings) cost a sign each, taken without branches (parities are unpredictable)."""
    coeff, xmask, zmask, phase = _terms(code, pc, regs)
    nt = len(coeff)
    sums = np.zeros(nt)
    for i in range(len(psi)):
        a = psi[i]
        p = a.real * a.real + a.imag * a.imag
        diagonal = 0.0
        acc = 0j
        for t in range(nt):
            if xmask[t] == 0:
                sign = 1.0 - 2.0 * parity(i & zmask[t])
                sums[t] += sign * p
                diagonal += sign * coeff[t]
            else:
                v = _pauli_amp(psi, i, xmask[t], zmask[t], phase[t])
                sums[t] += _re_dot(a, v)
                acc += coeff[t] * v
        lam[i] += w * (diagonal * a + acc)
    _coefficient_grads(code, pc, w * sums, grad)


@register_jitable
def cot_var_terms(code, pc, psi, lam, phi, regs, w, grad):
    """COT_VAR_TERMS: lambda += w (H^2 - 2 <H> H) psi with phi = H psi; coefficient t gets
    w (<{P_t, H}> - 2 <H> <P_t>) = w (2 Re <psi|P_t|phi> - 2 <H> <P_t>)."""
    coeff, xmask, zmask, phase = _terms(code, pc, regs)
    nt = len(coeff)
    mean = 0.0
    for i in range(len(psi)):
        acc = 0j
        for t in range(nt):
            acc += coeff[t] * _pauli_amp(psi, i, xmask[t], zmask[t], phase[t])
        phi[i] = acc
        mean += _re_dot(psi[i], acc)
    anti = np.zeros(nt)
    plain = np.zeros(nt)
    for i in range(len(psi)):
        a = psi[i]
        acc = 0j
        for t in range(nt):
            x = _pauli_amp(phi, i, xmask[t], zmask[t], phase[t])
            anti[t] += _re_dot(a, x)
            plain[t] += _re_dot(a, _pauli_amp(psi, i, xmask[t], zmask[t], phase[t]))
            acc += coeff[t] * x
        lam[i] += w * (acc - 2.0 * mean * phi[i])
    _coefficient_grads(code, pc, w * (2.0 * anti - 2.0 * mean * plain), grad)


@register_jitable
def cot_matrix(code, pc, psi, lam, mats, nq, w, var):
    """COT_MATRIX / COT_VAR_MATRIX: lambda += w M psi, or w (M^2 - 2 <M> M) psi."""
    mat, k = code[pc + 3], code[pc + 4]
    f0, o0, d = pc + 5 + k, pc + 5 + 2 * k, 1 << k
    w1, w2, mat2 = w, 0.0, mat
    if var:
        mat2 = code[o0 + d]
        w1, w2 = -2.0 * w * expval_matrix(psi, nq, mats, mat, code, f0, k, o0), w
    amps = np.empty(d, np.complex128)
    for f in range(1 << (nq - k)):
        i = spread(f, code, f0, k)
        for c in range(d):
            amps[c] = psi[i + code[o0 + c]]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += (w1 * mats[mat + c * d + r] + w2 * mats[mat2 + c * d + r]) * amps[c]
            lam[i + code[o0 + r]] += acc


@register_jitable
def cot_probs(code, pc, psi, lam, weights):
    """COT_PROBS: lambda[i] += weights[wslot + (the bits of i)] psi[i]."""
    wslot, k = code[pc + 2], code[pc + 3]
    b0 = pc + 4
    nonzero = False
    for j in range(1 << k):
        nonzero = nonzero or weights[wslot + j] != 0.0
    if not nonzero:
        return
    for i in range(len(psi)):
        idx = 0
        for b in range(b0, b0 + k):
            idx = (idx << 1) | ((i >> code[b]) & 1)
        lam[i] += weights[wslot + idx] * psi[i]


@register_jitable
def undo(code, e, psi, lam, mats):
    """The APPLY instruction at `e` on psi and on lambda; one pass for one-qubit dense gates and
    (controlled) X-like permutations, the commonest actions."""
    op, nq, cval, mat, k = code[e], code[e + O.F_NQ], code[e + O.F_CVAL], code[e + O.F_MAT], code[e + O.F_K]
    nfixed = code[e + O.F_NFIXED]
    f0 = e + O.F_FIXED
    o0 = f0 + nfixed
    fused = k == 1 and (op == O.APPLY_DENSE or op == O.APPLY_PERM)
    if not fused:
        apply_gate(code, e, psi, mats)
        apply_gate(code, e, lam, mats)
        return
    m = mats
    stride = code[o0 + 1]
    shift, run = inner_run(code, f0, nfixed, nq)
    step = 1 << shift
    skip = outer_skip(code, f0, nfixed, shift, run)
    keep = ~skip
    if op == O.APPLY_PERM and code[o0 + 2] == 1 and m[mat] == 1.0 and m[mat + 1] == 1.0:
        f = 0  # a plain swap (CNOT, SWAP's halves): no arithmetic at all
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                a0 = psi[i]
                psi[i] = psi[i + stride]
                psi[i + stride] = a0
                b0 = lam[i]
                lam[i] = lam[i + stride]
                lam[i + stride] = b0
        return
    if op == O.APPLY_DENSE:
        m00, m10, m01, m11 = m[mat], m[mat + 1], m[mat + 2], m[mat + 3]
    elif code[o0 + 2] == 1:  # a phased swap: U = [[0, p1], [p0, 0]]
        m00, m10, m01, m11 = 0j, m[mat], m[mat + 1], 0j
    else:
        m00, m10, m01, m11 = m[mat], 0j, 0j, m[mat + 1]
    f = 0
    for _ in range(1 << (nq - nfixed - run)):
        start = f | cval
        f = ((f | skip) + 1) & keep
        for i in range(start, start + (step << run), step):
            a0 = psi[i]
            a1 = psi[i + stride]
            psi[i] = m00 * a0 + m01 * a1
            psi[i + stride] = m10 * a0 + m11 * a1
            b0 = lam[i]
            b1 = lam[i + stride]
            lam[i] = m00 * b0 + m01 * b1
            lam[i + stride] = m10 * b0 + m11 * b1


@register_jitable
def adj_step(code, pc, psi, lam, mats):
    """ADJ_STEP: A[j d + r] += sum conj(lambda_j) psi_r over the groups of the embedded action
    (its control subspace), then the action on psi and lambda; one pass for one-qubit dense."""
    ra, e = code[pc + 2], pc + 3
    op, nq, cval, k = code[e], code[e + O.F_NQ], code[e + O.F_CVAL], code[e + O.F_K]
    nfixed = code[e + O.F_NFIXED]
    f0 = e + O.F_FIXED
    o0 = f0 + nfixed
    d = 1 << k
    if op == O.APPLY_DENSE and k == 1:
        mat = code[e + O.F_MAT]
        m00, m10, m01, m11 = mats[mat], mats[mat + 1], mats[mat + 2], mats[mat + 3]
        stride = code[o0 + 1]
        shift, run = inner_run(code, f0, nfixed, nq)
        step = 1 << shift
        skip = outer_skip(code, f0, nfixed, shift, run)
        keep = ~skip
        c0, c1, c2, c3 = 0j, 0j, 0j, 0j
        f = 0
        for _ in range(1 << (nq - nfixed - run)):
            start = f | cval
            f = ((f | skip) + 1) & keep
            for i in range(start, start + (step << run), step):
                a0 = psi[i]
                a1 = psi[i + stride]
                b0 = lam[i]
                b1 = lam[i + stride]
                l0 = np.conj(b0)
                l1 = np.conj(b1)
                c0 += a0 * l0
                c1 += a1 * l0
                c2 += a0 * l1
                c3 += a1 * l1
                psi[i] = m00 * a0 + m01 * a1
                psi[i + stride] = m10 * a0 + m11 * a1
                lam[i] = m00 * b0 + m01 * b1
                lam[i + stride] = m10 * b0 + m11 * b1
        mats[ra] += c0
        mats[ra + 1] += c1
        mats[ra + 2] += c2
        mats[ra + 3] += c3
        return
    acc = np.zeros(d * d, np.complex128)
    a = np.empty(d, np.complex128)
    b = np.empty(d, np.complex128)
    fixed = outer_skip(code, f0, nfixed, 0, 0)
    f = 0
    for _ in range(1 << (nq - nfixed)):
        i = f | cval
        f = ((f | fixed) + 1) & ~fixed
        for c in range(d):
            a[c] = psi[i + code[o0 + c]]
            b[c] = np.conj(lam[i + code[o0 + c]])
        for j in range(d):
            for r in range(d):
                acc[j * d + r] += a[r] * b[j]
    for x in range(d * d):
        mats[ra + x] += acc[x]
    undo(code, e, psi, lam, mats)


@register_jitable
def adj_parity(code, pc, psi, lam, regs, mats, grad):
    """ADJ_PARITY: grad[preg] += 2 s c Im <lambda| Z..Z |psi> on the control subspace, and the
    inverse phases on psi and lambda, in one pass (no matrix: any number of targets)."""
    preg, sign, creg, e = code[pc + 2], code[pc + 3], code[pc + 4], pc + 5
    nq, cmask, cval, mat = code[e + O.F_NQ], code[e + O.F_CMASK], code[e + O.F_CVAL], code[e + O.F_MAT]
    k, nfixed = code[e + O.F_K], code[e + O.F_NFIXED]
    tmask = code[e + O.F_FIXED + nfixed + (1 << k) - 1]
    even, odd = mats[mat], mats[mat + 1]
    total = 0.0
    for i in range(1 << nq):
        if (i & cmask) == cval:
            a = psi[i]
            b = lam[i]
            im = b.real * a.imag - b.imag * a.real  # Im(conj(b) a)
            if parity(i & tmask):
                total -= im
                psi[i] = odd * a
                lam[i] = odd * b
            else:
                total += im
                psi[i] = even * a
                lam[i] = even * b
    grad[preg] += 2.0 * sign * regs[creg] * total


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
def exec_adjoint(code, start, end, psi, lam, phi, regs, mats, weights, grad):
    """Run the instructions in code[start:end] (layouts in opcodes.py)."""
    nq = code[O.H_QUBITS]
    pc = start
    while pc < end:
        op = code[pc]
        if op == O.ADJ_STEP:
            adj_step(code, pc, psi, lam, mats)
        elif op == O.UNDO:
            undo(code, pc + 2, psi, lam, mats)
        elif op == O.GEN_CROSS:
            gen_cross(code, pc, mats, grad)
        elif op == O.ADJ_PARITY:
            adj_parity(code, pc, psi, lam, regs, mats, grad)
        elif op == O.BUILD_DENSE:
            build_dense(code, pc, regs, mats)
        elif op == O.BUILD_DIAG:
            build_diag(code, pc, regs, mats)
        elif op == O.BLOCK_INIT:
            init_block(code, pc, mats)
        elif op <= O.APPLY_PARITY:
            apply_gate(code, pc, psi, mats)
        elif op == O.COT_PROBS:
            cot_probs(code, pc, psi, lam, weights)
        else:
            w = weights[code[pc + 2]]
            if w == 0.0:
                pass
            elif op == O.COT_TERMS:
                cot_terms(code, pc, psi, lam, regs, w, grad)
            elif op == O.COT_VAR_TERMS:
                cot_var_terms(code, pc, psi, lam, phi, regs, w, grad)
            else:
                cot_matrix(code, pc, psi, lam, mats, nq, w, op == O.COT_VAR_MATRIX)
        pc += code[pc + 1]


@njit(cache=True, nogil=True)
def adjoint_run(code, params, rpool, cpool, state, lam, weights, grad, task):
    """One adjoint VJP, or one slice of one; returns d(weighted results)/d register (params, rpool).

    `task` empty: the whole VJP of a small state (matrices from a copy of `cpool`; `state`,
    `lam` and `grad` may be empty, then private ones are used; with code[A_EVOLVE] the
    forward runs here from |0...0>, else `state` holds the final state).

    `task` = [start, end] + [first, last, bits...]: code[start:end] with `cpool` as the
    (prepared) matrices, on `state` and `lam`, or on chunks first..last-1 over `bits`
    (ascending) of both, as run_program slices a large state for threads.
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
            state = np.zeros(size, np.complex128)
            state[0] = 1.0
        if len(lam) == 0:
            lam = np.zeros(size, np.complex128)
    else:
        mats = cpool
        start, end = task[0], task[1]
    phi = np.empty(size if code[O.A_SCRATCH] and len(bits) == 0 else 0, np.complex128)
    first, last = (task[2], task[3]) if len(bits) > 0 else (0, 1)
    if len(bits) > 0:
        offs, rest = chunk_layout(nq, bits)
    else:
        offs, rest = task[:0], task[:0]
    chunk = len(offs)
    contiguous = len(bits) == 0 or bits[len(bits) - 1] == len(bits) - 1
    psi_buf = state[:0] if contiguous else np.empty(chunk, np.complex128)
    lam_buf = lam[:0] if contiguous else np.empty(chunk, np.complex128)
    for c in range(first, last):
        base = 0
        for x in range(len(rest)):
            if (c >> x) & 1:
                base |= 1 << rest[x]
        if len(bits) == 0:
            vp, vl = state, lam
        elif contiguous:
            vp, vl = state[base:base + chunk], lam[base:base + chunk]
        else:
            for j in range(chunk):
                psi_buf[j] = state[base + offs[j]]
                lam_buf[j] = lam[base + offs[j]]
            vp, vl = psi_buf, lam_buf
        exec_adjoint(code, start, end, vp, vl, phi, regs, mats, weights, grad)
        if not contiguous:
            for j in range(chunk):
                state[base + offs[j]] = psi_buf[j]
                lam[base + offs[j]] = lam_buf[j]
    return grad
