"""Exact forms the exporter derives from the gate table: decompositions with their global
phase, and the Euler angles of a one-qubit matrix.

The table's decompositions are exact only up to a global phase. Under `ctrl @` a global
phase is a relative one, so a `gate` definition or an inline expansion must carry it as
`gphase`: here it is measured from the table's own matrices, as an affine function of the
gate's parameters (it is one for every exponential of a generator with affine angles).
"""

from __future__ import annotations

import functools

import numpy as np

from ...ir import GATES
from ...ir.gate_spec import Affine, Step

_PROBE = 0.5
"""Phase slopes are read from a step of this size: exact for slopes below 2 pi / _PROBE."""


def embed(matrix: np.ndarray, wires: tuple[int, ...], n: int) -> np.ndarray:
    """`matrix` on `wires` (first most significant) of an `n`-qubit register, as a 2^n matrix."""
    k = len(wires)
    identity = np.eye(2**n, dtype=complex).reshape((2,) * n + (2**n,))
    out = np.tensordot(matrix.reshape((2,) * 2 * k), identity, axes=(list(range(k, 2 * k)), list(wires)))
    return np.moveaxis(out, list(range(k)), list(wires)).reshape(2**n, 2**n)


def steps_matrix(steps: tuple[Step, ...], n: int, params: list[float]) -> np.ndarray:
    u = np.eye(2**n, dtype=complex)
    for s in steps:
        m = GATES[s.gate].matrix([a.evaluate(params) for a in s.params], len(s.wires), adjoint=s.adjoint)
        u = embed(m, s.wires, n) @ u
    return u


def _phase(gate: str, n: int, steps: tuple[Step, ...], params: list[float]) -> float:
    """`phi` with `gate(params) = exp(i phi) * product of steps`, in (-pi, pi]."""
    want = GATES[gate].matrix(params, n)
    got = steps_matrix(steps, n, params)
    k = np.unravel_index(np.argmax(np.abs(got)), got.shape)
    return float(np.angle(want[k] / got[k]))


def _snap(x: float) -> float:
    """Round to a multiple of 1/16 (of pi for offsets) when within rounding of one."""
    near = round(x * 16) / 16
    return near if abs(x - near) < 1e-9 else x


@functools.cache
def exact_decomposition(gate: str, n_wires: int) -> tuple[tuple[Step, ...], Affine] | None:
    """The table's decomposition of `gate` on `n_wires` and the global phase it drops:
    `gate(p) = exp(i phase(p)) * product(steps(p))` exactly. None for basis gates.

    Raises:
        AssertionError: a table decomposition whose phase is not affine (a table bug).
    """
    spec = GATES[gate]
    steps = spec.decompose(n_wires)
    if steps is None:
        return None
    k = spec.num_params
    base = _phase(gate, n_wires, steps, [0.0] * k)
    slopes = []
    for i in range(k):
        probe = [0.0] * k
        probe[i] = _PROBE
        slopes.append(_snap(float(np.angle(np.exp(1j * (_phase(gate, n_wires, steps, probe) - base))))
                            / _PROBE))
    phase = Affine(tuple((i, c) for i, c in enumerate(slopes) if c), _snap(base / np.pi) * np.pi)
    check = list(np.random.default_rng(7).uniform(-3, 3, k))
    u = np.exp(1j * phase.evaluate(check)) * steps_matrix(steps, n_wires, check)
    assert np.allclose(u, spec.matrix(check, n_wires), atol=1e-9), f"{gate}: phase is not affine"
    return steps, phase


def euler_angles(u: np.ndarray) -> tuple[float, float, float, float]:
    """`(theta, phi, lam, gamma)` with `u = exp(i gamma) U(theta, phi, lam)` (OpenQASM's U:
    `[[cos, -e^{i lam} sin], [e^{i phi} sin, e^{i (phi + lam)} cos]]` of theta / 2)."""
    u = np.asarray(u, dtype=complex)
    theta = 2.0 * float(np.arctan2(abs(u[1, 0]), abs(u[0, 0])))
    if abs(u[0, 0]) <= 1e-12:  # anti-diagonal (cos = 0): choose lam = 0
        gamma = float(np.angle(-u[0, 1]))
        return theta, float(np.angle(u[1, 0])) - gamma, 0.0, gamma
    gamma = float(np.angle(u[0, 0]))
    if abs(u[1, 0]) <= 1e-12:  # diagonal (sin = 0): choose phi = 0
        return theta, 0.0, float(np.angle(u[1, 1])) - gamma, gamma
    return theta, float(np.angle(u[1, 0])) - gamma, float(np.angle(-u[0, 1])) - gamma, gamma
