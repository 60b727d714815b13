"""The statevector shots model: shared basis samples, independent settings, seeds, shapes, bounds."""

from __future__ import annotations

import numpy as np
import pytest

from kettle.backends.statevector import compile_kernel
from kettle.ir import BackendError
from kettle.ir.builder import KernelBuilder

SHOTS = 4000


def _bell(shots: int = SHOTS) -> KernelBuilder:
    b = KernelBuilder("bell", 2, 0, shots=shots)
    b.gate("Hadamard", [0])
    b.gate("CNOT", [0, 1])
    return b


def _five_sigma(p: float, shots: int = SHOTS) -> float:
    return 5 * np.sqrt(max(p * (1 - p), 1e-3) / shots)


def test_statevector_shots_bell_samples_agree_shot_by_shot():
    b = _bell()
    outs = [b.bits([0, 1]), b.sample(b.obs(["Z0"], [0, 1])), b.sample(b.obs(["Z1"], [0, 1])),
            b.probs([1, 0])]
    bits, z0, z1, probs = compile_kernel(b.build(outs)).run(None, np.random.default_rng(1))
    assert bits.shape == (SHOTS, 2) and bits.dtype == np.int64
    assert z0.shape == (SHOTS,) and z0.dtype == np.float64
    np.testing.assert_array_equal(bits[:, 0], bits[:, 1])
    np.testing.assert_array_equal(z0, z1)
    np.testing.assert_array_equal(z0, 1 - 2 * bits[:, 0])
    assert probs.shape == (4,) and probs[1] == probs[2] == 0.0
    assert abs(probs[0] - 0.5) < _five_sigma(0.5)


def test_statevector_shots_same_seed_same_results():
    b = _bell()
    outs = [b.bits([0]), b.expval(b.obs(["X0 X1", "Z0"], [0, 1])), b.sample(b.obs(["Y0"], [0, 1]))]
    program = compile_kernel(b.build(outs))
    first = program.run(None, np.random.default_rng(7))
    second = program.run(None, np.random.default_rng(7))
    other = program.run(None, np.random.default_rng(8))
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(first[0], other[0])


def test_statevector_shots_estimates_are_within_five_sigma():
    theta = 0.7
    b = KernelBuilder("k", 2, 1, shots=SHOTS)
    b.gate("RY", [0], [b.param(0)])
    b.gate("CNOT", [0, 1])
    outs = [b.expval(b.obs(["X0"], [0, 1])), b.expval(b.obs(["Z0 Z1", "Z1"], [0, 1])),
            b.probs([0]), b.var(b.obs(["X0"], [0, 1]))]
    ex, ezz, probs, var = compile_kernel(b.build(outs)).run(np.array([theta]), np.random.default_rng(3))
    p_x = 0.5  # RY then CNOT leaves wire 0 entangled: <X0> = 0
    assert abs((ex + 1) / 2 - p_x) < _five_sigma(p_x)
    assert abs(ezz - (1 + np.cos(theta))) < 2 * _five_sigma(0.5)
    p1 = np.sin(theta / 2) ** 2
    assert abs(probs[1] - p1) < _five_sigma(p1)
    assert abs(var - 1.0) < 10 * _five_sigma(0.5)


def test_statevector_shots_hermitian_is_sampled_from_its_eigenvalues():
    h = np.array([[2.0, 1.0], [1.0, -1.0]])
    eigenvalues = np.linalg.eigvalsh(h)
    b = KernelBuilder("k", 1, 0, shots=SHOTS)
    b.gate("Hadamard", [0])
    obs = b.hermitian(h, [0])
    program = compile_kernel(b.build([b.sample(obs), b.expval(obs)]))
    samples, mean = program.run(None, np.random.default_rng(0))
    assert set(np.unique(samples)) <= set(eigenvalues)
    exact = np.vdot([1, 1], h @ [1, 1]).real / 2
    spread = eigenvalues[1] - eigenvalues[0]
    assert abs(mean - exact) < 5 * spread / 2 / np.sqrt(SHOTS)


