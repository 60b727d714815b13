"""Observables and measurements: values against dense matrices, shapes and dtypes as PennyLane's.

Exact measurements run on a random 3-wire state prepared with a QubitUnitary and are
compared with <psi|O|psi>, marginals and the state computed here. Sampled measurements
run on computational basis states, where every shot is determined.
"""

from __future__ import annotations

import numpy as np
import pytest
from dense_reference import (
    H,
    apply,
    expval,
    operator,
    pauli_word,
    probs,
    random_hermitian,
    random_unitary,
    variance,
)

import kettle as kt

N = 3
SHOTS = 50
PAULI_GATES = {"X": kt.PauliX, "Y": kt.PauliY, "Z": kt.PauliZ}
# Built at module level, outside any qjit function (DESIGN §2).
MODULE_HAMILTONIAN = kt.Hamiltonian([0.4, -1.3, 0.25], [kt.Z(0), kt.X(1) @ kt.Y(2), kt.Hadamard(2)])
MODULE_HAMILTONIAN_MATRIX = (0.4 * pauli_word({0: "Z"}, N) - 1.3 * pauli_word({1: "X", 2: "Y"}, N)
                             + 0.25 * operator(H, [2], N))


def measured(backend: str, measure, *args, seed: int = 11):
    """(result of `measure(*args)` on a random 3-wire state, that state)."""
    u = random_unitary(2**N, np.random.default_rng(seed))

    @kt.qjit(wires=N, backend=backend)
    def circuit(*a):
        kt.QubitUnitary(u, wires=range(N))
        return measure(*a)

    return circuit(*args), u[:, 0]


def sampled(backend: str, measure, bits: str = "101", shots: int = SHOTS):
    """`measure()` with shots on the basis state |bits> (wire 0 first)."""

    @kt.qjit(wires=len(bits), shots=shots, seed=3, backend=backend)
    def circuit():
        for wire, bit in enumerate(bits):
            if bit == "1":
                kt.PauliX(wires=wire)
        return measure()

    return circuit()


@pytest.mark.parametrize("letter", "XYZ")
@pytest.mark.parametrize("wire", range(N))
def test_expval_single_pauli_matches_dense(backend, letter, wire):
    got, psi = measured(backend, lambda: kt.expval(PAULI_GATES[letter](wire)))
    assert got == pytest.approx(expval(psi, pauli_word({wire: letter}, N)), abs=1e-12)


@pytest.mark.parametrize("letter", "XYZ")
def test_var_single_pauli_matches_dense(backend, letter):
    got, psi = measured(backend, lambda: kt.var(PAULI_GATES[letter](1)))
    assert got == pytest.approx(variance(psi, pauli_word({1: letter}, N)), abs=1e-12)


def test_expval_tensor_product_matches_dense(backend):
    got, psi = measured(backend, lambda: kt.expval(kt.X(0) @ kt.Y(1) @ kt.Z(2)))
    assert got == pytest.approx(expval(psi, pauli_word({0: "X", 1: "Y", 2: "Z"}, N)), abs=1e-12)


def test_expval_tensor_product_written_out_of_wire_order(backend):
    got, psi = measured(backend, lambda: kt.expval(kt.Y(2) @ kt.X(0)))
    assert got == pytest.approx(expval(psi, pauli_word({0: "X", 2: "Y"}, N)), abs=1e-12)


def test_var_tensor_product_matches_dense(backend):
    got, psi = measured(backend, lambda: kt.var(kt.Z(0) @ kt.X(2)))
    assert got == pytest.approx(variance(psi, pauli_word({0: "Z", 2: "X"}, N)), abs=1e-12)


