"""`circuit.lower(*args)`: the traced IR module, whose text parses back to the same text,
verifies, and means what the compiled circuit computes (run by the reference interpreter)."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
from kettle.backends import reference

W = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(2, 3, 3))
X = np.array([0.3, -0.8, 1.7])


def _circuits(backend: str) -> dict:
    """Circuits covering templates, traced coefficients, constant matrices, sampling and lambdas."""

    @kt.qjit(wires=3, backend=backend)
    def layers(w, x):
        kt.AngleEmbedding(x, wires=range(3))
        kt.StronglyEntanglingLayers(w, wires=range(3))
        return kt.expval(kt.PauliZ(0) @ kt.PauliZ(1)), kt.probs(wires=[2, 0])

    @kt.qjit(wires=2, backend=backend)
    def observables(w, x):
        kt.RX(np.sin(x[0]) * w[0, 0, 0] - 1.0, wires=0)
        kt.ctrl(kt.RY, control=0, control_values=0)(x[1] ** 2, wires=1)
        kt.adjoint(kt.QubitUnitary(np.diag([1.0, 1j]), wires=1))
        h = kt.Hamiltonian([x[2], 0.5], [kt.PauliX(0) @ kt.PauliY(1), kt.Hadamard(1)])
        return (kt.expval(h), kt.var(kt.Hermitian(np.array([[1.0, 2j], [-2j, 0.0]]), wires=1)),
                {"state": kt.state()}, 2 * kt.expval(kt.PauliZ(1)) + np.float64(0.25))

    @kt.qjit(wires=2, shots=10, seed=0, backend=backend)
    def sampling(w, x):
        kt.RY(x[0], wires=0)
        return kt.sample(), kt.counts(kt.PauliZ(0)), kt.sample(kt.PauliZ(0) @ kt.PauliZ(1))

    lam = kt.qjit(lambda w, x: (kt.RX(x[0] / x[1], wires=0), kt.expval(kt.PauliZ(0)))[1],
                  wires=1, backend=backend)
    return {"layers": layers, "observables": observables, "sampling": sampling, "lambda": lam}


CIRCUITS = ["layers", "observables", "sampling", "lambda"]


@pytest.mark.parametrize("name", CIRCUITS)
def test_lower_returns_module_named_after_function(backend, name):
    module = _circuits(backend)[name].lower(W, X)
    assert isinstance(module, kt.Module)
    assert module.entry.name == module.name and len(module.kernels) == 1


@pytest.mark.parametrize("name", CIRCUITS)
def test_lower_text_round_trips_through_parser(backend, name):
    text = str(_circuits(backend)[name].lower(W, X))
    assert str(kt.parse_module(text)) == text


@pytest.mark.parametrize("name", CIRCUITS)
def test_lower_parsed_module_verifies(backend, name):
    parsed = kt.parse_module(str(_circuits(backend)[name].lower(W, X)))
    assert kt.verify(parsed) is parsed


@pytest.mark.parametrize("name", ["layers", "observables", "lambda"])
def test_lower_parsed_module_computes_what_the_circuit_returns(backend, name):
    circuit = _circuits(backend)[name]
    parsed = kt.parse_module(str(circuit.lower(W, X)))
    expected = circuit(W, X)
    expected = expected if isinstance(expected, tuple) else (expected,)
    flat = [v for e in expected for v in (e.values() if isinstance(e, dict) else [e])]
    got = reference.run(parsed, W, X)
    assert len(got) == len(flat)
    for g, e in zip(got, flat):
        np.testing.assert_allclose(g, e, atol=1e-12)


def test_lower_of_lambda_has_valid_symbol(backend):
    assert _circuits(backend)["lambda"].lower(W, X).name == "_lambda_"


def test_lower_static_int_is_baked_in(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x, n):
        for _ in range(n):
            kt.RX(x, wires=0)
        return kt.expval(kt.PauliZ(0))

    module = circuit.lower(0.1, 3)
    assert len(module.entry.args) == 1
    assert str(module.kernels[0]).count('q.gate {gate = "RX"}') == 3
