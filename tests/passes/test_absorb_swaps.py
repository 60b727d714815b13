"""`absorb-swaps`: SWAPs become relabellings; every output (expval, probs of a wire subset,
the full state) stays equal under the reference interpreter, and the trailing-only mode
keeps every SWAP some later gate depends on (routed kernels need those)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kettle.backends.reference import run
from kettle.ir import Gate, Module, Unitary, parse_module
from kettle.passes import AbsorbSwaps
from tests.strategies import _build_kernel, gates_with_params


@st.composite
def kernels_with_swaps(draw, max_wires: int = 5, max_gates: int = 14):
    wires = draw(st.integers(2, max_wires))
    pair = st.lists(st.integers(0, wires - 1), min_size=2, max_size=2, unique=True)
    swap = pair.map(lambda w: ("SWAP", w, [], False, ()))
    ops = draw(st.lists(st.one_of(gates_with_params(wires), swap), max_size=max_gates))
    ops += draw(st.lists(swap, max_size=3))  # trailing ones
    return _build_kernel(draw, wires, ops)


def swaps(module: Module) -> int:
    return sum(isinstance(o, Gate) and o.gate == "SWAP" for o in module.kernels[0].body)


def assert_same_outputs(a: Module, b: Module, params: np.ndarray) -> None:
    for x, y in zip(run(a, params), run(b, params)):
        np.testing.assert_allclose(x, y, atol=1e-10)


@given(kernels_with_swaps())
def test_absorb_swaps_keeps_every_output(case):
    module, params = case
    out = AbsorbSwaps().run(module)
    assert swaps(out) == 0
    assert_same_outputs(module, out, params)
    assert AbsorbSwaps().run(out) is out


@given(kernels_with_swaps())
def test_absorb_swaps_trailing_only_keeps_swaps_that_gates_follow(case):
    module, params = case
    out = AbsorbSwaps(trailing_only=True).run(module)
    assert_same_outputs(module, out, params)
    fn = out.kernels[0]
    gate_inputs = {q for o in fn.body if isinstance(o, (Gate, Unitary)) for q in o.qubits}
    for o in fn.body:
        if isinstance(o, Gate) and o.gate == "SWAP":  # kept: a gate (or a kept SWAP) follows
            assert set(o.out) & gate_inputs
    assert swaps(AbsorbSwaps().run(out)) == 0


GOLDEN_IN = """module @k {
  kernel @k() -> (tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %q0_1 = q.gate {gate = "Hadamard"} (), (%q0) : !q.qubit
    %q0_2, %q1_1 = q.gate {gate = "SWAP"} (), (%q0_1, %q1) : !q.qubit, !q.qubit
    %q0_3 = q.gate {gate = "PauliX"} (), (%q0_2) : !q.qubit
    %probs = q.probs (%q0_3, %q1_1) : tensor<4xf64>
    return (%probs)
  }
}
"""

GOLDEN_OUT = """module @k {
  kernel @k() -> (tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %q0_1 = q.gate {gate = "Hadamard"} (), (%q0) : !q.qubit
    %q0_3 = q.gate {gate = "PauliX"} (), (%q1) : !q.qubit
    %probs = q.probs (%q0_3, %q0_1) : tensor<4xf64>
    return (%probs)
  }
}
"""


def test_absorb_swaps_golden_relabels_later_users():
    module = parse_module(GOLDEN_IN)
    out = AbsorbSwaps().run(module)
    assert str(out) == GOLDEN_OUT
    np.testing.assert_allclose(run(out)[0], [0, 0, 0.5, 0.5])
    assert AbsorbSwaps(trailing_only=True).run(module) is module  # a gate follows the SWAP
