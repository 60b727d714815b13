"""The statevector backend against the reference interpreter on random kernels and targeted circuits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from kettle.backends import reference
from kettle.backends.statevector import compile_kernel
from kettle.ir import Module
from kettle.ir.builder import KernelBuilder
from tests.strategies import kernels, overlapping_chains

ATOL = 1e-10


def assert_same(module: Module, params: np.ndarray) -> None:
    want = reference.run(module, params)
    got = compile_kernel(module.entry).run(params)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        assert type(g) is float if np.ndim(w) == 0 else isinstance(g, np.ndarray)
        np.testing.assert_allclose(g, w, atol=ATOL, rtol=0)


@given(kernels())
def test_statevector_matches_reference_on_random_kernels(case):
    module, params = case
    assert_same(module, params)


@given(kernels(max_wires=3, max_gates=60))
def test_statevector_matches_reference_on_deep_small_kernels(case):
    module, params = case
    assert_same(module, params)


def build(wires: int, n_params: int, body) -> tuple[Module, KernelBuilder]:
    b = KernelBuilder("k", wires, n_params)
    outputs = body(b)
    return Module("k", (b.build(outputs),)), b


def _layer(b: KernelBuilder, wires: int, slot: int = 0) -> int:
    for w in range(wires):
        b.gate("Rot", [w], [b.param(slot), b.param(slot + 1), b.param(slot + 2)])
        slot += 3
    for w in range(wires - 1):
        b.gate("CNOT", [w, w + 1])
    return slot


def _random_params(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, n)


@pytest.mark.parametrize("wires", [1, 2, 3, 4, 5, 6, 8])
def test_statevector_multirz_on_any_width(wires):
    """8 wires is past MAX_EXPLICIT_WIDTH: the parity form comes from probing small widths."""
    def body(b):
        _layer(b, wires)
        b.gate("MultiRZ", list(range(wires))[::-1], [b.param(3 * wires)])
        b.gate("MultiRZ", list(range(wires)), [b.const(0.37)], adjoint=True)
        return [b.state()]

    module, _ = build(wires, 3 * wires + 1, body)
    assert_same(module, _random_params(3 * wires + 1))


@pytest.mark.parametrize("ctrl", [(True,), (False,), (False, True), (True, False, False)])
def test_statevector_controlled_gates_with_mixed_control_values(ctrl):
    n = len(ctrl) + 3

    def body(b):
        _layer(b, n)
        wires = list(range(n))[::-1]
        b.gate("CRot", wires[:len(ctrl) + 2], [b.param(3 * n), b.param(3 * n + 1), b.param(0)], ctrl=ctrl)
        b.gate("Toffoli", wires[:len(ctrl) + 3][::-1], ctrl=ctrl)
        b.gate("PhaseShift", wires[:len(ctrl) + 1], [b.param(2)], ctrl=ctrl, adjoint=True)
        b.gate("ISWAP", wires[:len(ctrl) + 2], ctrl=ctrl)
        b.gate("MultiRZ", wires[:len(ctrl) + 2], [b.param(1)], ctrl=ctrl)
        return [b.state()]

    module, _ = build(n, 3 * n + 2, body)
    assert_same(module, _random_params(3 * n + 2))


def test_statevector_permutation_and_diagonal_gates():
    def body(b):
        _layer(b, 4)
        for name, wires in [("SWAP", [3, 0]), ("CSWAP", [2, 0, 3]), ("PauliY", [1]), ("ISWAP", [0, 2]),
                            ("CY", [3, 1]), ("S", [2]), ("T", [0]), ("CZ", [1, 3]), ("PauliZ", [0])]:
            b.gate(name, wires)
            b.gate(name, wires[::-1], adjoint=True)
        b.gate("IsingZZ", [2, 1], [b.param(0)])
        b.gate("ControlledPhaseShift", [0, 3], [b.param(1)], adjoint=True)
        b.gate("CRZ", [3, 2], [b.const(0.4)])
        return [b.state()]

    module, _ = build(4, 12, body)
    assert_same(module, _random_params(12))


def test_statevector_dense_three_qubit_unitary():
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8)))

    def body(b):
        _layer(b, 5)
        b.unitary(q, [4, 1, 2])
        b.unitary(np.linalg.qr(q[2:4, 2:4])[0], [3])
        b.unitary(np.linalg.qr(q[:4, :4])[0], [0, 3])
        return [b.state(), b.probs([2, 4])]

    module, _ = build(5, 15, body)
    assert_same(module, _random_params(15))


def test_statevector_probs_on_permuted_wire_subsets():
    def body(b):
        _layer(b, 4)
        return [b.probs([3, 1]), b.probs([2, 0, 3]), b.probs([0, 1, 2, 3]), b.probs([1])]

    module, _ = build(4, 12, body)
    assert_same(module, _random_params(12))


def test_statevector_state_is_in_wire_order():
    def body(b):
        b.gate("PauliX", [0])
        return [b.state()]

    module, _ = build(3, 0, body)
    (state,) = compile_kernel(module.entry).run(None)
    assert state.dtype == np.complex128 and state.shape == (8,)
    assert state[0b100] == 1.0  # wire 0 is the most significant bit


def test_statevector_hermitian_expval_and_var():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    h = a + a.conj().T

    def body(b):
        _layer(b, 3)
        return [b.expval(b.hermitian(h, [2, 0])), b.var(b.hermitian(h, [1, 2])),
                b.var(b.obs(["X0 Y1", "Z2", ""], [0, 1, 2], [b.param(0), b.param(1), b.param(2)]))]

    module, _ = build(3, 9, body)
    assert_same(module, _random_params(9))


def test_statevector_outputs_have_result_types():
    def body(b):
        _layer(b, 2)
        return [b.expval(b.obs(["Z0"], [0, 1])), b.probs([1]), b.state()]

    module, _ = build(2, 6, body)
    e, p, s = compile_kernel(module.entry).run(_random_params(6))
    assert type(e) is float
    assert p.dtype == np.float64 and p.shape == (2,)
    assert s.dtype == np.complex128 and s.shape == (4,)


def test_statevector_kernel_without_parameters():
    def body(b):
        b.gate("Hadamard", [0])
        b.gate("CNOT", [0, 1])
        return [b.expval(b.obs(["Z0 Z1"], [0, 1]))]

    module, _ = build(2, 0, body)
    assert compile_kernel(module.entry).run(None)[0] == pytest.approx(1.0)


@given(kernels(min_wires=4, max_wires=7, max_gates=30))
def test_statevector_cache_blocking_matches_reference(case):
    """Chunks of 3 qubits (groups of 2 wires) on small states: many groups, gathers, in-place
    chunks and full-state gates, with fused parametric blocks built in the prep section."""
    module, params = case
    want = reference.run(module, params)
    got = compile_kernel(module.entry, block_from=3, chunk_qubits=3, fuse_from=0).run(params)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=ATOL, rtol=0)


def test_statevector_blocking_runs_wide_gates_on_the_full_state():
    def body(b):
        _layer(b, 5)
        b.gate("MultiRZ", [0, 1, 2, 3, 4], [b.param(0)])
        b.unitary(np.linalg.qr(np.arange(64).reshape(8, 8) + 1j)[0], [4, 0, 2])
        _layer(b, 5)
        return [b.state()]

    module, _ = build(5, 15, body)
    params = _random_params(15)
    got = compile_kernel(module.entry, block_from=3, chunk_qubits=2).run(params)
    np.testing.assert_allclose(got[0], reference.run(module, params)[0], atol=ATOL, rtol=0)


@given(kernels(max_wires=5, max_gates=30))
def test_statevector_fusion_with_parameters_matches_reference(case):
    module, params = case
    want = reference.run(module, params)
    got = compile_kernel(module.entry, fuse_from=0).run(params)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=ATOL, rtol=0)


@given(overlapping_chains())
def test_statevector_fusion_of_overlapping_chains_matches_reference(case):
    """10+ wires: the default settings fuse parametric and constant gates alike."""
    module, params = case
    assert_same(module, params)


def test_statevector_fusion_keeps_a_later_gate_after_an_earlier_one_on_its_wire():
    """H on 1 merges back into the IsingXX block on (0, 1); CNOT (0, 2) still ran on wire 0
    after that block, so H on 0 must run after the CNOT, not join the block."""
    def body(b):
        b.gate("IsingXX", [0, 1], [b.const(0.3)])
        b.gate("CNOT", [0, 2])
        b.gate("Hadamard", [1])
        b.gate("Hadamard", [0])
        return [b.probs([0, 1, 2]), b.state()]

    module, _ = build(3, 0, body)
    assert_same(module, np.zeros(0))


def test_statevector_fusion_merges_only_when_it_saves_work():
    from kettle.backends.statevector.fusion import Block, fuse
    from kettle.backends.statevector.lowering import lower

    def body(b):
        for name in ("RZ", "RY", "RZ"):  # three 1-qubit gates on wire 0: one block
            b.gate(name, [0], [b.param(0)])
        b.gate("IsingXX", [1, 2], [b.param(1)])
        b.gate("RX", [2], [b.param(2)])  # absorbed by the dense 2-qubit IsingXX
        b.gate("CNOT", [0, 1])  # a cheap permutation stays alone
        b.gate("Hadamard", [3])
        b.gate("S", [3])  # constants multiply out at lowering time
        return [b.state()]

    module, _ = build(4, 3, body)
    fused = fuse(lower(module.entry).actions, parametric=True)
    kinds = [(type(a).__name__, tuple(a.wires)) for a in fused]
    assert kinds == [("Block", (0,)), ("Block", (1, 2)), ("GateAction", (0, 1)), ("GateAction", (3,))]
    assert not isinstance(fused[-1], Block) and fused[-1].is_constant
    assert_same(module, _random_params(3))
    params = _random_params(3)
    got = compile_kernel(module.entry, fuse_from=0).run(params)
    np.testing.assert_allclose(got[0], reference.run(module, params)[0], atol=ATOL, rtol=0)


def test_statevector_two_state_outputs_do_not_alias():
    def body(b):
        b.gate("Hadamard", [0])
        return [b.state(), b.state()]

    module, _ = build(1, 0, body)
    first, second = compile_kernel(module.entry).run(None)
    assert first is not second
    np.testing.assert_array_equal(first, second)


def test_statevector_kernel_edits_invalidate_the_disk_cache():
    """numba stamps a cached entry point with its own file only; ours adds every kernel file."""
    from kettle.backends.statevector import kernels_run
    from kettle.backends.statevector.cache import kernel_sources_hash

    locator = kernels_run.run_program._cache._impl._locator
    assert type(locator).__name__ == "KernelLocator"
    assert locator.get_source_stamp() == kernel_sources_hash()


def test_statevector_warm_compiles_every_entry_point_blocked_runs_add_none():
    """warm.py's promise: after warm(), large-state (threaded) runs compile no new signature."""
    from kettle.backends.statevector.kernels_extra import measure_extra
    from kettle.backends.statevector.kernels_run import run_program
    from kettle.backends.statevector.warm import warm

    warm()
    compiled = (len(run_program.signatures), len(measure_extra.signatures))
    assert min(compiled) >= 1

    def body(b):
        _layer(b, 4)
        return [b.state(), b.var(b.obs(["X1"], [0, 1, 2, 3])), b.expval(b.hermitian(np.eye(2), [2]))]

    module, _ = build(4, 12, body)
    params = _random_params(12)
    got = compile_kernel(module.entry, block_from=3, chunk_qubits=2).run(params)
    np.testing.assert_allclose(got[0], reference.run(module, params)[0], atol=ATOL, rtol=0)
    assert (len(run_program.signatures), len(measure_extra.signatures)) == compiled
