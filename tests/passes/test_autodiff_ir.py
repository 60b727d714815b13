"""Gradient programs are IR to read: shifted kernel calls for parameter-shift, one `q.vjp` per
kernel call for adjoint, and text that parses back to itself."""

from __future__ import annotations

import re

import numpy as np
import pytest

import kettle as kt
from kettle.backends.host import compile_host
from kettle.backends.reference import compile_kernel
from kettle.passes import PassManager
from kettle.passes.autodiff import LowerVJP, differentiate
from kettle.passes.dead_code import DeadCodeElimination
from kettle.passes.fold_tensors import FoldTensors


@kt.qjit(wires=2)
def circuit(x, w):
    kt.RX(x[0], wires=0)
    kt.CRX(w, wires=[0, 1])
    kt.RY(x[1], wires=1)
    return kt.expval(kt.Z(0) @ kt.Z(1))


def cost(x, w):
    return np.sin(circuit(x, w)) * w


X, W = np.array([0.3, 0.5]), 0.7


def calls(text: str) -> list[str]:
    return re.findall(r"= q\.call \{callee = @\w+\}", text)


def test_grad_ir_parameter_shift_is_shifted_calls_without_vjp():
    text = str(kt.grad(circuit, argnums=(0, 1), method="parameter-shift").lower(X, W))
    assert "q.vjp" not in text
    # RX and RY: two terms each; CRX: four. The primal call is dead and gone.
    assert len(calls(text)) == 2 + 2 + 4
    assert text.count("tensor.insert") == 8
    assert "value = 1.5707963267948966" in text and "value = -1.5707963267948966" in text
    assert "value = 4.71238898038469" in text  # CRX's second pair of shifts, 3 pi / 2


def test_grad_ir_adjoint_is_one_vjp_per_kernel_call():
    text = str(kt.grad(cost, argnums=(0, 1), method="adjoint").lower(X, W))
    assert text.count("q.vjp") == 1
    assert 'method = "adjoint"' in text
    assert len(calls(text)) == 1  # the primal call: the host rule of sin needs its value
    assert "math.cos" in text  # d sin(e) / de, on the host


def test_grad_ir_finite_diff_is_calls_at_plus_and_minus_h():
    text = str(kt.grad(circuit, argnums=(0, 1), method="finite-diff", h=1e-4).lower(X, W))
    assert "q.vjp" not in text
    assert len(calls(text)) == 2 * 3
    assert "value = 0.0001" in text and "value = -0.0001" in text


@pytest.mark.parametrize("method", ["parameter-shift", "adjoint", "finite-diff"])
@pytest.mark.parametrize("kind", ["grad", "value_and_grad", "jacobian", "hessian"])
def test_grad_ir_parses_back_to_the_same_text(kind, method):
    if kind == "hessian":
        derivative = kt.jacobian(kt.grad(cost, method=method), method=method)
    else:
        derivative = getattr(kt, kind)(cost, argnums=(0, 1), method=method)
    module = derivative.lower(X, W)
    text = str(module)
    assert str(kt.parse_module(text)) == text
    kt.verify(kt.parse_module(text))


def test_grad_ir_lowering_a_printed_vjp_gives_the_frontends_program():
    """`kettle opt --passes lower-vjp,fold-tensors,dce` on a printed q.vjp program is what
    kt.grad(method="parameter-shift") compiles."""
    primal = circuit.lower(X, W)
    unlowered = differentiate(primal, [0, 1], "grad", "parameter-shift")
    assert "q.vjp" in str(unlowered)
    reparsed = kt.parse_module(str(unlowered))
    lowered = PassManager([LowerVJP(), FoldTensors(), DeadCodeElimination()]).run(reparsed)
    frontend = kt.grad(circuit, argnums=(0, 1), method="parameter-shift").lower(X, W)
    assert str(lowered) == str(frontend)


@pytest.mark.parametrize("method", ["parameter-shift", "adjoint"])
def test_grad_ir_printed_program_runs_to_the_same_gradient(method):
    """The printed program, parsed back and compiled (reference kernels), gives kt.grad's numbers."""
    derivative = kt.grad(cost, argnums=(0, 1), method=method)
    module = kt.parse_module(str(derivative.lower(X, W)))
    kernels = {k.name: compile_kernel(k) for k in module.kernels}
    host = compile_host(module.entry, kernels, None, {k.name: len(k.result_types) for k in module.kernels})
    gx, gw = host(X, W)
    want_x, want_w = derivative(X, W)
    np.testing.assert_allclose(gx, want_x, rtol=0, atol=1e-12)
    assert gw == pytest.approx(want_w, abs=1e-12)


@kt.qjit(wires=3)
def layer_probs(w):
    kt.StronglyEntanglingLayers(w, wires=range(3))
    return kt.probs(wires=range(3))


@kt.qjit(wires=3)
def layer_zz(w):
    kt.StronglyEntanglingLayers(w, wires=range(3))
    return kt.expval(kt.Z(0) @ kt.Z(1))


W3 = np.random.default_rng(4).uniform(size=(1, 3, 3))
P = W3.size


def test_jacobian_rows_share_one_batch_of_shifted_calls():
    """Each of the 8 rows of d probs / d w is a reverse sweep; the rows reuse the same 2P
    shifted circuits (as PennyLane's batch does) instead of 2P each."""
    module = kt.jacobian(layer_probs, method="parameter-shift").lower(W3)
    assert len(calls(str(module))) == 2 * P
    # ...and the Jacobian is right: against the adjoint one (its own sweep per row).
    np.testing.assert_allclose(kt.jacobian(layer_probs, method="parameter-shift")(W3),
                               kt.jacobian(layer_probs, method="adjoint")(W3), atol=1e-12)


def test_hessian_outer_rows_share_the_inner_vjps_at_each_shifted_point():
    module = kt.jacobian(kt.grad(layer_zz, method="adjoint")).lower(W3)
    assert str(module).count("q.vjp") == 2 * P
