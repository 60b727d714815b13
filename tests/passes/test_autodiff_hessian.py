"""Higher order: kt.jacobian(kt.grad(f)) is the Hessian, exact to rounding, against finite
differences of the gradient; including CRX (a four-term rule, applied twice), a variance
(doubled frequencies), observable coefficients and host post-processing."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from finite_differences import five_point

import kettle as kt

EXACT = ["parameter-shift", "adjoint"]




@functools.cache
def circuits(backend: str) -> dict:
    @kt.qjit(wires=2, backend=backend)
    def expval_crx(x):
        kt.RX(x[0], wires=0)
        kt.CRX(x[1], wires=[0, 1])
        kt.Rot(x[2], 0.4, x[0], wires=1)
        return kt.expval(kt.Z(0) @ kt.Z(1) + 0.5 * kt.X(1))

    @kt.qjit(wires=2, backend=backend)
    def variance(x):
        kt.RY(x[0], wires=0)
        kt.RY(0.6, wires=1)
        kt.CRX(x[1], wires=[0, 1])
        kt.IsingXX(x[2], wires=[0, 1])
        return kt.var(kt.Z(0) @ kt.X(1) + 0.5 * kt.Y(1))

    def hybrid(x):
        e = expval_crx(np.array([x[0] * x[1], np.sin(x[2]), x[1]]))
        return np.tanh(e) * x[0] + variance(x) ** 2

    @kt.qjit(wires=2, backend=backend)
    def coefficients(c):
        kt.RX(0.3, wires=0)
        kt.CRY(c[2], wires=[0, 1])
        return kt.var(c[0] * kt.Z(0) + c[1] * kt.X(1) @ kt.Y(0))

    return {"expval-crx": expval_crx, "variance": variance, "hybrid": hybrid, "coefficients": coefficients}


X = np.array([0.3, 0.8, -0.5])


@functools.cache
def expected(name: str) -> np.ndarray:
    """Five-point differences of the reference interpreter's exact gradient."""
    return five_point(kt.grad(circuits("reference")[name], method="parameter-shift"), X)


@pytest.mark.parametrize("name", ["expval-crx", "variance", "hybrid", "coefficients"])
@pytest.mark.parametrize("outer", EXACT)
@pytest.mark.parametrize("inner", EXACT)
def test_hessian_matches_finite_differences_of_the_gradient(name, inner, outer, backend):
    f = circuits(backend)[name]
    hessian = kt.jacobian(kt.grad(f, method=inner), method=outer)(X)
    want = expected(name)
    assert hessian.shape == (3, 3)
    np.testing.assert_allclose(hessian, want, rtol=0, atol=1e-8)
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=1e-12)
    assert np.abs(want).min() > 1e-4  # every entry is exercised


def test_hessian_of_a_single_crx_is_the_four_term_rule_applied_twice():
    @kt.qjit(wires=2)
    def f(t):
        kt.Hadamard(wires=0)
        kt.CRX(t, wires=[0, 1])
        return kt.expval(kt.Z(1))

    # <Z1> = 1/2 + cos(t) / 2, so the second derivative is -cos(t) / 2.
    for t in (0.0, 0.7, 2.9):
        second = kt.grad(kt.grad(f, method="parameter-shift"), method="parameter-shift")(t)
        assert isinstance(second, float)
        assert second == pytest.approx(-np.cos(t) / 2, abs=1e-12)


def test_third_derivative_by_applying_grad_three_times():
    @kt.qjit(wires=1)
    def f(t):
        kt.RX(t, wires=0)
        return kt.expval(kt.Z(0))

    third = kt.grad(kt.grad(kt.grad(f, method="parameter-shift"), method="adjoint"),
                    method="parameter-shift")
    for t in (0.2, 1.3):
        assert third(t) == pytest.approx(np.sin(t), abs=1e-12)


def test_hessian_of_finite_diff_gradients_is_approximate():
    f = circuits("statevector")["expval-crx"]
    hessian = kt.jacobian(kt.grad(f, method="finite-diff"), method="finite-diff")(X)
    exact = kt.jacobian(kt.grad(f, method="parameter-shift"), method="parameter-shift")(X)
    np.testing.assert_allclose(hessian, exact, rtol=0, atol=1e-3)
