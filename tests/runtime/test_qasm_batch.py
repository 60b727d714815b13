"""kt.to_qasm_batch: the programs run by Qiskit (an independent simulator), their counts fed
to `postprocess`, give what calling the function gives: values, gradients, Hessians."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import kettle as kt

sys.path.insert(0, str(Path(__file__).parents[1] / "backends"))
from qasm_references import qiskit_measured_probs  # noqa: E402

pytest.importorskip("qiskit.qasm3")


@kt.qjit(wires=3)
def circuit(w):
    kt.RX(w[0], wires=0)
    kt.CRY(w[1] * 2, wires=[0, 1])
    kt.Hadamard(2)
    kt.CNOT([2, 0])
    kt.RY(w[2], wires=2)
    return kt.expval(w[0] * kt.Z(0) @ kt.X(1) + 0.2 * kt.Y(2) + 0.3 * kt.X(1) + 0.1 * kt.Y(1))


@kt.qjit(wires=2)
def mixed(x):
    kt.RY(x, wires=0)
    kt.IsingXX(0.4, wires=[0, 1])
    return kt.probs(wires=[1, 0]), kt.var(kt.X(1)), kt.expval(kt.Z(0))


def cost(w):
    return circuit(w) ** 2 + np.sin(w[1])


W = np.array([0.3, 0.7, 1.1])


def exact_counts(text: str, binding: dict) -> dict[str, float]:
    """The exact distribution of the measured bits, as fractional counts (c[0] leftmost)."""
    p = qiskit_measured_probs(text, binding)
    n = int(np.log2(len(p)))
    return {format(i, f"0{n}b"): float(x) for i, x in enumerate(p) if x > 1e-15}


def run_batch(batch: kt.QasmBatch) -> list[dict[str, float]]:
    return [exact_counts(text, binding) for text, binding in batch.executions()]


@pytest.mark.parametrize("f, args", [
    (circuit, (W,)),
    (kt.grad(circuit), (W,)),
    (kt.grad(cost), (W,)),
    (kt.value_and_grad(cost), (W,)),
    (mixed, (0.8,)),
    (kt.jacobian(mixed), (0.8,)),
])
def test_batch_postprocess_equals_the_call(f, args):
    batch = kt.to_qasm_batch(f, *args)
    got, want = batch.postprocess(run_batch(batch)), f(*args)
    for a, b in zip(_leaves(got), _leaves(want)):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_batch_hessian_by_nested_shifts():
    @kt.qjit(wires=2)
    def small(w):
        kt.RX(w[0], wires=0)
        kt.CRY(w[1], wires=[0, 1])
        return kt.expval(kt.Z(1))

    w = np.array([0.3, 0.7])
    hessian = kt.jacobian(kt.grad(small))
    batch = kt.to_qasm_batch(hessian, w)
    assert len(batch.programs) == 1  # one parametric program, every shifted point a binding
    np.testing.assert_allclose(batch.postprocess(run_batch(batch)), hessian(w), atol=1e-10)


def test_batch_gradient_is_one_parametric_program_per_group():
    batch = kt.to_qasm_batch(kt.grad(circuit), W)
    assert len(batch.programs) == 2  # {Z0 X1, Y2, X1} and {Y1} are two qubit-wise groups
    for program in batch.programs:
        assert "input float[64]" in program.qasm
        assert all(set(b) == set(program.inputs) for b in program.bindings)
    assert len(batch) == sum(len(p.bindings) for p in batch.programs)


def test_batch_sampled_counts_estimate_the_gradient():
    batch = kt.to_qasm_batch(kt.grad(circuit), W)
    rng = np.random.default_rng(7)
    counts = []
    for exact in run_batch(batch):
        keys = list(exact)
        p = np.array([exact[k] for k in keys])
        draws = rng.choice(len(keys), size=200_000, p=p / p.sum())
        counts.append({keys[i]: int(n) for i, n in enumerate(np.bincount(draws, minlength=len(keys)))})
    np.testing.assert_allclose(batch.postprocess(counts), kt.grad(circuit)(W), atol=0.02)


def test_batch_qiskit_bit_order():
    batch = kt.to_qasm_batch(mixed, 0.8)
    counts = [{k[::-1]: v for k, v in c.items()} for c in run_batch(batch)]
    np.testing.assert_allclose(batch.postprocess(counts, bit_order="qiskit")[0], mixed(0.8)[0], atol=1e-10)


def test_batch_errors_name_the_fix():
    with pytest.raises(kt.KettleError, match="adjoint"):
        kt.to_qasm_batch(kt.grad(circuit, method="adjoint"), W)
    batch = kt.to_qasm_batch(circuit, W)
    with pytest.raises(kt.KettleError, match="one counts dict per run"):
        batch.postprocess([])
    with pytest.raises(kt.KettleError, match="bit_order"):
        batch.postprocess(run_batch(batch), bit_order="big")
    with pytest.raises(kt.KettleError, match="bits"):
        batch.postprocess([{"01": 3}] * len(batch))

    @kt.qjit(wires=1)
    def state(x):
        kt.RX(x, wires=0)
        return kt.state()

    with pytest.raises(kt.KettleError, match="kt.state"):
        kt.to_qasm_batch(state, 0.3)


def test_to_qasm_points_to_the_batch():
    with pytest.raises(kt.KettleError, match="to_qasm_batch"):
        kt.to_qasm(kt.grad(circuit), W)
    with pytest.raises(kt.KettleError, match="to_qasm_batch"):
        kt.to_qasm(circuit, W)


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [np.asarray(x)]


def test_batch_for_an_ibm_device_runs_routed_programs():
    target = kt.Target("ibm", coupling_map=[(0, 1), (1, 2), (2, 3)])
    batch = kt.to_qasm_batch(kt.grad(cost), W, target=target)
    assert all("$" in p.qasm and "rz(" in p.qasm and " ry(" not in p.qasm for p in batch.programs)
    np.testing.assert_allclose(batch.postprocess(run_batch(batch)), kt.grad(cost)(W), atol=1e-10)


@pytest.mark.parametrize("counts, needle", [
    ([{1: 5}], "not a bitstring"),
    ([{"000": 0}], "at least one shot"),
    ([{"000": -1, "001": 2}], "non-negative"),
    ([{"0": 3}], "has 1 bits; the program measures 3"),
    (["000"], "non-empty dict"),
])
def test_batch_counts_are_checked(counts, needle):
    batch = kt.to_qasm_batch(circuit, W)
    with pytest.raises(kt.KettleError, match=needle):
        batch.postprocess(counts * len(batch))


def test_batch_of_a_plain_function_names_the_fix():
    with pytest.raises(kt.KettleError, match="qjit"):
        kt.to_qasm_batch(lambda x: x, 0.3)
