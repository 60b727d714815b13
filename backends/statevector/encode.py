"""Assemble the int64 instruction table and the constant pools the kernels read.

Gate actions become one APPLY_* instruction on a register (the state, a chunk of it, or a
fused block being built); parametric ones also get a BUILD_* instruction in the prep
section that writes their matrix into scratch once per call. Identical constant data
(40 CNOTs, 40 Rot eigen-factors) is stored once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from . import opcodes as O
from .fusion import Block
from .gate_actions import GateAction
from .pools import ComplexPool, Scalars

APPLY_OPCODES = {"dense": O.APPLY_DENSE, "diag": O.APPLY_DIAG, "perm": O.APPLY_PERM,
                 "parity": O.APPLY_PARITY}


class Encoder:
    """Appends instructions to the prep section and hands out deduplicated constants."""

    def __init__(self, scalars: Scalars, cpool: ComplexPool):
        self.scalars, self.cpool = scalars, cpool
        self.prep: list[tuple[int, ...]] = []
        self._complex: dict = {}
        self._real: dict = {}

    def complex_data(self, values: np.ndarray, transpose: bool = False) -> int:
        return self._store(values, transpose, complex, self._complex, self.cpool.add)

    def real_data(self, values: np.ndarray) -> int:
        return self._store(values, False, float, self._real, self.scalars.array)

    def _store(self, values, transpose: bool, dtype, seen: dict, add) -> int:
        """Store `values` (or their transpose) once: by identity first (the gate table's cached
        arrays, shared by every action of a gate), then by content."""
        known = seen.get((id(values), transpose))
        if known is not None:
            return known[0]
        flat = np.ascontiguousarray(values.T if transpose else values, dtype=dtype).reshape(-1)
        key = flat.tobytes()
        if key not in seen:
            seen[key] = add(flat)
        seen[(id(values), transpose)] = (seen[key], values)  # keeps `values` alive: its id stays unique
        return seen[key]

    def matrix_offset(self, a: GateAction) -> int:
        """Where the action's matrix (or diagonal / phases) lives: constant or built per call."""
        d = 2 ** len(a.targets)
        if a.is_constant:
            return self.complex_data(a.data, transpose=a.kind == "dense")
        if a.kind == "dense":
            out = self.cpool.scratch(d * d)
            fields = [x for f in a.factors for x in (
                f.reg, f.sign, self.real_data(f.eigenvalues),
                self.complex_data(_column_major(f.projectors)))]
            self.prep.append((O.BUILD_DENSE, out, d, len(a.factors), *fields))
            return out
        size = 2 if a.kind == "parity" else d
        out = self.cpool.scratch(size)
        fields = [x for f in a.factors for x in (f.reg, f.sign, self.real_data(f.eigenvalues))]
        self.prep.append((O.BUILD_DIAG, out, size, len(a.factors), *fields))
        return out

    def block_matrix(self, block: Block) -> int:
        """Prep instructions building a parametric block: its gates applied to the columns of
        an identity held as a 2kb-qubit register (column index high, row index low)."""
        kb = len(block.wires)
        out = self.cpool.scratch(4**kb)
        self.prep.append((O.BLOCK_INIT, out, kb))
        row_bit = {w: kb - 1 - i for i, w in enumerate(block.wires)}
        for m in block.members:
            self.prep.append(self.apply(m, row_bit.__getitem__, 2 * kb, reg=out))
        return out

    def apply(self, a: GateAction | Block, bit_of: Callable[[int], int], nq: int, reg: int = -1,
              mat: int | None = None) -> tuple[int, ...]:
        """The APPLY instruction of `a` on an nq-qubit register whose wire w is bit `bit_of(w)`."""
        if isinstance(a, Block):
            mat = self.block_matrix(a) if mat is None else mat
            a = GateAction("dense", a.wires)
        kind = a.kind
        targets = tuple([bit_of(w) for w in a.targets])
        cmask = cval = 0
        for w, v in zip(a.controls, a.values):
            b = 1 << bit_of(w)
            cmask |= b
            cval |= b if v else 0
        fixed = sorted(targets + tuple(bit_of(w) for w in a.controls)) if a.controls else sorted(targets)
        mat = self.matrix_offset(a) if mat is None else mat
        perm = a.perm.tolist() if kind == "perm" else ()
        return (APPLY_OPCODES[kind], reg, nq, cmask, cval, mat, len(targets), len(fixed),
                *fixed, *local_offsets(targets), *perm)


def _column_major(projectors: np.ndarray) -> np.ndarray:
    """Projectors (d, d, d) stored column-major per matrix; cached so equal factors share storage."""
    key = id(projectors)
    if key not in _COLUMN_MAJOR:
        _COLUMN_MAJOR[key] = (projectors, np.ascontiguousarray(projectors.transpose(0, 2, 1)))
    return _COLUMN_MAJOR[key][1]


_COLUMN_MAJOR: dict[int, tuple[np.ndarray, np.ndarray]] = {}


@functools.cache
def local_offsets(bits: tuple[int, ...]) -> tuple[int, ...]:
    """offs[m]: index offset of local basis state m of `bits` (bits[0] most significant)."""
    k = len(bits)
    return tuple(sum(1 << b for a, b in enumerate(bits) if (m >> (k - 1 - a)) & 1) for m in range(2**k))


def assemble(n: int, out_size: int, prep: list[tuple[int, ...]], body: list[tuple[int, ...]],
             extra: list[tuple[int, ...]]) -> tuple[np.ndarray, list[int]]:
    """The code array (header, prep, body, extras) and the start index of each body instruction."""
    code = [n, 0, out_size, 0]
    for ins in prep:
        code += [ins[0], len(ins) + 1, *ins[1:]]
    code[O.H_PREP_END] = len(code)
    starts = []
    for ins in body:
        starts.append(len(code))
        code += [ins[0], len(ins) + 1, *ins[1:]]
    code[O.H_EXTRA_START] = len(code)
    for ins in extra:
        code += [ins[0], len(ins) + 1, *ins[1:]]
    return np.array(code, dtype=np.int64), starts
