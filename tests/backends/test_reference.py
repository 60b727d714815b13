"""The reference interpreter against closed forms: the definition of the IR is checked by hand.

Each expected value is derived on paper (cos t, Bell and GHZ amplitudes, product-state
marginals, binomial statistics) or built from explicit vectors in the test, never from
the gate table or the interpreter's own helpers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kettle.backends import reference
from kettle.ir import BINARY_OPS, UNARY_OPS, Module, parse_module, verify
from kettle.ir.builder import KernelBuilder

ANGLES = (-2.7, -0.4, 0.0, 0.9, math.pi / 2, 2.3)


def _run(b: KernelBuilder, outputs, *args, rng: np.random.Generator | None = None) -> tuple:
    module = verify(Module(b.name, (b.build(outputs),)))
    return reference.run(module, *args, rng=rng)


def _rotated_qubit(gate: str = "RX", adjoint: bool = False) -> KernelBuilder:
    b = KernelBuilder("k", 1, 1)
    b.gate(gate, [0], [b.param(0)], adjoint=adjoint)
    return b


# --- expectation values ------------------------------------------------------------------


@pytest.mark.parametrize("t", ANGLES)
def test_reference_rx_expval_z_is_cos(t):
    b = _rotated_qubit()
    (e,) = _run(b, [b.expval(b.obs(["Z0"], [0]))], [t])
    assert e == pytest.approx(math.cos(t), abs=1e-12)


@pytest.mark.parametrize("t", ANGLES)
def test_reference_rx_var_z_is_sin_squared(t):
    b = _rotated_qubit()
    (v,) = _run(b, [b.var(b.obs(["Z0"], [0]))], [t])
    assert v == pytest.approx(math.sin(t) ** 2, abs=1e-12)


@pytest.mark.parametrize("t", ANGLES)
def test_reference_rx_expval_y_is_minus_sin(t):
    # RX(t)|0> = cos(t/2)|0> - i sin(t/2)|1>, so <Y> = -sin t.
    b = _rotated_qubit()
    (e,) = _run(b, [b.expval(b.obs(["Y0"], [0]))], [t])
    assert e == pytest.approx(-math.sin(t), abs=1e-12)


@pytest.mark.parametrize("t", ANGLES)
def test_reference_adjoint_gate_applies_the_inverse(t):
    # RY(t)|0> has <X> = sin t; RY(t)^dagger = RY(-t) gives -sin t.
    b = _rotated_qubit("RY", adjoint=True)
    (e,) = _run(b, [b.expval(b.obs(["X0"], [0]))], [t])
    assert e == pytest.approx(-math.sin(t), abs=1e-12)


def test_reference_expval_of_weighted_pauli_sum():
    a, c = 0.7, -1.1
    b = KernelBuilder("k", 2, 4)
    b.gate("RY", [0], [b.param(0)])
    b.gate("RY", [1], [b.param(1)])
    obs = b.obs(["Z0", "X1", ""], [0, 1], [b.param(2), b.param(3), b.param(3)])
    (e,) = _run(b, [b.expval(obs)], [a, c, 0.5, 0.25])
    assert e == pytest.approx(0.5 * math.cos(a) + 0.25 * math.sin(c) + 0.25, abs=1e-12)


def test_reference_observable_on_no_qubits_is_its_coefficient():
    # What the frontend emits for kt.expval(kt.Identity(0)) or a Hamiltonian's constant term.
    module = verify(parse_module("""\
