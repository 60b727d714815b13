"""Host code in qjit functions: arithmetic, NumPy functions and array handling of traced values.

Each case runs a function `f` of the arguments inside a qjit function, either returning
`f(...)` directly or feeding it to RX and measuring <Z> = cos f, and compares with the
same `f` evaluated by NumPy on plain floats.
"""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt

X, Y = 0.37, 1.21
VEC = np.array([0.3, -1.2, 0.8])
VEC2 = np.array([1.1, 0.4, -0.6])
MAT = np.array([[0.2, -0.7, 1.3], [0.9, 0.1, -0.4]])


def returned(backend: str, f, *args):
    """What a qjit function returns for `f(*args)` computed on traced arguments."""

    @kt.qjit(wires=1, backend=backend)
    def circuit(*a):
        return kt.expval(kt.PauliZ(0)), f(*a)

    return circuit(*args)[1]


def through_gate(backend: str, f, *args) -> float:
    """<Z> after RX(f(*args)) on |0>, which is cos f(*args)."""

    @kt.qjit(wires=1, backend=backend)
    def circuit(*a):
        kt.RX(f(*a), wires=0)
        return kt.expval(kt.PauliZ(0))

    return circuit(*args)


SCALAR_ARITHMETIC = {
    "add": lambda x, y: x + y + 2 + np.float64(0.5),
    "radd_numpy_first": lambda x, y: np.float64(0.5) + x,
    "sub": lambda x, y: 1.5 - x - y - np.float64(0.25),
    "mul": lambda x, y: 2 * x * y * np.float64(0.5),
    "rmul_numpy_first": lambda x, y: np.float64(3.0) * y,
    "div": lambda x, y: x / y / 2 + 1 / x + np.float64(3.0) / y,
    "pow": lambda x, y: x**2 + x**y + 2**x + np.float64(1.5) ** y,
    "neg": lambda x, y: -x + (-(x * y)),
    "pos": lambda x, y: +x,
    "mixed": lambda x, y: (x - 3) * (y + np.pi) / (1 + x**2),
    "abs": lambda x, y: abs(x - y),
}

UNARY_FUNCTIONS = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "arctan": np.arctan, "arccos": np.arccos, "arcsin": np.arcsin, "tanh": np.tanh, "abs": np.abs,
    "square": np.square,
}


@pytest.mark.parametrize("case", SCALAR_ARITHMETIC)
def test_scalar_arithmetic_returned_matches_numpy(backend, case):
    f = SCALAR_ARITHMETIC[case]
    assert returned(backend, f, X, Y) == pytest.approx(f(X, Y), rel=1e-14)


@pytest.mark.parametrize("case", SCALAR_ARITHMETIC)
def test_scalar_arithmetic_as_gate_angle_matches_numpy(backend, case):
    f = SCALAR_ARITHMETIC[case]
    assert through_gate(backend, f, X, Y) == pytest.approx(np.cos(f(X, Y)), abs=1e-12)


@pytest.mark.parametrize("name", UNARY_FUNCTIONS)
def test_numpy_function_returned_matches_numpy(backend, name):
    f = UNARY_FUNCTIONS[name]
    assert returned(backend, lambda x: f(x - 0.1), X) == pytest.approx(f(X - 0.1), rel=1e-14)


@pytest.mark.parametrize("name", UNARY_FUNCTIONS)
def test_numpy_function_as_gate_angle_matches_numpy(backend, name):
    f = UNARY_FUNCTIONS[name]
    assert through_gate(backend, lambda x: 2 * f(x), X) == pytest.approx(np.cos(2 * f(X)), abs=1e-12)


@pytest.mark.parametrize("name", UNARY_FUNCTIONS)
def test_numpy_function_elementwise_on_array_matches_numpy(backend, name):
    f = UNARY_FUNCTIONS[name]
    v = np.array([0.1, 0.45, 0.9])
    np.testing.assert_allclose(returned(backend, f, v), f(v), rtol=1e-14)