def test_statevector_shots_var_of_a_non_diagonal_sum_is_rejected():
    b = _bell()
    out = b.var(b.obs(["X0", "Z1"], [0, 1]))
    with pytest.raises(BackendError, match="statevector.*q.var"):
        compile_kernel(b.build([out]))


def test_statevector_shots_need_an_rng():
    b = _bell()
    program = compile_kernel(b.build([b.bits([0])]))
    with pytest.raises(BackendError, match="rng"):
        program.run(None, None)


def test_statevector_sampling_in_an_exact_kernel_is_rejected():
    b = _bell()
    exact = b.build([b.sample(b.obs(["Z0"], [0, 1]))]).replace(attrs={})
    with pytest.raises(BackendError, match="statevector.*q.sample.*shots"):
        compile_kernel(exact)


def test_statevector_shots_sample_of_one_word_plus_identity():
    b = KernelBuilder("k", 1, 0, shots=200)
    b.gate("Hadamard", [0])
    two, one = b.const(2.0), b.const(1.0)
    out = b.sample(b.obs(["X0", ""], [0], [two, one]))
    (samples,) = compile_kernel(b.build([out])).run(None, np.random.default_rng(0))
    np.testing.assert_array_equal(samples, np.full(200, 3.0))  # |+> is the +1 eigenstate of X


def test_statevector_shots_sample_of_a_diagonal_sum_uses_the_shared_samples():
    b = _bell(shots=300)
    obs = b.obs(["Z0", "Z1", "Z0 Z1"], [0, 1])
    samples, bits = compile_kernel(b.build([b.sample(obs), b.bits([0])])).run(None, np.random.default_rng(2))
    np.testing.assert_array_equal(samples, np.where(bits[:, 0] == 0, 3.0, -1.0))


def test_statevector_shots_scalar_results_are_python_floats():
    """Pauli sums with traced, constant and no coefficients (identity, Z-only and X words),
    Hermitians, and variances of each."""
    b = KernelBuilder("k", 2, 2, shots=100)
    b.gate("RX", [0], [b.param(0)])
    outs = [b.expval(b.obs(["Z0", "X1", ""], [0, 1], [b.param(1), b.const(2.0), b.param(0)])),
            b.expval(b.obs([""], [0, 1], [b.param(1)])), b.expval(b.obs(["Y0 Z1"], [0, 1])),
            b.var(b.obs(["Z0", "Z1"], [0, 1], [b.param(1), b.param(0)])), b.var(b.obs(["X0"], [0, 1])),
            b.expval(b.hermitian(np.diag([1.0, 3.0]), [0])), b.var(b.hermitian(np.diag([1.0, 3.0]), [1]))]
    results = compile_kernel(b.build(outs)).run(np.array([0.3, 0.5]), np.random.default_rng(0))
    assert [type(r) for r in results] == [float] * len(outs)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_statevector_shots_of_a_non_finite_state_are_rejected(bad):
    """cumsum of nan probabilities would put every shot on the last basis state."""
    b = KernelBuilder("k", 2, 1, shots=100)
    b.gate("RX", [1], [b.param(0)])
    program = compile_kernel(b.build([b.bits([0, 1]), b.expval(b.obs(["X0"], [0, 1]))]))
    with pytest.raises(BackendError, match=r"statevector.*non-finite parameters \(nan/inf\).*finite"):
        program.run(np.array([bad]), np.random.default_rng(0))


def test_statevector_exact_run_of_a_non_finite_state_returns_nan():
    b = KernelBuilder("k", 2, 1)
    b.gate("RX", [1], [b.param(0)])
    (probs,) = compile_kernel(b.build([b.probs([0, 1])])).run(np.array([np.nan]))
    assert np.isnan(probs).all()


PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1.0, -1.0])}


