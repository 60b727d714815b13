"""kt.grad, kt.jacobian and kt.value_and_grad as a user calls them: what can be differentiated
(observable coefficients, template weights, embedded data, probs, var, a cost over a data
set), the shapes of the results, shots, and the errors for what cannot."""

from __future__ import annotations

import re

import numpy as np
import pytest
from finite_differences import five_point

import kettle as kt

EXACT = ["parameter-shift", "adjoint"]
METHODS = [*EXACT, "finite-diff"]
TOLERANCE = {"parameter-shift": 1e-9, "adjoint": 1e-9, "finite-diff": 1e-6}




OPS = [kt.Z(0), kt.X(1), kt.Z(0) @ kt.Y(1)]


def prepare(x):
    kt.RX(x[0], wires=0)
    kt.RY(x[1], wires=1)
    kt.CNOT(wires=[0, 1])
    kt.RX(0.4, wires=1)


# -- what can be differentiated ------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_grad_hamiltonian_coefficients_are_the_term_expvals(method, backend):
    @kt.qjit(wires=2, backend=backend)
    def energy(coeffs, x):
        prepare(x)
        return kt.expval(kt.Hamiltonian(coeffs, OPS))

    @kt.qjit(wires=2, backend=backend)
    def terms(x):
        prepare(x)
        return tuple(kt.expval(o) for o in OPS)

    coeffs, x = np.array([0.5, -1.2, 0.8]), np.array([0.3, 1.1])
    got = kt.grad(energy, method=method)(coeffs, x)
    np.testing.assert_allclose(got, terms(x), rtol=0, atol=TOLERANCE[method])


@pytest.mark.parametrize("method", METHODS)
def test_grad_coefficients_written_as_arithmetic_and_gate_angles_together(method, backend):
    @kt.qjit(wires=2, backend=backend)
    def energy(c, x):
        prepare(x)
        return kt.expval(c[0] * kt.Z(0) + c[1] * (kt.X(1) @ kt.Z(0)) + 0.3 * kt.Y(1))

    c, x = np.array([0.7, -0.4]), np.array([0.3, 1.1])
    gc, gx = kt.grad(energy, argnums=(0, 1), method=method)(c, x)
    reference = kt.qjit(energy.fn, wires=2, backend="reference")
    np.testing.assert_allclose(gc, five_point(lambda v: reference(v, x), c), atol=TOLERANCE[method])
    np.testing.assert_allclose(gx, five_point(lambda v: reference(c, v), x), atol=TOLERANCE[method])


@pytest.mark.parametrize("method", METHODS)
def test_jacobian_of_var_in_coefficients_and_angles(method, backend):
    @kt.qjit(wires=2, backend=backend)
    def variance(c, x):
        prepare(x)
        return kt.var(kt.Hamiltonian(c, OPS)), kt.var(kt.X(0))

    c, x = np.array([0.5, -1.2, 0.8]), np.array([0.3, 1.1])
    reference = kt.qjit(variance.fn, wires=2, backend="reference")
    (jc, jx), (kc, kx) = kt.jacobian(variance, argnums=(0, 1), method=method)(c, x)
    assert jc.shape == (3,) and jx.shape == (2,) and kc.shape == (3,) and kx.shape == (2,)
    np.testing.assert_allclose(jc, five_point(lambda v: reference(v, x)[0], c), atol=TOLERANCE[method])
    np.testing.assert_allclose(jx, five_point(lambda v: reference(c, v)[0], x), atol=TOLERANCE[method])
    np.testing.assert_allclose(kc, 0.0, atol=1e-12)
    np.testing.assert_allclose(kx, five_point(lambda v: reference(c, v)[1], x), atol=TOLERANCE[method])