module @k {
  kernel @k(%c: f64) -> (f64, f64) {
    %q = q.alloc {wires = 1} : !q.qubit
    %q1 = q.gate {gate = "Hadamard"} (), (%q) : !q.qubit
    %obs = q.obs {words = [""]} (%c), () : !q.obs
    %e = q.expval (%obs) : f64
    %v = q.var (%obs) : f64
    return (%e, %v)
  }
}
"""))
    e, v = reference.run(module, -0.75)
    assert e == pytest.approx(-0.75, abs=1e-12)
    assert v == pytest.approx(0.0, abs=1e-12)


def test_reference_var_of_product_observable_on_bell_state_is_zero():
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])
    b.gate("CNOT", [0, 1])
    e, v = _run(b, [b.expval(b.obs(["X0 X1"], [0, 1])), b.var(b.obs(["Z0"], [0]))])
    assert e == pytest.approx(1.0, abs=1e-12)
    assert v == pytest.approx(1.0, abs=1e-12)  # Z0 alone is maximally uncertain


def test_reference_hermitian_expval_on_reversed_wires():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    h = (a + a.conj().T) / 2
    t0, t1 = 0.8, -1.9
    b = KernelBuilder("k", 2, 2)
    b.gate("RY", [0], [b.param(0)])
    b.gate("RX", [1], [b.param(1)])
    (e,) = _run(b, [b.expval(b.hermitian(h, [1, 0]))], [t0, t1])
    psi0 = np.array([math.cos(t0 / 2), math.sin(t0 / 2)])
    psi1 = np.array([math.cos(t1 / 2), -1j * math.sin(t1 / 2)])
    psi = np.kron(psi1, psi0)  # h acts on (wire 1, wire 0): wire 1 is its high bit
    assert e == pytest.approx(np.vdot(psi, h @ psi).real, abs=1e-12)


# --- states and probabilities ------------------------------------------------------------


def test_reference_bell_state_vector():
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])
    b.gate("CNOT", [0, 1])
    (state,) = _run(b, [b.state()])
    np.testing.assert_allclose(state, [2**-0.5, 0, 0, 2**-0.5], atol=1e-12)


def test_reference_bell_probs():
    b = KernelBuilder("k", 2)
    b.gate("Hadamard", [0])
    b.gate("CNOT", [0, 1])
    (probs,) = _run(b, [b.probs([0, 1])])
    np.testing.assert_allclose(probs, [0.5, 0, 0, 0.5], atol=1e-12)


def test_reference_ghz_on_five_wires():
    b = KernelBuilder("k", 5)
    b.gate("Hadamard", [0])
    for w in range(4):
        b.gate("CNOT", [w, w + 1])
    state, probs = _run(b, [b.state(), b.probs([4, 2])])
    expected = np.zeros(32)
    expected[[0, 31]] = 2**-0.5
    np.testing.assert_allclose(state, expected, atol=1e-12)
    np.testing.assert_allclose(probs, [0.5, 0, 0, 0.5], atol=1e-12)


def test_reference_basis_state_puts_wire_zero_first():
    b = KernelBuilder("k", 3)
    b.gate("PauliX", [0])  # |100> = index 4
    state, probs = _run(b, [b.state(), b.probs([2, 0])])
    np.testing.assert_allclose(np.abs(state), np.eye(8)[4], atol=1e-12)
    np.testing.assert_allclose(probs, [0, 1, 0, 0], atol=1e-12)  # (wire 2, wire 0) = (0, 1)


def test_reference_probs_on_permuted_wire_subset():
    angles = [0.3, 1.4, 2.2]
    b = KernelBuilder("k", 3, 3)
    for w in range(3):
        b.gate("RY", [w], [b.param(w)])
    (probs,) = _run(b, [b.probs([2, 0])], angles)
    ones = [math.sin(t / 2) ** 2 for t in angles]  # P(wire w = 1)
    expected = np.kron([1 - ones[2], ones[2]], [1 - ones[0], ones[0]])
    np.testing.assert_allclose(probs, expected, atol=1e-12)


def test_reference_state_lists_wires_in_operand_order():
    b = KernelBuilder("k", 2)
    b.gate("PauliX", [1])
    o = b.state()
    module = verify(Module("k", (b.build([o]),)))
    fn = module.functions[0]
    # Swap the qubit operands of q.state: the result is then indexed by (wire 1, wire 0).
    state_op = fn.body[-2]
    swapped = state_op.replace(qubits=state_op.qubits[::-1])
    fn = fn.replace(body=(*fn.body[:-2], swapped, fn.body[-1]))
    (state,) = reference.run(Module("k", (fn,)))
    np.testing.assert_allclose(state, [0, 0, 1, 0], atol=1e-12)


# --- controlled gates and explicit unitaries -----------------------------------------------


@pytest.mark.parametrize(("control_prepared", "rotated"), [(False, True), (True, False)])
def test_reference_control_value_false_fires_on_zero(control_prepared, rotated):
    t = 1.1
    b = KernelBuilder("k", 2, 1)
    if control_prepared:
        b.gate("PauliX", [0])
    b.gate("RX", [0, 1], [b.param(0)], ctrl=[False])
    (e,) = _run(b, [b.expval(b.obs(["Z0"], [1]))], [t])
    assert e == pytest.approx(math.cos(t) if rotated else 1.0, abs=1e-12)


def test_reference_mixed_control_values_select_one_branch():
    # Controls (wire 0 = 1, wire 1 = 0) on X(wire 2): only |10x> flips.
    for prepared, flips in [((0,), True), ((1,), False), ((0, 1), False), ((), False)]:
        b = KernelBuilder("k", 3)
        for w in prepared:
            b.gate("PauliX", [w])
        b.gate("PauliX", [0, 1, 2], ctrl=[True, False])
        (probs,) = _run(b, [b.probs([2])])
        np.testing.assert_allclose(probs, [0, 1] if flips else [1, 0], atol=1e-12)


def _random_unitary(rng: np.random.Generator, dim: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _expected_unitary_state_on_reversed_wires(u: np.ndarray) -> np.ndarray:
    # u acts on (wire 1, wire 0) of |00>: its first column, indexed [w1, w0], read as [w0, w1].
    return u[:, 0].reshape(2, 2).T.reshape(-1)


def test_reference_unitary_from_constant_matrix():
    u = _random_unitary(np.random.default_rng(3), 4)
    b = KernelBuilder("k", 2)
    b.unitary(u, [1, 0])
    (state,) = _run(b, [b.state()])
    np.testing.assert_allclose(state, _expected_unitary_state_on_reversed_wires(u), atol=1e-12)


def test_reference_unitary_from_complex_kernel_argument():
    u = _random_unitary(np.random.default_rng(4), 4)
    text = """\