def test_expval_linear_combination_constant_coefficients(backend):
    got, psi = measured(backend, lambda: kt.expval(0.5 * kt.Z(0) + 0.2 * kt.X(1) @ kt.Y(2) - 0.3 * kt.Y(0)))
    m = 0.5 * pauli_word({0: "Z"}, N) + 0.2 * pauli_word({1: "X", 2: "Y"}, N) - 0.3 * pauli_word({0: "Y"}, N)
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_expval_linear_combination_traced_coefficients(backend):
    c = np.array([0.7, -1.1, 0.35])
    got, psi = measured(
        backend, lambda c: kt.expval(c[0] * kt.Z(1) + kt.X(0) @ kt.X(2) * c[1] + c[2] * kt.Y(2)), c)
    m = 0.7 * pauli_word({1: "Z"}, N) - 1.1 * pauli_word({0: "X", 2: "X"}, N) + 0.35 * pauli_word({2: "Y"}, N)
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_expval_traced_coefficient_computed_in_host(backend):
    got, psi = measured(backend, lambda a: kt.expval(np.sin(a) * kt.Z(0) + (a * a) * kt.X(1)), 0.6)
    m = np.sin(0.6) * pauli_word({0: "Z"}, N) + 0.36 * pauli_word({1: "X"}, N)
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_var_linear_combination_traced_coefficients(backend):
    got, psi = measured(backend, lambda a: kt.var(a * kt.Z(0) + 0.5 * kt.X(0)), 0.8)
    m = 0.8 * pauli_word({0: "Z"}, N) + 0.5 * pauli_word({0: "X"}, N)
    assert got == pytest.approx(variance(psi, m), abs=1e-12)


def test_expval_observable_plus_constant_shifts(backend):
    got, psi = measured(backend, lambda: kt.expval(kt.Z(1) + 2.5))
    assert got == pytest.approx(expval(psi, pauli_word({1: "Z"}, N)) + 2.5, abs=1e-12)


def test_expval_hamiltonian_traced_coefficients(backend):
    c = np.array([0.3, -0.9])
    got, psi = measured(backend, lambda c: kt.expval(kt.Hamiltonian(c, [kt.X(0) @ kt.Z(1), kt.Y(2)])), c)
    m = 0.3 * pauli_word({0: "X", 1: "Z"}, N) - 0.9 * pauli_word({2: "Y"}, N)
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_expval_hamiltonian_built_at_module_level(backend):
    got, psi = measured(backend, lambda: kt.expval(MODULE_HAMILTONIAN))
    assert got == pytest.approx(expval(psi, MODULE_HAMILTONIAN_MATRIX), abs=1e-12)


def test_module_level_hamiltonian_reusable_across_circuits(backend):
    first, psi1 = measured(backend, lambda: kt.expval(MODULE_HAMILTONIAN), seed=1)
    second, psi2 = measured(backend, lambda: kt.var(MODULE_HAMILTONIAN), seed=2)
    assert first == pytest.approx(expval(psi1, MODULE_HAMILTONIAN_MATRIX), abs=1e-12)
    assert second == pytest.approx(variance(psi2, MODULE_HAMILTONIAN_MATRIX), abs=1e-12)


def test_expval_hermitian_alone(backend):
    a = random_hermitian(2, np.random.default_rng(5))
    got, psi = measured(backend, lambda: kt.expval(kt.Hermitian(a, wires=1)))
    assert got == pytest.approx(expval(psi, operator(a, [1], N)), abs=1e-12)


def test_expval_hermitian_on_permuted_wires(backend):
    a = random_hermitian(4, np.random.default_rng(6))
    got, psi = measured(backend, lambda: kt.expval(kt.Hermitian(a, wires=[2, 0])))
    assert got == pytest.approx(expval(psi, operator(a, [2, 0], N)), abs=1e-12)


def test_var_hermitian(backend):
    a = random_hermitian(4, np.random.default_rng(7))
    got, psi = measured(backend, lambda: kt.var(kt.Hermitian(a, wires=[0, 1])))
    assert got == pytest.approx(variance(psi, operator(a, [0, 1], N)), abs=1e-12)


def test_expval_hermitian_in_tensor_product(backend):
    a = random_hermitian(2, np.random.default_rng(8))
    got, psi = measured(backend, lambda: kt.expval(kt.Z(0) @ kt.Hermitian(a, wires=2)))
    assert got == pytest.approx(expval(psi, operator(np.kron(pauli_word({0: "Z"}, 1), a), [0, 2], N)),
                                abs=1e-12)


def test_expval_hermitian_in_sum(backend):
    a = random_hermitian(4, np.random.default_rng(9))
    got, psi = measured(backend, lambda: kt.expval(0.5 * kt.Hermitian(a, wires=[1, 2]) - 2 * kt.X(0)))
    m = 0.5 * operator(a, [1, 2], N) - 2 * pauli_word({0: "X"}, N)
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_expval_hadamard_as_observable(backend):
    got, psi = measured(backend, lambda: kt.expval(kt.Hadamard(1)))
    assert got == pytest.approx(expval(psi, operator(H, [1], N)), abs=1e-12)


