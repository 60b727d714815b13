"""Generic-target export checked by Qiskit: every exported program loads in `qiskit.qasm3.loads`
and its state (hence its probabilities) equals kettle's reference interpreter's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from qasm_references import gate_kernels, qiskit_state, run_kernel, same_up_to_phase

import kettle as kt
from kettle.backends.openqasm.emit import emit_kernel
from kettle.ir import GATES
from kettle.ir.builder import KernelBuilder

pytest.importorskip("qiskit_qasm3_import")


def _check(kernel_for, params, parametric: bool = False) -> None:
    want = run_kernel(kernel_for("state"), params)[0]
    exported = emit_kernel(kernel_for("probs"), "generic", [params] if len(params) else [],
                           parametric=parametric)
    got = qiskit_state(exported.text, exported.inputs if parametric else None)
    assert np.allclose(np.abs(got) ** 2, np.abs(want) ** 2, atol=1e-8), exported.text
    assert same_up_to_phase(got, want), exported.text


@given(gate_kernels(max_wires=4, max_gates=10))
def test_generic_export_of_random_circuits_matches_qiskit(drawn):
    _check(*drawn)


@settings(max_examples=25)
@given(gate_kernels(max_wires=3, max_gates=8))
def test_generic_parametric_export_binds_in_qiskit(drawn):
    _check(*drawn, parametric=True)


@pytest.mark.parametrize("name", sorted(GATES))
@pytest.mark.parametrize("adjoint", [False, True])
@pytest.mark.parametrize("ctrl", [(), (True,), (False, True)])
def test_generic_export_of_each_gate_matches_qiskit(name, adjoint, ctrl):
    spec = GATES[name]
    width = spec.num_wires or 3
    wires = len(ctrl) + width
    rng = np.random.default_rng(len(name))
    params = rng.uniform(-np.pi, np.pi, spec.num_params)

    def build(output: str):
        b = KernelBuilder("k", wires, spec.num_params)
        for w in range(wires):  # a generic state, so that every matrix entry matters
            b.gate("RY", [w], [b.const(0.3 + 0.4 * w)])
            b.gate("RZ", [w], [b.const(0.2 - 0.5 * w)])
        b.gate(name, list(range(wires)), [b.param(i) for i in range(spec.num_params)],
               adjoint=adjoint, ctrl=ctrl)
        return b.build([b.state() if output == "state" else b.probs(list(range(wires)))])

    _check(build, params)


def test_to_qasm_generic_probs_of_a_qjit_function_match_qiskit():
    @kt.qjit(wires=3)
    def circuit(x, w):
        kt.StronglyEntanglingLayers(w, wires=range(3))
        kt.ctrl(kt.Rot, control=0)(x, 2 * x, 0.1, wires=2)
        return kt.probs(wires=[2, 0])

    w = np.random.default_rng(1).uniform(-1, 1, (2, 3, 3))
    text = kt.to_qasm(circuit, 0.4, w)
    state = qiskit_state(text)
    probs = (np.abs(state.reshape(2, 2, 2)) ** 2).sum(axis=1).T.reshape(-1)  # wires [2, 0]
    assert np.allclose(probs, circuit(0.4, w), atol=1e-8)


def test_to_qasm_parametric_inputs_bind_to_the_call_values_in_qiskit():
    @kt.qjit(wires=2)
    def circuit(x, y):
        kt.RX(x, wires=0)
        kt.IsingYY(y * x, wires=[0, 1])
        kt.U3(y, x, 0.5, wires=1)
        return kt.probs()

    text = kt.to_qasm(circuit, 0.7, -1.1, parametric=True)
    inputs = kt.qasm_inputs(circuit, 0.7, -1.1)
    assert list(inputs) == ["params_0", "params_1", "params_2", "params_3"]
    assert all(f"input float[64] {name};" in text for name in inputs)
    probs = np.abs(qiskit_state(text, inputs)) ** 2
    assert np.allclose(probs, circuit(0.7, -1.1), atol=1e-8)
    other = kt.qasm_inputs(circuit, 0.2, 0.3)  # the same program, bound to another call
    assert np.allclose(np.abs(qiskit_state(text, other)) ** 2, circuit(0.2, 0.3), atol=1e-8)