def templates(backend: str):
    @kt.qjit(wires=3, backend=backend)
    def circuit(weights, basic, x):
        kt.AngleEmbedding(x, wires=range(3), rotation="Y")
        kt.StronglyEntanglingLayers(weights, wires=range(3))
        kt.BasicEntanglerLayers(basic, wires=range(3))
        return kt.expval(kt.Z(0) @ kt.X(2)), kt.probs(wires=[1, 2])

    return circuit


W = np.random.default_rng(3).uniform(0, 2 * np.pi, (2, 3, 3))
B = np.array([[0.3, -0.2, 0.9]])
X3 = np.array([0.2, 0.5, 1.3])


@pytest.mark.parametrize("method", METHODS)
def test_jacobian_of_template_weights_and_embedded_data(method, backend):
    """d/d(SEL weights), d/d(BasicEntanglerLayers weights), d/d(AngleEmbedding data), of an
    expval and of probs."""
    jac = kt.jacobian(templates(backend), argnums=(0, 1, 2), method=method)(W, B, X3)
    reference = templates("reference")
    args = [W, B, X3]
    for k, arg in enumerate(args):
        def f(v, k=k):
            return reference(*[v if i == k else a for i, a in enumerate(args)])
        for out in range(2):
            want = five_point(lambda v, out=out: f(v)[out], arg)
            assert jac[out][k].shape == want.shape
            np.testing.assert_allclose(jac[out][k], want, rtol=0, atol=TOLERANCE[method])


HERMITIAN = np.array([[1.0, 0.5 - 0.2j], [0.5 + 0.2j, -0.3]])
UNITARY = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4))
                       + 1j * np.random.default_rng(1).normal(size=(4, 4)))[0]


def matrices(x):
    kt.RX(x[0], wires=0)
    kt.QubitUnitary(UNITARY, wires=[0, 1])
    kt.CRZ(x[1], wires=[1, 0])
    weights = np.array([[[x[0], 0.2, x[1]], [0.4, x[0], 0.1]]])
    kt.adjoint(kt.StronglyEntanglingLayers)(weights, wires=[0, 1])
    return kt.expval(kt.Hermitian(HERMITIAN, wires=[1])), kt.var(kt.Hermitian(HERMITIAN, wires=[0]))


@pytest.mark.parametrize("method", METHODS)
def test_jacobian_through_unitaries_hermitian_observables_and_an_inverted_template(method, backend):
    x = np.array([0.3, 0.9])
    jacobians = kt.jacobian(kt.qjit(matrices, wires=2, backend=backend), method=method)(x)
    reference = kt.qjit(matrices, wires=2, backend="reference")
    for i, got in enumerate(jacobians):
        want = five_point(lambda v, i=i: reference(v)[i], x)
        np.testing.assert_allclose(got, want, rtol=0, atol=TOLERANCE[method])


@kt.qjit(wires=2)
def model(weights, x):
    kt.AngleEmbedding(x, wires=[0, 1], rotation="Y")
    kt.StronglyEntanglingLayers(weights, wires=[0, 1])
    return kt.expval(kt.Z(0))


DATA = np.array([[0.1, 0.7], [1.2, -0.4], [-0.8, 0.3], [0.5, 0.5]])
LABELS = np.array([1.0, -1.0, -1.0, 1.0])
WEIGHTS = np.random.default_rng(5).normal(size=(2, 2, 3))


def dataset_cost(weights, bias):
    """A cost over a small data set: a qjit call per point, NumPy post-processing."""
    predictions = np.array([np.tanh(model(weights, x) + bias) for x in DATA])
    return np.mean((predictions - LABELS) ** 2) + 0.01 * np.sum(weights**2)


@pytest.mark.parametrize("method", METHODS)
def test_grad_of_a_cost_over_a_data_set(method):
    gw, gb = kt.grad(dataset_cost, argnums=(0, 1), method=method)(WEIGHTS, 0.1)
    want = five_point(lambda w: dataset_cost(w, 0.1), WEIGHTS)
    np.testing.assert_allclose(gw, want, rtol=0, atol=TOLERANCE[method])
    assert gb == pytest.approx(five_point(lambda b: dataset_cost(WEIGHTS, b), 0.1), abs=TOLERANCE[method])


