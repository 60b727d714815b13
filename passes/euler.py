"""Euler angles of single-qubit unitaries, and their forms in each kind of native gate set.

`zyz(U)` gives `U = exp(i phase) RZ(a) RY(b) RZ(c)`; every other form is derived from it:
a rotation pair (a, b) by a Clifford change of frame, IBM's `rz-sx-rz-sx-rz`, `rz-h-rz-h-rz`,
U3 and Rot directly. Phases are dropped: these are for gates that are not under a control,
where a global phase is unobservable. Matrices are 2x2 tuples `(u00, u01, u10, u11)` of
Python complex numbers: decomposition passes handle one per gate of a circuit, where NumPy's
per-call cost on 2x2 arrays would dominate.
"""

from __future__ import annotations

import cmath
import functools
import itertools
import math

import numpy as np

TOLERANCE = 1e-9
"""Angles and matrix entries this close to a special value are taken to be it."""

M2 = tuple[complex, complex, complex, complex]
IDENTITY: M2 = (1, 0, 0, 1)
PAULI: dict[str, M2] = {"X": (0, 1, 1, 0), "Y": (0, -1j, 1j, 0), "Z": (1, 0, 0, -1)}
_R2 = 1 / math.sqrt(2)
_H: M2 = (_R2, _R2, _R2, -_R2)
_S: M2 = (1, 0, 0, 1j)

Sequence1Q = list[tuple[str, tuple[float, ...]]]
"""Gates in application order, each `(gate, angles)`; fixed gates have no angles."""


def m2(u: np.ndarray) -> M2:
    """A 2x2 array as a tuple."""
    return tuple(complex(x) for x in np.asarray(u).ravel())


def mul(x: M2, y: M2) -> M2:
    """The matrix product `x @ y` (y applied first)."""
    a, b, c, d = x
    e, f, g, h = y
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def dagger(x: M2) -> M2:
    a, b, c, d = x
    return (a.conjugate(), c.conjugate(), b.conjugate(), d.conjugate())


def rotation(axis: str, theta: float) -> M2:
    """`exp(-i theta/2 sigma_axis)`: RX, RY or RZ."""
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    if axis == "Z":
        return (complex(c, -s), 0, 0, complex(c, s))
    if axis == "X":
        return (c, -1j * s, -1j * s, c)
    return (c, -s, s, c)


def wrap(theta: float) -> float:
    """`theta` in (-pi, pi]: a rotation angle modulo 2 pi (a global phase apart)."""
    out = math.remainder(theta, 2 * math.pi)
    return math.pi if out <= -math.pi + TOLERANCE else out


def is_zero(theta: float) -> bool:
    """A rotation by `theta` is the identity up to a global phase."""
    return abs(math.remainder(theta, 2 * math.pi)) < TOLERANCE


def near(theta: float, target: float) -> bool:
    return is_zero(theta - target)


def zyz(u: M2) -> tuple[float, float, float, float]:
    """`(phase, a, b, c)` with `u = exp(i phase) RZ(a) RY(b) RZ(c)` and `b` in [0, pi]."""
    det = u[0] * u[3] - u[1] * u[2]
    root = cmath.sqrt(det)
    su00, su10, su11 = u[0] / root, u[2] / root, u[3] / root
    b = 2 * math.atan2(abs(su10), abs(su00))
    plus = cmath.phase(su11) if abs(su11) > TOLERANCE else 0.0   # (a + c) / 2
    minus = cmath.phase(su10) if abs(su10) > TOLERANCE else 0.0  # (a - c) / 2
    return cmath.phase(det) / 2, plus + minus, b, plus - minus


@functools.cache
def frame(outer: str, inner: str = "") -> M2:
    """A Clifford C with `C Z C^dagger = sigma_outer` (and `C Y C^dagger = sigma_inner` if given),
    so that `R_outer(t) = C RZ(t) C^dagger`: found among short words in H and S."""
    for length in range(7):
        for word in itertools.product((_H, _S), repeat=length):
            c = IDENTITY
            for g in word:
                c = mul(g, c)
            if _maps(c, "Z", outer) and (not inner or _maps(c, "Y", inner)):
                return c
    raise AssertionError(f"no Clifford frame for ({outer}, {inner})")


