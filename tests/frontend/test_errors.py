"""User mistakes: each raises a kt.KettleError subclass whose message names the mistake and the fix.

Every test asserts the exact error type and fragments of the message (the mistake, and
the fix it suggests), so a vaguer message or a bare traceback from deep inside the
compiler fails the test.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest

import kettle as kt


@contextmanager
def raises(error: type[kt.KettleError], *fragments: str):
    """Expect `error` (exactly that class or a subclass) with every fragment in its message."""
    with pytest.raises(error) as info:
        yield info
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def qjit_of(backend: str, body, wires: int = 2, **kwargs):
    """A qjit function running `body(*args)` and returning what it returns."""
    return kt.qjit(lambda *a: body(*a), wires=wires, backend=backend, **kwargs)


@pytest.mark.parametrize("error", [kt.TraceError, kt.WireError, kt.ShapeError, kt.MeasurementError,
                                   kt.VerifyError, kt.IRParseError, kt.BackendError])
def test_error_classes_are_kettle_errors(error):
    assert issubclass(error, kt.KettleError)


MEASUREMENTS = {
    "expval": lambda: kt.expval(kt.PauliZ(0)),
    "var": lambda: kt.var(kt.PauliZ(0)),
    "probs": lambda: kt.probs(wires=[0]),
    "sample": lambda: kt.sample(),
    "counts": lambda: kt.counts(),
    "state": lambda: kt.state(),
}


@pytest.mark.parametrize("name", MEASUREMENTS)
def test_measurement_outside_qjit_raises(name):
    with raises(kt.MeasurementError, f"kt.{name}", "outside a qjit function", "@kt.qjit(wires="):
        MEASUREMENTS[name]()


def test_gate_wire_out_of_range_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.RX(x, wires=2), kt.expval(kt.PauliZ(0)))[1])
    with raises(kt.WireError, "RX", "wire 2", "wires 0..1", "kt.qjit(wires=...)"):
        circuit(0.1)


def test_template_wire_out_of_range_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.AngleEmbedding(x, wires=range(3)), kt.expval(kt.PauliZ(0)))[1])
    with raises(kt.WireError, "wire 2", "wires 0..1"):
        circuit(np.array([0.1, 0.2, 0.3]))


def test_ctrl_control_wire_out_of_range_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.ctrl(kt.RX, control=4)(x, wires=0), kt.state())[1])
    with raises(kt.WireError, "wire 4", "wires 0..1"):
        circuit(0.1)


def test_wire_repeated_in_gate_raises(backend):
    circuit = qjit_of(backend, lambda: (kt.CNOT(wires=[1, 1]), kt.state())[1])
    with raises(kt.WireError, "CNOT", "wire 1 more than once", "must be different"):
        circuit()


def test_ctrl_control_also_target_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.ctrl(kt.RX, control=0)(x, wires=0), kt.state())[1])
    with raises(kt.WireError, "control wire 0", "controls must be different wires"):
        circuit(0.1)


def test_negative_wire_raises():
    with raises(kt.WireError, "wire -1", "non-negative integer"):
        kt.RX(0.1, wires=-1)


def test_traced_value_as_wire_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.RX(0.1, wires=x), kt.state())[1])
    with raises(kt.WireError, "a wire cannot be a traced value", "Python ints (static arguments)"):
        circuit(0.0)


def test_wrong_number_of_wires_raises():
    with raises(kt.WireError, "CNOT acts on 2 wire(s), got 1"):
        kt.CNOT(wires=[0])


def test_missing_wires_raises():
    with raises(kt.WireError, "RX needs wires", "RX(phi, wires)"):
        kt.RX(0.3)


@pytest.mark.parametrize(("make", "fragments"), [
    (lambda: kt.RX(0.1, 0.2, wires=0), ("RX takes 1 parameter(s), got 2", "call RX(phi, wires)")),
    (lambda: kt.RX(wires=0), ("RX takes 1 parameter(s), got 0", "call RX(phi, wires)")),
    (lambda: kt.Rot(0.1, wires=0), ("Rot takes 3 parameter(s), got 1", "Rot(phi, theta, omega, wires)")),
    (lambda: kt.CNOT(0, 1), ("CNOT takes 0 parameter(s), got 1", "wires=[0, 1]")),
], ids=["too_many", "none", "too_few", "wires_as_separate_arguments"])
def test_wrong_number_of_parameters_raises(make, fragments):
    with raises(kt.ShapeError, *fragments):
        make()


def test_array_as_gate_parameter_raises(backend):
    circuit = qjit_of(backend, lambda w: (kt.RX(w, wires=0), kt.state())[1])
    with raises(kt.ShapeError, "RX takes scalar angles", "shape (2,)", "index the array"):
        circuit(np.array([0.1, 0.2]))


@pytest.mark.parametrize(("template", "shape", "fragments"), [
    (kt.StronglyEntanglingLayers, (2, 2, 2),
     ("shape (n_layers, 2, 3)", "got (2, 2, 2)", "StronglyEntanglingLayers.shape(n_layers, n_wires)")),
    (kt.StronglyEntanglingLayers, (2, 3),
     ("shape (n_layers, 2, 3)", "got (2, 3)", "StronglyEntanglingLayers.shape(n_layers, n_wires)")),
    (kt.BasicEntanglerLayers, (2, 3),
     ("shape (n_layers, 2)", "got (2, 3)", "BasicEntanglerLayers.shape(n_layers, n_wires)")),
], ids=["strongly_last_axis", "strongly_missing_axis", "basic_too_many_wires"])
def test_wrong_template_weight_shape_raises(backend, template, shape, fragments):
    circuit = qjit_of(backend, lambda w: (template(w, wires=[0, 1]), kt.state())[1])
    with raises(kt.ShapeError, *fragments):
        circuit(np.zeros(shape))


def test_angle_embedding_too_many_features_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.AngleEmbedding(x, wires=[0, 1]), kt.state())[1])
    with raises(kt.ShapeError, "AngleEmbedding", "length 2 or less", "got shape (3,)"):
        circuit(np.zeros(3))


def test_strongly_entangling_zero_range_raises(backend):
    circuit = qjit_of(backend, lambda w: (kt.StronglyEntanglingLayers(w, wires=[0, 1], ranges=[2]),
                                          kt.state())[1])
    with raises(kt.ShapeError, "range must be nonzero and smaller than the number of wires"):
        circuit(np.zeros((1, 2, 3)))


@pytest.mark.parametrize("measure", [
    lambda: kt.probs(wires=[0, 5]),
    lambda: kt.expval(kt.PauliZ(5)),
    lambda: kt.expval(kt.Hermitian(np.eye(2), wires=5)),
    lambda: kt.var(kt.PauliZ(0) @ kt.PauliX(5)),
], ids=["probs", "expval", "hermitian", "tensor_product"])
def test_measurement_of_missing_wire_raises(backend, measure):
    circuit = qjit_of(backend, measure)
    with raises(kt.WireError, "wire 5", "wires 0..1", "kt.qjit(wires=...)"):
        circuit()


def test_sample_of_missing_wire_raises(backend):
    circuit = qjit_of(backend, lambda: kt.sample(wires=[3]), shots=10)
    with raises(kt.WireError, "kt.sample", "wire 3"):
        circuit()


def test_module_level_observable_on_missing_wire_raises(backend):
    obs = kt.PauliZ(0) @ kt.PauliZ(4)
    circuit = qjit_of(backend, lambda: kt.expval(obs))
    with raises(kt.WireError, "wire 4", "wires 0..1"):
        circuit()


@pytest.mark.parametrize("name", ["sample", "counts"])
def test_sampling_without_shots_raises(backend, name):
    circuit = qjit_of(backend, lambda: getattr(kt, name)())
    with raises(kt.MeasurementError, f"kt.{name} needs shots", "shots=1000"):
        circuit()


BAD_ARGUMENTS = {
    "dict": ({"a": 1.0}, "dict"),
    "complex_array": (np.array([1j, 2.0]), "complex numbers"),
    "complex_scalar": (1 + 2j, "complex numbers"),
    "ragged_list": ([[1.0], [1.0, 2.0]], "list"),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_argument_not_real_numbers_raises(backend, case):
    value, kind = BAD_ARGUMENTS[case]

    @kt.qjit(wires=1, backend=backend)
    def circuit(angle):
        return kt.expval(kt.PauliZ(0))

    with raises(kt.TraceError, "argument 'angle'", kind, "real numbers"):
        circuit(value)


@pytest.mark.parametrize("value", ["a", None])
def test_a_static_string_or_none_used_as_an_angle_raises(backend, value):
    """Strings and None are static settings; used as a gate parameter they are refused there."""
    @kt.qjit(wires=1, backend=backend)
    def circuit(angle):
        kt.RX(angle, wires=0)
        return kt.expval(kt.PauliZ(0))

    with raises(kt.TraceError, "RX: a parameter must be a real number", type(value).__name__):
        circuit(value)


def test_empty_array_argument_raises(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(angles):
        return kt.expval(kt.PauliZ(0))

    with raises(kt.TraceError, "'angles' is an empty array", "at least one number"):
        circuit(np.array([]))


def test_state_with_shots_raises(backend):
    circuit = qjit_of(backend, lambda: kt.state(), shots=100)
    with raises(kt.MeasurementError, "kt.state()", "exact runs", "remove shots=..."):
        circuit()


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_non_hermitian_hermitian_raises(backend, where):
    a = np.array([[0.0, 1.0], [0.0, 0.0]])
    fragments = ("kt.Hermitian", "not Hermitian", "conjugate transpose")
    if where == "outside":
        with raises(kt.TraceError, *fragments):
            kt.Hermitian(a, wires=0)
        return
    circuit = qjit_of(backend, lambda: kt.expval(kt.Hermitian(a, wires=0)))
    with raises(kt.TraceError, *fragments):
        circuit()


def test_hermitian_wrong_matrix_shape_raises():
    with raises(kt.ShapeError, "Hermitian on 2 wire(s) needs a 4x4 matrix", "(2, 2)"):
        kt.Hermitian(np.eye(2), wires=[0, 1])


def test_non_unitary_qubit_unitary_raises(backend):
    circuit = qjit_of(backend, lambda: (kt.QubitUnitary(np.array([[1.0, 1.0], [0.0, 1.0]]), wires=0),
                                        kt.state())[1])
    with raises(kt.TraceError, "QubitUnitary", "not unitary", "pass a unitary matrix"):
        circuit()


def test_qubit_unitary_wrong_matrix_shape_raises():
    with raises(kt.ShapeError, "QubitUnitary on 1 wire(s) needs a 2x2 matrix", "(4, 4)"):
        kt.QubitUnitary(np.eye(4), wires=0)


def test_parametrised_gate_as_observable_raises(backend):
    circuit = qjit_of(backend, lambda x: kt.expval(kt.RX(x, wires=0)))
    with raises(kt.TraceError, "RX cannot be measured as an observable", "parameters"):
        circuit(0.1)


def test_sample_of_non_commuting_sum_with_traced_coefficient_raises(backend):
    circuit = qjit_of(backend, lambda c: kt.sample(c * kt.PauliX(0) + kt.PauliZ(0)), shots=10)
    with raises(kt.MeasurementError, "non-commuting", "traced coefficients",
                "sample each word separately"):
        circuit(0.5)


@pytest.mark.parametrize("returns", [lambda x: None, lambda x: x, lambda x: 2.0 * x])
def test_circuit_without_measurement_raises(backend, returns):
    def body(x):
        kt.RX(x, wires=0)
        return returns(x)

    with raises(kt.TraceError, "must measure something", "kt.expval(...)"):
        qjit_of(backend, body)(0.3)


def test_gate_parameter_from_measurement_of_same_circuit_raises(backend):
    def body(x):
        kt.RX(x, wires=0)
        kt.RY(2 * kt.expval(kt.PauliZ(0)), wires=1)
        return kt.expval(kt.PauliZ(1))

    with raises(kt.TraceError, "depends on a measurement result", "mid-circuit feedback",
                "pass the result to another"):
        qjit_of(backend, body)(0.3)


def test_coefficient_from_measurement_of_same_circuit_raises(backend):
    def body(x):
        kt.RX(x, wires=0)
        return kt.expval(kt.expval(kt.PauliZ(0)) * kt.PauliX(1))

    with raises(kt.TraceError, "depends on a measurement result"):
        qjit_of(backend, body)(0.3)


@pytest.mark.parametrize("argument", ["traced", "constant"])
def test_qjit_called_inside_qjit_circuit_raises(backend, argument):
    @kt.qjit(wires=1, backend=backend)
    def inner(y):
        kt.RY(y, wires=0)
        return kt.expval(kt.PauliZ(0))

    @kt.qjit(wires=1, backend=backend)
    def outer(x):
        kt.RX(x, wires=0)
        return inner(x if argument == "traced" else 0.5)

    with raises(kt.TraceError, "inner is a qjit function called inside another qjit function's circuit",
                "plain Python function"):
        outer(0.3)


@pytest.mark.parametrize("transform", [kt.adjoint, lambda f: kt.ctrl(f, control=1)])
def test_measurement_inside_adjoint_or_ctrl_raises(backend, transform):
    def body(x):
        kt.RX(x, wires=0)
        return kt.expval(kt.PauliZ(0))

    circuit = qjit_of(backend, lambda x: transform(body)(x))
    with raises(kt.MeasurementError, "measurement inside kt.adjoint or kt.ctrl",
                "measure outside the transformed function"):
        circuit(0.3)


def test_result_of_sample_cannot_be_computed_on(backend):
    circuit = qjit_of(backend, lambda: kt.sample(wires=[0]) + 1, shots=10)
    with raises(kt.TraceError, "kt.sample cannot be computed on", "process the array after the call"):
        circuit()


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"wires": 0}, "positive number of wires"),
    ({"wires": 2, "shots": 0}, "None (exact) or a positive int"),
    ({"wires": 2, "backend": "lightning"}, "unknown backend 'lightning'"),
], ids=["wires", "shots", "backend"])
def test_invalid_qjit_options_raise(kwargs, fragment):
    with raises(kt.TraceError, fragment):
        kt.qjit(lambda: kt.state(), **kwargs)


@pytest.mark.parametrize("make", [lambda: kt.QubitUnitary("abc", 0), lambda: kt.Hermitian("ab", 0),
                                  lambda: kt.QubitUnitary([[1, 0], [0]], 0)])
def test_matrix_that_is_not_numbers_raises_shape_error(make):
    with raises(kt.ShapeError, "square matrix of numbers"):
        make()


def test_hamiltonian_with_scalar_coefficients_raises():
    with raises(kt.ShapeError, "sequence of coefficients"):
        kt.Hamiltonian(1.0, [kt.Z(0)])


def test_number_where_an_observable_belongs_raises(backend):
    with raises(kt.TraceError, "expected an observable"):
        kt.Hamiltonian([1.0], [3])
    with raises(kt.TraceError, "expected an observable"):
        qjit_of(backend, lambda: kt.expval(1.0))()


@pytest.mark.parametrize("transform", [lambda: kt.ctrl(3, control=0), lambda: kt.adjoint(3)])
def test_transform_of_a_non_callable_raises(transform):
    with raises(kt.TraceError, "gate object", "quantum function"):
        transform()


def test_qjit_without_wires_or_with_a_bad_seed_raises():
    with raises(kt.TraceError, "@kt.qjit(wires=n)"):
        kt.qjit(lambda: kt.expval(kt.Z(0)))
    with raises(kt.TraceError, "seed"):
        kt.qjit(wires=1, seed="abc")


@pytest.mark.parametrize("rounding", [round, np.round])
def test_rounding_a_traced_value_raises(backend, rounding):
    with raises(kt.TraceError, "round the arguments before the call"):
        qjit_of(backend, lambda x: (kt.RX(rounding(x), wires=0), kt.expval(kt.Z(0)))[1])(0.3)


def test_unknown_or_missing_named_gate_parameter_raises():
    with raises(kt.ShapeError, "'theta'", "RX(phi, wires)"):
        kt.RX(phi=0.3, theta=1.0, wires=0)
    with raises(kt.ShapeError, "missing parameter 'omega'"):
        kt.Rot(0.1, theta=0.2, wires=0)


@pytest.mark.parametrize("wires", [40, 70])
def test_a_state_too_large_for_the_machine_names_its_size(backend, wires):
    circuit = qjit_of(backend, lambda: kt.expval(kt.Z(0)), wires=wires)
    with raises(kt.BackendError, f"has {wires} qubits", "GiB", "use fewer wires"):
        circuit()


def test_complex_numbers_in_traced_arithmetic_are_refused(backend):
    circuit = qjit_of(backend, lambda x: kt.expval(kt.Z(0)) * 1j + x, wires=1)
    with raises(kt.TraceError, "complex number 1j in traced arithmetic", "traced values are real"):
        circuit(0.3)


def test_bools_in_traced_arithmetic_are_zero_and_one(backend):
    circuit = qjit_of(backend, lambda x: kt.expval(kt.Z(0)) * True + x * False, wires=1)
    assert circuit(0.3) == 1.0


def test_numpy_functions_traced_arrays_do_not_support_raise_trace_errors(backend):
    def body(x):
        kt.RX(np.linalg.det(x.reshape(2, 2)), wires=0)
        return kt.expval(kt.Z(0))

    with raises(kt.TraceError, "np.det on a traced array failed inside NumPy",
                "compute the rest on the results after the call"):
        qjit_of(backend, body, wires=1)(np.ones(4))


def test_array_attributes_of_a_sample_are_refused_while_tracing(backend):
    circuit = qjit_of(backend, lambda: kt.sample(wires=[0]).shape, wires=1, shots=5)
    with raises(kt.TraceError, "kt.sample cannot be computed on while kettle traces"):
        circuit()


def test_probs_of_no_wires_is_an_error(backend):
    with raises(kt.MeasurementError, "kt.probs(wires=[]) measures no wire", "wires=None"):
        qjit_of(backend, lambda: kt.probs(wires=[]))()


@pytest.mark.parametrize("inspect", [kt.draw, kt.specs])
def test_draw_and_specs_of_a_plain_function_say_to_decorate_it(inspect):
    with raises(kt.TraceError, f"kt.{inspect.__name__} takes a qjit function", "@kt.qjit(wires=...)"):
        inspect(lambda x: x)


@pytest.mark.parametrize("rotation", ["Y", "RY", kt.RY])
def test_basic_entangler_rotation_by_name_or_class(backend, rotation):
    def body(w):
        kt.BasicEntanglerLayers(w, wires=[0], rotation=rotation)
        return kt.expval(kt.Z(0))

    assert np.isclose(qjit_of(backend, body, wires=1)(np.array([[0.4]])), np.cos(0.4))
    with raises(kt.TraceError, "rotation must be kt.RX, kt.RY or kt.RZ"):
        qjit_of(backend, lambda w: (kt.BasicEntanglerLayers(w, wires=[0], rotation="W"),
                                    kt.expval(kt.Z(0)))[1], wires=1)(np.array([[0.4]]))


# --- issue 8: raw tracebacks that became KettleErrors ---------------------------------------


@pytest.mark.parametrize("seed", [-1, -(2 ** 70)])
def test_qjit_negative_seed_raises(seed):
    with raises(kt.TraceError, "seed", "non-negative int", str(seed)):
        kt.qjit(wires=2, seed=seed)


def test_qjit_of_a_non_function_raises():
    with raises(kt.TraceError, "kt.qjit decorates a function", "int 3"):
        kt.qjit(3, wires=2)


@pytest.mark.parametrize("zero", [0, 0.0, np.float64(0.0), np.array(0)])
def test_observable_divided_by_zero_raises(zero):
    with raises(kt.TraceError, "divided by zero", "nonzero"):
        kt.Z(0) / zero


def test_observable_divided_by_a_number_scales_it():
    assert (kt.Z(0) @ kt.X(1) / 4).terms == (0.25 * kt.Z(0) @ kt.X(1)).terms


@pytest.mark.parametrize("divide", [lambda: kt.Z(0) / kt.Z(1), lambda: kt.Z(0) / "2",
                                    lambda: (kt.Z(0) + kt.X(0)) / [2]])
def test_observable_divided_by_a_non_number_raises(divide):
    with raises(kt.TraceError, "divided by a number"):
        divide()


@pytest.mark.parametrize("divide", [lambda: 2 / kt.Z(0), lambda: 1.0 / (kt.Z(0) @ kt.X(1))])
def test_number_divided_by_an_observable_raises(divide):
    with raises(kt.TraceError, "an observable has no inverse"):
        divide()


def test_huge_static_int_as_gate_parameter_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.RX(x, wires=0), kt.expval(kt.Z(0)))[1])
    with raises(kt.TraceError, "RX parameter", "too large for a 64-bit float"):
        circuit(10 ** 400)


def test_huge_static_int_in_traced_arithmetic_raises(backend):
    circuit = qjit_of(backend, lambda x, n: (kt.RX(x * n, wires=0), kt.expval(kt.Z(0)))[1])
    with raises(kt.TraceError, "too large for a 64-bit float"):
        circuit(0.5, 10 ** 400)


def test_huge_static_int_as_observable_coefficient_raises():
    with raises(kt.TraceError, "coefficient", "too large for a 64-bit float"):
        10 ** 400 * kt.Z(0)


@pytest.mark.parametrize("arg", [[10 ** 400], np.array([1, 10 ** 400], dtype=object)])
def test_huge_int_in_array_argument_raises(backend, arg):
    circuit = qjit_of(backend, lambda x: (kt.RX(x[0], wires=0), kt.expval(kt.Z(0)))[1])
    with raises(kt.TraceError, "argument 'arg0'", "integer too large for a 64-bit float"):
        circuit(arg)


def test_nan_argument_gives_nan(backend):
    circuit = qjit_of(backend, lambda x: (kt.RX(x, wires=0), kt.expval(kt.Z(0)))[1])
    assert np.isnan(circuit(float("nan")))


def test_grad_of_a_function_returning_an_integer_raises():
    with raises(kt.TraceError, "kt.grad: len returned int 1", "no derivative"):
        kt.grad(len)([1.0])


def test_grad_of_a_builtin_without_signature_raises():
    with raises(kt.TraceError, "cannot compile <built-in function max>", "wrap it"):
        kt.grad(max)


def test_grad_of_a_non_callable_raises():
    with raises(kt.TraceError, "kt.grad takes a function", "int 3"):
        kt.grad(3)


def test_grad_of_abs_builtin_works():
    assert kt.grad(abs)(-0.3) == -1.0


def _leaky(backend: str):
    """A qjit function that stores a value computed from its argument in a global list."""
    leaked = []

    def body(x):
        leaked.append(2 * x)
        kt.RX(x, wires=0)
        return kt.expval(kt.Z(0))

    circuit = qjit_of(backend, body, wires=1)
    circuit(0.3)
    return leaked[0]


USES_OF_AN_ESCAPED_TRACER = {
    "arithmetic": lambda t: t + 1,
    "reflected": lambda t: 1 - t,
    "unary": lambda t: -t,
    "numpy": lambda t: np.sin(t),
    "float": lambda t: float(t),
    "bool": lambda t: bool(t),
    "qjit argument": lambda t: kt.qjit(lambda x: kt.expval(kt.Z(0)), wires=1)(t),
    "array argument": lambda t: kt.qjit(lambda x: kt.expval(kt.Z(0)), wires=1)(np.array([t, 1.0])),
    "gate in another trace": lambda t: kt.qjit(lambda: (kt.RX(t, wires=0), kt.expval(kt.Z(0)))[1],
                                               wires=1)(),
}


@pytest.mark.parametrize("use", USES_OF_AN_ESCAPED_TRACER)
def test_escaped_tracer_raises(backend, use):
    tracer = _leaky(backend)
    with raises(kt.TraceError, "escaped its qjit function", "return them"):
        USES_OF_AN_ESCAPED_TRACER[use](tracer)


# --- found while trying every public function with wrong arguments --------------------------


@pytest.mark.parametrize("make", [lambda: kt.AdamOptimizer(stepsize="0.1"),
                                  lambda: kt.GradientDescentOptimizer(stepsize=None),
                                  lambda: kt.AdamOptimizer(beta1=[0.9]),
                                  lambda: kt.AdamOptimizer(eps=True)])
def test_optimizer_setting_that_is_not_a_number_raises(make):
    with raises(kt.TraceError, "must be a real number"):
        make()


def test_ragged_nested_argument_raises(backend):
    circuit = qjit_of(backend, lambda x: (kt.RX(x[0][0], wires=0), kt.expval(kt.Z(0)))[1])
    with raises(kt.TraceError, "argument 'arg0' is a ragged tuple", "real numbers"):
        circuit(((0.1, 0.2), (0.3,)))


@pytest.mark.parametrize("value, fix", [(None, ""), ("module @m {}", "parse text first")])
def test_verify_of_a_non_module_raises(value, fix):
    with raises(kt.VerifyError, "verify takes a Module", fix):
        kt.verify(value)


def test_qjit_refuses_more_shots_than_float64_counts_exactly() -> None:
    with pytest.raises(kt.TraceError, match="2\\^53"):
        kt.qjit(wires=1, shots=10**30)


def test_qjit_huge_wires_refused_by_memory_estimate_with_readable_size() -> None:
    @kt.qjit(wires=10**6)
    def f(x):
        kt.RX(x, wires=0)
        return kt.expval(kt.Z(0))

    with pytest.raises(kt.ResourceError, match=r"2\^1000004 bytes"):
        f(0.1)


def test_gate_wires_as_a_set_are_refused_for_their_arbitrary_order() -> None:
    @kt.qjit(wires=2)
    def f():
        kt.CNOT(wires={0, 1})
        return kt.expval(kt.Z(1))

    with pytest.raises(kt.WireError, match="ordered"):
        f()


@pytest.mark.parametrize("values", [[2], [0.5], ["a"]])
def test_ctrl_control_values_must_be_bits(values) -> None:
    with pytest.raises(kt.WireError, match="0/1"):
        kt.ctrl(kt.RX, control=[0], control_values=values)


def test_ctrl_accepts_ints_and_bools_as_control_values() -> None:
    @kt.qjit(wires=3)
    def f(x, flip):
        if flip:
            kt.X(wires=1)
        kt.ctrl(kt.RX, control=[0, 1], control_values=[0, True])(x, wires=2)
        return kt.expval(kt.Z(2))

    assert f(np.pi, True) == pytest.approx(-1.0)  # wires 0, 1 are 0, 1: RX(pi) flips wire 2
    assert f(np.pi, False) == pytest.approx(1.0)  # wire 1 is 0: the condition fails


def test_strongly_entangling_layers_range_must_be_below_the_wire_count() -> None:
    @kt.qjit(wires=2)
    def f(w):
        kt.StronglyEntanglingLayers(w, wires=range(2), ranges=[5])
        return kt.expval(kt.Z(0))

    with pytest.raises(kt.ShapeError, match="smaller than the number of wires"):
        f(np.zeros((1, 2, 3)))