@pytest.mark.parametrize("method", METHODS)
def test_grad_of_one_value_used_as_a_gate_angle_and_a_coefficient(method):
    """Each use gets its own kernel slot (a shift rule for the angle, a linear one for the
    coefficient); the host adds the two contributions."""
    @kt.qjit(wires=1)
    def f(c):
        kt.RX(c, wires=0)
        return kt.expval(c * kt.Z(0))

    for c in (0.3, -1.2):
        assert kt.grad(f, method=method)(c) == pytest.approx(np.cos(c) - c * np.sin(c), abs=TOLERANCE[method])


@pytest.mark.parametrize("method", EXACT)
def test_grad_of_a_cost_that_calls_grad(method):
    """A gradient inside a differentiated cost (a gradient-norm penalty): the inner
    derivative is inlined into the outer trace."""
    @kt.qjit(wires=2)
    def c(x):
        kt.RX(x[0], wires=0)
        kt.RY(x[1], wires=1)
        return kt.expval(kt.Z(0) @ kt.Z(1))

    def penalty(x, scale):
        return scale * np.sum(kt.grad(c, method=method)(x) ** 2)

    x = np.array([0.3, 0.5])
    # <Z0 Z1> = cos x0 cos x1, so |grad|^2 = sin^2 x0 cos^2 x1 + cos^2 x0 sin^2 x1.
    a, b = x
    want = 1.5 * np.array([np.sin(2 * a) * np.cos(2 * b), np.cos(2 * a) * np.sin(2 * b)])
    gx, gs = kt.grad(penalty, argnums=(0, 1), method=method)(x, 1.5)
    np.testing.assert_allclose(gx, want, rtol=0, atol=1e-10)
    assert gs == pytest.approx(penalty(x, 1.0), abs=1e-12)


def test_value_and_grad_of_a_cost_gives_the_cost_and_the_gradient():
    value, gw = kt.value_and_grad(dataset_cost, method="parameter-shift")(WEIGHTS, 0.1)
    assert isinstance(value, float)
    assert value == pytest.approx(dataset_cost(WEIGHTS, 0.1), abs=1e-12)
    np.testing.assert_allclose(gw, kt.grad(dataset_cost, method="adjoint")(WEIGHTS, 0.1), atol=1e-10)


# -- shapes and argnums --------------------------------------------------------------


@kt.qjit(wires=2)
def shaped(w, x, s):
    kt.AngleEmbedding(x, wires=[0, 1])
    kt.StronglyEntanglingLayers(w, wires=[0, 1])
    kt.RZ(s, wires=0)
    return kt.expval(kt.Z(0) @ kt.X(1)), kt.probs(wires=[0, 1]), kt.var(kt.X(1))


SW, SX, SS = np.full((2, 2, 3), 0.3), np.array([0.1, 0.2]), 0.4


def scalar_of_shaped(w, x, s):
    return shaped(w, x, s)[0]


def test_grad_has_the_shape_of_its_argument_and_scalars_give_floats():
    gw = kt.grad(scalar_of_shaped, method="parameter-shift")(SW, SX, SS)
    assert isinstance(gw, np.ndarray) and gw.shape == SW.shape
    gs = kt.grad(scalar_of_shaped, argnums=2, method="parameter-shift")(SW, SX, SS)
    assert type(gs) is float


def test_grad_argnums_tuple_gives_a_tuple_in_argnums_order():
    gs, gw = kt.grad(scalar_of_shaped, argnums=(2, 0), method="parameter-shift")(SW, SX, SS)
    assert type(gs) is float and gw.shape == SW.shape
    assert gs == kt.grad(scalar_of_shaped, argnums=2, method="parameter-shift")(SW, SX, SS)
    (single,) = kt.grad(scalar_of_shaped, argnums=(1,), method="parameter-shift")(SW, SX, SS)
    assert single.shape == SX.shape