module @k {
  kernel @k(%u: tensor<4x4xc128>) -> (tensor<4xc128>) {
    %a, %b = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %b1, %a1 = q.unitary (%u), (%b, %a) : !q.qubit, !q.qubit
    %s = q.state (%a1, %b1) : tensor<4xc128>
    return (%s)
  }
}
"""
    (state,) = reference.run(verify(parse_module(text)), u)
    np.testing.assert_allclose(state, _expected_unitary_state_on_reversed_wires(u), atol=1e-12)


# --- host code ---------------------------------------------------------------------------------

BINARY_EXPECTED = {
    "arith.addf": lambda a, b: a + b,
    "arith.subf": lambda a, b: a - b,
    "arith.mulf": lambda a, b: a * b,
    "arith.divf": lambda a, b: a / b,
    "arith.powf": lambda a, b: a**b,
}
UNARY_EXPECTED = {
    "arith.negf": lambda x: -x,
    "math.sin": math.sin,
    "math.cos": math.cos,
    "math.tan": math.tan,
    "math.exp": math.exp,
    "math.log": math.log,
    "math.sqrt": math.sqrt,
    "math.atan": math.atan,
    "math.acos": math.acos,
    "math.asin": math.asin,
    "math.tanh": math.tanh,
    "math.absf": abs,
    "math.sign": lambda x: math.copysign(1.0, x) if x else 0.0,
}


def _host_module(op_line: str, args: str) -> Module:
    return verify(parse_module(
        f"module @m {{\n  func @m({args}) -> (f64) {{\n    {op_line}\n    return (%r)\n  }}\n}}\n"))


def test_reference_host_tables_cover_every_arith_op():
    assert set(BINARY_EXPECTED) == set(BINARY_OPS)
    assert set(UNARY_EXPECTED) == set(UNARY_OPS)


@pytest.mark.parametrize("name", sorted(BINARY_EXPECTED))
@pytest.mark.parametrize(("a", "b"), [(1.7, 0.3), (-2.5, 4.0), (0.25, -1.5)])
def test_reference_binary_host_op(name, a, b):
    module = _host_module(f"%r = {name} (%a, %b) : f64", "%a: f64, %b: f64")
    if name == "arith.powf" and a < 0:
        b = 3.0  # an integer exponent keeps a negative base real
    (r,) = reference.run(module, a, b)
    assert type(r) is float
    assert r == pytest.approx(BINARY_EXPECTED[name](a, b), rel=1e-14)


@pytest.mark.parametrize("name", sorted(UNARY_EXPECTED))
@pytest.mark.parametrize("x", [0.37, -0.82])
def test_reference_unary_host_op(name, x):
    if name in ("math.log", "math.sqrt"):
        x = abs(x)
    module = _host_module(f"%r = {name} (%a) : f64", "%a: f64")
    (r,) = reference.run(module, x)
    assert type(r) is float
    assert r == pytest.approx(UNARY_EXPECTED[name](x), rel=1e-14)


def test_reference_host_constants_extract_and_from_elements():
    module = verify(parse_module("""\
module @m {
  func @m(%w: tensor<2x3xf64>) -> (f64, tensor<2xf64>, c128) {
    %c = arith.constant {value = -0.5} : f64
    %e = tensor.extract {index = [1, 2]} (%w) : f64
    %s = arith.addf (%e, %c) : f64
    %t = tensor.from_elements (%s, %e) : tensor<2xf64>
    %z = arith.constant {value = [[1.0+2.0j, -3.0-0.5j]]} : tensor<1x2xc128>
    %z1 = tensor.extract {index = [0, 1]} (%z) : c128
    return (%s, %t, %z1)
  }
}
"""))
    w = np.arange(6.0).reshape(2, 3)
    s, t, z = reference.run(module, w)
    assert s == 4.5
    np.testing.assert_array_equal(t, [4.5, 5.0])
    assert z == complex(-3.0, -0.5)


def test_reference_call_passes_host_values_to_the_kernel():
    module = verify(parse_module("""\
