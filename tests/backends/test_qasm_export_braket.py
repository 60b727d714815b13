"""Braket-target export run on Amazon Braket's local simulator: states, probabilities,
expectation values, variances, Hermitian observables, samples and `input` parameters all
equal kettle's reference answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from qasm_references import braket_run, gate_kernels, run_kernel

import kettle as kt
from kettle.backends.openqasm.emit import emit_kernel
from kettle.backends.openqasm.readout import Readout
from kettle.ir import F64, UNARY_OPS, Value
from kettle.ir.builder import KernelBuilder

pytest.importorskip("braket.default_simulator")


def _results(text: str, inputs=None, shots: int = 0) -> list:
    return [r.value for r in braket_run(text, inputs, shots).resultTypes]


@given(gate_kernels(max_wires=4, max_gates=10, unitary_qubits=3))
def test_braket_state_of_random_circuits_equals_kettles_with_its_phase(drawn):
    build, params = drawn
    kernel = build("state")
    text = emit_kernel(kernel, "braket", [params] if len(params) else []).text
    (state,) = _results(text)
    assert np.allclose(state, run_kernel(kernel, params)[0], atol=1e-8), text


@settings(max_examples=20)
@given(gate_kernels(max_wires=4, max_gates=8, unitary_qubits=2))
def test_braket_parametric_probabilities_equal_kettles(drawn):
    build, params = drawn
    kernel = build("probs")
    exported = emit_kernel(kernel, "braket", [params] if len(params) else [], parametric=True)
    (probs,) = _results(exported.text, exported.inputs)
    assert np.allclose(probs, run_kernel(kernel, params)[0], atol=1e-8), exported.text


def _hermitian() -> np.ndarray:
    m = np.random.default_rng(3).normal(size=(4, 4)) + 1j * np.random.default_rng(4).normal(size=(4, 4))
    return m + m.conj().T


H = _hermitian()


@kt.qjit(wires=3, backend="reference")
def observables(x):
    kt.RY(x, wires=0)
    kt.CNOT(wires=[0, 1])
    kt.RX(2 * x, wires=2)
    kt.CRY(x, wires=[2, 1])
    return (kt.expval(kt.Z(0) @ kt.X(1)), kt.expval(kt.Y(2)), kt.var(kt.X(1) @ kt.Z(2)),
            kt.expval(kt.Hermitian(H, wires=[2, 0])), kt.var(kt.Hermitian(H, wires=[1, 0])),
            kt.probs(wires=[2, 0]), kt.probs(), kt.state())


def test_braket_results_equal_kettles_expvals_vars_hermitians_probs_and_state():
    text = kt.to_qasm(observables, 0.7, target="braket")
    assert "pragma braket result expectation z(q[0]) @ x(q[1])" in text
    assert "pragma braket result probability\n" in text  # all wires, in order: no targets
    got, want = _results(text), observables(0.7)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.allclose(g, w, atol=1e-8)


def test_braket_parametric_results_take_the_inputs():
    text = kt.to_qasm(observables, 0.7, target="braket", parametric=True)
    for x in (0.7, -1.3):
        got, want = _results(text, kt.qasm_inputs(observables, x)), observables(x)
        assert all(np.allclose(g, w, atol=1e-8) for g, w in zip(got, want))


def test_braket_parametric_kernel_arithmetic_becomes_builtin_functions():
    b = KernelBuilder("k", 1, 1)
    theta = b.param(0)
    sine = Value(F64, "s")
    b.emit(UNARY_OPS["math.sin"](x=theta, out=sine))
    b.gate("RX", [0], [sine])
    kernel = b.build([b.probs([0])])
    exported = emit_kernel(kernel, "braket", [[0.9]], parametric=True)
    assert "rx(sin(params_0)) q[0];" in exported.text
    (probs,) = _results(exported.text, exported.inputs)
    assert np.allclose(probs, run_kernel(kernel, [0.9])[0], atol=1e-12)


def test_braket_samples_and_counts_become_a_sample_pragma_and_measured_bits():
    """(Braket's simulator leaves sample values to the SDK, which computes them from these bits.)"""
    @kt.qjit(wires=2, shots=20, backend="reference")
    def circuit():
        kt.X(wires=1)
        return kt.sample(kt.Z(1)), kt.counts(wires=[1, 0])

    text = kt.to_qasm(circuit, target="braket")
    assert "pragma braket result sample z(q[1])" in text
    assert "c[0] = measure q[1];\nc[1] = measure q[0];" in text
    result = braket_run(text, shots=20)
    bits = dict(zip(result.measuredQubits, np.transpose(np.asarray(result.measurements, dtype=int))))
    assert set(bits) == {0, 1} and bits[1].tolist() == [1] * 20 and bits[0].tolist() == [0] * 20


def test_braket_readout_rotates_to_the_z_basis_before_measuring():
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])  # |+>: X = +1
    b.gate("RX", [1], [b.const(-np.pi / 2)])  # |+i>: Y = +1
    kernel = b.build([b.probs([0, 1])])
    text = emit_kernel(kernel, "braket", readout=Readout((1, 0), ((0, "X"), (1, "Y")))).text
    result = braket_run(text, shots=10)
    assert np.array_equal(np.asarray(result.measurements, dtype=int), np.zeros((10, 2), dtype=int))