def test_jacobian_shape_is_output_shape_plus_argument_shape():
    jacobians = kt.jacobian(shaped, argnums=(0, 1, 2), method="parameter-shift")(SW, SX, SS)
    shapes = [[np.shape(j) for j in per_output] for per_output in jacobians]
    assert shapes == [[(2, 2, 3), (2,), ()], [(4, 2, 2, 3), (4, 2), (4,)], [(2, 2, 3), (2,), ()]]
    assert type(jacobians[0][2]) is float
    probs_w = kt.jacobian(shaped, argnums=0, method="parameter-shift")(SW, SX, SS)[1]
    assert probs_w.shape == (4, 2, 2, 3)
    np.testing.assert_allclose(probs_w.sum(axis=0), 0.0, atol=1e-12)  # probabilities sum to one


def test_jacobian_keeps_the_structure_of_the_outputs():
    @kt.qjit(wires=1)
    def structured(p):
        kt.RX(p[0], wires=0)
        kt.RY(p[1], wires=0)
        return {"e": kt.expval(kt.Z(0)), "p": [kt.probs(wires=[0])]}

    jac = kt.jacobian(structured, method="parameter-shift")(np.array([0.3, 0.4]))
    assert set(jac) == {"e", "p"} and jac["e"].shape == (2,) and jac["p"][0].shape == (2, 2)


def test_grad_traces_once_per_signature():
    traced = []

    def cost(w, x, s):
        traced.append(1)
        return shaped(w, x, s)[0]

    grad = kt.grad(cost, method="parameter-shift")
    for k in range(4):
        grad(SW + k, SX, SS)
    assert len(traced) == 1


def test_grad_auto_is_adjoint_for_exact_runs_and_parameter_shift_with_shots():
    exact = str(kt.grad(scalar_of_shaped).lower(SW, SX, SS))
    assert 'method = "adjoint"' in exact

    @kt.qjit(wires=1, shots=100, seed=1)
    def sampled(t):
        kt.RX(t, wires=0)
        return kt.expval(kt.Z(0))

    text = str(kt.grad(sampled).lower(0.3))
    assert "q.vjp" not in text and text.count("q.call") == 2


# -- shots ------------------------------------------------------------------------------


SHOTS = 4000


def shot_circuit(backend: str, seed: int):
    @kt.qjit(wires=2, shots=SHOTS, seed=seed, backend=backend)
    def circuit(x):
        kt.RX(x[0], wires=0)
        kt.CRY(x[1], wires=[0, 1])
        return kt.expval(kt.Z(0) @ kt.X(1))

    return circuit


def test_grad_with_shots_is_within_five_sigma_of_the_exact_gradient(backend):
    x = np.array([0.9, 1.4])
    got = kt.grad(shot_circuit(backend, 11), method="parameter-shift")(x)
    exact = kt.qjit(shot_circuit(backend, 0).fn, wires=2)
    want = kt.grad(exact, method="parameter-shift")(x)
    # The gradient is sum_k c_k E(x + s_k e_j); each E is a mean of SHOTS outcomes +-1.
    variances = []
    for j, rule in enumerate([((np.pi / 2, 0.5), (-np.pi / 2, -0.5)), None]):
        if rule is None:  # CRY: the four-term rule of frequencies 1/2 and 1
            a, b = np.pi / 2, 3 * np.pi / 2
            ca, cb = (np.sqrt(2) + 1) / (4 * np.sqrt(2)), -(np.sqrt(2) - 1) / (4 * np.sqrt(2))
            rule = ((a, ca), (-a, -ca), (b, cb), (-b, -cb))
        total = 0.0
        for shift, c in rule:
            e = exact(x + shift * np.eye(2)[j])
            total += c**2 * (1 - e**2) / SHOTS
        variances.append(total)
    sigma = np.sqrt(variances)
    assert np.all(np.abs(got - want) < 5 * sigma)
    assert np.any(got != want)  # sampled, not exact


