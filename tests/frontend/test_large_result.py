"""Large probs results are lazy (no 2^n tracers unless host code computes on them), and every
way of computing on them gives the reference interpreter's numbers."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
from kettle.frontend.large_result import LAZY_FROM

N = 12  # 4096 outcomes: lazy
assert 2 ** N >= LAZY_FROM

POST = {
    "returned": lambda p: p,
    "index": lambda p: p[3] + p[-1],
    "slice": lambda p: p[::2],
    "arithmetic": lambda p: 2 * p - 1,
    "np.sum": lambda p: np.sum(p[:10]),
    "method": lambda p: p.reshape(2, -1).sum(axis=1),
    "np.dot": lambda p: np.dot(p, np.arange(2 ** N) % 3),
    "in a tuple": lambda p: (p, p[0]),
    "np.stack": lambda p: np.stack([p[:4], p[4:8]]),
}


def circuit(post, backend):
    @kt.qjit(wires=N, backend=backend)
    def f(x):
        for w in range(N):
            kt.RY(x[w], wires=w)
        for w in range(N - 1):
            kt.CNOT(wires=[w, w + 1])
        return post(kt.probs())

    return f


@pytest.mark.parametrize("name", POST)
def test_large_probs_computed_on_like_the_reference(name):
    x = np.random.default_rng(3).uniform(size=N)
    got = circuit(POST[name], "statevector")(x)
    want = circuit(POST[name], "reference")(x)
    for g, w in zip(got, want) if isinstance(got, tuple) else [(got, want)]:
        np.testing.assert_allclose(g, w, atol=1e-12)


def test_returned_large_probs_build_no_element_tracers():
    module = circuit(POST["returned"], "statevector").lower(np.zeros(N))
    text = str(module.entry)
    assert text.count("%probs") == 2  # defined by the call, returned as is: never extracted
    assert text.count("tensor.from_elements") == 1  # only the kernel's parameters are packed


def test_jacobian_of_part_of_large_probs():
    x = np.random.default_rng(4).uniform(size=N)
    f = circuit(lambda p: p[1:3], "statevector")
    np.testing.assert_allclose(kt.jacobian(f, method="parameter-shift")(x),
                               kt.jacobian(f, method="adjoint")(x), atol=1e-12)


def test_large_probs_written_into_then_returned_keeps_the_write():
    x = np.random.default_rng(5).uniform(size=N)

    def post(p):
        p[0] = 0.0
        return p

    got = circuit(post, "statevector")(x)
    want = circuit(lambda p: p, "reference")(x)
    assert got[0] == 0.0
    np.testing.assert_allclose(got[1:], want[1:], atol=1e-12)


def test_large_probs_passed_to_another_qjit_inside_a_differentiated_cost():
    @kt.qjit(wires=1)
    def takes(p):
        kt.RX(p[0] + p[1], wires=0)
        return kt.expval(kt.Z(0))

    x = np.random.default_rng(6).uniform(size=N)
    probs = circuit(lambda p: p, "statevector")

    def cost(v):
        return takes(probs(v))

    h = 1e-6
    fd = [(cost(x + h * e) - cost(x - h * e)) / (2 * h) for e in np.eye(N)[:3]]
    np.testing.assert_allclose(kt.grad(cost)(x)[:3], fd, atol=1e-7)


def test_large_probs_refuse_what_small_ones_refuse():
    x = np.zeros(N)
    with pytest.raises(kt.TraceError):
        circuit(lambda p: np.sum(p != 0.0), "statevector")(x)
    with pytest.raises(kt.TraceError):
        circuit(lambda p: p // 2, "statevector")(x)
    with pytest.raises(TypeError, match="unhashable"):
        circuit(lambda p: {p: 1} and p, "statevector")(x)
