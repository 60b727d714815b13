"""Parameter-shift rules, derived from the gate table.

A kernel result, as a function of one parameter slot theta, is a trigonometric
polynomial whose frequencies are the positive differences of the generator's
eigenvalues (`GateSpec.frequencies`). For frequencies that are multiples of a base
omega up to M*omega, the derivative at theta is exactly

    f'(theta) = sum_mu c_mu [f(theta + x_mu) - f(theta - x_mu)],  x_mu = (2mu - 1) pi / (2 M omega),

with c_mu solving sum_mu 2 c_mu sin(l omega x_mu) = l omega for l = 1..M (Wierichs et al.,
Quantum 6, 677 (2022)): two terms for RX, four for CRX. A slot that is an observable
coefficient enters linearly (quadratically in a variance), where a central difference of
any step is exact.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from math import gcd, pi

import numpy as np

from ...ir import GATES, Function, KettleError
from ...ir import quantum as Q
from ...ir.tensors import Extract
from ..angles import Angle, affine_values

Rule = tuple[tuple[float, float], ...]  # ((shift, coefficient), ...)

LINEAR: Rule = ((1.0, 0.5), (-1.0, -0.5))
"""Exact for polynomials of degree <= 2 in the slot (observable coefficients)."""


def finite_difference(h: float) -> Rule:
    return ((h, 0.5 / h), (-h, -0.5 / h))


@cache
def shift_rule(frequencies: tuple[float, ...]) -> Rule:
    """The exact shift rule for a trigonometric polynomial with these (positive) frequencies.

    Raises:
        KettleError: frequencies with no common base (not multiples of one rational number).
    """
    if not frequencies:
        return ()
    omega, top = _base(frequencies)
    shifts = [(2 * mu - 1) * pi / (2 * top * omega) for mu in range(1, top + 1)]
    levels = [k * omega for k in range(1, top + 1)]
    matrix = np.array([[2 * np.sin(w * x) for x in shifts] for w in levels])
    coefficients = np.linalg.solve(matrix, np.array(levels))
    return tuple(itertools.chain.from_iterable(
        ((x, float(c)), (-x, -float(c))) for x, c in zip(shifts, coefficients)))


def _base(frequencies: tuple[float, ...]) -> tuple[float, int]:
    """(omega, M): every frequency is k * omega for an integer k <= M."""
    fractions = [Fraction(f).limit_denominator(1000) for f in frequencies]
    if any(abs(float(fr) - f) > 1e-9 for fr, f in zip(fractions, frequencies)):
        raise KettleError(f"frequencies {frequencies} have no common base; no parameter-shift rule")
    denominator = np.lcm.reduce([fr.denominator for fr in fractions])
    numerators = [int(fr * denominator) for fr in fractions]
    common = 0
    for n in numerators:
        common = gcd(common, n)
    omega = common / denominator
    return float(omega), max(numerators) // common


def sum_frequencies(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """Frequencies of a product of trigonometric polynomials with frequencies `a` and `b`."""
    signed_a = {0.0, *a, *(-x for x in a)}
    signed_b = {0.0, *b, *(-x for x in b)}
    return tuple(sorted({round(abs(x + y), 12) for x in signed_a for y in signed_b} - {0.0}))


@dataclass(frozen=True)
class SlotUse:
    """How slot j of a kernel enters: through gates (with these frequencies) or a coefficient."""

    frequencies: tuple[float, ...] = ()
    linear: bool = False


def slot_uses(kernel: Function) -> list[SlotUse]:
    """For each parameter slot of `kernel`, how its results depend on it.

    A gate angle may be an affine function of slots computed in the kernel (decomposition
    passes emit `p / 2`, `p + q`): a slot entering with coefficient c has c times the gate's
    frequencies.

    Raises:
        KettleError: a slot used both as a gate parameter and as a coefficient, or entering
            a gate angle or coefficient through non-affine arithmetic (no shift rule).
    """
    if not kernel.args:
        return []
    size = kernel.args[0].type.size
    slots_of = _slot_dependence(kernel)
    freqs: list[tuple[float, ...]] = [()] * size
    linear = [False] * size
    for o in kernel.body:
        if isinstance(o, Q.Gate):
            for position, p in enumerate(o.params):
                for j, c in slots_of(p):
                    scaled = tuple(abs(c) * f for f in _gate_frequencies(o, position))
                    freqs[j] = sum_frequencies(freqs[j], scaled)
        elif isinstance(o, Q.PauliSum):
            for coeff in o.coeffs:
                for j, _ in slots_of(coeff):
                    linear[j] = True
    for j in range(size):
        if linear[j] and freqs[j]:
            raise KettleError(f"slot {j} of @{kernel.name} is both a gate parameter and an observable "
                              f"coefficient; give each use its own slot to differentiate it")
    return [SlotUse(freqs[j], linear[j]) for j in range(size)]


def _slot_dependence(kernel: Function):
    """`slots_of(value)`: ((slot, coefficient), ...) of a value affine in the parameter slots.

    Raises (when called):
        KettleError: the value depends on a slot through non-affine arithmetic.
    """
    slot_of = {o.out: o.index[0] for o in kernel.body if isinstance(o, Extract)}
    affine = affine_values(kernel.body)
    depends: dict = {v: True for v in slot_of}
    for o in kernel.body:
        if o.name.startswith(("arith.", "math.")):
            depends[o.results[0]] = any(depends.get(v, False) for v in o.operands)

    def slots_of(v) -> tuple[tuple[int, float], ...]:
        out = []
        for atom, c in (affine.get(v) or Angle.of(v)).terms:
            if atom in slot_of:
                out.append((slot_of[atom], c))
            elif depends.get(atom, False):
                raise KettleError(f"a gate angle or coefficient of @{kernel.name} depends on its "
                                  f"parameters through non-affine arithmetic, which has no "
                                  f"parameter-shift rule; use method='adjoint' or 'finite-diff'")
        return tuple(out)

    return slots_of


def _gate_frequencies(o: Q.Gate, position: int) -> tuple[float, ...]:
    spec = GATES[o.gate]
    n = len(o.targets)
    if not o.ctrl:
        return spec.frequencies(position, n)
    # Extra controls add the eigenvalue 0 (the uncontrolled subspace) to the generator.
    values: set[float] = {0.0}
    for f in spec.factors(n):
        if f.param == position:
            values.update(float(v) for v in f.eigenvalues)
    return tuple(sorted({round(abs(a - b), 12) for a in values for b in values} - {0.0}))


def rules_for(kernel: Function, method: str, squared: bool, h: float = 1e-6) -> list[Rule]:
    """One shift rule per slot of `kernel`.

    Args:
        method: "parameter-shift" (exact rules) or "finite-diff" (central differences).
        squared: a differentiated result is a variance (frequencies double).
    """
    uses = slot_uses(kernel)
    if method == "finite-diff":
        return [finite_difference(h) if (u.frequencies or u.linear) else () for u in uses]
    rules = []
    for u in uses:
        if u.linear:
            rules.append(LINEAR)
        else:
            f = sum_frequencies(u.frequencies, u.frequencies) if squared else u.frequencies
            rules.append(shift_rule(f))
    return rules