def test_grad_with_shots_is_reproducible_under_a_seed_and_auto_is_parameter_shift():
    x = np.array([0.9, 1.4])
    first = kt.grad(shot_circuit("statevector", 7), method="parameter-shift")(x)
    again = kt.grad(shot_circuit("statevector", 7), method="parameter-shift")(x)
    auto = kt.grad(shot_circuit("statevector", 7))(x)
    other = kt.grad(shot_circuit("statevector", 8), method="parameter-shift")(x)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, auto)
    assert np.any(first != other)


# -- errors -----------------------------------------------------------------------------


@kt.qjit(wires=2)
def probs_only(x):
    kt.RX(x, wires=0)
    return kt.probs(wires=[0, 1])


@kt.qjit(wires=2)
def with_int(x, n):
    kt.RX(x * n, wires=0)
    return kt.expval(kt.Z(0))


def test_grad_error_non_scalar_output_points_to_jacobian():
    with pytest.raises(kt.TraceError, match=r"one scalar output.*tensor<4xf64>.*use kt\.jacobian"):
        kt.grad(probs_only)(0.3)
    with pytest.raises(kt.TraceError, match=r"one scalar output.*\(f64, f64\).*use kt\.jacobian"):
        kt.grad(lambda x: (with_int(x, 1), with_int(x, 2)))(0.3)


def test_grad_error_integer_argument_says_to_pass_a_float():
    with pytest.raises(kt.TraceError, match=r"argument 'n' is an integer.*static.*pass a float"):
        kt.grad(with_int, argnums=1)(0.3, 2)
    with pytest.raises(kt.TraceError, match=r"argument 'x' is an integer.*float\(x\)"):
        kt.grad(with_int)(1, 2)


def test_grad_error_adjoint_with_shots_names_parameter_shift():
    with pytest.raises(kt.TraceError, match=r"method='adjoint' needs an exact run.*4000 shots.*"
                                             r"method='parameter-shift'"):
        kt.grad(shot_circuit("statevector", 1), method="adjoint")(np.array([0.1, 0.2]))


@pytest.mark.parametrize("measurement", ["sample", "counts"])
def test_grad_error_samples_inside_a_differentiated_function(measurement):
    @kt.qjit(wires=1, shots=10, seed=1)
    def sampled(x):
        kt.RX(x, wires=0)
        return kt.expval(kt.Z(0)), getattr(kt, measurement)(wires=[0])

    message = r"kt\.sample/kt\.counts inside a differentiated function.*differentiate kt\.expval"
    with pytest.raises(kt.MeasurementError, match=message):
        kt.jacobian(sampled, method="parameter-shift")(0.3)


def test_grad_error_state_has_no_derivative():
    @kt.qjit(wires=1)
    def state(x):
        kt.RX(x, wires=0)
        return kt.state()

    for derivative in (kt.grad, kt.jacobian):
        with pytest.raises(kt.MeasurementError, match=r"complex amplitudes \(kt\.state\) have no "
                                                      r"derivative.*kt\.expval, kt\.var, kt\.probs"):
            derivative(state)(0.3)
    # Computing on a state inside a differentiated cost: refused at the operation, NumPy included.
    for cost in (lambda x: abs(state(x)[0]) ** 2, lambda x: np.vdot(state(x), np.ones(2)).real):
        with pytest.raises(kt.TraceError, match=r"kt\.state cannot be computed on while kettle traces "
                                                r"\(inside a qjit function, or a function being "
                                                r"differentiated\).*measure kt\.expval"):
            kt.grad(cost)(0.3)


def test_grad_error_unknown_method_lists_the_methods():
    for derivative in (kt.grad, kt.jacobian, kt.value_and_grad):
        with pytest.raises(kt.TraceError, match=re.escape(
                "unknown differentiation method 'backprop'; use one of auto, adjoint, parameter-shift, "
                "finite-diff")):
            derivative(probs_only, method="backprop")