module @m {
  kernel @k(%p: tensor<2xf64>) -> (f64, tensor<2xf64>) {
    %q = q.alloc {wires = 1} : !q.qubit
    %a = tensor.extract {index = [0]} (%p) : f64
    %b = tensor.extract {index = [1]} (%p) : f64
    %q1 = q.gate {gate = "RX"} (%a), (%q) : !q.qubit
    %obs = q.obs {words = ["Z0"]} (%b), (%q1) : !q.obs
    %e = q.expval (%obs) : f64
    %pr = q.probs (%q1) : tensor<2xf64>
    return (%e, %pr)
  }
  func @m(%x: f64) -> (f64, tensor<2xf64>) {
    %two = arith.constant {value = 2.0} : f64
    %a = arith.mulf (%x, %two) : f64
    %p = tensor.from_elements (%a, %x) : tensor<2xf64>
    %e, %pr = q.call {callee = @k} (%p) : f64, tensor<2xf64>
    %r = arith.addf (%e, %two) : f64
    return (%r, %pr)
  }
}
"""))
    x = 0.6
    r, probs = reference.run(module, x)
    assert r == pytest.approx(x * math.cos(2 * x) + 2.0, abs=1e-12)
    np.testing.assert_allclose(probs, [math.cos(x) ** 2, math.sin(x) ** 2], atol=1e-12)


# --- sampling ------------------------------------------------------------------------------------

SHOTS = 4000


def _sampling_kernel(t: float) -> tuple[Module, list[float]]:
    """RY(t) on wire 0, X on wire 1; returns bits of (1, 0) and samples of Z0."""
    b = KernelBuilder("k", 2, 1, shots=SHOTS)
    b.gate("RY", [0], [b.param(0)])
    b.gate("PauliX", [1])
    outputs = [b.bits([1, 0]), b.sample(b.obs(["Z0"], [0]))]
    return verify(Module("k", (b.build(outputs),))), [t]


def _within_five_sigma(samples: np.ndarray, mean: float, var: float) -> bool:
    return abs(samples.mean() - mean) <= 5 * math.sqrt(var / len(samples))


def test_reference_bits_have_the_requested_shape_and_wire_order():
    module, params = _sampling_kernel(1.2)
    bits, _ = reference.run(module, params, rng=np.random.default_rng(0))
    assert bits.shape == (SHOTS, 2)
    assert set(np.unique(bits)) <= {0, 1}
    assert (bits[:, 0] == 1).all()  # wire 1 is |1> in every shot


def test_reference_bits_mean_matches_the_born_rule():
    t = 1.2
    module, params = _sampling_kernel(t)
    bits, _ = reference.run(module, params, rng=np.random.default_rng(1))
    p = math.sin(t / 2) ** 2
    assert _within_five_sigma(bits[:, 1], p, p * (1 - p))


def test_reference_sample_of_z_mean_is_cos():
    t = 1.2
    module, params = _sampling_kernel(t)
    _, samples = reference.run(module, params, rng=np.random.default_rng(2))
    assert set(np.unique(samples)) <= {-1.0, 1.0}
    assert _within_five_sigma(samples, math.cos(t), math.sin(t) ** 2)


def test_reference_sampling_is_reproducible_under_a_seed():
    module, params = _sampling_kernel(0.7)
    first = reference.run(module, params, rng=np.random.default_rng(42))
    second = reference.run(module, params, rng=np.random.default_rng(42))
    other = reference.run(module, params, rng=np.random.default_rng(43))
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


def test_reference_sample_of_hermitian_yields_its_eigenvalues_with_born_weights():
    eigenvalues = np.array([-1.5, 0.25, 2.0, 3.5])
    rng = np.random.default_rng(5)
    basis = _random_unitary(rng, 4)
    h = basis @ np.diag(eigenvalues) @ basis.conj().T
    b = KernelBuilder("k", 3, 2, shots=SHOTS)
    b.gate("RY", [0], [b.param(0)])
    b.gate("RX", [2], [b.param(1)])
    t0, t2 = 0.9, 2.1
    (samples,) = _run(b, [b.sample(b.hermitian(h, [2, 0]))], [t0, t2], rng=np.random.default_rng(6))
    # h acts on (wire 2, wire 0) of a product state; wire 1 stays |0>.
    psi = np.kron([math.cos(t2 / 2), -1j * math.sin(t2 / 2)], [math.cos(t0 / 2), math.sin(t0 / 2)])
    weights = np.abs(basis.conj().T @ psi) ** 2  # |<v_k|psi>|^2
    assert all(np.isclose(v, eigenvalues).any() for v in np.unique(samples))
    for value, weight in zip(eigenvalues, weights):
        hits = np.isclose(samples, value).astype(float)
        assert _within_five_sigma(hits, weight, weight * (1 - weight))