def _word_matrix(letters: str) -> np.ndarray:
    """The matrix of a word given one letter per wire, wire 0 first (most significant)."""
    out = np.eye(1)
    for letter in letters:
        out = np.kron(out, PAULI[letter])
    return out


def test_statevector_shots_follow_the_documented_protocol():
    """sampling.py's protocol replayed with numpy from the exact state and the same seed."""
    n, shots, seed = 3, 500, 11
    rng_h = np.random.default_rng(2)
    a = rng_h.normal(size=(4, 4)) + 1j * rng_h.normal(size=(4, 4))
    h = a + a.conj().T
    b = KernelBuilder("k", n, 3, shots=shots)
    for w in range(n):
        b.gate("Rot", [w], [b.param(0), b.param(1), b.param(2)])
        b.gate("CNOT", [w, (w + 1) % n])
    c = [b.param(0), b.const(-0.5), b.param(2)]
    outs = [b.expval(b.obs(["Z0 Z2", "X1", "", "Y0 X2", "X1"], [0, 1, 2], [c[0], c[1], c[2], c[0], c[1]])),
            b.probs([2, 0]), b.sample(b.hermitian(h, [2, 1])), b.bits([1, 0]),
            b.var(b.obs(["X0 Y1", "", "X0 Y1"], [0, 1, 2], [c[1], c[2], c[0]])),
            b.sample(b.obs(["Z1", "Z0 Z1", ""], [0, 1, 2], [c[0], c[1], c[2]])), b.state()]
    params = np.array([0.3, -1.1, 0.8])
    run_rng = np.random.default_rng(seed)
    got = compile_kernel(b.build(outs)).run(params, run_rng)
    psi = got[-1]
    coeff = [params[0], -0.5, params[2]]

    rng = np.random.default_rng(seed)
    cdf = np.cumsum(np.abs(psi) ** 2)
    s = np.minimum(np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right"), 2**n - 1)
    bit = lambda w: (s >> (n - 1 - w)) & 1  # noqa: E731
    exact = lambda letters: np.vdot(psi, _word_matrix(letters) @ psi).real  # noqa: E731
    plus_minus = lambda p: np.where(rng.random(shots) < (1 + p) / 2, 1.0, -1.0)  # noqa: E731

    total = 0.0
    total += coeff[0] * np.mean(1.0 - 2.0 * (bit(0) ^ bit(2)))
    total += coeff[1] * np.mean(plus_minus(exact("IXI")))
    total += coeff[2]
    total += coeff[0] * np.mean(plus_minus(exact("YIX")))
    total += coeff[1] * np.mean(plus_minus(exact("IXI")))
    assert got[0] == pytest.approx(total, abs=1e-12)
    np.testing.assert_array_equal(got[1], np.bincount(2 * bit(2) + bit(0), minlength=4) / shots)
    eigenvalues, vectors = np.linalg.eigh(h)
    on_wires = psi.reshape(2, 2, 2).transpose(2, 1, 0).reshape(4, 2)
    p = (np.abs(vectors.conj().T @ on_wires) ** 2).sum(axis=1)
    cdf = np.cumsum(p)
    picks = np.minimum(np.searchsorted(cdf, rng.random(shots) * cdf[-1], side="right"), 3)
    np.testing.assert_array_equal(got[2], eigenvalues[picks])
    np.testing.assert_array_equal(got[3], np.stack([bit(1), bit(0)], axis=1))
    own = plus_minus(exact("XYI"))
    v = np.zeros(shots)
    v += coeff[1] * own
    v += coeff[2]
    v += coeff[0] * own
    assert got[4] == pytest.approx(np.var(v), abs=1e-12)
    v = np.zeros(shots)
    v += coeff[0] * (1.0 - 2.0 * bit(1))
    v += coeff[1] * (1.0 - 2.0 * (bit(0) ^ bit(1)))
    v += coeff[2]
    np.testing.assert_array_equal(got[5], v)
    assert rng.random() == run_rng.random()  # and no other draws
