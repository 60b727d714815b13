"""Kernel VJPs (`program.vjp`): the statevector adjoint sweep against the reference definition, and
both against central finite differences of `run`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from kettle.backends import reference
from kettle.backends.statevector import compile_kernel
from kettle.ir import BINARY_OPS, F64, GATES, UNARY_OPS, BackendError, Module, Value
from kettle.ir.builder import KernelBuilder
from tests.strategies import kernels, overlapping_chains

ATOL = 1e-9
FD_STEP = 1e-6
FD_ATOL = 1e-6
SMALL_STATE = {"fuse_from": 1, "block_from": 3, "chunk_qubits": 2}
"""Lowering options that fuse parametric gates and block the state even for a few qubits."""


def finite_differences(program, params: np.ndarray, cotangents: tuple, h: float = FD_STEP) -> np.ndarray:
    """Central differences of `sum_i <cotangents[i], run(params)[i]>`."""
    def f(x):
        return sum(np.sum(np.asarray(c) * np.asarray(r)) for c, r in zip(cotangents, program.run(x))
                   if c is not None)

    grad = np.zeros(params.size)
    for k in range(params.size):
        step = np.zeros(params.size)
        step[k] = h
        grad[k] = (f(params + step) - f(params - step)) / (2 * h)
    return grad


def random_cotangents(results: tuple, seed: int = 0) -> tuple:
    """A random cotangent for each expval, var and probs result; None for states."""
    rng = np.random.default_rng(seed)
    out = []
    for r in results:
        if np.ndim(r) == 0:
            out.append(float(rng.normal()))
        elif np.iscomplexobj(r):
            out.append(None)
        else:
            out.append(rng.normal(size=np.shape(r)))
    return tuple(out)


def assert_vjps(module: Module, params: np.ndarray, finite: bool = True, **options) -> np.ndarray:
    """statevector vjp == reference vjp (== finite differences); returns the reference's."""
    ref = reference.compile_kernel(module.entry)
    cotangents = random_cotangents(ref.run(params))
    want = ref.vjp(params, cotangents)
    got = compile_kernel(module.entry, **options).vjp(params, cotangents)
    assert type(got) is np.ndarray and got.dtype == np.float64 and got.shape == params.shape
    np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)
    if finite:
        np.testing.assert_allclose(want, finite_differences(ref, params, cotangents), atol=FD_ATOL, rtol=0)
    return want


@given(kernels(max_wires=5, max_gates=15))
def test_vjp_random_kernels_match_reference_and_finite_differences(case):
    module, params = case
    assert_vjps(module, params)


@given(kernels())
def test_vjp_statevector_matches_reference_on_larger_random_kernels(case):
    module, params = case
    assert_vjps(module, params, finite=False)


@given(kernels(max_wires=5, max_gates=15))
def test_vjp_fused_and_blocked_lowering_matches_reference(case):
    """Fused parametric blocks and a blocked forward run: the sweep still sees every parameter."""
    module, params = case
    assert_vjps(module, params, finite=False, **SMALL_STATE)


@settings(max_examples=20)
@given(overlapping_chains())
def test_vjp_overlapping_fused_chains_match_reference(case):
    module, params = case
    assert_vjps(module, params, finite=False)


def _prepare(b: KernelBuilder, wires: int) -> None:
    """Constant rotations so that no amplitude or derivative vanishes by symmetry."""
    for w in range(wires):
        b.gate("RY", [w], [b.const(0.3 + 0.4 * w)])
        b.gate("RX", [w], [b.const(0.7 - 0.2 * w)])
    for w in range(wires - 1):
        b.gate("CNOT", [w, w + 1])


PARAMETRIC = sorted(name for name, spec in GATES.items() if spec.num_params)


@pytest.mark.parametrize("ctrl", [(), (True,), (False, True)])
@pytest.mark.parametrize("adjoint", [False, True])
@pytest.mark.parametrize("name", PARAMETRIC)
def test_vjp_every_parametric_gate_matches_finite_differences(name, adjoint, ctrl):
    spec = GATES[name]
    width = spec.num_wires or 3
    wires = width + len(ctrl) + 1
    b = KernelBuilder("k", wires, spec.num_params + 2)
    _prepare(b, wires)
    on = list(range(wires))[::-1][:len(ctrl) + width]
    b.gate(name, on, [b.param(i) for i in range(spec.num_params)], adjoint=adjoint, ctrl=ctrl)
    c0, c1 = b.param(spec.num_params), b.param(spec.num_params + 1)
    e = b.expval(b.obs(["X0 Z1", "Y1"] if wires > 1 else ["X0", "Y0"], list(range(wires)), [c0, c1]))
    module = Module("k", (b.build([e, b.probs(list(range(wires))[::-1])]),))
    params = np.random.default_rng(len(name)).uniform(-np.pi, np.pi, spec.num_params + 2)
    grad = assert_vjps(module, params)
    assert np.abs(grad[:spec.num_params]).min() > 1e-6  # every parameter really matters here
    assert_vjps(module, params, finite=False, **SMALL_STATE)