ARRAY_CASES = {
    "index": (lambda v: v[1], (VEC,)),
    "negative_index": (lambda v: v[-1], (VEC,)),
    "index_2d": (lambda m: m[1, 2], (MAT,)),
    "slice": (lambda v: v[1:3], (VEC,)),
    "slice_step_reversed": (lambda v: v[::-2], (VEC,)),
    "slice_column": (lambda m: m[:, 1], (MAT,)),
    "slice_block": (lambda m: m[1:, :2], (MAT,)),
    "row": (lambda m: m[0], (MAT,)),
    "reshape_method": (lambda m: m.reshape(3, 2), (MAT,)),
    "reshape_function": (lambda m: np.reshape(m, (6,)), (MAT,)),
    "flatten": (lambda m: m.flatten(), (MAT,)),
    "ravel": (lambda m: m.ravel(), (MAT,)),
    "transpose_attribute": (lambda m: m.T, (MAT,)),
    "transpose_function": (lambda m: np.transpose(m), (MAT,)),
    "sum": (lambda v: np.sum(v), (VEC,)),
    "sum_axis": (lambda m: np.sum(m, axis=0), (MAT,)),
    "sum_method": (lambda m: m.sum(), (MAT,)),
    "mean": (lambda v: np.mean(v), (VEC,)),
    "mean_axis": (lambda m: np.mean(m, axis=1), (MAT,)),
    "dot_vectors": (lambda v, w: np.dot(v, w), (VEC, VEC2)),
    "matmul_vectors": (lambda v, w: v @ w, (VEC, VEC2)),
    "matmul_matrix_vector": (lambda m, v: m @ v, (MAT, VEC)),
    "dot_matrix_vector": (lambda m, v: np.dot(m, v), (MAT, VEC)),
    "matmul_matrix_matrix": (lambda m: m @ m.T, (MAT,)),
    "matmul_constant_matrix": (lambda v: np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]) @ v, (VEC,)),
    "stack_scalars": (lambda x, y: np.stack([x, y, x * y]), (X, Y)),
    "stack_arrays": (lambda v, w: np.stack([v, w]), (VEC, VEC2)),
    "concatenate": (lambda v, w: np.concatenate([v, w]), (VEC, VEC2)),
    "concatenate_with_constant": (lambda v: np.concatenate([v, np.array([5.0])]), (VEC,)),
    "elementwise_mix": (lambda v, w: np.sin(v) * 2 + w**2 - v / 3, (VEC, VEC2)),
    "array_times_scalar": (lambda v, x: np.array([1.0, 2.0, 3.0]) * x + v, (VEC, X)),
}


@pytest.mark.parametrize("case", ARRAY_CASES)
def test_array_operation_returned_matches_numpy(backend, case):
    f, args = ARRAY_CASES[case]
    got, expected = returned(backend, f, *args), f(*args)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("case", ARRAY_CASES)
def test_array_operation_as_gate_angle_matches_numpy(backend, case):
    f, args = ARRAY_CASES[case]
    got = through_gate(backend, lambda *a: np.sum(f(*a)), *args)
    assert got == pytest.approx(np.cos(np.sum(f(*args))), abs=1e-12)


def test_list_argument_is_traced_as_array(backend):
    assert returned(backend, lambda v: v[0] + 2 * v[1], [0.25, 1.5]) == pytest.approx(3.25)


def test_keyword_argument_is_traced(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x, y):
        kt.RX(x - y, wires=0)
        return kt.expval(kt.PauliZ(0))

    assert circuit(y=0.2, x=1.0) == pytest.approx(np.cos(0.8))


def test_static_int_drives_python_loop(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x, n_layers):
        for _ in range(n_layers):
            kt.RX(x, wires=0)
        return kt.expval(kt.PauliZ(0))

    assert [circuit(0.3, n) for n in (1, 2, 3)] == pytest.approx([np.cos(0.3 * n) for n in (1, 2, 3)])


def test_static_int_retraces_per_value(backend):
    traces = []

    @kt.qjit(wires=1, backend=backend)
    def circuit(x, n_layers):
        traces.append(n_layers)
        for _ in range(n_layers):
            kt.RX(x, wires=0)
        return kt.expval(kt.PauliZ(0))

    circuit(0.3, 1)
    circuit(0.5, 1)
    circuit(0.3, 2)
    circuit(0.7, 1)
    assert traces == [1, 2]


def test_static_int_branch_selects_gate(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x, use_y):
        if use_y:
            kt.RY(x, wires=0)
        else:
            kt.RX(x, wires=0)
        return kt.expval(kt.PauliX(0))

    # RY(x)|0> has <X> = sin x; RX(x)|0> has <X> = 0.
    assert circuit(0.4, 1) == pytest.approx(np.sin(0.4))
    assert circuit(0.4, 0) == pytest.approx(0.0, abs=1e-12)


