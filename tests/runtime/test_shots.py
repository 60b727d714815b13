"""Shots and seeds: exact results without shots, reproducible samples under a seed, and
sample statistics that agree with the exact distribution within 5 standard deviations."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt

SHOTS = 4000
THETA = 1.1  # RY(THETA)|0>: P(1) = sin^2(THETA / 2)
P1 = np.sin(THETA / 2) ** 2


def bell_sampler(backend: str, seed: int | None, shots: int = 200):
    @kt.qjit(wires=2, shots=shots, seed=seed, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        kt.Hadamard(wires=1)
        kt.CNOT(wires=[0, 1])
        return kt.sample(), kt.sample(kt.PauliZ(0)), kt.counts(wires=[1])

    return circuit


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y for x, y in zip(a, b))


def test_same_seed_gives_same_samples_across_qjit_objects(backend):
    first, second = bell_sampler(backend, seed=1234)(THETA), bell_sampler(backend, seed=1234)(THETA)
    assert _same(first, second)


def test_same_seed_reproduces_a_sequence_of_calls(backend):
    a, b = bell_sampler(backend, seed=99), bell_sampler(backend, seed=99)
    runs_a = [a(THETA), a(0.3)]
    runs_b = [b(THETA), b(0.3)]
    assert all(_same(x, y) for x, y in zip(runs_a, runs_b))


def test_different_seeds_give_different_samples(backend):
    first, second = bell_sampler(backend, seed=1)(THETA), bell_sampler(backend, seed=2)(THETA)
    assert not np.array_equal(first[0], second[0])


def test_successive_calls_draw_new_samples(backend):
    circuit = bell_sampler(backend, seed=5)
    assert not np.array_equal(circuit(THETA)[0], circuit(THETA)[0])


def test_no_shots_is_exact(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        kt.CNOT(wires=[0, 1])
        return kt.expval(kt.PauliZ(1)), kt.var(kt.PauliZ(0)), kt.probs(wires=[0])

    z, v, p = circuit(THETA)
    assert z == pytest.approx(np.cos(THETA), abs=1e-14)
    assert v == pytest.approx(np.sin(THETA) ** 2, abs=1e-14)
    np.testing.assert_allclose(p, [1 - P1, P1], atol=1e-14)


def test_no_shots_repeated_calls_are_identical(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        return kt.expval(kt.PauliZ(0)), kt.probs()

    first, second = circuit(THETA), circuit(THETA)
    assert first[0] == second[0] and np.array_equal(first[1], second[1])


def _within_5_sigma(estimate: float, p: float, shots: int) -> bool:
    return abs(estimate - p) <= 5 * np.sqrt(p * (1 - p) / shots)


def test_sample_bit_frequency_within_5_sigma(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=11, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        return kt.sample(wires=[0])

    bits = circuit(THETA)
    assert _within_5_sigma(bits.mean(), P1, SHOTS)


def test_sample_observable_mean_within_5_sigma(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=12, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        return kt.sample(kt.PauliZ(0))

    values = circuit(THETA)
    sigma = np.sqrt((1 - np.cos(THETA) ** 2) / SHOTS)
    assert abs(values.mean() - np.cos(THETA)) <= 5 * sigma


def test_counts_frequencies_of_entangled_state_within_5_sigma(backend):
    @kt.qjit(wires=2, shots=SHOTS, seed=13, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        kt.Hadamard(wires=1)
        kt.CNOT(wires=[0, 1])
        return kt.counts(all_outcomes=True)

    # RY(t)|0> (x) |+>, then CNOT: |00>,|01> with (1-P1)/2 each and |10>,|11> with P1/2 each.
    exact = {"00": (1 - P1) / 2, "01": (1 - P1) / 2, "10": P1 / 2, "11": P1 / 2}
    counts = circuit(THETA)
    assert sum(counts.values()) == SHOTS
    assert all(_within_5_sigma(counts[k] / SHOTS, p, SHOTS) for k, p in exact.items())


def test_sampled_bits_follow_wire_order_of_probs(backend):
    @kt.qjit(wires=2, shots=SHOTS, seed=14, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=1)  # only wire 1 is ever 1
        return kt.sample(wires=[1, 0])

    bits = circuit(THETA)
    assert (bits[:, 1] == 0).all() and _within_5_sigma(bits[:, 0].mean(), P1, SHOTS)


def test_expval_with_shots_within_5_sigma_of_exact(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=15, backend=backend)
    def circuit(theta):
        kt.RY(theta, wires=0)
        return kt.expval(kt.PauliZ(0)), kt.probs(wires=[0])

    z, p = circuit(THETA)
    assert abs(z - np.cos(THETA)) <= 5 * np.sqrt((1 - np.cos(THETA) ** 2) / SHOTS)
    assert _within_5_sigma(p[1], P1, SHOTS)


def test_samples_of_a_bell_pair_agree_shot_by_shot(backend):
    """All basis samples and diagonal observables of one run come from the same shots."""

    @kt.qjit(wires=2, shots=200, seed=11, backend=backend)
    def bell():
        kt.H(0)
        kt.CNOT([0, 1])
        return kt.sample(wires=[0]), kt.sample(wires=[1]), kt.sample(kt.Z(0)), kt.sample(kt.Z(0) @ kt.Z(1))

    first, second, z0, zz = bell()
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(z0, 1 - 2 * first[:, 0])
    np.testing.assert_array_equal(zz, np.ones(200))
    assert 0 < first.sum() < 200  # both outcomes occur: the test is not vacuous
