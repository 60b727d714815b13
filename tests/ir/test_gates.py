"""Table-driven tests of the gate table: every entry of `GATES` checked against matrices built here.

The expected matrices are written out entry by entry from PennyLane's documented formulas
(wire 0 is the most significant bit), so they share no code with `ir/gates.py`. Each gate
is then checked for unitarity, inverse, decomposition, shift-rule frequencies, structure
flags and controls, in the spirit of Stim's and Cirq's gate-table tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from kettle.ir import ALIASES, GATES
from kettle.ir.gates import decomposition_phase, is_self_inverse

RNG_SEED = 20240601
MULTI_WIRE_WIDTHS = (1, 2, 3, 4)  # widths tried for gates that act on any number of wires


def _cs(theta: float) -> tuple[float, float]:
    return np.cos(theta / 2), np.sin(theta / 2)


def _rx(t: float) -> np.ndarray:
    c, s = _cs(t)
    return np.array([[c, -1j * s], [-1j * s, c]])


def _ry(t: float) -> np.ndarray:
    c, s = _cs(t)
    return np.array([[c, -s], [s, c]])


def _rz(t: float) -> np.ndarray:
    return np.array([[np.exp(-0.5j * t), 0], [0, np.exp(0.5j * t)]])


def _phase_shift(phi: float) -> np.ndarray:
    return np.array([[1, 0], [0, np.exp(1j * phi)]])


def _rot(phi: float, theta: float, omega: float) -> np.ndarray:
    c, s = _cs(theta)
    return np.array([
        [np.exp(-0.5j * (phi + omega)) * c, -np.exp(0.5j * (phi - omega)) * s],
        [np.exp(-0.5j * (phi - omega)) * s, np.exp(0.5j * (phi + omega)) * c],
    ])


def _u3(theta: float, phi: float, delta: float) -> np.ndarray:
    c, s = _cs(theta)
    return np.array([
        [c, -np.exp(1j * delta) * s],
        [np.exp(1j * phi) * s, np.exp(1j * (phi + delta)) * c],
    ])


def _controlled_2x2(u: np.ndarray) -> np.ndarray:
    """|0><0| x I + |1><1| x u, written out as a 4x4 array."""
    return np.array([
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, u[0, 0], u[0, 1]],
        [0, 0, u[1, 0], u[1, 1]],
    ])


def _ising_xx(t: float) -> np.ndarray:
    c, s = _cs(t)
    return np.array([
        [c, 0, 0, -1j * s],
        [0, c, -1j * s, 0],
        [0, -1j * s, c, 0],
        [-1j * s, 0, 0, c],
    ])


def _ising_yy(t: float) -> np.ndarray:
    c, s = _cs(t)
    return np.array([
        [c, 0, 0, 1j * s],
        [0, c, -1j * s, 0],
        [0, -1j * s, c, 0],
        [1j * s, 0, 0, c],
    ])


def _ising_zz(t: float) -> np.ndarray:
    a, b = np.exp(-0.5j * t), np.exp(0.5j * t)
    return np.diag([a, b, b, a])


def _multi_rz(t: float, n: int) -> np.ndarray:
    """diag(exp(-i t/2 * (-1)^parity(k))) over the basis states k."""
    parity = [bin(k).count("1") % 2 for k in range(2**n)]
    return np.diag([np.exp(-0.5j * t * (1 - 2 * p)) for p in parity])


def _permutation_matrix(images: Sequence[int]) -> np.ndarray:
    """The matrix sending basis state j to basis state images[j]."""
    m = np.zeros((len(images), len(images)))
    for j, i in enumerate(images):
        m[i, j] = 1
    return m


r2 = 1 / np.sqrt(2)
FIXED: dict[str, np.ndarray] = {
    "Identity": np.array([[1, 0], [0, 1]]),
    "Hadamard": np.array([[r2, r2], [r2, -r2]]),
    "PauliX": np.array([[0, 1], [1, 0]]),
    "PauliY": np.array([[0, -1j], [1j, 0]]),
    "PauliZ": np.array([[1, 0], [0, -1]]),
    "S": np.array([[1, 0], [0, 1j]]),
    "T": np.array([[1, 0], [0, (1 + 1j) * r2]]),
    "SX": 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]),
    "CNOT": _permutation_matrix([0, 1, 3, 2]),
    "CZ": np.diag([1, 1, 1, -1]),
    "CY": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, -1j], [0, 0, 1j, 0]]),
    "SWAP": _permutation_matrix([0, 2, 1, 3]),
    # PennyLane's qml.ECR: (X(x)I - Y(x)X) / sqrt(2), written out.
    "ECR": r2 * np.array([[0, 0, 1, 1j], [0, 0, 1j, 1], [1, -1j, 0, 0], [-1j, 1, 0, 0]]),
    "ISWAP": np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]),
    "Toffoli": _permutation_matrix([0, 1, 2, 3, 4, 5, 7, 6]),
    "CSWAP": _permutation_matrix([0, 1, 2, 3, 4, 6, 5, 7]),
}

PARAMETRIC: dict[str, Callable[..., np.ndarray]] = {
    "RX": _rx,
    "RY": _ry,
    "RZ": _rz,
    "PhaseShift": _phase_shift,
    "Rot": _rot,
    "U3": _u3,
    "CRX": lambda t: _controlled_2x2(_rx(t)),
    "CRY": lambda t: _controlled_2x2(_ry(t)),
    "CRZ": lambda t: _controlled_2x2(_rz(t)),
    "CRot": lambda a, b, c: _controlled_2x2(_rot(a, b, c)),
    "ControlledPhaseShift": lambda t: np.diag([1, 1, 1, np.exp(1j * t)]),
    "IsingXX": _ising_xx,
    "IsingYY": _ising_yy,
    "IsingZZ": _ising_zz,
}

# Gates acting on any number of wires: expected matrix from (params..., n_wires).
VARIABLE_WIDTH: dict[str, Callable[..., np.ndarray]] = {"MultiRZ": _multi_rz}

DIAGONAL = {"Identity", "PauliZ", "S", "T", "CZ", "RZ", "PhaseShift", "CRZ",
            "ControlledPhaseShift", "IsingZZ", "MultiRZ"}
PHASED_PERMUTATIONS = {"Identity", "PauliX", "PauliY", "PauliZ", "S", "T", "CNOT", "CZ", "CY",
                       "SWAP", "ISWAP", "Toffoli", "CSWAP"}


def _cases() -> list[tuple[str, int]]:
    """(gate name, wire count) for every gate; variable-width gates at several widths."""
    out = []
    for name, spec in GATES.items():
        widths = MULTI_WIRE_WIDTHS if spec.num_wires is None else (spec.num_wires,)
        out += [(name, n) for n in widths]
    return out


CASES = _cases()
CASE_IDS = [f"{name}-{n}" for name, n in CASES]
PARAM_CASES = [(name, n, k) for name, n in CASES for k in range(GATES[name].num_params)]
PARAM_CASE_IDS = [f"{name}-{n}-p{k}" for name, n, k in PARAM_CASES]


def _random_params(rng: np.random.Generator, name: str) -> list[float]:
    return list(rng.uniform(-2 * np.pi, 2 * np.pi, GATES[name].num_params))


def _expected(name: str, params: Sequence[float], n: int) -> np.ndarray:
    if name in FIXED:
        return FIXED[name]
    if name in VARIABLE_WIDTH:
        return VARIABLE_WIDTH[name](*params, n)
    return PARAMETRIC[name](*params)


def _embed(m: np.ndarray, wires: Sequence[int], n: int) -> np.ndarray:
    """`m` acting on local `wires` of an n-wire register, built basis state by basis state."""
    k = len(wires)
    out = np.zeros((2**n, 2**n), dtype=complex)
    for col in range(2**n):
        bits = [(col >> (n - 1 - w)) & 1 for w in range(n)]
        sub_in = sum(bits[w] << (k - 1 - i) for i, w in enumerate(wires))
        for sub_out in range(2**k):
            new = list(bits)
            for i, w in enumerate(wires):
                new[w] = (sub_out >> (k - 1 - i)) & 1
            row = sum(b << (n - 1 - w) for w, b in enumerate(new))
            out[row, col] += m[sub_out, sub_in]
    return out


def _assert_equal_up_to_phase(actual: np.ndarray, expected: np.ndarray) -> None:
    overlap = np.vdot(expected, actual)
    assert abs(overlap) > 1e-9, "matrices are orthogonal"
    phase = overlap / abs(overlap)
    np.testing.assert_allclose(actual, phase * expected, atol=1e-10)


def _random_state(rng: np.random.Generator, dim: int) -> np.ndarray:
    psi = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    return psi / np.linalg.norm(psi)


def _random_hermitian(rng: np.random.Generator, dim: int) -> np.ndarray:
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    return (a + a.conj().T) / 2


def test_gate_table_has_an_independent_expected_matrix_for_every_gate():
    assert set(GATES) == set(FIXED) | set(PARAMETRIC) | set(VARIABLE_WIDTH)


@pytest.mark.parametrize(("name", "n"), CASES, ids=CASE_IDS)
def test_gate_matrix_matches_documented_formula(name, n):
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(4):
        params = _random_params(rng, name)
        actual = GATES[name].matrix(params, n)
        np.testing.assert_allclose(actual, _expected(name, params, n), atol=1e-12)


def test_gate_matrix_rotation_at_zero_is_identity_and_at_pi_is_pauli():
    # Spot values that do not depend on the formulas above: RX(pi) = -iX, RY(pi) = -iY.
    np.testing.assert_allclose(GATES["RX"].matrix([0.0]), np.eye(2), atol=1e-15)
    np.testing.assert_allclose(GATES["RX"].matrix([np.pi]), [[0, -1j], [-1j, 0]], atol=1e-15)
    np.testing.assert_allclose(GATES["RY"].matrix([np.pi]), [[0, -1], [1, 0]], atol=1e-15)


def test_gate_matrix_puts_wire_zero_in_the_most_significant_bit():
    # CNOT(control=0, target=1) maps |10> (index 2) to |11> (index 3).
    state = np.zeros(4)
    state[2] = 1
    np.testing.assert_allclose(GATES["CNOT"].matrix() @ state, [0, 0, 0, 1])


def test_gate_matrix_rejects_wrong_parameter_count():
    with pytest.raises(ValueError, match="RX takes 1 parameter"):
        GATES["RX"].matrix([0.1, 0.2])


@pytest.mark.parametrize(("name", "n"), CASES, ids=CASE_IDS)
def test_gate_matrix_is_unitary(name, n):
    rng = np.random.default_rng(RNG_SEED + 1)
    u = GATES[name].matrix(_random_params(rng, name), n)
    np.testing.assert_allclose(u @ u.conj().T, np.eye(2**n), atol=1e-12)


@pytest.mark.parametrize(("name", "n"), CASES, ids=CASE_IDS)
def test_gate_adjoint_matrix_is_the_inverse(name, n):
    rng = np.random.default_rng(RNG_SEED + 2)
    params = _random_params(rng, name)
    u = GATES[name].matrix(params, n)
    u_adj = GATES[name].matrix(params, n, adjoint=True)
    np.testing.assert_allclose(u_adj @ u, np.eye(2**n), atol=1e-12)
    np.testing.assert_allclose(u @ u_adj, np.eye(2**n), atol=1e-12)


def _step_matrices(name: str, params: Sequence[float], n: int, recursive: bool,
                   depth: int = 0, which: int = 0) -> np.ndarray:
    """The product of `name`'s decomposition number `which` on n wires (fully expanded, each
    step through its main decomposition, if `recursive`)."""
    assert depth < 12, f"decomposition of {name} does not terminate"
    u = np.eye(2**n, dtype=complex)
    for step in GATES[name].decompositions(n)[which]:
        sub_params = [a.evaluate(params) for a in step.params]
        sub_n = len(step.wires)
        assert GATES[step.gate].accepts_wires(sub_n), f"{name}: step {step} has the wrong width"
        if recursive and GATES[step.gate].decompose(sub_n) is not None:
            m = _step_matrices(step.gate, sub_params, sub_n, recursive, depth + 1)
            m = m.conj().T if step.adjoint else m
        else:
            m = GATES[step.gate].matrix(sub_params, sub_n, adjoint=step.adjoint)
        u = _embed(m, step.wires, n) @ u
    return u


BASIS = {"RX", "RY", "RZ", "CNOT"}
DECOMPOSED = [(name, n) for name, n in CASES if GATES[name].decompose(n) is not None]


def test_gate_decomposition_is_missing_only_for_the_basis():
    assert {name for name, n in CASES if GATES[name].decompose(n) is None} == BASIS


@pytest.mark.parametrize(("name", "n"), DECOMPOSED, ids=[f"{a}-{b}" for a, b in DECOMPOSED])
def test_gate_decomposition_matches_matrix_up_to_phase(name, n):
    rng = np.random.default_rng(RNG_SEED + 3)
    for _ in range(3):
        params = _random_params(rng, name)
        product = _step_matrices(name, params, n, recursive=False)
        _assert_equal_up_to_phase(product, GATES[name].matrix(params, n))


@pytest.mark.parametrize(("name", "n"), DECOMPOSED, ids=[f"{a}-{b}" for a, b in DECOMPOSED])
def test_gate_recursive_decomposition_matches_matrix_up_to_phase(name, n):
    rng = np.random.default_rng(RNG_SEED + 4)
    for _ in range(3):
        params = _random_params(rng, name)
        product = _step_matrices(name, params, n, recursive=True)
        _assert_equal_up_to_phase(product, GATES[name].matrix(params, n))


ALL_DECOMPOSITIONS = [(name, n, k) for name, n in CASES for k in range(len(GATES[name].decompositions(n)))]
ALL_DECOMPOSITION_IDS = [f"{a}-{b}-d{k}" for a, b, k in ALL_DECOMPOSITIONS]


def test_gate_alternative_decompositions_are_listed_for_the_basis_search():
    alternatives = {name for name, n, k in ALL_DECOMPOSITIONS if k > 0 or GATES[name].decompose(n) is None}
    assert alternatives == {"CNOT", "CZ", "CRX", "CRY", "IsingXX", "IsingYY", "IsingZZ"}
    steps = {s.gate for d in GATES["CNOT"].decompositions() for s in d}
    assert {"ECR", "CZ", "IsingXX", "CY"} <= steps


@pytest.mark.parametrize(("name", "n", "which"), ALL_DECOMPOSITIONS, ids=ALL_DECOMPOSITION_IDS)
def test_gate_every_decomposition_times_its_phase_is_the_matrix(name, n, which):
    """Under a control the global phase of a decomposition matters: `decomposition_phase`
    gives it exactly, as an affine function of the parameters."""
    rng = np.random.default_rng(RNG_SEED + 9)
    phase = decomposition_phase(name, n, which)
    for _ in range(3):
        params = _random_params(rng, name)
        product = _step_matrices(name, params, n, recursive=False, which=which)
        np.testing.assert_allclose(np.exp(1j * phase.evaluate(params)) * product,
                                   GATES[name].matrix(params, n), atol=1e-10)


def test_gate_self_inverse_flags_the_involutions():
    involutions = {name for name in GATES if is_self_inverse(name)}
    assert involutions == {"Identity", "Hadamard", "PauliX", "PauliY", "PauliZ", "SWAP", "ECR",
                           "CNOT", "CZ", "CY", "Toffoli", "CSWAP"}


def _leaf_gates(name: str, n: int, depth: int = 0) -> set[str]:
    assert depth < 12, f"decomposition of {name} does not terminate"
    steps = GATES[name].decompose(n)
    if steps is None:
        return {name}
    return set().union(*(_leaf_gates(s.gate, len(s.wires), depth + 1) for s in steps))


@pytest.mark.parametrize(("name", "n"), DECOMPOSED, ids=[f"{a}-{b}" for a, b in DECOMPOSED])
def test_gate_recursive_decomposition_bottoms_out_in_basis_gates(name, n):
    assert _leaf_gates(name, n) <= BASIS


def _expectation_curve(name: str, n: int, param: int, thetas: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """f(theta) = <psi| U^dag O U |psi> with parameter `param` set to theta."""
    psi = _random_state(rng, 2**n)
    obs = _random_hermitian(rng, 2**n)
    params = _random_params(rng, name)
    values = []
    for theta in thetas:
        params[param] = theta
        phi = GATES[name].matrix(params, n) @ psi
        values.append(np.vdot(phi, obs @ phi).real)
    return np.array(values)


def _fit_residual(thetas: np.ndarray, values: np.ndarray, freqs: Sequence[float]) -> float:
    columns = [np.ones_like(thetas)]
    for w in freqs:
        columns += [np.cos(w * thetas), np.sin(w * thetas)]
    design = np.stack(columns, axis=1)
    coeffs, *_ = np.linalg.lstsq(design, values, rcond=None)
    return float(np.max(np.abs(design @ coeffs - values)))


@pytest.mark.parametrize(("name", "n", "param"), PARAM_CASES, ids=PARAM_CASE_IDS)
def test_gate_frequencies_fit_the_expectation_exactly(name, n, param):
    rng = np.random.default_rng(RNG_SEED + 5)
    freqs = GATES[name].frequencies(param, n)
    thetas = rng.uniform(-4 * np.pi, 4 * np.pi, 40)
    values = _expectation_curve(name, n, param, thetas, rng)
    assert np.ptp(values) > 1e-3  # the parameter really moves the expectation
    assert _fit_residual(thetas, values, freqs) < 1e-9


@pytest.mark.parametrize(("name", "n", "param"), PARAM_CASES, ids=PARAM_CASE_IDS)
def test_gate_frequencies_are_each_needed(name, n, param):
    rng = np.random.default_rng(RNG_SEED + 6)
    freqs = GATES[name].frequencies(param, n)
    thetas = rng.uniform(-4 * np.pi, 4 * np.pi, 40)
    values = _expectation_curve(name, n, param, thetas, rng)
    assert freqs, "a parameter with no frequency cannot move the expectation"
    for dropped in freqs:
        kept = [w for w in freqs if w != dropped]
        assert _fit_residual(thetas, values, kept) > 1e-4, f"frequency {dropped} is not needed"


def test_gate_frequencies_of_controlled_rotations_need_a_four_term_rule():
    assert GATES["CRX"].frequencies(0) == (0.5, 1.0)
    assert GATES["RX"].frequencies(0) == (1.0,)


@pytest.mark.parametrize(("name", "n"), CASES, ids=CASE_IDS)
def test_gate_is_diagonal_agrees_with_matrix(name, n):
    rng = np.random.default_rng(RNG_SEED + 7)
    u = GATES[name].matrix(_random_params(rng, name), n)
    off_diagonal = u - np.diag(np.diag(u))
    assert GATES[name].is_diagonal(n) == bool(np.allclose(off_diagonal, 0, atol=1e-12))
    assert GATES[name].is_diagonal(n) == (name in DIAGONAL)


@pytest.mark.parametrize(("name", "n"), CASES, ids=CASE_IDS)
def test_gate_permutation_reconstructs_matrix(name, n):
    found = GATES[name].permutation()
    assert (found is not None) == (name in PHASED_PERMUTATIONS)
    if found is None:
        return
    perm, phases = found
    rebuilt = np.zeros((2**n, 2**n), dtype=complex)
    rebuilt[perm, np.arange(2**n)] = phases
    np.testing.assert_allclose(rebuilt, GATES[name].matrix(), atol=1e-15)
    assert sorted(perm) == list(range(2**n))


def test_gate_aliases_resolve_to_canonical_gates():
    assert ALIASES == {"H": "Hadamard", "X": "PauliX", "Y": "PauliY", "Z": "PauliZ", "I": "Identity"}
    for alias, name in ALIASES.items():
        np.testing.assert_allclose(GATES[name].matrix(), FIXED[name])
        assert alias in GATES[name].aliases


CONTROLLED = [name for name, spec in GATES.items() if spec.control is not None]


def test_gate_controls_are_declared_for_the_controlled_gates():
    assert set(CONTROLLED) == {"CNOT", "CZ", "CY", "CRX", "CRY", "CRZ", "CRot",
                               "ControlledPhaseShift", "Toffoli", "CSWAP"}


@pytest.mark.parametrize("name", CONTROLLED)
def test_gate_with_control_equals_controlled_base(name):
    base, n_controls = GATES[name].control
    rng = np.random.default_rng(RNG_SEED + 8)
    params = _random_params(rng, name)
    base_matrix = GATES[base].matrix(params)
    d = base_matrix.shape[0]
    expected = np.eye(d * 2**n_controls, dtype=complex)
    expected[-d:, -d:] = base_matrix  # all controls |1>: the last block
    assert GATES[name].num_wires == n_controls + GATES[base].num_wires
    np.testing.assert_allclose(GATES[name].matrix(params), expected, atol=1e-12)
