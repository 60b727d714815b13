"""The exporter's gate machinery: exact decompositions (with the global phase the table drops),
one-qubit Euler angles, parameter expressions, and expansion in a dialect that names only a
few gates, checked against Qiskit including controlled uses where a dropped phase would show."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from openqasm3 import ast, dumps
from qasm_references import gate_kernels, qiskit_state, run_kernel, same_up_to_phase
from strategies import random_unitary

from kettle import Target
from kettle.backends.openqasm.dialects import Dialect
from kettle.backends.openqasm.emit import emit_kernel
from kettle.backends.openqasm.emit_values import affine, literal
from kettle.backends.openqasm.gate_math import euler_angles, exact_decomposition, steps_matrix
from kettle.ir import GATES
from kettle.ir.builder import KernelBuilder
from kettle.ir.gate_spec import Affine

MINIMAL = {"RX": "rx", "RY": "ry", "RZ": "rz", "CNOT": "cx"}


def _u(theta: float, phi: float, lam: float) -> np.ndarray:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])


@pytest.mark.parametrize("name", sorted(g for g in GATES if GATES[g].decomposition is not None))
def test_exact_decomposition_equals_the_gate_matrix_with_its_phase(name):
    spec = GATES[name]
    for n in [spec.num_wires] if spec.num_wires else [1, 2, 4]:
        steps, phase = exact_decomposition(name, n)
        params = list(np.random.default_rng(n).uniform(-4, 4, spec.num_params))
        got = np.exp(1j * phase.evaluate(params)) * steps_matrix(steps, n, params)
        assert np.allclose(got, spec.matrix(params, n), atol=1e-10)


def test_exact_decomposition_finds_the_phases_of_hadamard_and_phaseshift():
    assert exact_decomposition("Hadamard", 1)[1] == Affine((), np.pi / 2)
    assert exact_decomposition("PhaseShift", 1)[1] == Affine(((0, 0.5),), 0.0)
    assert exact_decomposition("RX", 1) is None


@pytest.mark.parametrize("matrix", [random_unitary(1, s) for s in range(6)] + [
    np.eye(2), np.array([[0, 1], [1, 0]]), np.diag([1j, -1]), np.array([[0, 1j], [1j, 0]])])
def test_euler_angles_rebuild_the_matrix(matrix):
    theta, phi, lam, gamma = euler_angles(matrix)
    assert np.allclose(np.exp(1j * gamma) * _u(theta, phi, lam), matrix, atol=1e-12)


def test_affine_prints_coefficients_signs_and_offsets():
    a, b = ast.Identifier("a"), ast.Identifier("b")
    expr = affine(Affine(((0, 0.5), (1, -1.0)), -np.pi / 2), [a, b])
    assert dumps(expr) == "0.5 * a - b - pi / 2"
    assert dumps(affine(Affine(((0, -2.0),), 0.0), [a])) == "-(2.0 * a)"
    assert affine(Affine(((0, 0.5),), 1.0), [3.0]) == 2.5


@pytest.mark.parametrize(("x", "text"), [
    (np.pi, "pi"), (-np.pi / 2, "-pi / 2"), (3 * np.pi / 4, "3 * pi / 4"), (0.3, "0.3"), (-1e-20, "-1e-20")])
def test_literal_names_multiples_of_pi(x, text):
    assert dumps(literal(x)) == text


@pytest.mark.parametrize("definitions", [False, True])
@given(drawn=gate_kernels(max_wires=3, max_gates=6, unitary_qubits=0))
def test_a_minimal_dialect_expands_every_gate_exactly(definitions, drawn):
    """Only rx, ry, rz, cx are named: all else is defined or expanded from the table, with
    `ctrl @ gphase` where a controlled decomposition needs its phase."""
    build, params = drawn
    dialect = Dialect("minimal", MINIMAL, includes=("stdgates.inc",), definitions=definitions)
    exported = emit_kernel(build("probs"), Target("minimal", dialect=dialect), [params])
    want = run_kernel(build("state"), params)[0]
    assert same_up_to_phase(qiskit_state(exported.text), want), exported.text


@pytest.mark.parametrize(("definitions", "phase"), [(False, "ctrl @ gphase(pi / 4) q[0];"),
                                                   (True, "  gphase(pi / 4);\n}")])
def test_a_controlled_expansion_carries_the_decomposition_phase(definitions, phase):
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])
    b.gate("S", [0, 1], ctrl=(True,))
    kernel = b.build([b.probs([0, 1])])
    dialect = Dialect("minimal", MINIMAL, includes=("stdgates.inc",), definitions=definitions)
    text = emit_kernel(kernel, Target("minimal", dialect=dialect)).text
    assert phase in text
    want = run_kernel(kernel)[0]
    assert np.allclose(np.abs(qiskit_state(text)) ** 2, want, atol=1e-12)


def test_a_controlled_gate_falls_back_to_its_own_decomposition_when_its_base_has_no_name():
    """Without rx, `ctrl @ rx` is impossible, but CRX's table decomposition (rz, ry, cx) works."""
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])
    b.gate("CRX", [0, 1], [b.const(0.7)])
    kernel = b.build([b.probs([0, 1])])
    dialect = Dialect("no-rx", {"RY": "ry", "RZ": "rz", "CNOT": "cx", "Hadamard": "h"},
                      includes=("stdgates.inc",), definitions=False)
    text = emit_kernel(kernel, Target("no-rx", dialect=dialect)).text
    assert "rx" not in text
    assert np.allclose(np.abs(qiskit_state(text)) ** 2, run_kernel(kernel)[0], atol=1e-12)