def _kernel(wires: int, n_params: int, body) -> Module:
    b = KernelBuilder("k", wires, n_params)
    outputs = body(b)
    return Module("k", (b.build(outputs),))


def _params(n: int, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, n)


def _layer(b: KernelBuilder, wires: int) -> None:
    for w in range(wires):
        b.gate("Rot", [w], [b.param(3 * w), b.param(3 * w + 1), b.param(3 * w + 2)])
    for w in range(wires):
        b.gate("CNOT", [w, (w + 1) % wires])


def test_vjp_var_of_pauli_sums_with_coefficient_slots():
    def body(b):
        _layer(b, 3)
        h = b.obs(["X0 Y1", "Z2", "", "Z0 Z1"], [0, 1, 2], [b.param(9), b.param(10), b.param(11), b.param(9)])
        return [b.var(h), b.var(b.obs(["Y2"], [0, 1, 2]))]

    for options in ({}, SMALL_STATE):
        assert_vjps(_kernel(3, 12, body), _params(12), **options)


def test_vjp_hermitian_expval_and_var_differentiate_through_gates_only():
    h = np.array([[1.0, 2 - 1j, 0, 0.5], [2 + 1j, -1, 1j, 0], [0, -1j, 0.5, 0], [0.5, 0, 0, 2]])

    def body(b):
        _layer(b, 3)
        return [b.expval(b.hermitian(h, [2, 0])), b.var(b.hermitian(h, [1, 2])),
                b.var(b.hermitian(h[:2, :2], [0]))]

    for options in ({}, SMALL_STATE):
        assert_vjps(_kernel(3, 9, body), _params(9), **options)


def test_vjp_probs_cotangent_vectors():
    def body(b):
        _layer(b, 3)
        return [b.probs([2, 0]), b.probs([1]), b.state()]

    grad = assert_vjps(_kernel(3, 9, body), _params(9))
    assert np.abs(grad).max() > 1e-3


def test_vjp_slot_used_by_several_gates_and_a_coefficient():
    def body(b):
        x, y = b.param(0), b.param(1)
        b.gate("RX", [0], [x])
        b.gate("CRY", [0, 1], [x])
        b.gate("Rot", [1], [y, x, x], adjoint=True)
        b.gate("IsingXX", [1, 0], [y])
        return [b.expval(b.obs(["Z0", "X1 Y0"], [0, 1], [x, y]))]

    for options in ({}, SMALL_STATE):
        assert_vjps(_kernel(2, 2, body), _params(2), **options)


def test_vjp_arithmetic_on_parameters_inside_the_kernel():
    """Computed gate parameters (hand-written IR): the chain rule through the arith ops."""
    def body(b):
        x, y = b.param(0), b.param(1)
        prod, sine, scaled = Value(F64, "xy"), Value(F64, "s"), Value(F64, "t")
        b.emit(BINARY_OPS["arith.mulf"](lhs=x, rhs=y, out=prod))
        b.emit(UNARY_OPS["math.sin"](x=prod, out=sine))
        b.emit(BINARY_OPS["arith.powf"](lhs=sine, rhs=b.const(2.0), out=scaled))
        b.gate("RY", [0], [prod])
        b.gate("CRX", [0, 1], [sine])
        b.gate("RZ", [1], [scaled])
        b.gate("RX", [1], [y])
        return [b.expval(b.obs(["X1", "Z0 Y1"], [0, 1], [x, sine]))]

    assert_vjps(_kernel(2, 2, body), _params(2))


def test_vjp_same_result_returned_twice_sums_its_cotangents():
    def body(b):
        _layer(b, 2)
        e = b.expval(b.obs(["Z0 X1"], [0, 1]))
        return [e, e]

    module = _kernel(2, 6, body)
    params = _params(6)
    program = compile_kernel(module.entry)
    np.testing.assert_allclose(program.vjp(params, (1.5, -0.5)), program.vjp(params, (1.0, None)), atol=ATOL)
    assert_vjps(module, params)