def test_expval_swap_as_observable(backend):
    swap = np.eye(4)[[0, 2, 1, 3]]
    got, psi = measured(backend, lambda: kt.expval(kt.SWAP(wires=[0, 2])))
    assert got == pytest.approx(expval(psi, operator(swap, [0, 2], N)), abs=1e-12)


# A gate object handed to a measurement, or combined into an observable, is not applied.
GATES_AS_OBSERVABLES = {
    "expval_gate": lambda: kt.expval(kt.PauliX(1)),
    "var_gate": lambda: kt.var(kt.Hadamard(0)),
    "tensor_product": lambda: kt.expval(kt.PauliX(0) @ kt.PauliY(2)),
    "scaled": lambda: kt.expval(0.5 * kt.PauliY(1)),
    "sum": lambda: kt.expval(kt.PauliX(0) + kt.PauliY(1)),
    "hamiltonian": lambda: kt.expval(kt.Hamiltonian([1.0, 2.0], [kt.PauliX(2), kt.PauliY(0)])),
    "hermitian_product": lambda: kt.expval(kt.Hermitian(np.diag([1.0, 3.0]), 0) @ kt.PauliX(1)),
}


@pytest.mark.parametrize("case", GATES_AS_OBSERVABLES)
def test_gate_used_as_observable_leaves_circuit(backend, case):
    measure = GATES_AS_OBSERVABLES[case]
    (_, state), psi = measured(backend, lambda: (measure(), kt.state()))
    np.testing.assert_allclose(state, psi, atol=1e-12)


def test_gate_object_kept_in_variable_then_measured_leaves_circuit(backend):
    def measure():
        obs = kt.PauliX(0)
        kt.Hadamard(wires=1)
        return kt.expval(obs), kt.state()

    (value, state), psi = measured(backend, measure)
    expected_state = apply(psi, H, [1])
    np.testing.assert_allclose(state, expected_state, atol=1e-12)
    assert value == pytest.approx(expval(expected_state, pauli_word({0: "X"}, N)), abs=1e-12)


@pytest.mark.parametrize("wires", [[0], [1], [2, 0], [1, 2, 0], [0, 1, 2]])
def test_probs_marginal_in_given_wire_order(backend, wires):
    got, psi = measured(backend, lambda: kt.probs(wires=wires))
    np.testing.assert_allclose(got, probs(psi, wires), atol=1e-12)


def test_probs_default_is_all_wires(backend):
    got, psi = measured(backend, lambda: kt.probs())
    np.testing.assert_allclose(got, np.abs(psi) ** 2, atol=1e-12)


def test_probs_single_int_wire(backend):
    got, psi = measured(backend, lambda: kt.probs(wires=2))
    np.testing.assert_allclose(got, probs(psi, [2]), atol=1e-12)


def test_probs_bit_order_wire_zero_most_significant(backend):
    @kt.qjit(wires=3, backend=backend)
    def circuit():
        kt.PauliX(wires=0)
        return kt.probs()

    expected = np.zeros(8)
    expected[0b100] = 1.0
    np.testing.assert_array_equal(circuit(), expected)


def test_state_is_the_prepared_state(backend):
    got, psi = measured(backend, lambda: kt.state())
    np.testing.assert_allclose(got, psi, atol=1e-12)


