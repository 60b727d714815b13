"""Lower the adjoint VJP (Jones & Gacon) of a kernel's gate actions and results to instructions.

After the forward pass to the final state psi, lambda = O_bar psi, with O_bar the
cotangent-weighted sum of every differentiated result (all terms of all observables at
once); then the fused gate actions in reverse. Each action is undone on psi and lambda in
one pass that also sums their cross matrix `R[r, j] = sum_rest psi_r conj(lambda_j)` over
the action's wires (ADJ_STEP). The derivatives of every parameter inside the action (a
gate's eigen-factors `exp(-i s theta G)`, or every member of a fused block) then come
from R alone, by the same sweep on two small registers A = R and B = 1: before undoing
each factor, `d/d theta += 2 s Im <B|G|A>` (GEN_CROSS). So fusion hides no parameter,
the state is swept once per fused action, and the sums over chunks of a blocked state
add up. Parity gates (MultiRZ of any width) are differentiated in their undo pass itself.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import opcodes as O
from .encode import Encoder, local_offsets
from .fusion import Block
from .gate_actions import GateAction
from .lowering import Lowered, Measured
from .observables import MatrixObs
from .pools import Scalar, Scalars

Instruction = tuple[int, ...]


def inverse(a: GateAction | Block) -> GateAction | Block:
    """The action undoing `a`: parametric factors reversed with their signs flipped, constant data
    conjugated (transposed, or its permutation inverted)."""
    if isinstance(a, Block):
        return Block(a.wires, tuple(inverse(m) for m in reversed(a.members)))
    if not a.is_constant:
        return replace(a, factors=tuple(replace(f, sign=-f.sign) for f in reversed(a.factors)))
    if a.kind == "dense":
        return replace(a, data=a.data.conj().T)
    if a.kind != "perm":
        return replace(a, data=a.data.conj())
    undo = np.empty_like(a.perm)
    undo[a.perm] = np.arange(len(a.perm))
    return replace(a, data=np.conj(a.data)[undo], perm=undo)


def generator(a: GateAction, f) -> np.ndarray:
    """The Hermitian generator G of factor `f` of `a` on a's targets: the factor is exp(-i s theta G)."""
    if a.kind == "dense":
        return np.einsum("j,jab->ab", f.eigenvalues, f.projectors)
    if a.kind == "diag":
        return np.diag(f.eigenvalues).astype(complex)
    signs = [bin(m).count("1") & 1 for m in range(2 ** len(a.targets))]
    return np.diag(f.eigenvalues[signs]).astype(complex)


def embed(apply: Instruction) -> Instruction:
    """An APPLY instruction as the kernels find it inside another: with a (dummy) length field."""
    return (apply[0], 0, *apply[1:])


