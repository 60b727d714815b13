"""Gate modifiers on expanded gates: `inv @`, `pow(k) @` and `ctrl @` / `negctrl @`.

A gate call expands into a list of gate applications and `Phase` entries (the `gphase`
statements of a definition). `inv` reverses the list and inverts each entry; an integer
`pow` repeats it; a fractional power scales a one-parameter rotation's angle (exactly,
on the principal branch) and otherwise takes the principal matrix power (numbers only);
controls prepend control wires to every entry, and turn a phase into a phase gate on
the controls (the only place a global phase becomes observable).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ....ir import GATES
from ....ir.gates import controlled_matrix
from .program import GateApplication, Sym

MAX_MATRIX_WIRES = 10
"""The widest gate whose fractional power is taken as a dense matrix (2^10 x 2^10)."""


class Phase(NamedTuple):
    """`gphase(angle)`: a global phase e^{i angle} (on the controls' subspace, once controlled)."""

    angle: Any


class ModifierError(ValueError):
    """A modifier that cannot be applied; the interpreter adds the source location."""


def invert(prims: list) -> list:
    """The inverse of a list of gates and phases."""
    out = []
    for p in reversed(prims):
        if isinstance(p, Phase):
            out.append(Phase(_negate(p.angle)))
        else:
            out.append(p._replace(adjoint=not p.adjoint))
    return out


def power(prims: list, k: Any) -> list:
    """`prims` to the power `k` (an int or a float known at import)."""
    if isinstance(k, Sym):
        raise ModifierError("pow(k) @ with an input exponent cannot be traced; use a number")
    if float(k).is_integer():
        n = int(k)
        return (prims if n >= 0 else invert(prims)) * abs(n)
    if len(prims) == 1:
        return [_power_one(prims[0], float(k))]
    return [_matrix_gate(matrix_power(*dense_matrix(prims), float(k)))]


def control(prims: list, wires: tuple[int, ...], values: tuple[bool, ...]) -> list:
    """Every entry of `prims` controlled on `wires` holding `values`."""
    out = []
    for p in prims:
        if isinstance(p, Phase):
            out.extend(_controlled_phase(p.angle, wires, values))
        else:
            out.append(p._replace(controls=wires + p.controls, control_values=values + p.control_values))
    return out


def _controlled_phase(angle: Any, wires: tuple[int, ...], values: tuple[bool, ...]) -> list:
    """e^{i angle} on the subspace where `wires` hold `values`: a phase gate on the last control."""
    gate = GateApplication("PhaseShift", (wires[-1],), (angle,), wires[:-1], values[:-1])
    if values[-1]:
        return [gate]
    flip = GateApplication("PauliX", (wires[-1],))
    return [flip, gate, flip]


def _negate(angle: Any) -> Any:
    return Sym("neg", (angle,)) if isinstance(angle, Sym) else -angle


def _scale(angle: Any, k: float) -> Any:
    return Sym("*", (angle, k)) if isinstance(angle, Sym) else angle * k


def _power_one(p: Any, k: float) -> Any:
    if isinstance(p, Phase):
        return Phase(_scale(p.angle, k))
    if p.controls:  # ctrl(U)^k = ctrl(U^k)
        base = _power_one(p._replace(controls=(), control_values=()), k)
        return base._replace(controls=p.controls, control_values=p.control_values)
    spec = GATES.get(p.gate)
    if spec is not None and spec.control is not None:  # CRX = ctrl(RX): take the base's power
        base, n = spec.control
        inner = _power_one(GateApplication(base, p.wires[n:], p.params, adjoint=p.adjoint), k)
        return inner._replace(controls=p.wires[:n], control_values=(True,) * n)
    if spec is not None and spec.generators is not None and spec.num_params == 1:
        return p._replace(params=(_scale(p.params[0], k),))  # exp(-i t G)^k = exp(-i k t G)
    if any(isinstance(x, Sym) for x in p.params):
        raise ModifierError(f"a fractional power of {p.gate} with input parameters cannot be traced; "
                            f"only one-parameter rotations scale their angle")
    return _matrix_gate(matrix_power(gate_matrix(p), p.all_wires, k))


def gate_matrix(p: GateApplication) -> np.ndarray:
    """The matrix of one application on its `all_wires` (controls first)."""
    if p.gate == "QubitUnitary":
        m = np.array(p.matrix, dtype=complex)
        m = m.conj().T if p.adjoint else m
    else:
        m = GATES[p.gate].matrix([float(x) for x in p.params], len(p.wires), adjoint=p.adjoint)
    return controlled_matrix(m, p.control_values)


def dense_matrix(prims: list) -> tuple[np.ndarray, tuple[int, ...]]:
    """The product of `prims` (phases included) on the wires they touch, sorted."""
    wires = tuple(sorted({w for p in prims if not isinstance(p, Phase) for w in p.all_wires}))
    if len(wires) > MAX_MATRIX_WIRES:
        raise ModifierError(f"a fractional power of a gate on {len(wires)} qubits needs its "
                            f"{2 ** len(wires)}-square matrix; kettle stops at {MAX_MATRIX_WIRES} qubits")
    if any(isinstance(x, Sym) for p in prims for x in (p if isinstance(p, Phase) else p.params)):
        raise ModifierError("a fractional power of a gate with input parameters cannot be traced")
    n = len(wires)
    u = np.eye(2**n, dtype=complex).reshape((2,) * n + (2**n,))
    phase = 1.0 + 0j
    for p in prims:
        if isinstance(p, Phase):
            phase *= np.exp(1j * float(p.angle))
            continue
        axes = [wires.index(w) for w in p.all_wires]
        m = gate_matrix(p).reshape((2,) * (2 * len(axes)))
        u = np.tensordot(m, u, axes=(list(range(len(axes), 2 * len(axes))), axes))
        u = np.moveaxis(u, list(range(len(axes))), axes)
    return phase * u.reshape(2**n, 2**n), wires


def matrix_power(u: np.ndarray, wires: tuple[int, ...], k: float) -> tuple[np.ndarray, tuple[int, ...]]:
    """The principal `k`-th power of the unitary `u` (eigenphases in (-pi, pi])."""
    # A Hermitian combination of U and U^dagger shares U's eigenvectors and has an
    # orthonormal eigenbasis even where U's eigenvalues repeat.
    hermitian = (u + u.conj().T) / 2 + (np.sqrt(2) / np.pi) * (u - u.conj().T) / 2j
    _, vectors = np.linalg.eigh(hermitian)
    phases = np.angle(np.diag(vectors.conj().T @ u @ vectors))
    phases = np.where(phases <= -np.pi + 1e-9, np.pi, phases)
    return (vectors * np.exp(1j * k * phases)) @ vectors.conj().T, wires


_RECOGNISED = [name for name, spec in GATES.items() if spec.fixed is not None]


def _matrix_gate(result: tuple[np.ndarray, tuple[int, ...]]) -> GateApplication:
    """A table gate when `m` is one (S, T, SX, a phase gate, ...), else a QubitUnitary."""
    m, wires = result
    if len(wires) == 1 and abs(m[0, 1]) < 1e-12 and abs(m[1, 0]) < 1e-12 and abs(m[0, 0] - 1) < 1e-12:
        return GateApplication("PhaseShift", wires, (float(np.angle(m[1, 1])),))
    for name in _RECOGNISED:
        spec = GATES[name]
        if spec.fixed.shape == m.shape:
            for adjoint in (False, True):
                if np.allclose(spec.matrix((), adjoint=adjoint), m, atol=1e-12):
                    return GateApplication(name, wires, adjoint=adjoint)
    return GateApplication("QubitUnitary", wires, matrix=tuple(tuple(complex(x) for x in row) for row in m))
