"""`decompose` then `resynthesize-1q` on whole programs: random kernels keep their results on the
reference interpreter, traced programs keep their gradients (parameter-shift and adjoint, on
both backends), and one small case is pinned as golden IR."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_decompose import assert_equal_up_to_phase, non_basis_gates

import kettle as kt
from kettle.backends import reference, statevector
from kettle.backends.host import compile_host
from kettle.ir import Module, parse_module
from kettle.passes import Decompose, PassManager, Resynthesize1Q
from kettle.passes.autodiff import LowerVJP, differentiate
from kettle.passes.dead_code import DeadCodeElimination
from kettle.passes.fold_tensors import FoldTensors
from tests.strategies import _build_kernel, gates_with_params

BASES = {"ibm-cx": ("rz", "sx", "x", "cx"), "ibm-ecr": ("rz", "sx", "x", "ecr"),
         "u3-cnot": ("U3", "CNOT"), "ion-xx": ("RX", "RY", "IsingXX")}


def to_basis(module: Module, basis) -> Module:
    return PassManager([Decompose(basis), Resynthesize1Q(basis)]).run(module)


@st.composite
def decomposable_kernels(draw, max_wires: int = 4, max_gates: int = 12):
    """`tests.strategies.kernels` without multi-qubit q.unitary (no KAK synthesis yet)."""
    wires = draw(st.integers(1, max_wires))
    ops = draw(st.lists(gates_with_params(wires), max_size=max_gates))
    ops = [op for op in ops if op[0] != "unitary" or len(op[1]) == 1]
    return _build_kernel(draw, wires, ops)


@settings(max_examples=40)
@given(decomposable_kernels(), st.sampled_from(sorted(BASES)))
def test_decompose_random_kernel_keeps_its_results(kernel, basis_name):
    module, params = kernel
    basis = BASES[basis_name]
    out = to_basis(module, basis)
    assert non_basis_gates(out.entry, basis) == []
    expval, probs, state = reference.run(module, params)
    expval2, probs2, state2 = reference.run(out, params)
    assert expval2 == pytest.approx(expval, abs=1e-9)
    np.testing.assert_allclose(probs2, probs, atol=1e-9)
    assert_equal_up_to_phase(state2, state)


U = np.array([[np.cos(0.3), -np.sin(0.3) * 1j], [-np.sin(0.3) * 1j, np.cos(0.3)]]) @ np.diag([1, 1j])


@kt.qjit(wires=3)
def circuit(x):
    kt.RX(x[0] * 2.0, wires=0)
    kt.CRX(x[1], wires=[0, 1])
    kt.Rot(x[0], x[1], np.sin(x[2]), wires=2)
    kt.IsingYY(x[2], wires=[1, 2])
    kt.ctrl(lambda: kt.U3(x[0], x[1], x[2], wires=1), control=2, control_values=0)()
    kt.adjoint(lambda: kt.MultiRZ(x[1] - x[2], wires=[0, 1, 2]))()
    kt.QubitUnitary(U, wires=0)
    kt.Toffoli(wires=[2, 0, 1])
    kt.RZ(x[2], wires=1)
    kt.RZ(x[0], wires=1)
    return kt.expval(0.7 * kt.Z(0) @ kt.X(1) - 0.4 * kt.Y(2))


X = np.array([0.37, -1.21, 0.83])
BACKENDS = {"reference": reference.compile_kernel, "statevector": statevector.compile_kernel}


def gradient(module: Module, method: str, backend: str, x: np.ndarray = X) -> np.ndarray:
    program = differentiate(module, [0], "grad", method)
    program = PassManager([LowerVJP(), FoldTensors(), DeadCodeElimination()]).run(program)
    kernels = {k.name: BACKENDS[backend](k) for k in program.kernels}
    host = compile_host(program.entry, kernels, None, {k.name: len(k.result_types) for k in program.kernels})
    return np.asarray(host(x)[0])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("method", ["parameter-shift", "adjoint"])
@pytest.mark.parametrize("basis_name", ["ibm-cx", "ibm-ecr", "u3-cnot"])
def test_decompose_keeps_the_gradient(basis_name, method, backend):
    want = kt.grad(circuit, method="adjoint")(X)
    assert np.abs(want).min() > 1e-3  # every input moves the result
    decomposed = to_basis(circuit.lower(X), BASES[basis_name])
    assert non_basis_gates(decomposed.kernels[0], BASES[basis_name]) == []
    np.testing.assert_allclose(gradient(decomposed, method, backend), want, rtol=0, atol=1e-9)


def test_decompose_of_a_printed_program_parses_back_to_itself():
    text = str(to_basis(circuit.lower(X), BASES["ibm-ecr"]))
    assert str(parse_module(text)) == text


GOLDEN_IN = """\
module @k {
  kernel @k(%params: tensor<1xf64>) -> (tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %q2, %q3 = q.gate {gate = "CRX"} (%p0), (%q0, %q1) : !q.qubit, !q.qubit
    %q4 = q.gate {gate = "Hadamard"} (), (%q2) : !q.qubit
    %pr = q.probs (%q4, %q3) : tensor<4xf64>
    return (%pr)
  }
}
"""
GOLDEN_OUT = """\
module @k {
  kernel @k(%params: tensor<1xf64>) -> (tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %c = arith.constant {value = 1.5707963267948966} : f64
    %q1_1 = q.gate {gate = "RZ"} (%c), (%q1) : !q.qubit
    %q1_2 = q.gate {gate = "SX"} (), (%q1_1) : !q.qubit
    %c_1 = arith.constant {value = 0.5} : f64
    %a = arith.mulf (%p0, %c_1) : f64
    %a_1 = arith.addf (%a, %c) : f64
    %q1_3 = q.gate {gate = "RZ"} (%a_1), (%q1_2) : !q.qubit
    %q0_1, %q1_4 = q.gate {gate = "CNOT"} (), (%q0, %q1_3) : !q.qubit, !q.qubit
    %c_2 = arith.constant {value = -0.5} : f64
    %a_2 = arith.mulf (%p0, %c_2) : f64
    %q1_5 = q.gate {gate = "RZ"} (%a_2), (%q1_4) : !q.qubit
    %q0_2, %q1_6 = q.gate {gate = "CNOT"} (), (%q0_1, %q1_5) : !q.qubit, !q.qubit
    %q1_7 = q.gate {gate = "RZ"} (%c), (%q1_6) : !q.qubit
    %q1_8 = q.gate {gate = "SX"} (), (%q1_7) : !q.qubit
    %q1_9 = q.gate {gate = "RZ"} (%c), (%q1_8) : !q.qubit
    %q0_3 = q.gate {gate = "RZ"} (%c), (%q0_2) : !q.qubit
    %q0_4 = q.gate {gate = "SX"} (), (%q0_3) : !q.qubit
    %q0_5 = q.gate {gate = "RZ"} (%c), (%q0_4) : !q.qubit
    %pr = q.probs (%q0_5, %q1_9) : tensor<4xf64>
    return (%pr)
  }
}
"""


def test_decompose_golden_ir_for_a_controlled_rotation_and_a_hadamard():
    module = parse_module(GOLDEN_IN)
    out = to_basis(module, ("rz", "sx", "x", "cx"))
    assert str(out) == GOLDEN_OUT
    for theta in (0.4, -2.2):
        np.testing.assert_allclose(reference.run(out, [theta])[0], reference.run(module, [theta])[0],
                                   atol=1e-12)


NON_AFFINE = """\
module @f {
  kernel @k(%params: tensor<1xf64>) -> (f64) {
    %q0 = q.alloc {wires = 1} : !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %s = math.sin (%p0) : f64
    %q1 = q.gate {gate = "RX"} (%s), (%q0) : !q.qubit
    %obs = q.obs {words = ["Z0"]} (), (%q1) : !q.obs
    %e = q.expval (%obs) : f64
    return (%e)
  }
  func @f(%x: f64) -> (f64) {
    %p = tensor.from_elements (%x) : tensor<1xf64>
    %e = q.call {callee = @k} (%p) : f64
    return (%e)
  }
}
"""


def test_parameter_shift_refuses_a_kernel_angle_not_affine_in_the_parameters():
    module = parse_module(NON_AFFINE)
    with pytest.raises(kt.KettleError, match="non-affine arithmetic.*method='adjoint'"):
        gradient(module, "parameter-shift", "reference", 0.4)
    want = -np.sin(np.sin(0.4)) * np.cos(0.4)  # d cos(sin x) / dx
    assert float(gradient(module, "adjoint", "reference", 0.4)) == pytest.approx(want, abs=1e-12)
