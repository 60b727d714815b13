"""The shots protocol: how a kernel with shots turns its final state and the caller's
`rng` into results. The reference interpreter (backends/reference_measure.py) follows it
too, so both backends draw the same samples from one seed (up to rounding of the
probabilities they compare to; tests/backends/test_shots_protocol.py checks it).

psi is the final state in basis-index order (wire 0 the most significant bit), and each
`U` below is a fresh `rng.random(shots)`. A state that is not finite (nan/inf parameters)
raises a BackendError before any draw. Then:

1. Shared basis samples `s`, drawn first and once, if any measurement below reads them:
   a `q.probs`, a `q.bits`, a `q.expval` of a sum with a non-identity word of only Z's, or
   a `q.var` / `q.sample` of a sum whose words all have only Z's (also when every term is
   the identity, although its values need no samples): `cdf = cumsum(|psi|^2)`,
   `s = minimum(searchsorted(cdf, U * cdf[-1], side="right"), 2^n - 1)`.
2. Every measurement op in program order (returned or not):
   - `q.probs(wires)`: counts / shots of the outcomes of `wires` in `s` (the first wire
     the most significant bit of the outcome), float64.
   - `q.bits(wires)`: the bits of `wires` in `s`, (shots, k) int64, columns in wire order.
   - `q.expval` of a Pauli sum: `total = 0.0`, then for each term `c * P` in order
     (c = 1.0 without a coefficient) `total += c * e`: e = 1 for the identity (no draw);
     for a word of only Z's, `np.mean` of the signs (-1)^(sum of its wires' bits in `s`);
     for any other word, `np.mean` of `plus_minus`: +1 where `U < (1 + <P>) / 2`, else -1,
     with <P> the word's exact expectation (one U per such term, even if a word repeats).
   - `q.expval` / `q.var` / `q.sample` of a Hermitian H on `wires`, in its own setting:
     `eigenvalues, V = np.linalg.eigh(H)`; `p[j]` = the probability of V[:, j], i.e. the
     marginal on `wires` of |(V^dagger on `wires`) psi|^2 (first wire most significant);
     `cdf = cumsum(p)`, `x = eigenvalues[minimum(searchsorted(cdf, U * cdf[-1], side="right"),
     len(p) - 1)]`; the result is `np.mean(x)`, `np.var(x)` (ddof=0) or `x`.
   - `q.var` / `q.sample` of a Pauli sum: `v = zeros(shots)`, then for each term in order
     `v += c` for the identity, else `v += c * x` where x is, if every word has only Z's,
     the word's per-shot sign in `s`; else, if all non-identity terms share one word, one
     `plus_minus` draw of that word for the whole sum; the result is `np.var(v)` (ddof=0)
     or `v`. Any other sum cannot be sampled in one setting: BackendError at compile time.
   - `q.state`: the exact state, no draw.

Scalar results are Python floats.

Memory stays bounded whatever the shots: every `rng.random(shots)` above is drawn as
consecutive chunks of at most `chunk` (memory.SHOT_CHUNK) numbers, which is the same
stream of numbers, and each result is accumulated chunk by chunk: outcome counts for
probs and Z words, +1 counts for the other words, and means and variances merged
across chunks for var and Hermitian observables. Only `q.sample` and `q.bits`, whose
results hold every shot, draw all shots at once, and so, in a kernel that has one, do
the shared basis samples every other result of that kernel reads. Up to one chunk of shots the results
are exactly those of the whole-array formulas above; past it, counts and Pauli-word
means stay exact and merged means and variances differ from them by rounding only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np


def chunk_sizes(shots: int, chunk: int) -> Iterator[int]:
    """`shots` as consecutive chunks of at most `chunk`."""
    for start in range(0, shots, chunk):
        yield min(chunk, shots - start)


def shared_statistics(ctx, chunk: int, uses: list[Callable[[object, np.ndarray], object]]) -> list[list]:
    """Draw the shared basis samples of run `ctx` (state, shots, rng) chunk by chunk; per use,
    its statistic `use(ctx, indices)` of each chunk."""
    state = ctx.state
    cdf = np.cumsum(np.abs(state) ** 2)
    stats: list[list] = [[] for _ in uses]
    for size in chunk_sizes(ctx.shots, chunk):
        draw = ctx.rng.random(size) * cdf[-1]
        indices = np.minimum(np.searchsorted(cdf, draw, side="right"), len(state) - 1)
        for use, out in zip(uses, stats):
            out.append(use(ctx, indices))
    return stats


def moments(values: np.ndarray) -> tuple[int, float, float]:
    """(count, np.mean, np.var) of one chunk of per-shot values."""
    return len(values), float(np.mean(values)), float(np.var(values))


def merged(parts: list[tuple[int, float, float]], var: bool) -> float:
    """The mean (or variance, ddof=0) of the union of chunks from their moments (Chan et al.);
    one chunk gives its own np.mean / np.var exactly."""
    if len(parts) == 1:
        return parts[0][2] if var else parts[0][1]
    n = sum(p[0] for p in parts)
    mean = sum(p[0] * p[1] for p in parts) / n
    if not var:
        return mean
    return sum(p[0] * (p[2] + (p[1] - mean) ** 2) for p in parts) / n


def outcome_counts(indices: np.ndarray, positions: tuple[int, ...]) -> np.ndarray:
    """How often each of the 2^k outcomes on `positions` (first most significant) occurs."""
    k = len(positions)
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    outcome = bits_of(indices, positions) @ weights if k else np.zeros(len(indices), np.int64)
    return np.bincount(outcome, minlength=2**k)


def bits_of(indices: np.ndarray, positions: tuple[int, ...]) -> np.ndarray:
    """(shots, k) int64 bits at `positions` (bit positions, first one first)."""
    return (indices[:, None] >> np.array(positions, dtype=np.int64)) & 1


def z_parity(indices: np.ndarray, zmask: int) -> np.ndarray:
    """Per-shot parity (0 or 1) of the bits of `zmask` in each sampled index."""
    masked = indices & zmask
    if hasattr(np, "bitwise_count"):  # NumPy 2: one popcount per shot
        return np.bitwise_count(masked) & 1
    parity = np.zeros(len(indices), dtype=np.int64)
    while masked.any():
        parity ^= masked & 1
        masked = masked >> 1
    return parity


def z_signs(indices: np.ndarray, zmask: int) -> np.ndarray:
    """Per-shot eigenvalue (+-1) of the Z word with mask `zmask`."""
    return 1.0 - 2.0 * z_parity(indices, zmask)


def odd_shots(indices: np.ndarray, zmask: int) -> int:
    """How many shots have odd parity on `zmask`: the Z word's mean is (n - 2 * odd) / n."""
    return int(np.count_nonzero(z_parity(indices, zmask)))


def sign_mean(minus: int, shots: int) -> float:
    """np.mean of `shots` +-1 values of which `minus` are -1, to the bit: their sum is an
    exact integer (below 2^53), so both are one rounding of (shots - 2 * minus) / shots."""
    return (shots - 2 * minus) / shots


def plus_minus(expval: float, shots: int, rng: np.random.Generator) -> np.ndarray:
    """+-1 outcomes of a Pauli word with exact expectation `expval`: p(+1) = (1 + <P>) / 2."""
    return np.where(rng.random(shots) < (1.0 + expval) / 2.0, 1.0, -1.0)


def minus_count(expval: float, shots: int, chunk: int, rng: np.random.Generator) -> int:
    """How many of `shots` plus_minus outcomes are -1, drawn `chunk` at a time."""
    p_plus = (1.0 + expval) / 2.0
    return sum(size - int(np.count_nonzero(rng.random(size) < p_plus)) for size in chunk_sizes(shots, chunk))


def eigen_samples(probs: np.ndarray, eigenvalues: np.ndarray, shots: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues drawn with the probabilities of their eigenvectors."""
    cdf = np.cumsum(probs)
    picks = np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right")
    return eigenvalues[np.minimum(picks, len(eigenvalues) - 1)]
