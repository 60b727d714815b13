"""The compile cache: one trace and one compile per signature (argument shapes and static ints).

Traces are counted by the traced Python function appending to a list; compiles by
wrapping `kettle.runtime.compile_traced`, which `kt.qjit` calls once per cache miss.
"""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
import kettle.runtime


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list:
    """A list that grows by one on every compile."""
    calls: list = []
    original = kettle.runtime.compile_traced

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(kettle.runtime, "compile_traced", counting)
    return calls


def layered(backend: str, traces: list):
    """RY(w[l, i]) layers over the rows of `w`, `n_repeats` times; <Z0> and probs of wire 1."""

    @kt.qjit(wires=2, backend=backend)
    def circuit(w, n_repeats):
        traces.append(np.shape(w))
        for _ in range(n_repeats):
            for row in w:
                kt.RY(row[0], wires=0)
                kt.RY(row[1], wires=1)
        return kt.expval(kt.PauliZ(0)), kt.probs(wires=[1])

    return circuit


def expected_z0(w: np.ndarray, n_repeats: int) -> float:
    return float(np.cos(n_repeats * np.sum(w[:, 0])))


def test_cache_same_shapes_new_values_does_not_retrace(backend):
    traces: list = []
    circuit = layered(backend, traces)
    circuit(np.array([[0.1, 0.2]]), 1)
    circuit(np.array([[0.5, -0.3]]), 1)
    circuit(np.array([[1.5, 2.0]]), 1)
    assert len(traces) == 1


def test_cache_same_shapes_new_values_does_not_recompile(backend, compiles):
    circuit = layered(backend, [])
    circuit(np.array([[0.1, 0.2]]), 1)
    circuit(np.array([[0.5, -0.3]]), 1)
    assert len(compiles) == 1


def test_cache_hit_uses_the_new_values(backend):
    circuit = layered(backend, [])
    circuit(np.array([[0.1, 0.2]]), 1)
    w = np.array([[0.7, -0.4]])
    z0, p1 = circuit(w, 1)
    assert z0 == pytest.approx(expected_z0(w, 1))
    np.testing.assert_allclose(p1, [np.cos(-0.2) ** 2, np.sin(-0.2) ** 2], atol=1e-12)


def test_cache_new_shape_retraces_and_recompiles(backend, compiles):
    traces: list = []
    circuit = layered(backend, traces)
    circuit(np.array([[0.1, 0.2]]), 1)
    w = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert circuit(w, 1)[0] == pytest.approx(expected_z0(w, 1))
    assert traces == [(1, 2), (2, 2)]
    assert len(compiles) == 2


def test_cache_new_static_int_retraces(backend, compiles):
    traces: list = []
    circuit = layered(backend, traces)
    w = np.array([[0.1, 0.2]])
    circuit(w, 1)
    assert circuit(w, 3)[0] == pytest.approx(expected_z0(w, 3))
    assert len(traces) == 2 and len(compiles) == 2


def test_cache_returning_to_earlier_signature_reuses_it(backend, compiles):
    traces: list = []
    circuit = layered(backend, traces)
    small, large = np.array([[0.1, 0.2]]), np.array([[0.1, 0.2], [0.3, 0.4]])
    for w, n in ((small, 1), (large, 1), (small, 2), (small, 1), (large, 1), (small, 2)):
        circuit(w, n)
    assert len(traces) == 3 and len(compiles) == 3


def test_cache_list_and_array_of_same_shape_share_entry(backend):
    traces: list = []
    circuit = layered(backend, traces)
    circuit(np.array([[0.1, 0.2]]), 1)
    assert circuit([[0.4, 0.2]], 1)[0] == pytest.approx(np.cos(0.4))
    assert len(traces) == 1


def test_cache_python_and_numpy_floats_share_entry(backend):
    traces: list = []

    @kt.qjit(wires=1, backend=backend)
    def circuit(x):
        traces.append(x)
        kt.RX(x, wires=0)
        return kt.expval(kt.PauliZ(0))

    circuit(0.1)
    assert circuit(np.float64(0.4)) == pytest.approx(np.cos(0.4))
    assert circuit(np.float32(0.5)) == pytest.approx(np.cos(0.5), rel=1e-7)
    assert len(traces) == 1


