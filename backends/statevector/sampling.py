"""The shots model: one shared set of computational-basis samples per run, plus an
independent setting per non-diagonal observable, all drawn from the caller's `rng`.

Shared samples make `q.bits`, `q.probs` and Z-only observables agree shot by shot (as
on hardware); an X/Y word or a Hermitian is measured in its own basis, drawn from its
exact eigenvalue distribution. Draws happen in program order, so one rng state gives one
result.
"""

from __future__ import annotations

import numpy as np


def basis_samples(state: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """`shots` basis-state indices drawn from |state|^2."""
    cdf = np.cumsum(np.abs(state) ** 2)
    picks = np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right")
    return np.minimum(picks, len(state) - 1)


def bits_of(indices: np.ndarray, positions: tuple[int, ...]) -> np.ndarray:
    """(shots, k) int64 bits at `positions` (bit positions, first one first)."""
    return (indices[:, None] >> np.array(positions, dtype=np.int64)) & 1


def histogram(indices: np.ndarray, positions: tuple[int, ...]) -> np.ndarray:
    """Relative frequencies of the 2^k outcomes on `positions` (first most significant)."""
    k = len(positions)
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    outcome = bits_of(indices, positions) @ weights if k else np.zeros(len(indices), np.int64)
    return np.bincount(outcome, minlength=2**k).astype(np.float64) / len(indices)


def z_signs(indices: np.ndarray, zmask: int) -> np.ndarray:
    """Per-shot eigenvalue (+-1) of the Z word with mask `zmask`."""
    masked = indices & zmask
    parity = np.zeros(len(indices), dtype=np.int64)
    while masked.any():
        parity ^= masked & 1
        masked = masked >> 1
    return 1.0 - 2.0 * parity


def plus_minus(expval: float, shots: int, rng: np.random.Generator) -> np.ndarray:
    """+-1 outcomes of a Pauli word with exact expectation `expval`: p(+1) = (1 + <P>) / 2."""
    return np.where(rng.random(shots) < (1.0 + expval) / 2.0, 1.0, -1.0)


def eigen_samples(probs: np.ndarray, eigenvalues: np.ndarray, shots: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues drawn with the probabilities of their eigenvectors."""
    cdf = np.cumsum(probs)
    picks = np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right")
    return eigenvalues[np.minimum(picks, len(eigenvalues) - 1)]
