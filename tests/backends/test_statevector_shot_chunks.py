"""Shots drawn in bounded chunks: the same numbers as one big draw, exact below one chunk,
statistically right and bounded in memory above it."""

from __future__ import annotations

import numpy as np
import pytest

from kettle.backends.statevector import compile_kernel
from kettle.ir.builder import KernelBuilder

N = 3


def _kernel(shots: int, per_shot: bool = False):
    """Every chunked reduction: probs, Z and non-Z expval terms, diagonal and one-word var,
    and a Hermitian's expval and var; the state last (exact, to replay the protocol)."""
    a = np.random.default_rng(2).normal(size=(4, 4)) + 1j * np.random.default_rng(3).normal(size=(4, 4))
    h = a + a.conj().T
    b = KernelBuilder("k", N, 3, shots=shots)
    for w in range(N):
        b.gate("Rot", [w], [b.param(0), b.param(1), b.param(2)])
        b.gate("CNOT", [w, (w + 1) % N])
    c = [b.param(0), b.const(-0.5), b.param(2)]
    outs = [b.probs([2, 0]),
            b.expval(b.obs(["Z0 Z2", "X1", "", "Y0 X2"], [0, 1, 2], [c[0], c[1], c[2], c[0]])),
            b.var(b.obs(["Z1", "Z0 Z1", ""], [0, 1, 2], [c[0], c[1], c[2]])),
            b.var(b.obs(["X0 Y1", "", "X0 Y1"], [0, 1, 2], [c[1], c[2], c[0]])),
            b.expval(b.hermitian(h, [2, 1])), b.var(b.hermitian(h, [2, 1]))]
    if per_shot:
        outs.append(b.sample(b.obs(["Z1"], [0, 1, 2])))
    return b.build(outs + [b.state()]), h


PARAMS = np.array([0.3, -1.1, 0.8])


def _run(shots: int, chunk: int, seed: int = 7, per_shot: bool = False):
    fn, h = _kernel(shots, per_shot)
    rng = np.random.default_rng(seed)
    return compile_kernel(fn, shot_chunk=chunk).run(PARAMS, rng), rng, h


def _whole_array_protocol(psi: np.ndarray, h: np.ndarray, shots: int, seed: int) -> list:
    """sampling.py's protocol as one big draw per setting (what kettle did before chunking)."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(np.abs(psi) ** 2)
    s = np.minimum(np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right"), 2**N - 1)
    bit = lambda w: (s >> (N - 1 - w)) & 1  # noqa: E731
    words = {"IXI": np.kron(np.eye(2), np.kron([[0, 1], [1, 0]], np.eye(2))),
             "YIX": np.kron([[0, -1j], [1j, 0]], np.kron(np.eye(2), [[0, 1], [1, 0]])),
             "XYI": np.kron([[0, 1], [1, 0]], np.kron([[0, -1j], [1j, 0]], np.eye(2)))}
    plus_minus = lambda w: np.where(  # noqa: E731
        rng.random(shots) < (1 + np.vdot(psi, words[w] @ psi).real) / 2, 1.0, -1.0)
    c = [PARAMS[0], -0.5, PARAMS[2]]
    probs = np.bincount(2 * bit(2) + bit(0), minlength=4).astype(float) / shots
    expval = 0.0
    expval += c[0] * np.mean(1.0 - 2.0 * (bit(0) ^ bit(2)))
    expval += c[1] * float(np.mean(plus_minus("IXI")))
    expval += c[2]
    expval += c[0] * float(np.mean(plus_minus("YIX")))
    diagonal = np.zeros(shots) + c[0] * (1.0 - 2.0 * bit(1)) + c[1] * (1.0 - 2.0 * (bit(0) ^ bit(1))) + c[2]
    own = plus_minus("XYI")
    one_word = np.zeros(shots) + c[1] * own + c[2] + c[0] * own
    eigenvalues, vectors = np.linalg.eigh(h)
    p = (np.abs(vectors.conj().T @ psi.reshape(2, 2, 2).transpose(2, 1, 0).reshape(4, 2)) ** 2).sum(axis=1)
    draws = []
    for _ in range(2):
        cdf_h = np.cumsum(p)
        picks = np.searchsorted(cdf_h, rng.random(shots) * cdf_h[-1], side="right")
        draws.append(eigenvalues[np.minimum(picks, 3)])
    return [probs, expval, float(np.var(diagonal)), float(np.var(one_word)), float(np.mean(draws[0])),
            float(np.var(draws[1]))]


def test_up_to_one_chunk_results_are_those_of_the_whole_array_protocol():
    shots, seed = 999, 5
    got, _, h = _run(shots, chunk=shots, seed=seed)
    expected = _whole_array_protocol(got[-1], h, shots, seed)
    np.testing.assert_array_equal(got[0], expected[0])
    assert list(got[1:-1]) == expected[1:]  # to the bit


def test_chunks_draw_the_same_numbers_as_one_draw():
    shots = 3 * 1000 + 357
    whole, rng_whole, _ = _run(shots, chunk=shots)
    chunked, rng_chunked, _ = _run(shots, chunk=1000)
    np.testing.assert_array_equal(chunked[0], whole[0])  # counts: exact
    assert chunked[1] == whole[1]  # Pauli-word means: exact integer counts
    for i in (2, 3, 4, 5):  # merged means and variances: equal up to rounding
        assert chunked[i] == pytest.approx(whole[i], rel=1e-12, abs=1e-12)
    assert rng_chunked.random() == rng_whole.random()  # and the generator is left at the same place


def test_per_shot_results_still_hold_every_shot():
    shots = 2500
    with_sample, _, _ = _run(shots, chunk=1000, per_shot=True)
    without, _, _ = _run(shots, chunk=shots)
    assert with_sample[-2].shape == (shots,)
    np.testing.assert_array_equal(with_sample[0], without[0])


def test_chunked_probs_follow_the_exact_distribution():
    shots, chunk = 3 * 20000 + 1234, 20000
    got, _, _ = _run(shots, chunk=chunk, seed=11)
    psi = got[-1]
    exact = (np.abs(psi.reshape(2, 2, 2)) ** 2).sum(axis=1).T.reshape(-1)  # wires [2, 0]
    sigma = np.sqrt(exact * (1 - exact) / shots)
    assert np.all(np.abs(got[0] - exact) <= 5 * sigma + 1e-12)
    chi2 = shots * np.sum((got[0] - exact) ** 2 / exact)
    assert chi2 < 3 + 5 * np.sqrt(2 * 3)  # 3 degrees of freedom, 5 sigma


class _Recorder:
    """A generator that remembers the largest draw it was asked for."""

    def __init__(self, seed: int):
        self.rng, self.largest = np.random.default_rng(seed), 0

    def random(self, size=None):
        self.largest = max(self.largest, size or 1)
        return self.rng.random(size)


def test_no_draw_is_larger_than_a_chunk():
    shots, chunk = 10 * 4096 + 1, 4096
    fn, _ = _kernel(shots)
    rng = _Recorder(3)
    got = compile_kernel(fn, shot_chunk=chunk).run(PARAMS, rng)
    assert rng.largest == chunk
    assert got[0].sum() == pytest.approx(1.0)
