"""Measurement grouping: the measurement kernels, fed their exact probabilities as counts,
rebuild the original kernel's expvals, variances and probabilities; groups are qubit-wise
commuting and as few as the greedy colouring allows on known cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kettle as kt
from kettle.backends import reference
from kettle.ir import Module
from kettle.passes.measurement_grouping import plan_measurements

PAULIS = {"X": kt.X, "Y": kt.Y, "Z": kt.Z}


def exact_counts(module: Module, kernel, params) -> dict[str, float]:
    (p,) = reference.run_function(module, kernel, params)
    n = int(np.log2(len(p)))
    return {format(i, f"0{n}b"): float(x) for i, x in enumerate(p) if x > 0}


def rebuilt(circuit, *args):
    module = circuit.lower(*args)
    kernel = module.kernels[0]
    params = reference.kernel_arguments(module, *args)[kernel.name]
    plan = plan_measurements(kernel)
    counts = [exact_counts(module, k, params) for k in plan.kernels]
    return plan, plan.rebuild(counts, reference.classical_values(kernel, params)), \
        reference.run_function(module, kernel, params)


def test_grouping_rebuilds_mixed_outputs():
    @kt.qjit(wires=3)
    def c(w):
        kt.RX(w[0], wires=0)
        kt.CRY(w[1], wires=[0, 1])
        kt.Hadamard(2)
        kt.CNOT([2, 0])
        kt.RY(w[2], wires=2)
        return (kt.expval(w[0] * kt.Z(0) @ kt.X(1) + 0.2 * kt.Y(2) + 0.3 * kt.X(1)),
                kt.probs(wires=[2, 0]), kt.var(0.5 * kt.Y(0)), kt.expval(kt.X(0) @ kt.Y(2)))

    plan, got, want = rebuilt(c, np.array([0.3, 0.7, 1.1]))
    assert len(plan.kernels) == 3
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_grouping_one_program_for_commuting_terms():
    @kt.qjit(wires=4)
    def c(x):
        for w in range(4):
            kt.RY(x * (w + 1), wires=w)
        kt.CNOT([0, 3])
        return kt.expval(kt.Hamiltonian([0.1, 0.2, 0.3, 0.4],
                                        [kt.Z(0), kt.Z(0) @ kt.Z(1), kt.Z(2) @ kt.Z(3), kt.Z(1) @ kt.Z(3)]))

    plan, got, want = rebuilt(c, 0.4)
    assert len(plan.kernels) == 1 and plan.bases[0] == {0: "Z", 1: "Z", 2: "Z", 3: "Z"}
    np.testing.assert_allclose(got, want, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text("IXYZ", min_size=3, max_size=3), min_size=1, max_size=6),
       st.lists(st.floats(-3, 3), min_size=3, max_size=3))
def test_grouping_random_pauli_sums(words, angles):
    terms = []
    for word in words:
        factors = [PAULIS[p](w) for w, p in enumerate(word) if p != "I"]
        if factors:
            term = factors[0]
            for f in factors[1:]:
                term = term @ f
            terms.append(term)
    if not terms:
        return

    @kt.qjit(wires=3)
    def c(a):
        kt.Rot(a[0], a[1], a[2], wires=0)
        kt.CNOT([0, 1])
        kt.RY(a[1], wires=2)
        kt.CRX(a[2], wires=[2, 1])
        return kt.expval(kt.Hamiltonian([0.5 + k for k in range(len(terms))], terms))

    plan, got, want = rebuilt(c, np.array(angles))
    np.testing.assert_allclose(got, want, atol=1e-12)
    for term in plan.outputs[0].terms:  # each term is measured in its own basis on every wire
        assert all(plan.bases[term.group][w] == p for w, p in term.word)


@pytest.mark.parametrize("make, needle", [
    (lambda: kt.state(), "kt.state()"),
    (lambda: kt.var(kt.Z(0) + kt.X(1)), "variance of a sum"),
    (lambda: kt.expval(kt.Hermitian(np.diag([1.0, -1.0]), wires=0)), "Hermitian"),
])
def test_grouping_refuses_what_counts_cannot_give(make, needle):
    @kt.qjit(wires=2)
    def c(x):
        kt.RX(x, wires=0)
        return make()

    with pytest.raises(kt.KettleError, match=needle):
        plan_measurements(c.lower(0.3).kernels[0])
