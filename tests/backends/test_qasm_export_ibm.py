"""IBM-target emission on kernels already in its basis and on its coupling map (hand-built, as
the target's pipeline would leave them): only rz, sx, x, cx on coupled physical qubits `$k`,
`c[i] = measure $k` for logical wire i, and Qiskit measures kettle's probabilities."""

from __future__ import annotations

import re

import numpy as np
import openqasm3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openqasm3 import ast
from qasm_references import qiskit_measured_probs, run_kernel

from kettle import QasmError, Target
from kettle.backends.openqasm.emit import emit_kernel
from kettle.ir.builder import KernelBuilder

LINE = [(0, 1), (1, 2), (2, 3), (3, 4)]
IBM_LINE = Target("ibm", coupling_map=LINE)


@st.composite
def basis_kernels(draw):
    """A kernel of rz (parameter or constant, maybe adjoint), sx, x, cx on LINE edges (either
    direction), SWAP and Identity, measuring a random ordered subset of the wires."""
    wires = draw(st.integers(2, 5))
    edges = [e for e in LINE if max(e) < wires]
    b = KernelBuilder("k", wires, 3)
    for _ in range(draw(st.integers(1, 15))):
        kind = draw(st.sampled_from(["RZ", "SX", "PauliX", "CNOT", "SWAP", "Identity"]))
        if kind in ("CNOT", "SWAP"):
            pair = draw(st.sampled_from(edges))
            b.gate(kind, list(pair) if draw(st.booleans()) else list(pair[::-1]))
        elif kind == "RZ":
            angle = b.param(draw(st.integers(0, 2))) if draw(st.booleans()) else b.const(0.3)
            b.gate("RZ", [draw(st.integers(0, wires - 1))], [angle], adjoint=draw(st.booleans()))
        else:
            b.gate(kind, [draw(st.integers(0, wires - 1))])
    measured = draw(st.permutations(range(wires)))[: draw(st.integers(1, wires))]
    return b.build([b.probs(measured)]), np.random.default_rng(wires).uniform(-3, 3, 3)


def _gates(text: str) -> list[ast.QuantumGate]:
    return [s for s in openqasm3.parse(text).statements if isinstance(s, ast.QuantumGate)]


@given(basis_kernels())
def test_ibm_emits_only_basis_gates_on_coupled_physical_qubits(drawn):
    kernel, params = drawn
    text = emit_kernel(kernel, IBM_LINE, [params]).text
    assert "qubit[" not in text
    for g in _gates(text):
        assert g.name.name in {"rz", "sx", "x", "cx"} and not g.modifiers
        assert all(isinstance(q, ast.Identifier) and q.name.startswith("$") for q in g.qubits)
        if g.name.name == "cx":
            a, b = sorted(int(q.name[1:]) for q in g.qubits)
            assert (a, b) in LINE


@given(basis_kernels())
def test_ibm_programs_measure_kettles_probabilities_in_qiskit(drawn):
    kernel, params = drawn
    text = emit_kernel(kernel, IBM_LINE, [params]).text
    assert np.allclose(qiskit_measured_probs(text), run_kernel(kernel, params)[0], atol=1e-8)


def test_ibm_measures_each_logical_wire_from_its_physical_qubit():
    """A routed kernel allocates every physical qubit; the measured values say which holds
    which logical wire (here logical 0, 1, 2 sit on physical 3, 0, 4)."""
    b = KernelBuilder("k", 5)
    b.gate("PauliX", [3])
    b.gate("CNOT", [3, 4])
    kernel = b.build([b.probs([3, 0, 4])])
    text = emit_kernel(kernel, IBM_LINE).text
    assert text.endswith("c[0] = measure $3;\nc[1] = measure $0;\nc[2] = measure $4;\n")
    assert np.allclose(qiskit_measured_probs(text), [0, 0, 0, 0, 0, 1, 0, 0])


def test_ibm_parametric_export_keeps_inputs_on_physical_qubits():
    b = KernelBuilder("k", 2, 1)
    b.gate("RZ", [1], [b.param(0)], adjoint=True)
    kernel = b.build([b.probs([1])])
    text = emit_kernel(kernel, IBM_LINE, parametric=True).text
    assert "input float[64] params_0;" in text and "rz(-params_0) $1;" in text


@pytest.mark.parametrize(("gate", "wires", "message"), [
    ("Hadamard", [0], "basis (rz, sx, x, cx) cannot express RX"),
    ("CNOT", [0, 2], "qubits 0 and 2 are not coupled"),
    ("Toffoli", [0, 1, 2], "cannot express"),
])
def test_ibm_rejects_what_its_pipeline_has_not_prepared(gate, wires, message):
    b = KernelBuilder("k", 3)
    b.gate(gate, wires)
    with pytest.raises(QasmError, match=re.escape(message)) as info:
        emit_kernel(b.build([b.probs([0])]), IBM_LINE)
    assert gate in str(info.value) and "Target.prepare" in str(info.value)


def test_ibm_rejects_controls_and_unitaries():
    b = KernelBuilder("k", 2)
    b.gate("RZ", [0, 1], [b.const(0.1)], ctrl=(False,))
    with pytest.raises(QasmError, match="RZ"):
        emit_kernel(b.build([b.probs([0])]), IBM_LINE)
    b = KernelBuilder("k", 1)
    b.unitary(np.eye(2), [0])
    with pytest.raises(QasmError, match="q.unitary"):
        emit_kernel(b.build([b.probs([0])]), IBM_LINE)


def test_ibm_rejects_a_kernel_wider_than_its_coupling_map():
    b = KernelBuilder("k", 6)
    with pytest.raises(QasmError, match="uses 6 qubits but .* coupling map has 5"):
        emit_kernel(b.build([b.probs([0])]), IBM_LINE)