def test_vjp_unitaries_and_constant_gates_are_undone_exactly():
    u = np.linalg.qr(np.arange(16).reshape(4, 4) + 1j * np.eye(4))[0]

    def body(b):
        b.gate("RY", [0], [b.param(0)])
        b.unitary(u, [1, 0])
        b.gate("CNOT", [2, 0, 1], ctrl=(False,))
        b.gate("RX", [2], [b.param(1)])
        b.gate("ISWAP", [2, 1], adjoint=True)
        b.gate("MultiRZ", [0, 1, 2], [b.param(2)], ctrl=())
        return [b.expval(b.obs(["Y0 X1 Z2"], [0, 1, 2]))]

    for options in ({}, SMALL_STATE):
        assert_vjps(_kernel(3, 3, body), _params(3), **options)


def test_vjp_kernel_with_shots_is_refused_by_both_backends():
    b = KernelBuilder("k", 1, 1, shots=100)
    b.gate("RX", [0], [b.param(0)])
    fn = b.build([b.expval(b.obs(["Z0"], [0]))])
    for program in (compile_kernel(fn), reference.compile_kernel(fn)):
        with pytest.raises(BackendError, match="adjoint differentiation needs an exact run"):
            program.vjp(np.zeros(1), (1.0,))


def test_vjp_refuses_a_cotangent_for_a_state_and_a_wrong_count():
    def body(b):
        b.gate("RX", [0], [b.param(0)])
        return [b.expval(b.obs(["Z0"], [0])), b.state()]

    module = _kernel(1, 1, body)
    for program in (compile_kernel(module.entry), reference.compile_kernel(module.entry)):
        with pytest.raises(BackendError, match="no derivative"):
            program.vjp(np.zeros(1), (1.0, np.ones(2)))
        with pytest.raises(BackendError, match="cotangent"):
            program.vjp(np.zeros(1), (1.0,))


def test_vjp_gradient_has_the_parameters_shape_and_zero_cotangents_give_zero():
    def body(b):
        _layer(b, 2)
        return [b.expval(b.obs(["Z0"], [0, 1])), b.probs([1])]

    program = compile_kernel(_kernel(2, 6, body).entry)
    params = _params(6)
    assert program.vjp(params.reshape(2, 3), (1.0, None)).shape == (2, 3)
    np.testing.assert_array_equal(program.vjp(params, (None, None)), np.zeros(6))
    np.testing.assert_allclose(program.vjp(list(params), (0.5, np.array([1.0, -1.0]))),
                               program.vjp(params, (0.5, [1.0, -1.0])), atol=0)


def _entangling_layers(wires: int, layers: int) -> Module:
    """StronglyEntanglingLayers (as the benchmarks build it) and the ZZ chain."""
    b = KernelBuilder("k", wires, 3 * wires * layers)
    for layer in range(layers):
        for w in range(wires):
            s = 3 * (layer * wires + w)
            b.gate("Rot", [w], [b.param(s), b.param(s + 1), b.param(s + 2)])
        for w in range(wires):
            b.gate("CNOT", [w, (w + layer % (wires - 1) + 1) % wires])
    words = [f"Z{w} Z{w + 1}" for w in range(wires - 1)]
    return Module("k", (b.build([b.expval(b.obs(words, list(range(wires))))]),))


def test_vjp_blocked_threaded_sweep_matches_the_whole_state_sweep():
    """Chunks of psi and lambda on threads, each with private cross matrices summed afterwards."""
    module = _entangling_layers(11, 2)
    params = _params(66)
    whole = compile_kernel(module.entry).vjp(params, (0.7,))
    for chunk in (6, 8, 9):
        blocked = compile_kernel(module.entry, block_from=2, chunk_qubits=chunk)
        for _ in range(3):
            np.testing.assert_allclose(blocked.vjp(params, (0.7,)), whole, atol=ATOL, rtol=0)


def test_vjp_warm_compiles_the_adjoint_entry_and_blocked_sweeps_add_no_signature():
    from kettle.backends.statevector.kernels_adjoint import adjoint_run
    from kettle.backends.statevector.warm import warm

    warm()
    compiled = len(adjoint_run.signatures)
    assert compiled >= 1
    module = _entangling_layers(5, 1)
    params = _params(15)
    compile_kernel(module.entry, block_from=3, chunk_qubits=3).vjp(params, (1.0,))
    assert len(adjoint_run.signatures) == compiled
