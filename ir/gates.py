"""The gate table: the single source of truth for every gate kettle knows.

Each entry is data (see `gate_spec.py`): a fixed matrix or generators, controls, a
decomposition (exact up to a global phase) and the OpenQASM name. Matrices follow
PennyLane's definitions and wire 0 is the most significant bit. Adding a gate is one
entry here; the table-driven tests then check its matrix, inverse, decomposition and
shift rule.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from functools import reduce

import numpy as np

from .gate_spec import Affine, GateSpec, Step, const

I2 = np.eye(2, dtype=complex)
PX = np.array([[0, 1], [1, 0]], dtype=complex)
PY = np.array([[0, -1j], [1j, 0]], dtype=complex)
PZ = np.array([[1, 0], [0, -1]], dtype=complex)
P1 = np.array([[0, 0], [0, 1]], dtype=complex)  # |1><1|
PAULIS = {"I": I2, "X": PX, "Y": PY, "Z": PZ}

PI = np.pi
p0, p1, p2 = Affine.param(0), Affine.param(1), Affine.param(2)
HALF_PI = const(PI / 2)
# PennyLane's qml.ECR (IBM's echoed cross-resonance gate): (X(x)I - Y(x)X) / sqrt(2).
ECR_MATRIX = np.array([[0, 0, 1, 1j], [0, 0, 1j, 1], [1, -1j, 0, 0], [-1j, 1, 0, 0]]) / np.sqrt(2)


def kron(*ms: np.ndarray) -> np.ndarray:
    return reduce(np.kron, ms)


def controlled_matrix(m: np.ndarray, control_values: int | Sequence[bool]) -> np.ndarray:
    """`m` on the trailing (target) qubits when the leading control qubits hold `control_values`
    (an int n means n controls, all |1>); the identity on every other control pattern."""
    values = (True,) * control_values if isinstance(control_values, int) else tuple(control_values)
    if not values:
        return m
    d = m.shape[0]
    active = int("".join("1" if v else "0" for v in values), 2)
    out = np.eye(d * 2 ** len(values), dtype=complex)
    out[active * d:(active + 1) * d, active * d:(active + 1) * d] = m
    return out


def _steps(*steps: Step):
    return lambda n_wires: steps


def _s(gate: str, *wires: int, params: tuple[Affine, ...] = (), adjoint: bool = False) -> Step:
    return Step(gate, wires, params, adjoint)


def _fixed(name, matrix, qasm=None, decomposition=None, qasm_adjoint=None, aliases=(),
           alternatives=()):
    n = int(np.log2(matrix.shape[0]))
    return GateSpec(name, n, 0, qasm, fixed=np.asarray(matrix, dtype=complex),
                    decomposition=decomposition, qasm_adjoint=qasm_adjoint, aliases=aliases,
                    alternatives=alternatives)


def _rotation(name, generators, num_wires=1, qasm=None, decomposition=None, params=("phi",),
              alternatives=()):
    num_params = 1 + max(p for p, _ in generators)
    return GateSpec(name, num_wires, num_params, qasm, generators=lambda n: generators,
                    decomposition=decomposition, param_names=params, alternatives=alternatives)


def _both(conjugator: str, ising: str):
    """`ising` conjugated by `conjugator` on both wires: W(x)W Ising(t) (W(x)W)^dagger with
    W = S maps XX to YY, W = H maps XX to ZZ and back."""
    return _steps(_s(conjugator, 0, adjoint=True), _s(conjugator, 1, adjoint=True),
                  _s(ising, 0, 1, params=(p0,)), _s(conjugator, 0), _s(conjugator, 1))


def _multi_rz_generators(n: int):
    return ((0, kron(*[PZ] * n) / 2),)


def _multi_rz_decomposition(n: int) -> tuple[Step, ...]:
    ladder = [_s("CNOT", i, i - 1) for i in range(n - 1, 0, -1)]
    return (*ladder, _s("RZ", 0, params=(p0,)), *reversed(ladder))


_BASE = [
    _fixed("Identity", I2, "id", _steps(), aliases=("I",)),
    _fixed("Hadamard", np.array([[1, 1], [1, -1]]) / np.sqrt(2), "h",
           _steps(_s("RZ", 0, params=(const(PI / 2),)), _s("RX", 0, params=(const(PI / 2),)),
                  _s("RZ", 0, params=(const(PI / 2),))), aliases=("H",)),
    _fixed("PauliX", PX, "x", _steps(_s("RX", 0, params=(const(PI),))), aliases=("X",)),
    _fixed("PauliY", PY, "y", _steps(_s("RY", 0, params=(const(PI),))), aliases=("Y",)),
    _fixed("PauliZ", PZ, "z", _steps(_s("RZ", 0, params=(const(PI),))), aliases=("Z",)),
    _fixed("S", np.diag([1, 1j]), "s", _steps(_s("RZ", 0, params=(const(PI / 2),))), "sdg"),
    _fixed("T", np.diag([1, np.exp(1j * PI / 4)]), "t",
           _steps(_s("RZ", 0, params=(const(PI / 4),))), "tdg"),
    _fixed("SX", 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]), "sx",
           _steps(_s("RX", 0, params=(const(PI / 2),)))),
    _fixed("SWAP", np.eye(4)[[0, 2, 1, 3]], "swap",
           _steps(_s("CNOT", 0, 1), _s("CNOT", 1, 0), _s("CNOT", 0, 1))),
    _fixed("ISWAP", np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]), None,
           _steps(_s("S", 0), _s("S", 1), _s("Hadamard", 0), _s("CNOT", 0, 1),
                  _s("CNOT", 1, 0), _s("Hadamard", 1))),
    _fixed("ECR", ECR_MATRIX, "ecr", _steps(
        _s("PauliZ", 0), _s("CNOT", 0, 1), _s("SX", 1), _s("RX", 0, params=(HALF_PI,)),
        _s("RY", 0, params=(HALF_PI,)), _s("RX", 0, params=(HALF_PI,)))),
    _rotation("RX", ((0, PX / 2),), qasm="rx"),
    _rotation("RY", ((0, PY / 2),), qasm="ry"),
    _rotation("RZ", ((0, PZ / 2),), qasm="rz"),
    _rotation("PhaseShift", ((0, -P1),), qasm="p", decomposition=_steps(_s("RZ", 0, params=(p0,)))),
    _rotation("Rot", ((0, PZ / 2), (1, PY / 2), (2, PZ / 2)),
              decomposition=_steps(_s("RZ", 0, params=(p0,)), _s("RY", 0, params=(p1,)),
                                   _s("RZ", 0, params=(p2,))), params=("phi", "theta", "omega")),
    # U3(theta, phi, delta) = PhaseShift(phi) RY(theta) PhaseShift(delta), exactly.
    _rotation("U3", ((2, -P1), (0, PY / 2), (1, -P1)), qasm="u3",
              decomposition=_steps(_s("RZ", 0, params=(p2,)), _s("RY", 0, params=(p0,)),
                                   _s("RZ", 0, params=(p1,))), params=("theta", "phi", "delta")),
    _rotation("IsingXX", ((0, kron(PX, PX) / 2),), 2, "rxx",
              _steps(_s("CNOT", 0, 1), _s("RX", 0, params=(p0,)), _s("CNOT", 0, 1)),
              alternatives=(_both("Hadamard", "IsingZZ"),)),
    _rotation("IsingYY", ((0, kron(PY, PY) / 2),), 2, "ryy",
              _steps(_s("CY", 0, 1), _s("RY", 0, params=(p0,)), _s("CY", 0, 1)),
              alternatives=(_both("S", "IsingXX"),)),
    _rotation("IsingZZ", ((0, kron(PZ, PZ) / 2),), 2, "rzz",
              _steps(_s("CNOT", 0, 1), _s("RZ", 1, params=(p0,)), _s("CNOT", 0, 1)),
              alternatives=(_both("Hadamard", "IsingXX"),)),
    GateSpec("MultiRZ", None, 1, None, generators=_multi_rz_generators,
             decomposition=_multi_rz_decomposition, param_names=("theta",)),
]

_TABLE = {g.name: g for g in _BASE}


def _controlled(name, base, n_controls=1, qasm=None, decomposition=None, alternatives=()):
    """A gate that is `base` on its last wires when all leading control wires are |1>."""
    b = _TABLE[base]
    width = n_controls + b.wires_for(None)
    projector = kron(*[P1] * n_controls)
    generators = None
    if b.generators is not None:
        gens = b.generators(b.wires_for(None))
        generators = lambda n, gens=gens: tuple((p, np.kron(projector, g)) for p, g in gens)  # noqa: E731
    fixed = None if b.fixed is None else controlled_matrix(b.fixed, n_controls)
    return GateSpec(name, width, b.num_params, qasm, fixed=fixed, generators=generators,
                    control=(base, n_controls), decomposition=decomposition,
                    param_names=b.param_names, alternatives=alternatives)


_CONTROLLED = [
    # CNOT = exp(i pi/4 (I - Z)(x)(I - X)): an RZ(pi/2), an RX(pi/2) and a ZX rotation,
    # which ECR, CZ, IsingXX and CY each give with local gates.
    _controlled("CNOT", "PauliX", qasm="cx", alternatives=(
        _steps(_s("PauliX", 0), _s("ECR", 0, 1), _s("RZ", 0, params=(HALF_PI,)),
               _s("RX", 1, params=(HALF_PI,))),
        _steps(_s("Hadamard", 1), _s("CZ", 0, 1), _s("Hadamard", 1)),
        _steps(_s("Hadamard", 0), _s("IsingXX", 0, 1, params=(-HALF_PI,)), _s("Hadamard", 0),
               _s("RZ", 0, params=(HALF_PI,)), _s("RX", 1, params=(HALF_PI,))),
        _steps(_s("S", 1), _s("CY", 0, 1), _s("S", 1, adjoint=True)),
    )),
    _controlled("CZ", "PauliZ", qasm="cz",
                decomposition=_steps(_s("Hadamard", 1), _s("CNOT", 0, 1), _s("Hadamard", 1)),
                alternatives=(
                    _steps(_s("ControlledPhaseShift", 0, 1, params=(const(PI),))),
                    _steps(_s("IsingZZ", 0, 1, params=(-HALF_PI,)), _s("RZ", 0, params=(HALF_PI,)),
                           _s("RZ", 1, params=(HALF_PI,))),
                )),
    _controlled("CY", "PauliY", qasm="cy",
                decomposition=_steps(_s("S", 1, adjoint=True), _s("CNOT", 0, 1), _s("S", 1))),
    # CRX and CRY also as a CRZ in another frame: bases that rotate only about Z (rz/sx)
    # then need no traced rotation about X or Y.
    _controlled("CRX", "RX", qasm="crx", decomposition=_steps(
        _s("RZ", 1, params=(const(PI / 2),)), _s("RY", 1, params=(p0 / 2,)), _s("CNOT", 0, 1),
        _s("RY", 1, params=(-p0 / 2,)), _s("CNOT", 0, 1), _s("RZ", 1, params=(const(-PI / 2),))),
        alternatives=(_steps(_s("Hadamard", 1), _s("CRZ", 0, 1, params=(p0,)), _s("Hadamard", 1)),)),
    _controlled("CRY", "RY", qasm="cry", decomposition=_steps(
        _s("RY", 1, params=(p0 / 2,)), _s("CNOT", 0, 1), _s("RY", 1, params=(-p0 / 2,)),
        _s("CNOT", 0, 1)),
        alternatives=(_steps(_s("S", 1, adjoint=True), _s("Hadamard", 1), _s("CRZ", 0, 1, params=(p0,)),
                             _s("Hadamard", 1), _s("S", 1)),)),
    _controlled("CRZ", "RZ", qasm="crz", decomposition=_steps(
        _s("RZ", 1, params=(p0 / 2,)), _s("CNOT", 0, 1), _s("RZ", 1, params=(-p0 / 2,)),
        _s("CNOT", 0, 1))),
    _controlled("CRot", "Rot", decomposition=_steps(
        _s("RZ", 1, params=((p0 - p2) / 2,)), _s("CNOT", 0, 1),
        _s("RZ", 1, params=(-(p0 + p2) / 2,)), _s("RY", 1, params=(-p1 / 2,)),
        _s("CNOT", 0, 1), _s("RY", 1, params=(p1 / 2,)), _s("RZ", 1, params=(p2,)))),
    _controlled("ControlledPhaseShift", "PhaseShift", qasm="cp", decomposition=_steps(
        _s("PhaseShift", 0, params=(p0 / 2,)), _s("CNOT", 0, 1),
        _s("PhaseShift", 1, params=(-p0 / 2,)), _s("CNOT", 0, 1),
        _s("PhaseShift", 1, params=(p0 / 2,)))),
    _controlled("Toffoli", "PauliX", 2, qasm="ccx", decomposition=_steps(
        _s("Hadamard", 2), _s("CNOT", 1, 2), _s("T", 2, adjoint=True), _s("CNOT", 0, 2),
        _s("T", 2), _s("CNOT", 1, 2), _s("T", 2, adjoint=True), _s("CNOT", 0, 2), _s("T", 2),
        _s("T", 1), _s("CNOT", 0, 1), _s("Hadamard", 2), _s("T", 0), _s("T", 1, adjoint=True),
        _s("CNOT", 0, 1))),
    _controlled("CSWAP", "SWAP", qasm="cswap", decomposition=_steps(
        _s("CNOT", 2, 1), _s("Toffoli", 0, 1, 2), _s("CNOT", 2, 1))),
]

GATES: dict[str, GateSpec] = {g.name: g for g in (*_BASE, *_CONTROLLED)}
"""Every gate by its canonical (PennyLane) name."""

ALIASES: dict[str, str] = {alias: g.name for g in GATES.values() for alias in g.aliases}
"""Short names (`H`, `X`, `I`, ...) -> canonical names."""


def steps_matrix(steps: Sequence[Step], params: Sequence[float], n_wires: int) -> np.ndarray:
    """The product of `steps` (one decomposition, not expanded further) on `n_wires` wires."""
    u = np.eye(2**n_wires, dtype=complex).reshape((2,) * n_wires + (2**n_wires,))
    for step in steps:
        k = len(step.wires)
        m = GATES[step.gate].matrix([a.evaluate(params) for a in step.params], k, step.adjoint)
        moved = np.moveaxis(u, step.wires, range(k))
        moved = np.tensordot(m.reshape((2,) * (2 * k)), moved, axes=(range(k, 2 * k), range(k)))
        u = np.moveaxis(moved, range(k), step.wires)
    return u.reshape(2**n_wires, 2**n_wires)


@functools.cache
def decomposition_phase(name: str, n_wires: int, index: int = 0) -> Affine:
    """The global phase of a decomposition as an affine function of the gate's parameters:
    `U(p) = exp(i alpha(p)) * product of GATES[name].decompositions(n_wires)[index]`.

    Decompositions are exact only up to this phase, which matters once the gate is under a
    control. It is derived from the matrices (value at 0, slope per parameter) and checked
    at random points.

    Raises:
        ValueError: the phase is not affine in the parameters (a table error).
    """
    spec = GATES[name]
    steps = spec.decompositions(n_wires)[index]

    def alpha(p: np.ndarray) -> float:
        return float(np.angle(np.vdot(steps_matrix(steps, p, n_wires), spec.matrix(p, n_wires))))

    offset = alpha(np.zeros(spec.num_params))
    phase, h = Affine((), 0.0 if abs(offset) < 1e-12 else offset), 1e-4
    for i in range(spec.num_params):
        step = np.eye(spec.num_params)[i] * h
        slope = round((alpha(step) - alpha(-step)) / (2 * h) * 48) / 48  # the table's are k/48
        if slope:
            phase = phase + Affine.param(i) * slope
    for p in np.random.default_rng(9).uniform(-2 * PI, 2 * PI, (3, spec.num_params)):
        if abs(np.exp(1j * phase.evaluate(p)) - np.exp(1j * alpha(p))) > 1e-9:
            raise ValueError(f"{name}: decomposition {index} has a phase that is not affine")
    return phase


def is_self_inverse(name: str) -> bool:
    """A fixed gate equal to its own inverse (X, H, CNOT, SWAP, ECR...)."""
    fixed = GATES[name].fixed
    return fixed is not None and np.allclose(fixed @ fixed, np.eye(len(fixed)), atol=1e-12)
