"""An independent dense-matrix model of circuits, to check what kettle's qjit functions compute.

Gate matrices are written out from PennyLane's documented formulas (wire 0 is the most
significant bit) and applied to state vectors by plain tensor contraction; nothing here
imports kettle, so a test comparing against it compares two separate implementations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import reduce

import numpy as np

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.array([[1, 0], [0, -1]], dtype=complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
PAULI = {"I": I2, "X": X, "Y": Y, "Z": Z}


def kron(*ms: np.ndarray) -> np.ndarray:
    return reduce(np.kron, ms, np.eye(1, dtype=complex))


def rx(t: float) -> np.ndarray:
    c, s = np.cos(t / 2), np.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def ry(t: float) -> np.ndarray:
    c, s = np.cos(t / 2), np.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def rz(t: float) -> np.ndarray:
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def phase_shift(phi: float) -> np.ndarray:
    return np.diag([1, np.exp(1j * phi)])


def rot(phi: float, theta: float, omega: float) -> np.ndarray:
    """PennyLane's Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi)."""
    return rz(omega) @ ry(theta) @ rz(phi)


def u3(theta: float, phi: float, delta: float) -> np.ndarray:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -np.exp(1j * delta) * s],
                     [np.exp(1j * phi) * s, np.exp(1j * (phi + delta)) * c]])


def controlled(u: np.ndarray, n_controls: int = 1) -> np.ndarray:
    """`u` on the last wires when every leading control wire is 1."""
    return controlled_on(u, (1,) * n_controls)


def controlled_on(u: np.ndarray, values: Sequence[int]) -> np.ndarray:
    """`u` on the last wires when the leading control wires hold `values`, identity otherwise."""
    d, k = u.shape[0], len(values)
    out = np.eye(d * 2**k, dtype=complex)
    active = int("".join(str(int(v)) for v in values), 2) if k else 0
    out[active * d:(active + 1) * d, active * d:(active + 1) * d] = u
    return out


def ising(pauli: np.ndarray, phi: float) -> np.ndarray:
    """exp(-i phi/2 P(x)P) = cos(phi/2) I - i sin(phi/2) P(x)P."""
    return np.cos(phi / 2) * np.eye(4) - 1j * np.sin(phi / 2) * np.kron(pauli, pauli)


def multi_rz(theta: float, n: int) -> np.ndarray:
    """diag(exp(-i theta/2 * (-1)^parity(b))) over basis states b of n wires."""
    parity = np.array([bin(b).count("1") % 2 for b in range(2**n)])
    return np.diag(np.exp(-0.5j * theta * (1 - 2 * parity)))


SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]
ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])

# name -> (number of parameters, number of wires or None for any, matrix(params, n_wires))
GATES: dict[str, tuple[int, int | None, Callable[[Sequence[float], int], np.ndarray]]] = {
    "Identity": (0, 1, lambda p, n: I2),
    "Hadamard": (0, 1, lambda p, n: H),
    "PauliX": (0, 1, lambda p, n: X),
    "PauliY": (0, 1, lambda p, n: Y),
    "PauliZ": (0, 1, lambda p, n: Z),
    "S": (0, 1, lambda p, n: np.diag([1, 1j])),
    "T": (0, 1, lambda p, n: np.diag([1, np.exp(0.25j * np.pi)])),
    "SX": (0, 1, lambda p, n: 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])),
    "RX": (1, 1, lambda p, n: rx(p[0])),
    "RY": (1, 1, lambda p, n: ry(p[0])),
    "RZ": (1, 1, lambda p, n: rz(p[0])),
    "PhaseShift": (1, 1, lambda p, n: phase_shift(p[0])),
    "Rot": (3, 1, lambda p, n: rot(*p)),
    "U3": (3, 1, lambda p, n: u3(*p)),
    "CNOT": (0, 2, lambda p, n: controlled(X)),
    "CZ": (0, 2, lambda p, n: controlled(Z)),
    "CY": (0, 2, lambda p, n: controlled(Y)),
    "SWAP": (0, 2, lambda p, n: SWAP),
    "ISWAP": (0, 2, lambda p, n: ISWAP),
    "CRX": (1, 2, lambda p, n: controlled(rx(p[0]))),
    "CRY": (1, 2, lambda p, n: controlled(ry(p[0]))),
    "CRZ": (1, 2, lambda p, n: controlled(rz(p[0]))),
    "CRot": (3, 2, lambda p, n: controlled(rot(*p))),
    "ControlledPhaseShift": (1, 2, lambda p, n: controlled(phase_shift(p[0]))),
    "IsingXX": (1, 2, lambda p, n: ising(X, p[0])),
    "IsingYY": (1, 2, lambda p, n: ising(Y, p[0])),
    "IsingZZ": (1, 2, lambda p, n: ising(Z, p[0])),
    "MultiRZ": (1, None, lambda p, n: multi_rz(p[0], n)),
    "Toffoli": (0, 3, lambda p, n: controlled(X, 2)),
    "CSWAP": (0, 3, lambda p, n: controlled(SWAP)),
}


def gate(name: str, params: Sequence[float] = (), n_wires: int | None = None) -> np.ndarray:
    """The dense matrix of gate `name` on its own wires."""
    _, width, matrix = GATES[name]
    return np.asarray(matrix(list(params), width or n_wires), dtype=complex)


def apply(state: np.ndarray, matrix: np.ndarray, wires: Sequence[int]) -> np.ndarray:
    """`matrix` (on `wires`, first most significant) applied to an n-wire state vector."""
    n = int(np.log2(state.size))
    k = len(wires)
    psi = np.moveaxis(state.reshape((2,) * n), list(wires), list(range(k)))
    psi = (matrix @ psi.reshape(2**k, -1)).reshape((2,) * n)
    return np.moveaxis(psi, list(range(k)), list(wires)).reshape(-1)


def operator(matrix: np.ndarray, wires: Sequence[int], n: int) -> np.ndarray:
    """The 2^n x 2^n matrix of `matrix` acting on `wires` of n wires."""
    return np.stack([apply(col, matrix, wires) for col in np.eye(2**n, dtype=complex)], axis=1)


def pauli_word(letters: dict[int, str], n: int) -> np.ndarray:
    """The n-wire matrix of a Pauli word given as {wire: "X"|"Y"|"Z"}."""
    return kron(*[PAULI[letters.get(w, "I")] for w in range(n)])


def expval(state: np.ndarray, observable: np.ndarray) -> float:
    return float(np.vdot(state, observable @ state).real)


def variance(state: np.ndarray, observable: np.ndarray) -> float:
    return expval(state, observable @ observable) - expval(state, observable) ** 2


def probs(state: np.ndarray, wires: Sequence[int]) -> np.ndarray:
    """Marginal probabilities of `wires` (in that order, first most significant)."""
    n = int(np.log2(state.size))
    p = np.abs(state.reshape((2,) * n)) ** 2
    p = np.moveaxis(p, list(wires), list(range(len(wires))))
    return p.reshape(2 ** len(wires), -1).sum(axis=1)


def random_unitary(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random unitary (QR of a complex Gaussian matrix, phases fixed)."""
    z = (rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_hermitian(dim: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    return (a + a.conj().T) / 2