def test_grad_error_argnums_out_of_range():
    with pytest.raises(kt.TraceError, match=r"argnums 2 is out of range for a function of 2 argument\(s\)"):
        kt.grad(with_int, argnums=2)(0.3, 2)
    with pytest.raises(kt.TraceError, match=r"argnums 5 is out of range"):
        kt.grad(with_int, argnums=(0, 5))(0.3, 2.0)
    for bad in ("x", None, 0.0, ()):
        with pytest.raises(kt.TraceError, match=r"argnums must be an int or a tuple of ints, got"):
            kt.grad(with_int, argnums=bad)


@pytest.mark.parametrize("h", [0.0, -1e-3, float("nan"), float("inf"), "1e-3", True])
def test_grad_error_finite_difference_step_must_be_a_positive_number(h):
    with pytest.raises(kt.TraceError, match=r"the finite-difference step h must be a positive number"):
        kt.grad(with_int, method="finite-diff", h=h)


def test_argnums_counts_parameters_in_signature_order_defaults_included():
    """As when b is passed, positionally or by keyword: d (s(a) * b) / d b = s(a)."""
    def f(a, b=0.25):
        return with_int(a, 1) * b

    expected = with_int(0.3, 1)
    for args, kwargs in (((0.3,), {}), ((0.3, 0.25), {}), ((0.3,), {"b": 0.25})):
        assert np.isclose(kt.grad(f, argnums=1)(*args, **kwargs), expected, atol=1e-12)


def test_a_zero_dimensional_array_output_is_a_scalar():
    assert np.isclose(kt.grad(lambda x: np.array(with_int(x, 1)))(0.3),
                      kt.grad(lambda x: with_int(x, 1))(0.3), atol=1e-15)


def test_jacobian_blocks_of_equal_elements_keep_their_own_shapes_and_memory():
    """Value numbering must not merge tensors that differ only in shape, and equal blocks
    come back as separate arrays."""
    J1, J2 = kt.jacobian(lambda p: (p, p.reshape(2, 2)))(np.arange(4.0))
    np.testing.assert_array_equal(J1, np.eye(4))
    np.testing.assert_array_equal(J2, np.eye(4).reshape(2, 2, 4))
    ja, jb = kt.jacobian(lambda a, x, z: with_int(a, 1), argnums=(1, 2))(0.3, np.zeros((2, 2)), np.zeros(4))
    assert ja.shape == (2, 2) and jb.shape == (4,)
    ja, jb = kt.jacobian(lambda a, x, z: with_int(a, 1), argnums=(1, 2))(0.3, np.zeros(3), np.zeros(3))
    ja[0] = 5.0
    assert jb[0] == 0.0


def test_shot_hessian_of_a_product_of_estimates_is_unbiased():
    """d2/dw2 f(w)^2 with f from 10 shots: f' * f' must come from independent draws, or its
    mean is off by 2 Var(f') (~0.09 here, 25 standard errors at 3000 runs)."""
    @kt.qjit(wires=1, shots=10, seed=11)
    def f(w):
        kt.RX(w, wires=0)
        return kt.expval(kt.Z(0))

    hess = kt.grad(kt.grad(lambda w: f(w) ** 2, method="parameter-shift"), method="parameter-shift")
    runs = np.array([hess(0.3) for _ in range(3000)])
    assert abs(runs.mean() - -2 * np.cos(0.6)) < 4 * runs.std() / np.sqrt(len(runs))


def test_grad_error_static_string_or_none_argument_names_its_type():
    for value, what in ((None, "is None"), ("RY", "is a string"), (True, "is a bool")):
        with pytest.raises(kt.TraceError, match=f"argument 'n' {what}, which kettle treats as a static"):
            kt.grad(lambda x, n: with_int(x, 1), argnums=1)(0.3, value)
