"""The "ibm" target end to end: random kernels over the whole gate table go through its
pipeline (decompose -> route -> resynthesize-1q) and the emitter; the program uses only
rz, sx, x, cx, every cx on a coupling edge, and Qiskit measures kettle's probabilities
(the `c[i] = measure $k` lines undo the layout)."""

from __future__ import annotations

import numpy as np
import openqasm3
from hypothesis import given, settings
from openqasm3 import ast
from qasm_references import gate_kernels, qiskit_measured_probs, run_kernel

from kettle import Target
from kettle.backends.openqasm.emit import emit_kernel
from kettle.ir import Module
from kettle.passes.routing.coupling import heavy_hex

LINE = ((0, 1), (1, 2), (2, 3), (3, 4))
MAPS = {"line": LINE, "heavy-hex": heavy_hex(3)}


def _check(text: str, edges) -> None:
    allowed = {tuple(sorted(e)) for e in edges}
    for s in openqasm3.parse(text).statements:
        if isinstance(s, ast.QuantumGate):
            assert s.name.name in {"rz", "sx", "x", "cx"} and not s.modifiers, s.name.name
            if s.name.name == "cx":
                pair = tuple(sorted(int(q.name[1:]) for q in s.qubits))
                assert pair in allowed


@settings(max_examples=30, deadline=None)
@given(gate_kernels(min_wires=2, max_wires=4, max_gates=10, unitary_qubits=1))
def test_ibm_pipeline_keeps_probabilities_on_a_line(drawn):
    build, params = drawn
    kernel = build("probs")
    target = Target("ibm", coupling_map=LINE)
    prepared = target.prepare(Module(kernel.name, (kernel,)))[kernel.name]
    text = emit_kernel(prepared, target, [params] if kernel.args else None).text
    _check(text, LINE)
    np.testing.assert_allclose(qiskit_measured_probs(text), run_kernel(kernel, params)[0], atol=1e-8)


@settings(max_examples=8, deadline=None)
@given(gate_kernels(min_wires=3, max_wires=5, max_gates=12, unitary_qubits=1))
def test_ibm_pipeline_on_heavy_hex_parametric(drawn):
    build, params = drawn
    kernel = build("probs")
    target = Target("ibm", coupling_map=MAPS["heavy-hex"])
    prepared = target.prepare(Module(kernel.name, (kernel,)))[kernel.name]
    exported = emit_kernel(prepared, target, [params] if kernel.args else None, parametric=True)
    _check(exported.text, MAPS["heavy-hex"])
    probs = qiskit_measured_probs(exported.text, exported.inputs)
    np.testing.assert_allclose(probs, run_kernel(kernel, params)[0], atol=1e-8)


def _ghz_like():
    import kettle as kt

    @kt.qjit(wires=3)
    def c(x):
        kt.Hadamard(0)
        kt.CNOT([0, 1])
        kt.CNOT([1, 2])
        kt.RX(x, wires=2)
        kt.CNOT([2, 0])
        return kt.probs()

    return c


def test_a_cz_device_with_a_coupling_map_gets_its_swaps_decomposed():
    import kettle as kt

    c = _ghz_like()
    text = kt.to_qasm(c, 0.3, target=Target("iqm", basis=["rx", "ry", "cz"], coupling_map=[(0, 1), (1, 2)]))
    assert "swap" not in text and "cx" not in text
    np.testing.assert_allclose(qiskit_measured_probs(text), c(0.3), atol=1e-10)


def test_native_basis_gates_outside_stdgates_are_emitted_by_name():
    import kettle as kt

    c = _ghz_like()
    ecr_device = Target("ibm", basis=["rz", "sx", "x", "ecr"], coupling_map=[(0, 1), (1, 2)])
    text = kt.to_qasm(c, 0.3, target=ecr_device)
    assert "ecr $" in text and "cx" not in text
    qfn = kt.from_qasm(text)  # kettle's importer knows ecr (Qiskit's needs a definition)

    @kt.qjit(wires=qfn.num_wires)
    def back():
        qfn()
        return kt.probs(wires=list(qfn.measured))

    np.testing.assert_allclose(back(), c(0.3), atol=1e-10)


def test_a_coupling_map_without_a_basis_routes():
    import kettle as kt

    c = _ghz_like()
    text = kt.to_qasm(c, 0.3, target=Target("generic", coupling_map=[(0, 1), (1, 2), (2, 3)]))
    np.testing.assert_allclose(qiskit_measured_probs(text), c(0.3), atol=1e-10)
