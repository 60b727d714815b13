"""How each gate acts on each of its qubits ("z", "x" or neither), from the gate table.

Routing may execute commuting gates in either order (a CNOT's control and an RZ commute,
as do two CNOTs sharing a control or a target), which gives it more gates to choose from
at each step. A gate is "z" on a qubit when it commutes with Pauli Z there (it is
block-diagonal in that qubit's computational basis: controls, RZ, CZ, IsingZZ), "x" when
it commutes with Pauli X (a CNOT's target, RX, IsingXX).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from ...ir import GATES, Op, Value
from ...ir.arith import Constant
from ...ir.function import Function
from ...ir.gates import PX, PZ, controlled_matrix, kron
from ...ir.quantum import Gate
from ...ir.types import F64
from .interactions import Kind

GENERIC_POINTS = ((0.6180339887, 1.4142135624, 2.7182818285), (-1.1102230246, 0.3183098862, 0.9189385332))
"""Parameter values standing for "any": a parametric gate commutes with Z (or X) for every
angle iff its generators do, and then it does at two unrelated points too."""


def scalar_constants(fn: Function) -> dict[Value, float]:
    """The f64 constants of a function, by value: gate angles known at compile time."""
    return {o.out: float(o.value) for o in fn.body if isinstance(o, Constant) and o.out.type == F64}


def qubit_kinds(o: Op, constants: Mapping[Value, float]) -> tuple[Kind, ...]:
    """Per qubit of `o`, "z", "x" or None (unknown ops such as `q.unitary` get None)."""
    if not isinstance(o, Gate):
        return (None,) * len(o.qubits)
    params = tuple(constants.get(p) for p in o.params)
    return _kinds(o.gate, o.adjoint, o.ctrl, len(o.qubits), params)


@functools.lru_cache(maxsize=4096)
def _kinds(gate: str, adjoint: bool, ctrl: tuple[bool, ...], width: int,
           params: tuple[float | None, ...]) -> tuple[Kind, ...]:
    points = [params] if None not in params else [
        tuple(g if p is None else p for p, g in zip(params, generic)) for generic in GENERIC_POINTS]
    spec = GATES[gate]
    matrices = [controlled_matrix(spec.matrix(list(point), width - len(ctrl), adjoint=adjoint), ctrl)
                for point in points]
    kinds: list[Kind] = []
    for q in range(width):
        for name, pauli in (("z", PZ), ("x", PX)):
            p = kron(*[pauli if k == q else np.eye(2) for k in range(width)])
            if all(np.abs(m @ p - p @ m).max() < 1e-9 for m in matrices):
                kinds.append(name)
                break
        else:
            kinds.append(None)
    return tuple(kinds)
