"""Opcodes and the program header layout shared by the lowering (Python) and the kernels (numba).

Plain module-level ints: numba freezes them as compile-time constants, so dispatching on
them costs a compare. Every instruction is `[opcode, length, fields...]` in one int64
array; `length` lets the interpreter step over instructions it does not need.
"""

from __future__ import annotations

# Matrix preparation (run once per call, before the state is touched).
BUILD_DENSE = 1  # [op, len, out, d, nf, (reg, sign, lam, proj) * nf]: prod_f sum_j e^{-i s t lam_j} P_j
BUILD_DIAG = 2  # [op, len, out, d, nf, (reg, sign, g) * nf]: prod_f e^{-i s t g_m}
BLOCK_INIT = 3  # [op, len, out, kb]: identity as a 2kb-qubit register (column-major matrix)

# Gate application: [op, len, reg, nq, cmask, cval, mat, k, nfixed, fixed * nfixed, offs * 2^k, extra]
# reg = -1 is the current vector (state or chunk), else the offset of a block register in `mats`;
# `fixed` = target and control bit positions ascending; offs[m] = index offset of local state m.
APPLY_DENSE = 10
APPLY_DIAG = 11
APPLY_PERM = 12  # extra: perm * 2^k, with U[perm[j], j] = mats[mat + j]
APPLY_PARITY = 13  # amplitude *= mats[mat + parity(i & offs[-1])] (offs[-1] = all target bits)

# Measurements on the full state, writing into the float output vector `out`.
EXPVAL_TERMS = 20  # [op, len, slot, nt, (coeff reg or -1, xmask, zmask, ny) * nt]
VAR_TERMS = 21  # same layout: <H^2> - <H>^2 of the Pauli sum
EXPVAL_MATRIX = 22  # [op, len, slot, mat, k, bits * k, sorted bits * k, offs * 2^k]: <psi| M |psi>
PROBS = 23  # [op, len, slot, k, bits * k]: 2^k marginal probabilities, bits[0] most significant
ROTATED_PROBS = 24  # same layout as EXPVAL_MATRIX: probs of (M on bits)|psi>, on a copy

# The adjoint VJP (kernels_adjoint.py; layouts in adjoint.py). Cotangent section: lambda += w O psi
# for each differentiated result, w = weights[wslot], and coefficient registers get their derivative.
COT_TERMS = 30  # [op, len, wslot, nt, (coeff reg or -1, xmask, zmask, ny) * nt]: expval of a Pauli sum
COT_VAR_TERMS = 31  # same layout: var, O = H^2 - 2 <H> H
COT_MATRIX = 32  # [op, len, wslot, mat, k, bits * k, sorted bits * k, offs * 2^k]: expval of a matrix
COT_VAR_MATRIX = 33  # same, then mat2 (the matrix squared): var of a matrix
COT_PROBS = 34  # [op, len, wslot, k, bits * k]: O = sum_j weights[wslot + j] |j><j| on the bits
# Backward section; <emb> is an APPLY_* instruction embedded in place (with a dummy length).
UNDO = 40  # [op, len, <emb>]: <emb> (an action's inverse) on psi and lambda
ADJ_STEP = 41  # [op, len, A, <emb>]: A += cross matrix of psi and lambda on <emb>'s targets; UNDO
ADJ_PARITY = 42  # [op, len, preg, sign, creg, <emb parity>]: grad[preg] of exp(-i s theta c Z..Z); UNDO
GEN_CROSS = 43  # [op, len, preg, sign, B, <emb: APPLY_DENSE of G on register A>]: 2 s Im <B|G|A>
# Adjoint header: code[0:HEADER] = n_qubits, evolve (run the forward from |0...0>), scratch (a var
# needs phi), unused.
A_EVOLVE, A_SCRATCH = 1, 2

# Header: code[0:HEADER] = n_qubits, prep_end, out_size, extra_start; instructions follow:
# prep (matrix builds), body (gates, EXPVAL_TERMS, PROBS), extras (VAR_TERMS, *_MATRIX, ROTATED_*).
HEADER = 4
H_QUBITS, H_PREP_END, H_OUT_SIZE, H_EXTRA_START = 0, 1, 2, 3

# Offsets of the gate-application fields.
F_REG, F_NQ, F_CMASK, F_CVAL, F_MAT, F_K, F_NFIXED, F_FIXED = 2, 3, 4, 5, 6, 7, 8, 9
