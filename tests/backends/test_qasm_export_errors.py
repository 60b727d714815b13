"""What cannot be exported is refused with a KettleError that names the op and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
from kettle.backends.openqasm.emit import emit_kernel
from kettle.backends.openqasm.readout import Readout
from kettle.ir import F64, UNARY_OPS, Value
from kettle.ir.builder import KernelBuilder


@kt.qjit(wires=2, backend="reference")
def hamiltonian(x):
    kt.RX(x, wires=0)
    return kt.expval(0.5 * kt.Z(0) + 0.2 * kt.X(0) @ kt.X(1))


def test_to_qasm_generic_expval_points_to_to_qasm_batch():
    with pytest.raises(kt.QasmError, match=r"q\.expval.*kt\.to_qasm_batch"):
        kt.to_qasm(hamiltonian, 0.1)


def test_to_qasm_braket_expval_of_a_sum_points_to_to_qasm_batch():
    with pytest.raises(kt.QasmError, match=r"sum of 2 Pauli words.*kt\.to_qasm_batch"):
        kt.to_qasm(hamiltonian, 0.1, target="braket")


def test_to_qasm_braket_var_of_a_sum_suggests_a_hermitian():
    @kt.qjit(wires=1, backend="reference")
    def circuit():
        return kt.var(kt.Z(0) + kt.X(0))

    with pytest.raises(kt.QasmError, match=r"kt\.Hermitian\(H\.matrix\(\)"):
        kt.to_qasm(circuit, target="braket")


def test_to_qasm_braket_expval_of_a_scaled_word_is_refused():
    @kt.qjit(wires=1, backend="reference")
    def circuit(c):
        return kt.expval(c * kt.Z(0))

    with pytest.raises(kt.QasmError, match="coefficient"):
        kt.to_qasm(circuit, 2.0, target="braket")


def test_to_qasm_generic_state_is_refused_with_the_braket_alternative():
    @kt.qjit(wires=1, backend="reference")
    def circuit():
        return kt.state()

    with pytest.raises(kt.QasmError, match=r"q\.state.*target='braket'"):
        kt.to_qasm(circuit)


def test_to_qasm_of_several_kernels_a_derivative_or_post_processing_points_to_to_qasm_batch():
    def two(x):
        return hamiltonian(x) + hamiltonian(2 * x)

    @kt.qjit(wires=1, backend="reference")
    def scaled(x):
        kt.RX(x, wires=0)
        return 2 * kt.expval(kt.Z(0))

    with pytest.raises(kt.KettleError, match=r"runs 4 circuits.*to_qasm_batch"):
        kt.to_qasm(kt.grad(two, method="finite-diff"), 0.1)
    with pytest.raises(kt.KettleError, match=r"derivative.*to_qasm_batch"):
        kt.to_qasm(kt.grad(scaled), 0.1)
    with pytest.raises(kt.KettleError, match=r"arith\.mulf.*to_qasm_batch"):
        kt.to_qasm(scaled, 0.1)


def test_to_qasm_takes_qjit_functions_and_known_targets():
    with pytest.raises(kt.TraceError, match="qjit function"):
        kt.to_qasm(lambda x: x, 0.1)
    with pytest.raises(kt.QasmError, match="unknown target 'aws'"):
        kt.to_qasm(hamiltonian, 0.1, target="aws")


def test_generic_multi_qubit_unitary_is_refused_until_kak_exists():
    b = KernelBuilder("k", 2)
    b.unitary(np.eye(4), [0, 1])
    with pytest.raises(kt.QasmError, match="4x4 unitary on 2 qubits.*target='braket'"):
        emit_kernel(b.build([b.probs([0])]))


def test_parametric_export_refuses_math_without_an_openqasm_builtin():
    b = KernelBuilder("k", 1, 1)
    out = Value(F64, "t")
    b.emit(UNARY_OPS["math.tanh"](x=b.param(0), out=out))
    b.gate("RX", [0], [out])
    kernel = b.build([b.probs([0])])
    with pytest.raises(kt.QasmError, match=r"math\.tanh.*parametric=False"):
        emit_kernel(kernel, parametric=True)
    assert f"rx({float(np.tanh(0.5))!r}) q[0];" in emit_kernel(kernel, args=[[0.5]]).text


def test_export_of_a_kernel_with_parameters_needs_values_or_parametric():
    b = KernelBuilder("k", 1, 1)
    b.gate("RX", [0], [b.param(0)])
    with pytest.raises(kt.QasmError, match="parametric=True"):
        emit_kernel(b.build([b.probs([0])]))


@pytest.mark.parametrize(("readout", "message"), [
    (Readout((2,)), "not a wire"), (Readout((0, 0)), "twice"), (Readout((0,), ((0, "W"),)), "basis 'W'")])
def test_readout_rejects_bad_wires_and_bases(readout, message):
    b = KernelBuilder("k", 2)
    with pytest.raises(kt.QasmError, match=message):
        emit_kernel(b.build([b.probs([0])]), readout=readout)
