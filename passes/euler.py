"""Euler angles of single-qubit unitaries, and their forms in each kind of native gate set.

`zyz(U)` gives `U = exp(i phase) RZ(a) RY(b) RZ(c)`; every other form is derived from it:
a rotation pair (a, b) by a Clifford change of frame, IBM's `rz-sx-rz-sx-rz`, `rz-h-rz-h-rz`,
U3 and Rot directly. Phases are dropped: these are for gates that are not under a control,
where a global phase is unobservable.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

TOLERANCE = 1e-9
"""Angles and matrix entries this close to a special value are taken to be it."""

PAULI = {
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}
_H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
_S = np.diag([1, 1j])


def rotation(axis: str, theta: float) -> np.ndarray:
    """`exp(-i theta/2 sigma_axis)`: RX, RY or RZ."""
    return np.cos(theta / 2) * np.eye(2) - 1j * np.sin(theta / 2) * PAULI[axis]


def wrap(theta: float) -> float:
    """`theta` in (-pi, pi]: a rotation angle modulo 2 pi (a global phase apart)."""
    out = float(np.remainder(theta + np.pi, 2 * np.pi) - np.pi)
    return np.pi if out <= -np.pi + TOLERANCE else out


def is_zero(theta: float) -> bool:
    """A rotation by `theta` is the identity up to a global phase."""
    return abs(wrap(theta)) < TOLERANCE


def zyz(u: np.ndarray) -> tuple[float, float, float, float]:
    """`(phase, a, b, c)` with `u = exp(i phase) RZ(a) RY(b) RZ(c)` and `b` in [0, pi]."""
    det = np.linalg.det(u)
    su = u / np.sqrt(det)
    b = 2 * np.arctan2(abs(su[1, 0]), abs(su[0, 0]))
    plus = np.angle(su[1, 1]) if abs(su[1, 1]) > TOLERANCE else 0.0   # (a + c) / 2
    minus = np.angle(su[1, 0]) if abs(su[1, 0]) > TOLERANCE else 0.0  # (a - c) / 2
    return float(np.angle(det) / 2), float(plus + minus), float(b), float(plus - minus)


@functools.cache
def frame(outer: str, inner: str = "") -> np.ndarray:
    """A Clifford C with `C Z C^dagger = sigma_outer` (and `C Y C^dagger = sigma_inner` if given),
    so that `R_outer(t) = C RZ(t) C^dagger`: found among short words in H and S."""
    for length in range(7):
        for word in itertools.product((_H, _S), repeat=length):
            c = np.eye(2, dtype=complex)
            for g in word:
                c = g @ c
            if _conjugates(c, "Z", outer) and (not inner or _conjugates(c, "Y", inner)):
                return c
    raise AssertionError(f"no Clifford frame for ({outer}, {inner})")


def _conjugates(c: np.ndarray, source: str, target: str) -> bool:
    return bool(np.allclose(c @ PAULI[source] @ c.conj().T, PAULI[target], atol=1e-12))


def euler_pair(u: np.ndarray, outer: str, inner: str) -> tuple[float, float, float]:
    """`(x, y, z)` with `u ~ R_outer(x) R_inner(y) R_outer(z)` (up to a global phase)."""
    c = frame(outer, inner)
    _, a, b, z = zyz(c.conj().T @ u @ c)
    return a, b, z


def rotation_angle(u: np.ndarray, axis: str) -> float | None:
    """`t` if `u ~ R_axis(t)` up to a global phase, else None."""
    c = frame(axis)
    v = c.conj().T @ u @ c
    if abs(v[0, 1]) > TOLERANCE or abs(v[1, 0]) > TOLERANCE:
        return None
    return float(np.angle(v[1, 1]) - np.angle(v[0, 0]))


def is_identity(u: np.ndarray) -> bool:
    """`u` is the identity up to a global phase."""
    t = rotation_angle(u, "Z")
    return t is not None and is_zero(t)


def near(theta: float, target: float) -> bool:
    return is_zero(theta - target)


Sequence1Q = list[tuple[str, tuple[float, ...]]]
"""Gates in application order, each `(gate, angles)`; fixed gates have no angles."""


def zsx(u: np.ndarray, z: str, has_x: bool) -> Sequence1Q:
    """IBM's form: `RZ SX RZ SX RZ` (fewer gates when `b` is 0, pi/2, or pi with X)."""
    _, a, b, c = zyz(u)
    if is_zero(b):
        return [(z, (a + c,))]
    if near(b, np.pi / 2):
        return [(z, (c - np.pi / 2,)), ("SX", ()), (z, (a + np.pi / 2,))]
    if has_x and near(b, np.pi):  # RZ(a) X RZ(c + pi) = X RZ(c + pi - a)
        return [(z, (c + np.pi - a,)), ("PauliX", ())]
    return [(z, (c,)), ("SX", ()), (z, (b + np.pi,)), ("SX", ()), (z, (a + np.pi,))]


def zhz(u: np.ndarray, z: str) -> Sequence1Q:
    """`RZ H RZ H RZ`, since `H RZ(b) H = RX(b)` and `RX(b) ~ RZ(-pi/2) RY(b) RZ(pi/2)`."""
    _, a, b, c = zyz(u)
    if is_zero(b):
        return [(z, (a + c,))]
    if near(b, np.pi / 2):
        return [(z, (c + np.pi,)), ("Hadamard", ()), (z, (a,))]
    return [(z, (c - np.pi / 2,)), ("Hadamard", ()), (z, (b,)), ("Hadamard", ()),
            (z, (a + np.pi / 2,))]


def pair(u: np.ndarray, outer: str, inner: str, gates: dict[str, str]) -> Sequence1Q:
    """`R_outer R_inner R_outer` with the basis gates `gates[axis]`."""
    x, y, z = euler_pair(u, outer, inner)
    if is_zero(y):
        return [(gates[outer], (x + z,))]
    return [(gates[outer], (z,)), (gates[inner], (y,)), (gates[outer], (x,))]


def u3(u: np.ndarray) -> Sequence1Q:
    """One `U3(theta, phi, delta) ~ RZ(phi) RY(theta) RZ(delta)`, none for the identity."""
    _, a, b, c = zyz(u)
    return [] if is_identity(u) else [("U3", (b, a, c))]


def rot(u: np.ndarray) -> Sequence1Q:
    """One `Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi)`, none for the identity."""
    _, a, b, c = zyz(u)
    return [] if is_identity(u) else [("Rot", (c, b, a))]
