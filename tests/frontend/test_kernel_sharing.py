"""A circuit traced several times in one function (a cost over a data set) becomes one kernel."""

from __future__ import annotations

import numpy as np

import kettle as kt


@kt.qjit(wires=2)
def circuit(w, x):
    kt.RY(x, wires=0)
    kt.RX(w[0], wires=0)
    kt.CNOT(wires=[0, 1])
    kt.RY(w[1], wires=1)
    return kt.expval(kt.Z(1))


@kt.qjit(wires=2)
def other(w):
    kt.RX(w[0], wires=1)
    return kt.expval(kt.Z(1))


def cost(w, X):
    return sum(circuit(w, x) for x in X) / len(X)


def test_one_kernel_serves_every_data_point():
    X = np.array([0.1, 0.5, 0.9])
    traced = kt.grad(cost).lower(np.array([0.3, 0.4]), X)
    assert len(traced.kernels) == 1
    assert str(traced).count("q.vjp {callee = @circuit_kernel") == 3


def test_different_circuits_keep_their_own_kernels():
    def two(w):
        return circuit(w, 0.2) + other(w)

    assert len(kt.grad(two).lower(np.array([0.3, 0.4])).kernels) == 2


def test_shared_kernel_gives_each_point_its_own_value():
    """Against each point evaluated on its own, and the gradient against central differences."""
    w, X = np.array([0.3, -0.4]), np.array([0.1, 0.5, 0.9])
    expected = np.mean([circuit(w, x) for x in X])
    value, grad = kt.value_and_grad(cost)(w, X)
    assert np.isclose(value, expected, atol=1e-12)
    h = 1e-6

    def mean(v):
        return np.mean([circuit(v, x) for x in X])

    fd = [(mean(w + h * e) - mean(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(grad, fd, atol=1e-8)
