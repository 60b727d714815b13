"""Results as the caller sees them: Python floats and NumPy arrays in PennyLane's shapes,
dtypes and bit order (wire 0 the most significant bit), in the structure returned."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kettle as kt
from kettle.frontend.pytree import Leaf
from kettle.runtime.outputs import unflattener

SHOTS = 20


@pytest.fixture
def basis_circuit(backend: str):
    """Prepares |100> on 3 wires (X on wire 0) and returns every kind of result."""

    @kt.qjit(wires=3, backend=backend)
    def circuit(x):
        kt.PauliX(wires=0)
        kt.RZ(x, wires=2)  # a phase on |0>: leaves the basis state's probabilities alone
        return (kt.expval(kt.PauliZ(0)), kt.var(kt.PauliZ(1)), kt.probs(), kt.probs(wires=[1, 0]),
                kt.state(), 2 * kt.expval(kt.PauliZ(1)) + 1)

    return circuit


def test_expval_and_var_are_python_floats(basis_circuit):
    z0, var, *_, post = basis_circuit(0.3)
    assert (type(z0), type(var), type(post)) == (float, float, float)
    assert (z0, var, post) == pytest.approx((-1.0, 0.0, 3.0))


def test_probs_all_wires_shape_dtype_and_bit_order(basis_circuit):
    probs = basis_circuit(0.3)[2]
    assert probs.shape == (8,) and probs.dtype == np.float64
    np.testing.assert_allclose(probs, np.eye(8)[0b100], atol=1e-15)


def test_probs_of_wires_follow_the_given_order(basis_circuit):
    probs = basis_circuit(0.3)[3]
    assert probs.shape == (4,)
    np.testing.assert_allclose(probs, np.eye(4)[0b01], atol=1e-15)  # wire 1 = 0, wire 0 = 1


def test_state_shape_dtype_and_bit_order(basis_circuit):
    state = basis_circuit(0.3)[4]
    assert state.shape == (8,) and state.dtype == np.complex128
    expected = np.zeros(8, dtype=complex)
    expected[0b100] = np.exp(-0.15j)  # RZ(0.3) on wire 2 in |0>
    np.testing.assert_allclose(state, expected, atol=1e-15)


def test_single_result_is_returned_bare(backend):
    @kt.qjit(wires=1, backend=backend)
    def circuit(x):
        kt.RX(x, wires=0)
        return kt.probs()

    out = circuit(0.2)
    assert isinstance(out, np.ndarray) and out.shape == (2,)


def test_results_do_not_share_memory_across_calls(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit(x):
        kt.RX(x, wires=0)
        return kt.probs(), kt.state()

    probs, state = circuit(0.2)
    probs[:] = -1.0
    state[:] = 0.0
    again = circuit(0.2)
    assert again[0][0] == pytest.approx(np.cos(0.1) ** 2) and abs(again[1][0]) > 0.9


@pytest.fixture
def sampled_basis(backend: str):
    """|110> on 3 wires, sampled with SHOTS shots."""

    @kt.qjit(wires=3, shots=SHOTS, seed=0, backend=backend)
    def circuit():
        kt.PauliX(wires=0)
        kt.PauliX(wires=1)
        return (kt.sample(), kt.sample(wires=[2]), kt.sample(wires=[2, 0]), kt.sample(kt.PauliZ(1)),
                kt.counts(), kt.counts(kt.PauliZ(2)))

    return circuit()


def test_sample_all_wires_shape_dtype_and_bit_order(sampled_basis):
    bits = sampled_basis[0]
    assert bits.shape == (SHOTS, 3) and np.issubdtype(bits.dtype, np.integer)
    np.testing.assert_array_equal(bits, np.tile([1, 1, 0], (SHOTS, 1)))


def test_sample_one_wire_has_shape_shots_by_one(sampled_basis):
    bits = sampled_basis[1]
    assert bits.shape == (SHOTS, 1)
    np.testing.assert_array_equal(bits, np.zeros((SHOTS, 1)))


def test_sample_wires_columns_follow_given_order(sampled_basis):
    np.testing.assert_array_equal(sampled_basis[2], np.tile([0, 1], (SHOTS, 1)))


def test_sample_observable_is_float_vector_of_eigenvalues(sampled_basis):
    values = sampled_basis[3]
    assert values.shape == (SHOTS,) and values.dtype == np.float64
    np.testing.assert_array_equal(values, -np.ones(SHOTS))


def test_counts_keys_are_bitstrings_wire_zero_first(sampled_basis):
    assert sampled_basis[4] == {"110": SHOTS}


def test_counts_of_observable_keys_are_float_eigenvalues(sampled_basis):
    counts = sampled_basis[5]
    assert counts == {1.0: SHOTS} and all(type(k) is float for k in counts)


def test_counts_of_observable_key_samples_by_nearest_eigenvalue():
    # A backend's eigensolver may differ from the frontend's in the last bits.
    root2 = float(np.sqrt(2))
    rebuild = unflattener(Leaf(("counts_values", True, (-1.0, root2))))
    samples = np.array([root2 * (1 + 4e-16), root2, root2 * (1 - 4e-16)])
    assert rebuild((samples,)) == {-1.0: 0, root2: 3}


def test_returned_arrays_never_share_memory_with_arguments(backend):
    """x, x.flatten() and x.reshape(...) returned as is must not alias the caller's array."""

    @kt.qjit(wires=1, backend=backend)
    def f(x):
        kt.RX(x[0, 0], wires=0)
        return kt.expval(kt.Z(0)), x, x.flatten(), x.reshape(4), np.array([1.0, 2.0])

    x = np.arange(4.0).reshape(2, 2)
    _, same, flat, reshaped, constant = f(x)
    for out in (same, flat, reshaped):
        out[...] = -1.0
    constant[0] = 7.0  # a returned constant is writeable and private
    np.testing.assert_array_equal(x, np.arange(4.0).reshape(2, 2))
    np.testing.assert_array_equal(f(x)[4], [1.0, 2.0])


def _counts_per_shot(bits: np.ndarray, all_outcomes: bool, k: int) -> dict[str, int]:
    """The counts format spelled out shot by shot: what the packed formatter must equal."""
    out = {format(i, f"0{k}b"): 0 for i in range(2**k)} if all_outcomes else {}
    for row in bits:
        key = "".join(str(int(b)) for b in row)
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


@given(st.integers(1, 9), st.integers(0, 300), st.booleans(), st.integers(0, 2**32 - 1))
def test_counts_of_bits_equal_the_per_shot_format(k, shots, all_outcomes, seed):
    rng = np.random.default_rng(seed)
    bits = (rng.random((shots, k)) < rng.random(k)).astype(np.int64)  # skewed: some outcomes unseen
    counts = unflattener(Leaf(("counts_bits", all_outcomes, k)))((bits,))
    want = _counts_per_shot(bits, all_outcomes, k)
    assert counts == want and list(counts) == list(want)
    assert all(type(c) is int for c in counts.values())


def test_counts_of_bits_wider_than_an_int64():
    bits = np.zeros((5, 70), dtype=np.int64)
    bits[:2, 0] = 1
    bits[4, 69] = 1
    counts = unflattener(Leaf(("counts_bits", False, 70)))((bits,))
    assert counts == {"0" * 70: 2, "0" * 69 + "1": 1, "1" + "0" * 69: 2}
    assert list(counts) == sorted(counts)
