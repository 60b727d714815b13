"""A gate application by wire number with affine angles: what the decomposition passes
rewrite before they emit IR again (kernel_rewrite.py turns calls into `q.gate` ops), and
`Templates`, which computes each rewrite once per shape of call sequence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..ir import F64, Value
from .angles import Angle


@dataclass(frozen=True)
class Call:
    """`gate` on `wires` (the first `len(ctrl)` are controls, on `ctrl[i]`), or, when
    `matrix` is set, that constant unitary on `wires` (a `q.unitary`)."""

    gate: str
    wires: tuple[int, ...]
    params: tuple[Angle, ...] = ()
    adjoint: bool = False
    ctrl: tuple[bool, ...] = ()
    matrix: np.ndarray | None = field(default=None, compare=False)

    @property
    def targets(self) -> tuple[int, ...]:
        return self.wires[len(self.ctrl):]

    @property
    def is_constant(self) -> bool:
        return all(p.is_constant for p in self.params)


def constant(value: float) -> Angle:
    return Angle((), float(value))


_PLACEHOLDERS: list[Value] = []
_INDEX: dict[Value, int] = {}


def _placeholder(i: int) -> Value:
    while len(_PLACEHOLDERS) <= i:
        v = Value(F64, f"atom{len(_PLACEHOLDERS)}")
        _INDEX[v] = len(_PLACEHOLDERS)
        _PLACEHOLDERS.append(v)
    return _PLACEHOLDERS[i]


class Templates:
    """Rewrites of call sequences, computed once per shape and reused.

    A circuit repeats the same few gate shapes many times (H, CNOT, RX of a parameter). A
    sequence's shape is what its rewrite depends on: gates, flags, relative wires, constant
    angles, and which traced values its angles combine with which coefficients. The rewrite
    is computed on the shape (wires 0.., placeholder values) and instantiated for each
    occurrence; it is exactly what rewriting the occurrence itself would give.
    """

    def __init__(self, rewrite: Callable[[list[Call]], list[Call] | None]):
        self.rewrite = rewrite
        self._done: dict[tuple, list[Call] | None] = {}

    def __call__(self, calls: Sequence[Call]) -> list[Call] | None:
        wires: dict[int, int] = {}
        atoms: dict[Value, int] = {}
        key = tuple(_shape(c, wires, atoms) for c in calls)
        if key not in self._done:
            self._done[key] = self.rewrite([_canonical(c, wires, atoms) for c in calls])
        template = self._done[key]
        if template is None:
            return None
        wire_of, atom_of = list(wires), list(atoms)
        return [_instantiate(c, wire_of, atom_of) for c in template]


def _shape(c: Call, wires: dict[int, int], atoms: dict[Value, int]) -> tuple:
    for w in c.wires:
        wires.setdefault(w, len(wires))
    params = []
    for p in c.params:
        for v, _ in p.terms:
            atoms.setdefault(v, len(atoms))
        params.append((tuple((atoms[v], k) for v, k in p.terms), p.offset))
    matrix = None if c.matrix is None else tuple(np.asarray(c.matrix).ravel().tolist())
    return (c.gate, tuple(wires[w] for w in c.wires), tuple(params), c.adjoint, c.ctrl, matrix)


def _canonical(c: Call, wires: dict[int, int], atoms: dict[Value, int]) -> Call:
    params = tuple(Angle(tuple((_placeholder(atoms[v]), k) for v, k in p.terms), p.offset)
                   for p in c.params)
    return Call(c.gate, tuple(wires[w] for w in c.wires), params, c.adjoint, c.ctrl, c.matrix)


def _instantiate(c: Call, wire_of: list[int], atom_of: list[Value]) -> Call:
    params = tuple(p if p.is_constant else
                   Angle(tuple((atom_of[_INDEX[v]], k) for v, k in p.terms), p.offset)
                   for p in c.params)
    return Call(c.gate, tuple(wire_of[w] for w in c.wires), params, c.adjoint, c.ctrl, c.matrix)
