"""kt.GradientDescentOptimizer and kt.AdamOptimizer: PennyLane's updates, checked step by step
against NumPy references written from the update formulas."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt

TARGET = np.array([1.0, -2.0, 0.5])


def quadratic(x):
    return np.sum((x - TARGET) ** 2) + 0.5 * x[0] * x[1]


def quadratic_grad(x):
    g = 2 * (x - TARGET)
    return g + 0.5 * np.array([x[1], x[0], 0.0])


@kt.qjit(wires=2)
def circuit(x):
    kt.RX(x[0], wires=0)
    kt.RY(x[1], wires=1)
    kt.CNOT(wires=[0, 1])
    return kt.expval(kt.Z(1))


def circuit_value(x):
    return np.cos(x[0]) * np.cos(x[1])


def circuit_grad(x):
    return np.array([-np.sin(x[0]) * np.cos(x[1]), -np.cos(x[0]) * np.sin(x[1])])


def gradient_descent_reference(grad, x, stepsize, steps):
    out = []
    for _ in range(steps):
        x = x - stepsize * grad(x)
        out.append(x)
    return out


def adam_reference(grad, x, stepsize, steps, beta1=0.9, beta2=0.99, eps=1e-8):
    """PennyLane's Adam: bias correction folded into the step size, eps outside the sqrt."""
    a = b = 0.0
    out = []
    for t in range(1, steps + 1):
        g = grad(x)
        a = beta1 * a + (1 - beta1) * g
        b = beta2 * b + (1 - beta2) * g**2
        x = x - stepsize * np.sqrt(1 - beta2**t) / (1 - beta1**t) * a / (np.sqrt(b) + eps)
        out.append(x)
    return out


OPTIMISERS = {
    "gradient-descent": (lambda: kt.GradientDescentOptimizer(0.1, method="parameter-shift"),
                         gradient_descent_reference),
    "adam": (lambda: kt.AdamOptimizer(0.1), adam_reference),  # method "auto": adjoint
}
PROBLEMS = {
    "quadratic": (quadratic, quadratic_grad, np.array([0.0, 0.0, 0.0])),
    "circuit": (circuit, circuit_grad, np.array([0.4, -0.3])),
}


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("name", OPTIMISERS)
def test_optimizer_steps_match_the_numpy_reference(name, problem):
    make, reference = OPTIMISERS[name]
    cost, grad, x0 = PROBLEMS[problem]
    opt, x = make(), x0
    expected = reference(grad, x0, 0.1, 8)
    for want in expected:
        x = opt.step(cost, x)
        np.testing.assert_allclose(x, want, rtol=0, atol=1e-10)


def test_optimizer_defaults_are_pennylanes():
    adam = kt.AdamOptimizer()
    assert (adam.stepsize, adam.beta1, adam.beta2, adam.eps) == (0.01, 0.9, 0.99, 1e-8)
    assert kt.GradientDescentOptimizer().stepsize == 0.01


def test_adam_matches_pennylane_given_the_same_gradients():
    qml = pytest.importorskip("pennylane")
    ours, theirs = kt.AdamOptimizer(0.2, beta1=0.8, beta2=0.95), qml.AdamOptimizer(0.2, beta1=0.8, beta2=0.95)
    x = y = qml.numpy.array([0.3, -0.7, 1.1], requires_grad=True)
    for _ in range(5):
        x = ours.step(quadratic, x, grad_fn=quadratic_grad)
        y = theirs.step(quadratic, y, grad_fn=lambda v: quadratic_grad(np.asarray(v)))
        np.testing.assert_allclose(x, np.asarray(y), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", OPTIMISERS)
def test_optimizer_step_and_cost_returns_the_cost_before_the_step(name):
    opt = OPTIMISERS[name][0]()
    x = np.array([0.4, -0.3])
    new, cost = opt.step_and_cost(circuit, x)
    assert isinstance(cost, float)
    assert cost == pytest.approx(circuit_value(x), abs=1e-12)
    assert not np.allclose(new, x)


def test_optimizer_passes_ints_through_and_returns_a_tuple():
    def cost(weights, layers, scale):
        return scale * np.sum(weights[:layers] ** 2)

    opt = kt.GradientDescentOptimizer(0.25)
    weights, layers, scale = opt.step(cost, np.array([1.0, 2.0, 3.0]), 2, 1.5)
    assert layers == 2 and type(layers) is int
    np.testing.assert_allclose(weights, [1.0 - 0.25 * 3.0, 2.0 - 0.25 * 6.0, 3.0])
    assert type(scale) is float
    assert scale == pytest.approx(1.5 - 0.25 * 5.0)


def test_optimizer_trains_a_float_argument_to_a_float():
    opt = kt.GradientDescentOptimizer(0.5)
    x = opt.step(lambda x: (x - 3.0) ** 2, 1.0)
    assert type(x) is float and x == pytest.approx(3.0)


def test_optimizer_keyword_arguments_are_data_not_trained():
    def cost(w, X=None, Y=None):
        return np.mean((w * X - Y) ** 2)

    opt = kt.GradientDescentOptimizer(0.1)
    X, Y = np.array([1.0, 2.0]), np.array([2.0, 4.0])
    w = opt.step(cost, 0.0, X=X, Y=Y)
    assert w == pytest.approx(0.1 * np.mean(2 * X * Y))  # -step * d/dw at w=0
    np.testing.assert_array_equal(X, [1.0, 2.0])


def test_optimizer_training_loop_traces_once():
    traces = []

    def cost(x, X=None):
        traces.append(1)
        return circuit(x) + np.sum(X) * x[0]

    opt = kt.AdamOptimizer(0.1, method="parameter-shift")
    x = np.array([0.4, -0.3])
    for step in range(6):
        x = opt.step(cost, x, X=np.full(3, float(step)))
    assert len(traces) == 1


def test_optimizer_grad_fn_replaces_kettles_gradient():
    opt = kt.GradientDescentOptimizer(1.0)
    w, b = opt.step(lambda w, b: 0.0 * w * b, 1.0, 2.0, grad_fn=lambda w, b: (0.5, -1.0))
    assert (w, b) == (0.5, 3.0)
    new, cost = opt.step_and_cost(quadratic, np.zeros(3), grad_fn=quadratic_grad)
    assert cost == pytest.approx(quadratic(np.zeros(3)))
    np.testing.assert_allclose(new, -quadratic_grad(np.zeros(3)))


def test_adam_keeps_moments_per_argument_and_resets():
    opt = kt.AdamOptimizer(0.1)
    assert opt.t is None and opt.fm is None
    opt.step(lambda a, n, b: a * a + b, 1.0, 3, 2.0)
    assert opt.t == 1
    assert opt.fm == [pytest.approx(0.1 * 2.0), 0.0, pytest.approx(0.1)]
    assert opt.sm == [pytest.approx(0.01 * 4.0), 0.0, pytest.approx(0.01)]
    opt.reset()
    assert opt.t is None and opt.sm is None


def test_optimizer_with_nothing_to_train_says_so():
    with pytest.raises(kt.TraceError, match="nothing to train.*floats"):
        kt.GradientDescentOptimizer().step(lambda n: float(n), 3)


def test_optimizer_rejects_an_unknown_method():
    with pytest.raises(kt.TraceError, match="unknown differentiation method 'backprop'"):
        kt.AdamOptimizer(method="backprop")
