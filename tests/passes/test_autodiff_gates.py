"""The derivative of every parametric gate of the table, plain, inverted and with extra controls,
by every method and on every backend, against finite differences of the reference interpreter.

Each circuit prepares a generic state, applies the gate under test with the differentiated
parameters, entangles, and returns an expval of a Hamiltonian, a variance and probs, so
the Jacobian covers the three differentiable measurements (a variance needs the doubled
frequencies of its shift rule).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from finite_differences import five_point

import kettle as kt
from kettle.ir import GATES

PARAMETRIC = sorted(name for name, spec in GATES.items() if spec.num_params > 0)
VARIANTS = {  # name: (adjoint, control values of extra controls)
    "plain": (False, ()),
    "adjoint": (True, ()),
    "ctrl": (False, (1,)),
    "ctrl0-adjoint": (True, (0,)),
}
EXACT_METHODS = ["parameter-shift", "adjoint"]
EXACT_TOLERANCE = 1e-8
FINITE_DIFF_TOLERANCE = 1e-6




def prepare(n: int) -> None:
    """A fixed, generic, entangled state on n wires (no derivative flows through it)."""
    for w in range(n):
        kt.RY(0.4 + 0.7 * w, wires=w)
        kt.RZ(0.3 - 0.5 * w, wires=w)
        kt.RX(1.1 + 0.3 * w, wires=w)
    for w in range(n - 1):
        kt.CNOT(wires=[w, w + 1])
    kt.RX(0.9, wires=0)
    kt.RY(-0.8, wires=n - 1)


def mix(n: int) -> None:
    for w in range(n - 1, 0, -1):
        kt.CNOT(wires=[w, w - 1])
        kt.RX(0.6 + 0.2 * w, wires=w)


@functools.cache
def circuit_for(name: str, variant: str, backend: str):
    adjoint, control_values = VARIANTS[variant]
    spec = GATES[name]
    width = spec.num_wires or 3
    targets = list(range(width))
    controls = list(range(width, width + len(control_values)))
    n = max(2, width + len(controls))  # the observables need two wires
    gate = kt.GATE_CLASSES[name]
    hamiltonian = kt.Hamiltonian([0.7, -0.4, 0.25], [kt.Z(0), kt.X(n - 1) @ kt.Y(0), kt.X(1)])

    @kt.qjit(wires=n, backend=backend)
    def circuit(p):
        prepare(n)

        def apply():
            gate(*[p[i] for i in range(spec.num_params)], wires=targets)

        op = kt.adjoint(apply) if adjoint else apply
        if controls:
            op = kt.ctrl(op, control=controls, control_values=control_values)
        op()
        mix(n)
        return kt.expval(hamiltonian), kt.var(kt.Y(n - 1) @ kt.Z(0)), kt.probs(wires=[0, n - 1])

    return circuit


@functools.cache
def expected(name: str, variant: str) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """(parameters, five-point Jacobians of each output on the reference interpreter)."""
    reference = circuit_for(name, variant, "reference")
    p = np.linspace(0.3, 1.9, GATES[name].num_params)
    return p, tuple(five_point(lambda q, i=i: np.asarray(reference(q)[i]), p) for i in range(3))


def check(name: str, variant: str, backend: str, method: str, tolerance: float) -> None:
    p, want = expected(name, variant)
    jacobians = kt.jacobian(circuit_for(name, variant, backend), method=method)(p)
    assert len(jacobians) == 3
    for got, w in zip(jacobians, want):
        assert got.shape == w.shape
        np.testing.assert_allclose(got, w, rtol=0, atol=tolerance)
    # The test can fail: every parameter moves the expval or the variance.
    assert (np.abs(want[0]) + np.abs(want[1]) > 1e-3).all()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", PARAMETRIC)
@pytest.mark.parametrize("method", EXACT_METHODS)
def test_gate_derivative_exact_methods_match_the_reference(name, variant, method, backend):
    check(name, variant, backend, method, EXACT_TOLERANCE)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", PARAMETRIC)
def test_gate_derivative_finite_diff_matches_the_reference(name, variant, backend):
    check(name, variant, backend, "finite-diff", FINITE_DIFF_TOLERANCE)
