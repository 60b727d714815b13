"""Shift rules: for a trigonometric polynomial with a gate's frequencies (or the doubled set of a
variance, or the sum of two gates sharing a slot), the rule gives the derivative exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kettle.ir import GATES, KettleError
from kettle.passes.autodiff.shift_rules import (
    LINEAR,
    finite_difference,
    shift_rule,
    sum_frequencies,
)

PARAMETRIC = sorted(name for name, spec in GATES.items() if spec.num_params > 0)


def frequencies_of(name: str, param: int, controlled: bool) -> tuple[float, ...]:
    """From the generator's eigenvalues; an extra control adds the eigenvalue 0."""
    spec = GATES[name]
    n = spec.num_wires or 3
    values = {0.0} if controlled else set()
    for factor in spec.factors(n):
        if factor.param == param:
            values.update(float(v) for v in factor.eigenvalues)
    return tuple(sorted({round(abs(a - b), 12) for a in values for b in values} - {0.0}))


class TrigPolynomial:
    """f(x) = a0 + sum_k a_k cos(w_k x) + b_k sin(w_k x), with f' in closed form."""

    def __init__(self, frequencies, coefficients):
        self.w = np.array(frequencies)
        self.a0, self.a, self.b = coefficients[0], np.array(coefficients[1::2]), np.array(coefficients[2::2])

    def __call__(self, x):
        return self.a0 + np.sum(self.a * np.cos(self.w * x) + self.b * np.sin(self.w * x))

    def derivative(self, x):
        return np.sum(self.w * (self.b * np.cos(self.w * x) - self.a * np.sin(self.w * x)))


def apply_rule(rule, f, x):
    return sum(c * f(x + s) for s, c in rule)


@st.composite
def gate_frequencies(draw):
    """The frequencies of one slot: one gate, maybe controlled, maybe doubled (a variance),
    maybe shared with a second gate."""
    def one():
        name = draw(st.sampled_from(PARAMETRIC))
        param = draw(st.integers(0, GATES[name].num_params - 1))
        return frequencies_of(name, param, draw(st.booleans()))

    freqs = one()
    if draw(st.booleans()):
        freqs = sum_frequencies(freqs, one())
    if draw(st.booleans()):
        freqs = sum_frequencies(freqs, freqs)
    return freqs


coefficient = st.floats(-2, 2, allow_nan=False)


@given(gate_frequencies(), st.lists(coefficient, min_size=40, max_size=40), st.floats(-7, 7))
def test_shift_rule_differentiates_trig_polynomials_exactly(freqs, coefficients, x):
    f = TrigPolynomial(freqs, coefficients[: 1 + 2 * len(freqs)])
    rule = shift_rule(freqs)
    assert apply_rule(rule, f, x) == pytest.approx(f.derivative(x), abs=1e-10)


@pytest.mark.parametrize("name", PARAMETRIC)
@pytest.mark.parametrize("controlled", [False, True])
def test_shift_rule_of_every_gate_parameter_is_exact(name, controlled):
    rng = np.random.default_rng([PARAMETRIC.index(name), controlled])
    for param in range(GATES[name].num_params):
        freqs = frequencies_of(name, param, controlled)
        for doubled in (freqs, sum_frequencies(freqs, freqs)):
            f = TrigPolynomial(doubled, rng.normal(size=1 + 2 * len(doubled)))
            x = rng.uniform(-np.pi, np.pi)
            assert apply_rule(shift_rule(doubled), f, x) == pytest.approx(f.derivative(x), abs=1e-10)


def test_shift_rule_terms_two_for_one_frequency_four_for_controlled_rotations():
    assert len(shift_rule(frequencies_of("RX", 0, False))) == 2
    assert dict(shift_rule((1.0,))) == pytest.approx({np.pi / 2: 0.5, -np.pi / 2: -0.5})
    assert len(shift_rule(frequencies_of("CRX", 0, False))) == 4
    assert len(shift_rule(frequencies_of("RY", 0, True))) == 4  # kt.ctrl(RY) is CRY
    assert shift_rule(()) == ()


def test_shift_rule_doubled_frequencies_of_a_variance():
    assert sum_frequencies((1.0,), (1.0,)) == (1.0, 2.0)
    assert sum_frequencies((0.5, 1.0), (0.5, 1.0)) == (0.5, 1.0, 1.5, 2.0)


def test_shift_rule_linear_and_finite_difference_rules_are_exact_on_quadratics():
    def quadratic(x):
        return 0.3 - 1.7 * x + 0.8 * x * x

    for rule in (LINEAR, finite_difference(1e-3), finite_difference(0.7)):
        assert apply_rule(rule, quadratic, 0.4) == pytest.approx(-1.7 + 1.6 * 0.4, abs=1e-9)


def test_shift_rule_rejects_frequencies_without_a_common_base():
    with pytest.raises(KettleError, match="no common base"):
        shift_rule((1.0, np.sqrt(2)))