def test_cache_keyword_and_positional_calls_share_entry(backend):
    traces: list = []
    circuit = layered(backend, traces)
    circuit(np.array([[0.1, 0.2]]), 1)
    w = np.array([[0.9, 0.2]])
    assert circuit(n_repeats=1, w=w)[0] == pytest.approx(expected_z0(w, 1))
    assert len(traces) == 1


def test_lower_does_not_compile(backend, compiles):
    circuit = layered(backend, [])
    circuit.lower(np.array([[0.1, 0.2]]), 1)
    assert compiles == []


def test_keyword_only_arguments_are_passed_by_keyword_and_keyed(backend):
    @kt.qjit(wires=1, backend=backend)
    def f(x, *, layers=1, scale=1.0):
        for _ in range(layers):
            kt.RX(scale * x, wires=0)
        return kt.expval(kt.Z(0))

    np.testing.assert_allclose(f(0.3), np.cos(0.3))
    np.testing.assert_allclose(f(0.3, layers=2), np.cos(0.6))
    np.testing.assert_allclose(f(0.3, layers=2, scale=0.5), np.cos(0.3))
    np.testing.assert_allclose(f(x=0.3, layers=3), np.cos(0.9))
    assert "RX(0.30)─RX(0.30)─RX(0.30)" in kt.draw(f)(0.3, layers=3)


def test_too_many_arguments_is_a_trace_error(backend):
    @kt.qjit(wires=1, backend=backend)
    def f(x):
        kt.RX(x, wires=0)
        return kt.expval(kt.Z(0))

    with pytest.raises(kt.TraceError, match="too many positional arguments"):
        f(0.5, 1)


def test_cache_static_true_and_one_compile_apart(backend):
    """True == 1 and they hash alike, but a function may branch on the type: not one entry."""
    @kt.qjit(wires=1, backend=backend)
    def f(x, flag):
        kt.RX(x if flag is True else 0.0, wires=0)
        return kt.expval(kt.Z(0))

    assert np.isclose(f(0.5, True), np.cos(0.5))
    assert np.isclose(f(0.5, 1), 1.0)


def test_strings_and_none_are_static_settings_with_defaults_by_keyword(backend):
    """Non-numeric defaults stay static whether the call binds them (a keyword) or not."""
    @kt.qjit(wires=1, backend=backend)
    def f(x, scale=1.0, rotation="X", init=None):
        if init is not None:
            kt.Hadamard(wires=0)
        kt.RX(scale * x, wires=0) if rotation == "X" else kt.RY(scale * x, wires=0)
        return kt.expval(kt.Z(0))

    assert np.isclose(f(0.3), np.cos(0.3))
    assert np.isclose(f(0.3, scale=2.0), np.cos(0.6))
    assert np.isclose(f(0.3, rotation="Y"), np.cos(0.3))
    assert np.isclose(f(0.3, init="plus", rotation="Y"), -np.sin(0.3))  # RY after H: <Z> = -sin


def test_keyword_calls_bind_each_call_s_own_values(backend):
    """The binding plan is cached per call shape; the values must still come from each call."""
    @kt.qjit(wires=2, backend=backend)
    def f(a, b=0.5, *rest, c=0.25, **extra):
        kt.RX(a + sum(rest), wires=0)
        kt.RY(b * c + sum(extra.values()), wires=1)
        return kt.expval(kt.Z(0)), kt.expval(kt.Z(1))

    for a, b, c in [(0.1, 0.2, 0.3), (0.4, 0.5, 0.6)]:
        assert np.allclose(f(a, b=b, c=c), (np.cos(a), np.cos(b * c)))
        assert np.allclose(f(b=b, a=a, c=c), (np.cos(a), np.cos(b * c)))
        assert np.allclose(f(a, c=c), (np.cos(a), np.cos(0.5 * c)))
        assert np.allclose(f(a, b, 0.3, c=c, d=0.2), (np.cos(a + 0.3), np.cos(b * c + 0.2)))
