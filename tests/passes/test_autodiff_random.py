"""Random hybrid programs: host arithmetic (every op with a reverse-mode rule) computes gate
parameters of a random circuit, whose expval or probs are post-processed on the host.

Parameter-shift, adjoint and finite-diff must agree with each other and with central
finite differences of the program itself, on both backends.
"""

from __future__ import annotations

import numpy as np
import pytest
from finite_differences import five_point
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kettle as kt
from kettle.passes.autodiff import RULES

SIGN = kt.grad(lambda v: abs(v))

_NEAREST_KINK = [np.inf]
"""How close the last numeric run came to the kink of abs or the jump of sign: finite
differences across one are meaningless (abs(abs(x - c) - c) has a kink at x = 0)."""


def _kink(d):
    if isinstance(d, (float, np.floating)):
        _NEAREST_KINK[0] = min(_NEAREST_KINK[0], abs(float(d)))
    return d
"""math.sign only appears in derivative programs: inlining the gradient of abs records it."""

# Each op in a form that keeps its operands in its domain (no log of a negative number).
UNARY = {
    "arith.negf": lambda a: -a,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": lambda a: np.tan(0.7 * np.sin(a)),
    "math.exp": lambda a: np.exp(0.5 * np.sin(a)),
    "math.log": lambda a: np.log(2.0 + np.sin(a)),
    "math.sqrt": lambda a: np.sqrt(1.5 + np.cos(a)),
    "math.atan": np.arctan,
    "math.acos": lambda a: np.arccos(0.8 * np.sin(a)),
    "math.asin": lambda a: np.arcsin(0.8 * np.cos(a)),
    "math.tanh": np.tanh,
    "math.absf": lambda a: abs(_kink(a - 0.3141)),
    "math.sign": lambda a: SIGN(_kink(a - 0.2718)) * a,
}
BINARY = {
    "arith.addf": lambda a, b: a + b,
    "arith.subf": lambda a, b: a - b,
    "arith.mulf": lambda a, b: a * b,
    "arith.divf": lambda a, b: a / (2.0 + np.cos(b)),
    "arith.powf": lambda a, b: (1.5 + np.sin(a)) ** (0.5 * np.cos(b)),
}
GATES = {"RX": 1, "RY": 1, "RZ": 1, "Rot": 3, "CRX": 1, "CRY": 1, "IsingXX": 1, "IsingZZ": 1,
         "PhaseShift": 1, "ControlledPhaseShift": 1, "U3": 3}
WIRES = 2
METHODS = ["parameter-shift", "adjoint", "finite-diff"]


@st.composite
def programs(draw):
    """(number of inputs, host instructions, gates, output kind, post-processing)."""
    n_inputs = draw(st.integers(1, 3))
    host = []
    for i in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(UNARY) + sorted(BINARY)))
        operands = st.integers(0, n_inputs + i - 1)
        host.append((name, draw(operands), draw(operands)))
    n_values = n_inputs + len(host)
    gates = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(GATES)))
        wires = draw(st.permutations(range(WIRES)))
        width = 2 if name[0] in "CI" else 1
        params = [draw(st.integers(0, n_values - 1)) for _ in range(GATES[name])]
        gates.append((name, wires[:width], params))
    output = draw(st.sampled_from(["expval", "probs"]))
    post = (draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, n_values - 1)))
    return n_inputs, host, gates, output, post


def build(program, backend: str):
    n_inputs, host, gates, output, (post_op, post_value) = program
    n_params = sum(len(p) for _, _, p in gates)

    @kt.qjit(wires=WIRES, backend=backend)
    def circuit(params):
        kt.Hadamard(wires=1)
        k = 0
        for name, wires, slots in gates:
            getattr(kt, name)(*[params[k + j] for j in range(len(slots))], wires=list(wires))
            k += len(slots)
        if output == "expval":
            return kt.expval(0.6 * kt.Z(0) @ kt.Z(1) - 0.3 * kt.X(1))
        return kt.probs(wires=[0, 1])

    def program_fn(x):
        values = [x[i] for i in range(n_inputs)]
        for name, a, b in host:
            values.append(UNARY[name](values[a]) if name in UNARY else BINARY[name](values[a], values[b]))
        params = np.array([values[s] for _, _, slots in gates for s in slots])  # tracers: dtype object
        assert len(params) == n_params
        out = circuit(params) * values[post_value]
        if output == "expval":
            return UNARY[post_op](out)
        return np.array([UNARY[post_op](e) for e in out])  # element by element: SIGN takes scalars

    return program_fn




def _numeric(f):
    """f applied to plain floats (the host code then runs in NumPy, the circuit compiled)."""
    return lambda x: np.asarray(f(x), dtype=float)


@settings(max_examples=25)
@given(programs(), st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3))
@pytest.mark.parametrize("backend", ["reference", "statevector"])
def test_random_hybrid_program_derivatives_agree(backend, program, inputs):
    f = build(program, backend)
    x = np.array(inputs[: program[0]])
    derivative = kt.grad if program[3] == "expval" else kt.jacobian
    results = {m: np.asarray(derivative(f, method=m)(x)) for m in METHODS}
    _NEAREST_KINK[0] = np.inf
    want = five_point(_numeric(f), x, h=1e-4)
    assume(_NEAREST_KINK[0] > 1e-2)
    scale = 1.0 + np.abs(want).max()
    np.testing.assert_allclose(results["parameter-shift"], results["adjoint"], rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(results["finite-diff"], results["adjoint"], rtol=0, atol=1e-6 * scale)
    for m in METHODS:
        assert results[m].shape == want.shape
        np.testing.assert_allclose(results[m], want, rtol=0, atol=1e-6 * scale)


def test_random_hybrid_programs_use_every_host_rule():
    assert set(UNARY) | set(BINARY) == set(RULES)


@pytest.mark.parametrize("name", sorted(RULES))
def test_host_rule_matches_finite_differences(name):
    """Each rule on its own, through kt.grad of a host function (no circuit)."""
    if name in UNARY:
        def f(x):
            return UNARY[name](x[0] * x[1])
    else:
        def f(x):
            return BINARY[name](x[0], x[1])
    x = np.array([0.7, -1.3])
    got = kt.grad(f)(x)
    np.testing.assert_allclose(got, five_point(_numeric(f), x, h=1e-4), rtol=0, atol=1e-8)