class AdjointEncoder:
    """Instructions of the cotangent and backward sections, sharing the forward's pools."""

    def __init__(self, enc: Encoder, scalars: Scalars, live: set[int]):
        self.enc, self.scalars, self.live = enc, scalars, live
        self.cross_registers: list[tuple[int, int]] = []  # (offset, size) of every A

    # -- cotangents ---------------------------------------------------------------------

    def cotangents(self, lowered: Lowered) -> tuple[list[Instruction], list[tuple[int, int]], int]:
        """lambda's instructions; per result (weights slot, size), slot -1 without a derivative;
        the size of the weights vector."""
        slots: dict = {}
        instructions: list[Instruction] = []
        size = 0
        for v in lowered.outputs:
            if v in slots:
                continue
            m = lowered.measured[v]
            if m.kind in ("q.expval", "q.var"):
                instructions.append(self._observable(m, size))
                slots[v] = (size, 1)
            elif m.kind == "q.probs":
                instructions.append((O.COT_PROBS, size, len(m.bits), *m.bits))
                slots[v] = (size, 2 ** len(m.bits))
            else:
                slots[v] = (-1, 0)
            size += slots[v][1]
        return instructions, [slots[v] for v in lowered.outputs], size

    def _observable(self, m: Measured, slot: int) -> Instruction:
        var = m.kind == "q.var"
        if isinstance(m.obs, MatrixObs):
            bits, matrix, cpool = m.obs.bits, m.obs.matrix, self.enc.cpool
            ins = (O.COT_VAR_MATRIX if var else O.COT_MATRIX, slot, cpool.matrix(matrix), len(bits),
                   *bits, *sorted(bits), *local_offsets(tuple(bits)))
            return (*ins, cpool.matrix(matrix @ matrix)) if var else ins
        fields: list[int] = []
        for t in m.obs.terms:
            fields += [-1 if t.coeff is None else self.scalars.reg(t.coeff), t.xmask, t.zmask, t.ny]
        return (O.COT_VAR_TERMS if var else O.COT_TERMS, slot, len(m.obs.terms), *fields)

    # -- backward -----------------------------------------------------------------------

    def backward(self, a: GateAction | Block, bit_of, nq: int) -> tuple[list[Instruction], list[Instruction]]:
        """(state instructions, small-register instructions) undoing `a` on psi and lambda (on
        an nq-qubit register whose wire w is bit `bit_of(w)`) and differentiating its parameters."""
        undo = embed(self.enc.apply(inverse(a), bit_of, nq))
        members = a.members if isinstance(a, Block) else (a,)
        if not any(f.reg in self.live for m in members for f in m.factors):
            return [(O.UNDO, *undo)], []
        if isinstance(a, GateAction) and a.kind == "parity":
            f = a.factors[0]
            c = self.scalars.reg(Scalar(value=float(f.eigenvalues[0])))
            return [(O.ADJ_PARITY, f.reg, f.sign, c, *undo)], []
        if isinstance(a, Block):
            wires = a.wires
        else:
            wires, members = a.targets, (replace(a, controls=(), values=()),)
        d = 2 ** len(wires)
        ra = self.enc.cpool.scratch(d * d)
        self.cross_registers.append((ra, d * d))
        return [(O.ADJ_STEP, ra, *undo)], self._small_sweep(members, wires, ra)

    def _small_sweep(self, members, wires, ra: int) -> list[Instruction]:
        """The backward sweep of an action's members on the registers A = R and B = 1 (2k qubits,
        row bits low as Encoder.block_matrix lays out blocks), factor by factor."""
        kb = len(wires)
        rb = self.enc.cpool.scratch(4**kb)
        row_bit = {w: kb - 1 - i for i, w in enumerate(wires)}.__getitem__
        steps = [f for m in members for f in m.factors]
        first = next(i for i, f in enumerate(steps) if f.reg in self.live)  # nothing to undo below it
        out: list[Instruction] = [(O.BLOCK_INIT, rb, kb)]
        position = len(steps)
        for m in reversed(members):
            if m.is_constant:
                if position > first:
                    out += self._undo_small(inverse(m), row_bit, 2 * kb, ra, rb)
                continue
            for f in reversed(m.factors):
                position -= 1
                if position < first:
                    return out
                if f.reg in self.live:
                    g = GateAction("dense", m.targets, m.controls, m.values, data=generator(m, f))
                    on_a = self.enc.apply(g, row_bit, 2 * kb, reg=ra)
                    out.append((O.GEN_CROSS, f.reg, f.sign, rb, *embed(on_a)))
                if position > first:
                    one = replace(m, factors=(replace(f, sign=-f.sign),))
                    out += self._undo_small(one, row_bit, 2 * kb, ra, rb)
        return out

    def _undo_small(self, a: GateAction, row_bit, nq: int, ra: int, rb: int) -> list[Instruction]:
        on_a = self.enc.apply(a, row_bit, nq, reg=ra)
        return [on_a, self.enc.apply(a, row_bit, nq, reg=rb, mat=on_a[5])]
