"""The reference VJP (backends/reference_vjp.py), which carries every parameter slot through one
simulation: its full Jacobian, read row by row with one-hot cotangents, against central finite
differences of `run`, one slot at a time."""

from __future__ import annotations

import numpy as np

from kettle.backends import reference
from kettle.ir import BINARY_OPS, F64, GATES, UNARY_OPS, Module, Value
from kettle.ir.builder import KernelBuilder

FD_STEP = 1e-6
FD_ATOL = 1e-6
HERMITIAN = np.array([[1.0, 2 - 1j, 0, 0.5], [2 + 1j, -1, 1j, 0], [0, -1j, 0.5, 0], [0.5, 0, 0, 2]])


def jacobian_by_vjps(program, params: np.ndarray) -> np.ndarray:
    """d run(params) / d params, one row per real result entry, each from a one-hot cotangent."""
    results = program.run(params)
    rows = []
    for i, r in enumerate(results):
        if np.iscomplexobj(r):
            continue  # a state has no derivative: its cotangent stays None
        for j in range(np.size(r)):
            cotangents = [None if np.iscomplexobj(x) else np.zeros(np.shape(x)) for x in results]
            cotangents[i] = 1.0 if np.ndim(r) == 0 else np.eye(np.size(r))[j]
            rows.append(program.vjp(params, tuple(cotangents)))
    return np.array(rows)


def jacobian_by_finite_differences(program, params: np.ndarray, h: float = FD_STEP) -> np.ndarray:
    """Central differences of every real result entry, one column per parameter slot."""
    def flat(x):
        return np.concatenate([np.ravel(r) for r in program.run(x) if not np.iscomplexobj(r)])

    columns = []
    for k in range(params.size):
        step = np.zeros(params.size)
        step[k] = h
        columns.append((flat(params + step) - flat(params - step)) / (2 * h))
    return np.array(columns).T


def _computed(b: KernelBuilder, name: str, *operands: Value) -> Value:
    out = Value(F64, "t")
    if name in BINARY_OPS:
        b.emit(BINARY_OPS[name](lhs=operands[0], rhs=operands[1], out=out))
    else:
        b.emit(UNARY_OPS[name](x=operands[0], out=out))
    return out


def random_kernel(seed: int, wires: int = 3, n_params: int = 8, n_gates: int = 14) -> Module:
    """Table gates (some adjoint or controlled) whose parameters are slots, arithmetic of slots
    or constants, measured by every kind of output with a derivative, plus a state."""
    rng = np.random.default_rng(seed)
    b = KernelBuilder("k", wires, n_params)
    slots = [b.param(i) for i in range(n_params)]

    def slot() -> Value:
        return slots[rng.integers(n_params)]

    def angle() -> Value:
        kind = rng.integers(4)
        if kind == 0:
            return b.const(float(rng.uniform(-1, 1)))
        if kind == 1:
            return _computed(b, str(rng.choice(["arith.mulf", "arith.addf", "arith.subf"])),
                             slot(), slot())
        if kind == 2:
            return _computed(b, str(rng.choice(["math.sin", "math.cos", "arith.negf"])), slot())
        return slot()

    names = sorted(n for n, spec in GATES.items() if (spec.num_wires or 1) <= wires - 1)
    for _ in range(n_gates):
        name = str(rng.choice(names))
        spec = GATES[name]
        width = spec.num_wires or 2
        ctrl = (bool(rng.integers(2)),) if rng.integers(3) == 0 else ()
        on = [int(w) for w in rng.permutation(wires)[:width + len(ctrl)]]
        b.gate(name, on, [angle() for _ in range(spec.num_params)],
               adjoint=bool(rng.integers(2)), ctrl=ctrl)
    coefficients = [slots[0], _computed(b, "arith.mulf", slots[1], slots[2]), b.const(0.5)]
    outputs = [b.expval(b.obs(["X0 Z1", "Y2", ""], [0, 1, 2], coefficients)),
               b.var(b.obs(["Z0 Y1 X2", "X1"], [0, 1, 2], [slots[3], b.const(-1.5)])),
               b.expval(b.hermitian(HERMITIAN, [2, 0])), b.var(b.hermitian(HERMITIAN, [1, 2])),
               b.var(b.obs(["Y1"], [0, 1, 2])), b.probs([2, 0]), b.state()]
    return Module("k", (b.build(outputs),))


def test_reference_vjp_jacobian_matches_per_slot_finite_differences():
    for seed in range(4):
        program = reference.compile_kernel(random_kernel(seed).entry)
        params = np.random.default_rng(seed).uniform(-np.pi, np.pi, 8)
        jacobian = jacobian_by_vjps(program, params)
        assert np.abs(jacobian).max() > 1e-2
        np.testing.assert_allclose(jacobian, jacobian_by_finite_differences(program, params),
                                   atol=FD_ATOL, rtol=0)


def test_reference_vjp_nan_partial_stays_in_its_own_slot():
    """z = x ** y at x < 0, y = 2: dz/dy = log(x) x**y is nan, and must not leak into slot x."""
    b = KernelBuilder("k", 1, 2)
    x, y = b.param(0), b.param(1)
    b.gate("RY", [0], [_computed(b, "arith.powf", x, y)])
    program = reference.compile_kernel(b.build([b.expval(b.obs(["Z0"], [0]))]))
    params = np.array([-0.7, 2.0])
    grad = program.vjp(params, (1.0,))
    assert np.isnan(grad[1])
    np.testing.assert_allclose(grad[0], -np.sin(0.49) * 2 * -0.7, atol=1e-12)