def test_state_bit_order_wire_zero_most_significant(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit():
        kt.PauliX(wires=1)
        return kt.state()

    np.testing.assert_allclose(circuit(), [0, 1, 0, 0], atol=1e-15)


def test_measurements_returned_as_tuple(backend):
    (e, p, s), psi = measured(backend, lambda: (kt.expval(kt.Z(2)), kt.probs(wires=[1]), kt.state()))
    assert e == pytest.approx(expval(psi, pauli_word({2: "Z"}, N)), abs=1e-12)
    np.testing.assert_allclose(p, probs(psi, [1]), atol=1e-12)
    np.testing.assert_allclose(s, psi, atol=1e-12)


def test_measurements_returned_as_list(backend):
    out, psi = measured(backend, lambda: [kt.var(kt.X(0)), kt.expval(kt.Y(1))])
    assert isinstance(out, list)
    assert out == pytest.approx([variance(psi, pauli_word({0: "X"}, N)),
                                 expval(psi, pauli_word({1: "Y"}, N))], abs=1e-12)


def test_measurements_returned_as_dict(backend):
    out, psi = measured(backend, lambda: {"energy": kt.expval(kt.Z(0) @ kt.Z(1)), "p": kt.probs(wires=[2])})
    assert isinstance(out, dict) and list(out) == ["energy", "p"]
    assert out["energy"] == pytest.approx(expval(psi, pauli_word({0: "Z", 1: "Z"}, N)), abs=1e-12)
    np.testing.assert_allclose(out["p"], probs(psi, [2]), atol=1e-12)


def test_measurements_returned_in_nested_structure(backend):
    out, psi = measured(backend, lambda: (kt.expval(kt.Z(0)), {"inner": [kt.probs(wires=[0])]}))
    assert isinstance(out, tuple) and isinstance(out[1]["inner"], list)
    np.testing.assert_allclose(out[1]["inner"][0], probs(psi, [0]), atol=1e-12)


def test_expval_is_python_float(backend):
    out, _ = measured(backend, lambda: kt.expval(kt.Z(0)))
    assert type(out) is float


def test_var_is_python_float(backend):
    out, _ = measured(backend, lambda: kt.var(kt.Z(0)))
    assert type(out) is float


def test_probs_shape_and_dtype(backend):
    out, _ = measured(backend, lambda: kt.probs(wires=[2, 1]))
    assert isinstance(out, np.ndarray) and out.shape == (4,) and out.dtype == np.float64


def test_state_shape_and_dtype(backend):
    out, _ = measured(backend, lambda: kt.state())
    assert isinstance(out, np.ndarray) and out.shape == (2**N,) and out.dtype == np.complex128


def test_sample_all_wires_shape_dtype_and_bits(backend):
    out = sampled(backend, lambda: kt.sample())
    assert out.shape == (SHOTS, 3) and np.issubdtype(out.dtype, np.integer)
    np.testing.assert_array_equal(out, np.tile([1, 0, 1], (SHOTS, 1)))


def test_sample_one_wire_list_has_a_column(backend):
    out = sampled(backend, lambda: kt.sample(wires=[0]))
    assert out.shape == (SHOTS, 1) and np.issubdtype(out.dtype, np.integer)
    np.testing.assert_array_equal(out, np.ones((SHOTS, 1)))


def test_sample_wires_in_given_order(backend):
    out = sampled(backend, lambda: kt.sample(wires=[1, 2]))
    np.testing.assert_array_equal(out, np.tile([0, 1], (SHOTS, 1)))


def test_sample_observable_shape_and_eigenvalue(backend):
    out = sampled(backend, lambda: kt.sample(kt.Z(0)))
    assert out.shape == (SHOTS,) and out.dtype == np.float64
    np.testing.assert_array_equal(out, -np.ones(SHOTS))


def test_sample_tensor_product_observable(backend):
    out = sampled(backend, lambda: kt.sample(kt.Z(1) @ kt.Z(2)))
    np.testing.assert_array_equal(out, -np.ones(SHOTS))


def test_sample_hermitian_gives_its_eigenvalues(backend):
    out = sampled(backend, lambda: kt.sample(kt.Hermitian(np.diag([3.0, 5.0]), wires=1)))
    np.testing.assert_array_equal(out, np.full(SHOTS, 3.0))


def test_sample_of_superposition_only_gives_eigenvalues(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=1, backend=backend)
    def circuit():
        kt.Hadamard(wires=0)
        return kt.sample(kt.Z(0)), kt.sample()

    values, bits = circuit()
    assert set(values.tolist()) <= {-1.0, 1.0} and set(bits.ravel().tolist()) <= {0, 1}


def test_sample_hadamard_observable_gives_plus_minus_one(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=2, backend=backend)
    def circuit():
        kt.RY(np.pi / 4, wires=0)  # the +1 eigenvector of Hadamard
        return kt.sample(kt.Hadamard(0))

    np.testing.assert_allclose(circuit(), np.ones(SHOTS), atol=1e-12)


def test_counts_of_non_commuting_constant_sum_keyed_by_its_eigenvalues(backend):
    @kt.qjit(wires=1, shots=SHOTS, seed=2, backend=backend)
    def circuit():
        kt.RY(np.pi / 4, wires=0)  # X + Z = sqrt(2) H: this state has eigenvalue +sqrt(2)
        return kt.counts(kt.PauliX(0) + kt.PauliZ(0), all_outcomes=True)

    out = circuit()
    assert list(out) == pytest.approx([-np.sqrt(2), np.sqrt(2)])
    assert list(out.values()) == [0, SHOTS]


def test_expval_gate_divided_by_number(backend):
    got, psi = measured(backend, lambda: kt.expval(kt.PauliZ(0) / 4 - kt.PauliX(2) / 2))
    m = pauli_word({0: "Z"}, N) / 4 - pauli_word({2: "X"}, N) / 2
    assert got == pytest.approx(expval(psi, m), abs=1e-12)


def test_counts_of_bits_is_dict_of_bitstrings(backend):
    assert sampled(backend, lambda: kt.counts()) == {"101": SHOTS}


def test_counts_of_wires_in_given_order(backend):
    assert sampled(backend, lambda: kt.counts(wires=[2, 1])) == {"10": SHOTS}


def test_counts_value_types_are_str_and_int(backend):
    out = sampled(backend, lambda: kt.counts(wires=[0]))
    assert all(type(k) is str and type(v) is int for k, v in out.items())


def test_counts_all_outcomes_lists_every_bitstring(backend):
    out = sampled(backend, lambda: kt.counts(wires=[0, 1], all_outcomes=True))
    assert out == {"00": 0, "01": 0, "10": SHOTS, "11": 0}
    assert list(out) == ["00", "01", "10", "11"]


def test_counts_of_observable_keyed_by_eigenvalue(backend):
    assert sampled(backend, lambda: kt.counts(kt.Z(0))) == {-1.0: SHOTS}


def test_counts_of_observable_all_outcomes(backend):
    assert sampled(backend, lambda: kt.counts(kt.Z(1), all_outcomes=True)) == {-1.0: 0, 1.0: SHOTS}


def test_counts_of_hermitian_all_outcomes(backend):
    a = np.diag([2.0, -4.0])
    assert sampled(backend, lambda: kt.counts(kt.Hermitian(a, wires=0), all_outcomes=True)) == {
        -4.0: SHOTS, 2.0: 0}


def test_counts_sum_to_shots(backend):
    @kt.qjit(wires=2, shots=SHOTS, seed=5, backend=backend)
    def circuit():
        kt.Hadamard(wires=0)
        kt.Hadamard(wires=1)
        return kt.counts()

    out = circuit()
    assert sum(out.values()) == SHOTS and set(out) <= {"00", "01", "10", "11"}


def test_sample_and_counts_together_agree(backend):
    @kt.qjit(wires=2, shots=SHOTS, seed=5, backend=backend)
    def circuit():
        kt.Hadamard(wires=0)
        kt.CNOT(wires=[0, 1])
        return kt.sample(), kt.counts(), kt.expval(kt.Z(0) @ kt.Z(1))

    bits, counts, zz = circuit()
    assert (bits[:, 0] == bits[:, 1]).all()  # a Bell pair: both bits always agree
    assert set(counts) <= {"00", "11"} and sum(counts.values()) == SHOTS
    assert zz == pytest.approx(1.0)



def test_counts_of_a_wide_pauli_word_needs_no_dense_matrix(backend):
    """Eigenvalues of a 14-qubit Z word come from its structure (a dense matrix has 4^14 entries)."""
    word = kt.Z(0)
    for w in range(1, 14):
        word = word @ kt.Z(w)

    @kt.qjit(wires=14, shots=64, seed=3, backend=backend)
    def circuit():
        kt.Hadamard(0)
        return kt.counts(word, all_outcomes=True)

    counts = circuit()
    assert list(counts) == [-1.0, 1.0]
    assert sum(counts.values()) == 64 and 0 < counts[1.0] < 64


def test_var_with_shots_of_non_commuting_sum_samples_its_eigenbasis(backend):
    """var(Hadamard) with shots is the sample variance of +-1 outcomes (as PennyLane)."""

    @kt.qjit(wires=1, shots=4000, seed=5, backend=backend)
    def circuit():
        return kt.var(kt.Hadamard(0))

    exact = 1.0 - 0.5  # <H> = 1/sqrt(2) on |0>, H^2 = I
    assert abs(circuit() - exact) < 5 * np.sqrt(2 / 4000)


def test_sample_and_counts_take_obs_or_pennylanes_op(backend):
    @kt.qjit(wires=1, shots=20, seed=2, backend=backend)
    def circuit():
        kt.Hadamard(0)
        return kt.sample(obs=kt.Z(0)), kt.sample(op=kt.Z(0)), kt.counts(obs=kt.Z(0))

    by_obs, by_op, counts = circuit()
    assert by_obs.shape == by_op.shape == (20,)
    assert sum(counts.values()) == 20
