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


def _shots_circuit(seed: int):
    @kt.qjit(wires=1, shots=2000, seed=seed)
    def noisy(a):
        kt.RX(a, wires=0)
        return kt.expval(kt.Z(0))

    return noisy


def test_each_kernel_samples_with_its_own_qjits_generator():
    """A cost over two seeded shots circuits: its value is each circuit's first draw under its
    own seed, as when each is called alone."""
    f, g = _shots_circuit(1), _shots_circuit(2)
    value, _ = kt.value_and_grad(lambda a: f(a) + 2 * g(a))(0.4)
    f, g = _shots_circuit(1), _shots_circuit(2)
    assert value == f(0.4) + 2 * g(0.4)


def test_a_derivative_inside_a_cost_keeps_its_circuits_backend_and_shots():
    """kt.grad of a shots circuit, squared, differentiated again: runs with the circuit's
    generator (reproducibly), close to the exact d/da (d<Z>/da)^2 = sin(2a)."""
    def second(seed):
        noisy = _shots_circuit(seed)
        return kt.grad(lambda a: kt.grad(noisy)(a) ** 2)(0.4)

    assert second(5) == second(5)
    assert abs(second(5) - np.sin(0.8)) < 0.15  # a few sigma at 2000 shots per shifted circuit

    @kt.qjit(wires=1, backend="reference")
    def exact(a):
        kt.RX(a, wires=0)
        return kt.expval(kt.Z(0))

    cost = kt.grad(lambda a: kt.grad(exact)(a) ** 2)
    assert np.isclose(cost(0.4), np.sin(0.8), atol=1e-10)
    executable = next(iter(cost._cache.values()))
    kernels = [v for k, v in executable.host.__globals__.items() if k.startswith("_kernel")]
    assert kernels and all(type(k).__module__.endswith("backends.reference") for k in kernels)