def _maps(c: M2, source: str, target: str, sign: int = 1) -> bool:
    """`c sigma_source c^dagger = sign * sigma_target`."""
    image = mul(mul(c, PAULI[source]), dagger(c))
    return all(abs(x - sign * y) < 1e-9 for x, y in zip(image, PAULI[target]))


def flips(m: M2, axis: str) -> bool:
    """`m sigma_axis m^dagger = -sigma_axis`: m is a half turn about an axis orthogonal to it."""
    return _maps(m, axis, axis, -1)


def euler_pair(u: M2, outer: str, inner: str) -> tuple[float, float, float]:
    """`(x, y, z)` with `u ~ R_outer(x) R_inner(y) R_outer(z)` (up to a global phase)."""
    c = frame(outer, inner)
    _, a, b, z = zyz(mul(mul(dagger(c), u), c))
    return a, b, z


def rotation_angle(u: M2, axis: str) -> float | None:
    """`t` if `u ~ R_axis(t)` up to a global phase, else None."""
    if axis != "Z":
        c = frame(axis)
        u = mul(mul(dagger(c), u), c)
    if abs(u[1]) > TOLERANCE or abs(u[2]) > TOLERANCE:
        return None
    return cmath.phase(u[3]) - cmath.phase(u[0])


def is_identity(u: M2) -> bool:
    """`u` is the identity up to a global phase."""
    scale = abs(u[0]) + abs(u[3])
    return abs(u[1]) + abs(u[2]) + abs(u[0] - u[3]) < TOLERANCE * max(scale, 1.0)


def zsx(u: M2, z: str, has_x: bool) -> Sequence1Q:
    """IBM's form: `RZ SX RZ SX RZ` (fewer gates when `b` is 0, pi/2, or pi with X)."""
    _, a, b, c = zyz(u)
    if is_zero(b):
        return [(z, (a + c,))]
    if near(b, math.pi / 2):
        return [(z, (c - math.pi / 2,)), ("SX", ()), (z, (a + math.pi / 2,))]
    if has_x and near(b, math.pi):  # RZ(a) X RZ(c + pi) = X RZ(c + pi - a)
        return [(z, (c + math.pi - a,)), ("PauliX", ())]
    return [(z, (c,)), ("SX", ()), (z, (b + math.pi,)), ("SX", ()), (z, (a + math.pi,))]


def zhz(u: M2, z: str) -> Sequence1Q:
    """`RZ H RZ H RZ`, since `H RZ(b) H = RX(b)` and `RX(b) ~ RZ(-pi/2) RY(b) RZ(pi/2)`."""
    _, a, b, c = zyz(u)
    if is_zero(b):
        return [(z, (a + c,))]
    if near(b, math.pi / 2):
        return [(z, (c + math.pi,)), ("Hadamard", ()), (z, (a,))]
    return [(z, (c - math.pi / 2,)), ("Hadamard", ()), (z, (b,)), ("Hadamard", ()),
            (z, (a + math.pi / 2,))]


def pair(u: M2, outer: str, inner: str, gates: dict[str, str]) -> Sequence1Q:
    """`R_outer R_inner R_outer` with the basis gates `gates[axis]`."""
    x, y, z = euler_pair(u, outer, inner)
    if is_zero(y):
        return [(gates[outer], (x + z,))]
    return [(gates[outer], (z,)), (gates[inner], (y,)), (gates[outer], (x,))]


def u3(u: M2) -> Sequence1Q:
    """One `U3(theta, phi, delta) ~ RZ(phi) RY(theta) RZ(delta)`, none for the identity."""
    _, a, b, c = zyz(u)
    return [] if is_identity(u) else [("U3", (b, a, c))]


def rot(u: M2) -> Sequence1Q:
    """One `Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi)`, none for the identity."""
    _, a, b, c = zyz(u)
    return [] if is_identity(u) else [("Rot", (c, b, a))]
