"""Large traced programs work: a 2e4-gate qjit circuit and its gradient match closed forms,
and a host computation 2e4 ops deep compiles and differentiates without recursing."""

from __future__ import annotations

import numpy as np

import kettle as kt

STEPS = 10_000  # two gates per step


@kt.qjit(wires=2)
def _deep_circuit(w):
    """H, then RZ(w_k) on wire 0 and CNOT(0, 1), an even number of times: the CNOTs cancel
    and RZ on their control commutes with them, so <X0> = cos(sum w)."""
    kt.Hadamard(wires=0)
    for k in range(STEPS):
        kt.RZ(w[k], wires=0)
        kt.CNOT(wires=[0, 1])
    return kt.expval(kt.X(0))


def test_qjit_deep_circuit_matches_closed_form():
    w = np.random.default_rng(2).uniform(-0.01, 0.02, size=STEPS)
    assert np.isclose(_deep_circuit(w), np.cos(w.sum()), atol=1e-9)
    assert np.allclose(kt.grad(_deep_circuit)(w), -np.sin(w.sum()), atol=1e-9)


def test_deep_host_chain_compiles_and_differentiates():
    """An angle computed by 2e4 dependent host ops: no deep expression, no recursion."""
    n = 8

    @kt.qjit(wires=1)
    def circuit(w):
        angle = w[0]
        for k in range(20_000):
            angle = angle + w[k % n] * 1e-4
        kt.RX(angle, wires=0)
        return kt.expval(kt.Z(0))

    w = np.random.default_rng(3).uniform(0, 1, size=n)
    coefficient = np.full(n, 20_000 / n * 1e-4)
    coefficient[0] += 1.0
    angle = coefficient @ w
    assert np.isclose(circuit(w), np.cos(angle), atol=1e-9)
    assert np.allclose(kt.grad(circuit)(w), -np.sin(angle) * coefficient, atol=1e-9)
