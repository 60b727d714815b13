"""Measurements of the reference interpreter: exact values, and the shots protocol.

Exact runs compute every measurement from the final state. With shots, results are
drawn from `rng` by the protocol every backend follows, so one seed gives the same
samples on every backend (see backends/statevector/sampling.py):

1. If any measurement needs them, the run's shared basis samples are drawn first: the
   inverse CDF of `rng.random(shots) * cdf[-1]` over |psi|^2 in basis-index order.
2. Then each measurement in program order: probs is the histogram of the shared samples
   and q.bits their bits; expval of a Pauli sum adds, term by term, c (identity), c times
   the mean Z-sign of the shared samples (Z-only words) or c times the mean of +-1 draws
   `rng.random(shots) < (1 + <P>) / 2` (any other word, its own setting); var and sample
   of a Pauli sum use per-shot values from the shared samples (all words Z-only) or one
   +-1 draw (a single non-Z word); a Hermitian is measured in its own eigenbasis
   (`np.linalg.eigh`, inverse CDF over its eigenvectors' probabilities).

As the definition, it draws each setting's shots as one array; backends/memory.py counts
those arrays, so a shot count too big for them is refused before the run (the statevector
backend draws the same numbers in bounded chunks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import BackendError
from ..ir import quantum as Q
from ..ir.gates import PAULIS
from ..ir.pauli import parse_word

Term = tuple[float, tuple[tuple[str, int], ...]]  # (coefficient, ((letter, wire), ...))


@dataclass
class PauliObs:
    terms: list[Term]

    @staticmethod
    def diagonal(word: tuple[tuple[str, int], ...]) -> bool:
        return all(letter == "Z" for letter, _ in word)


@dataclass
class MatrixObs:
    matrix: np.ndarray
    wires: list[int]


def pauli_obs(words, coeffs, wires) -> PauliObs:
    coeffs = list(coeffs) or [1.0] * len(words)
    return PauliObs([(c, tuple((p, wires[i]) for p, i in parse_word(w))) for c, w in zip(coeffs, words)])


class Measurer:
    """Evaluates measurement ops on a final state tensor (wire w is axis w)."""

    def __init__(self, state: np.ndarray, shots: int | None, rng: np.random.Generator | None):
        self.state, self.shots, self.rng = state, shots, rng
        self.shared: np.ndarray | None = None
        if shots is not None and not np.isfinite(state).all():
            raise BackendError("reference: the state is not finite (nan/inf parameters), so no "
                               "samples can be drawn; check the circuit's parameters")

    # -- exact -----------------------------------------------------------------------

    def apply_word(self, word) -> np.ndarray:
        out = self.state
        for letter, wire in word:
            out = np.moveaxis(np.tensordot(PAULIS[letter], out, axes=([1], [wire])), 0, wire)
        return out

    def apply(self, obs) -> np.ndarray:
        if isinstance(obs, MatrixObs):
            k = len(obs.wires)
            m = obs.matrix.reshape((2,) * 2 * k)
            out = np.tensordot(m, self.state, axes=(list(range(k, 2 * k)), obs.wires))
            return np.moveaxis(out, list(range(k)), obs.wires)
        return sum(c * self.apply_word(word) for c, word in obs.terms)

    def exact_expval(self, obs) -> float:
        return float(np.vdot(self.state, self.apply(obs)).real)

    def exact_var(self, obs) -> float:
        applied = self.apply(obs)
        mean = np.vdot(self.state, applied).real
        return float(np.vdot(applied, applied).real - mean**2)

    def exact_probs(self, wires: list[int]) -> np.ndarray:
        p = np.abs(self.state) ** 2
        marginal = p.sum(axis=tuple(w for w in range(p.ndim) if w not in wires))
        order = sorted(wires)
        return np.transpose(marginal, [order.index(w) for w in wires]).reshape(-1)

    # -- shots -----------------------------------------------------------------------

    def draw_shared(self) -> None:
        probs = (np.abs(self.state) ** 2).reshape(-1)
        self.shared = inverse_cdf(probs, self.shots, self.rng)

    def shared_bits(self, wires: list[int]) -> np.ndarray:
        n = self.state.ndim
        return (self.shared[:, None] >> np.array([n - 1 - w for w in wires], dtype=np.int64)) & 1

    def z_signs(self, word) -> np.ndarray:
        bits = self.shared_bits([w for _, w in word])
        return 1.0 - 2.0 * (bits.sum(axis=1) % 2)

    def plus_minus(self, word) -> np.ndarray:
        p_plus = (1.0 + self.exact_expval(PauliObs([(1.0, word)]))) / 2.0
        return np.where(self.rng.random(self.shots) < p_plus, 1.0, -1.0)

    def eigen_samples(self, obs: MatrixObs) -> np.ndarray:
        eigenvalues, vectors = np.linalg.eigh(obs.matrix)
        rotated = Measurer(self.state, None, None).apply(MatrixObs(vectors.conj().T, obs.wires))
        k = len(obs.wires)
        amplitudes = np.moveaxis(rotated, obs.wires, range(k)).reshape(2**k, -1)
        return eigenvalues[inverse_cdf((np.abs(amplitudes) ** 2).sum(axis=1), self.shots, self.rng)]

    def per_shot(self, obs, name: str) -> np.ndarray:
        if isinstance(obs, MatrixObs):
            return self.eigen_samples(obs)
        active = {word for _, word in obs.terms if word}
        if all(PauliObs.diagonal(w) for w in active):
            values = [c * (self.z_signs(word) if word else 1.0) for c, word in obs.terms]
        elif len(active) == 1:
            own = self.plus_minus(next(iter(active)))
            values = [c * (own if word else 1.0) for c, word in obs.terms]
        else:
            raise BackendError(f"reference: `{name}` of a sum of Pauli words with different "
                               f"non-Z words has no single measurement basis; measure each word "
                               f"separately or run without shots")
        return np.zeros(self.shots) + sum(values)

    def sampled_expval(self, obs) -> float:
        if isinstance(obs, MatrixObs):
            return float(np.mean(self.eigen_samples(obs)))
        total = 0.0
        for c, word in obs.terms:
            if not word:
                total += c
            elif PauliObs.diagonal(word):
                total += c * float(np.mean(self.z_signs(word)))
            else:
                total += c * float(np.mean(self.plus_minus(word)))
        return total


def inverse_cdf(probs: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """`shots` indices drawn with probabilities `probs` (normalised by their sum)."""
    cdf = np.cumsum(probs)
    picks = np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right")
    return np.minimum(picks, len(probs) - 1)


def needs_shared(measurements, observables: dict) -> bool:
    """Whether any measurement of the run reads the shared basis samples."""
    for o in measurements:
        if isinstance(o, (Q.Bits, Q.Probs)):
            return True
        obs = observables.get(getattr(o, "obs", None))
        if not isinstance(obs, Q.PauliSum):
            continue
        words = [parse_word(w) for w in obs.words]
        if isinstance(o, Q.Expval) and any(w and PauliObs.diagonal(w) for w in words):
            return True
        if isinstance(o, (Q.Var, Q.Sample)) and all(PauliObs.diagonal(w) for w in words if w):
            return True
    return False