TRACED_CONTROL_FLOW = {
    "if_comparison": lambda x: kt.RX(x, wires=0) if x > 0 else None,
    "if_truth": lambda x: kt.RX(x, wires=0) if x else None,
    "if_equality": lambda x: kt.RX(1.0, wires=0) if x == 0.5 else None,
    "if_inequality": lambda x: kt.RX(1.0, wires=0) if x != 0.5 else None,
    "while": lambda x: [kt.RX(x, wires=0) for _ in iter(lambda: bool(x), False)],
    "float": lambda x: kt.RX(float(x), wires=0),
    "int_range": lambda x: [kt.RX(0.1, wires=0) for _ in range(int(x))],
    "array_comparison": lambda v: kt.RX(v[0], wires=0) if np.sum(v) > 0 else None,
}


@pytest.mark.parametrize("case", TRACED_CONTROL_FLOW)
def test_control_flow_on_traced_value_raises_trace_error(backend, case):
    body = TRACED_CONTROL_FLOW[case]

    @kt.qjit(wires=1, backend=backend)
    def circuit(x):
        body(x)
        return kt.expval(kt.PauliZ(0))

    arg = VEC if case == "array_comparison" else 0.5
    with pytest.raises(kt.TraceError, match="traced"):
        circuit(arg)


def test_traced_value_escaping_its_trace_raises(backend):
    leaked = []

    @kt.qjit(wires=1, backend=backend)
    def first(x):
        leaked.append(x)
        return kt.expval(kt.PauliZ(0))

    @kt.qjit(wires=1, backend=backend)
    def second(y):
        kt.RX(y + leaked[0], wires=0)
        return kt.expval(kt.PauliZ(0))

    first(0.1)
    with pytest.raises(kt.TraceError, match="escaped"):
        second(0.2)


def test_expval_postprocessed_in_host(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x):
        kt.RX(x, wires=0)
        return 2 * kt.expval(kt.PauliZ(0)) + 1

    assert circuit(0.9) == pytest.approx(2 * np.cos(0.9) + 1)


def test_probs_difference_postprocessed_in_host(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x):
        kt.RX(x, wires=0)
        probs = kt.probs(wires=0)
        return probs[0] - probs[1]

    # cos^2(x/2) - sin^2(x/2) = cos x
    assert circuit(0.9) == pytest.approx(np.cos(0.9))


def test_product_of_two_expvals_postprocessed_in_host(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit(x, y):
        kt.RX(x, wires=0)
        kt.RY(y, wires=1)
        return kt.expval(kt.PauliZ(0)) * kt.expval(kt.PauliX(1)) - np.sqrt(kt.expval(kt.PauliZ(1)) + 1)

    assert circuit(0.9, 0.4) == pytest.approx(np.cos(0.9) * np.sin(0.4) - np.sqrt(np.cos(0.4) + 1))


def test_probs_dot_eigenvalues_is_expval(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit(x):
        kt.RX(x, wires=0)
        kt.CNOT(wires=[0, 1])
        return np.dot(kt.probs(wires=[0, 1]), np.array([1.0, -1.0, -1.0, 1.0]))

    assert circuit(0.7) == pytest.approx(1.0)  # Z0 Z1 = +1 on a|00> + b|11>


# Floating-point edge cases: the host must give NumPy's inf/nan, not raise.
EDGE_CASES = {
    "log_zero": (lambda x: np.log(x), 0.0),
    "divide_by_zero": (lambda x: 1.0 / x, 0.0),
    "negative_divide_by_zero": (lambda x: -1.0 / x, 0.0),
    "zero_over_zero": (lambda x: x / x, 0.0),
    "sqrt_negative": (lambda x: np.sqrt(x), -1.0),
    "arccos_out_of_domain": (lambda x: np.arccos(x), 2.0),
    "arcsin_out_of_domain": (lambda x: np.arcsin(x), -3.0),
    "exp_overflow": (lambda x: np.exp(x), 1000.0),
    "pow_overflow": (lambda x: x**400.0, 10.0),
    "pow_negative_fractional": (lambda x: x ** (1 / 3), -8.0),
    "pow_zero_negative": (lambda x: x**-1.0, 0.0),
    "log_negative": (lambda x: np.log(x), -1.0),
    "inf_minus_inf": (lambda x: np.exp(x) - np.exp(x), 1000.0),
}


@pytest.mark.parametrize("case", EDGE_CASES)
def test_float_edge_case_matches_numpy(backend, case):
    f, x = EDGE_CASES[case]
    with np.errstate(all="ignore"):
        expected = f(np.float64(x))
    np.testing.assert_equal(returned(backend, f, x), expected)

