"""Lower one `q.gate` to a GateAction, reading everything from the gate table.

The gate table's own controls (`spec.control`, e.g. CRX = RX with one control) and the
op's `ctrl` attribute become control wires with values, so only the base gate's matrix
is ever built. The base gate's structure picks the kernel: parity phase (generator
`c Z...Z`, e.g. MultiRZ on any width), diagonal, phased permutation, or dense.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ...ir import GATES, GateSpec

PARITY_PROBE_WIDTHS = (1, 2, 3)
MAX_EXPLICIT_WIDTH = 6  # wider gates are never expanded into 2^k x 2^k matrices


@dataclass(frozen=True, slots=True)
class Factor:
    """One per-call factor `exp(-i sign theta G)`: eigenvalues (or G's diagonal) and projectors."""

    reg: int
    sign: int
    eigenvalues: np.ndarray
    projectors: np.ndarray | None = None  # (d, d, d): projectors[j] = v_j v_j^dagger


@dataclass(frozen=True, slots=True)
class GateAction:
    """What to apply: `kind` on `targets` when each of `controls` has its `values` bit.

    Constant gates carry `data` (dense: (d, d) matrix; diag: (d,) diagonal; perm: (d,)
    phases with `perm`; parity: (2,) phases for even/odd parity); parametric ones carry
    `factors` to be built once per call.
    """

    kind: str
    targets: tuple[int, ...]
    controls: tuple[int, ...] = ()
    values: tuple[bool, ...] = ()
    data: np.ndarray | None = None
    perm: np.ndarray | None = None
    factors: tuple[Factor, ...] = ()

    @property
    def wires(self) -> tuple[int, ...]:
        return self.controls + self.targets

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    def target_matrix(self) -> np.ndarray:
        """The dense matrix on `targets` (constant actions only)."""
        d = 2 ** len(self.targets)
        if self.kind == "dense":
            return self.data
        if self.kind == "diag":
            return np.diag(self.data)
        if self.kind == "perm":
            m = np.zeros((d, d), dtype=complex)
            m[self.perm, np.arange(d)] = self.data
            return m
        parities = [bin(i).count("1") & 1 for i in range(d)]
        return np.diag(self.data[parities])


@functools.cache
def parity_constant(spec: GateSpec, k: int) -> float | None:
    """`c` if the gate is `exp(-i theta c Z^{(x)k})` (one parameter, one factor), else None.

    Variable-width gates are probed at small widths so that a wide MultiRZ never builds
    its 2^k x 2^k generator.
    """
    if spec.generators is None or spec.num_params != 1:
        return None
    if k <= MAX_EXPLICIT_WIDTH:
        widths = (k,)
    elif spec.num_wires is None:
        widths = PARITY_PROBE_WIDTHS
    else:
        return None
    found = set()
    for w in widths:
        gens = spec.generators(w)
        if len(gens) != 1:
            return None
        g = gens[0][1]
        diag = np.real(np.diag(g))
        signs = np.array([1 - 2 * (bin(i).count("1") & 1) for i in range(2**w)])
        if not (np.allclose(g, np.diag(diag)) and np.allclose(diag, diag[0] * signs)):
            return None
        found.add(round(float(diag[0]), 12))
    return found.pop() if len(found) == 1 else None


@functools.cache
def _structure(spec: GateSpec, k: int) -> tuple[bool, tuple[np.ndarray, np.ndarray] | None]:
    return spec.is_diagonal(k), spec.permutation()


def lower_gate(
    gate: str, adjoint: bool, ctrl: Sequence[bool], wires: Sequence[int],
    consts: Sequence[float | None], reg: Callable[[int], int],
) -> GateAction | None:
    """The action of one gate op; None when it is the identity.

    Args:
        gate, adjoint, ctrl: the op's attributes.
        wires: the wire of each qubit operand, in operand order.
        consts: each parameter's value if it is a compile-time constant, else None.
        reg: parameter index -> register index (for parametric gates).
    """
    ctrl, wires = tuple(ctrl), tuple(wires)
    if not consts:  # CNOT, H, ...: one action per placement
        return _unparametrised(gate, adjoint, ctrl, wires)
    spec, where = _placement(gate, ctrl, wires)
    k = len(where["targets"])
    sign = -1 if adjoint else 1
    c = parity_constant(spec, k)
    if None not in consts:
        return _constant(spec, k, adjoint, [float(v) for v in consts], c, where)
    if c is not None:
        return GateAction("parity", factors=(Factor(reg(0), sign, _parity_eigenvalues(c)),), **where)
    if k > MAX_EXPLICIT_WIDTH:
        raise ValueError(f"{gate} on {k} wires has no kernel without a 2^{k} x 2^{k} matrix")
    data = _factor_data(spec, k, adjoint)
    if _structure(spec, k)[0]:
        diag = tuple([Factor(reg(p), sign, g) for p, g, _ in data])
        return GateAction("diag", factors=diag, **where)
    dense = tuple([Factor(reg(p), sign, ev, proj) for p, ev, proj in data])
    return GateAction("dense", factors=dense, **where)


@functools.lru_cache(maxsize=4096)
def _placement(gate: str, ctrl: tuple[bool, ...], wires: tuple[int, ...]) -> tuple[GateSpec, dict]:
    """The base gate and where it acts: the op's controls, then the gate table's own controls
    (CRX = RX with one control). The dict of targets, controls and values is read, never written."""
    spec = GATES[gate]
    controls, values = list(wires[:len(ctrl)]), list(ctrl)
    rest = list(wires[len(ctrl):])
    while spec.control is not None:
        base, n = spec.control
        controls += rest[:n]
        values += [True] * n
        rest = rest[n:]
        spec = GATES[base]
    return spec, {"targets": tuple(rest), "controls": tuple(controls), "values": tuple(values)}


@functools.lru_cache(maxsize=4096)
def _unparametrised(gate: str, adjoint: bool, ctrl: tuple[bool, ...], wires: tuple[int, ...]):
    """The action of a gate without parameters, shared by every op with the same placement
    (actions are immutable, and their data arrays are shared and never written already)."""
    spec, where = _placement(gate, ctrl, wires)
    k = len(where["targets"])
    return _constant(spec, k, adjoint, [], parity_constant(spec, k), where)


@functools.cache
def _parity_eigenvalues(c: float) -> np.ndarray:
    """[c, -c], one array per constant (shared, never written): the encoder stores it once."""
    return np.array([c, -c])


@functools.cache
def _factor_data(spec: GateSpec, k: int, adjoint: bool) -> tuple[tuple[int, np.ndarray, np.ndarray], ...]:
    """Per factor in application order: (param index, eigenvalues or G's diagonal, projectors)."""
    factors = spec.factors(k)
    ordered = reversed(factors) if adjoint else factors
    if _structure(spec, k)[0]:
        return tuple((f.param, _generator_diagonal(f), None) for f in ordered)
    return tuple((f.param, f.eigenvalues, _projectors(f.vectors)) for f in ordered)


def _constant(spec, k, adjoint, params, c, where) -> GateAction | None:
    if spec.fixed is not None:
        kind, data, perm = _fixed_data(spec, k, adjoint)
        return None if kind is None else GateAction(kind, data=data, perm=perm, **where)
    if c is not None:
        theta = -params[0] if adjoint else params[0]
        phases = np.exp(-1j * theta * np.array([c, -c]))
        return None if np.all(phases == 1) else GateAction("parity", data=phases, **where)
    if k > MAX_EXPLICIT_WIDTH:
        raise ValueError(f"{spec.name} on {k} wires has no kernel without a 2^{k} x 2^{k} matrix")
    kind, data, perm = _classify(spec, k, adjoint, spec.matrix(params, k, adjoint=adjoint))
    return None if kind is None else GateAction(kind, data=data, perm=perm, **where)


@functools.cache
def _fixed_data(spec: GateSpec, k: int, adjoint: bool):
    """A fixed gate's (kind, data, perm), once per gate: data arrays are shared, never written."""
    return _classify(spec, k, adjoint, spec.matrix((), k, adjoint=adjoint))


def _classify(spec: GateSpec, k: int, adjoint: bool, m: np.ndarray):
    """(kind, data, perm) of a constant matrix of `spec`; kind None for the identity."""
    if np.array_equal(m, np.eye(len(m))):
        return None, None, None
    diagonal, permutation = _structure(spec, k)
    if diagonal:
        return "diag", np.diag(m).copy(), None
    if permutation is not None:
        perm, phases = permutation
        if adjoint:  # U^dagger[j, perm[j]] = conj(phases[j]): invert the permutation
            inverse = np.empty_like(perm)
            inverse[perm] = np.arange(len(perm))
            perm, phases = inverse, np.conj(phases)[inverse]
        return "perm", np.asarray(phases, dtype=complex), perm
    return "dense", m, None


def _generator_diagonal(f) -> np.ndarray:
    return np.real(np.einsum("ij,j,ij->i", f.vectors, f.eigenvalues, f.vectors.conj()))


def _projectors(vectors: np.ndarray) -> np.ndarray:
    return np.einsum("ij,kj->jik", vectors, vectors.conj())
