"""Large IR: a 2e4-gate kernel prints, parses back to the same text, and runs the same on
the reference interpreter as on the statevector backend; the fast line reader builds
exactly lark's tree (so every parse error and check stays lark's and the parser's)."""

from __future__ import annotations

import functools

import numpy as np

from kettle.backends.reference import compile_kernel as reference_kernel
from kettle.backends.statevector import compile_kernel as statevector_kernel
from kettle.ir import Module, parse_module, print_module, verify
from kettle.ir.builder import KernelBuilder
from kettle.ir.fast_syntax import fast_tree
from kettle.ir.parser import _lark

GATES = 20_000


def _deep_kernel(n_gates: int = GATES) -> tuple[Module, np.ndarray]:
    """H, then RZ(p_k) on wire 0 alternating with CNOT(0, 1) (an even number of them: they
    cancel, and RZ on the control commutes with them): <X0> = cos(sum p)."""
    steps = n_gates // 2
    b = KernelBuilder("deep", 2, steps)
    b.gate("Hadamard", [0])
    for k in range(steps):
        b.gate("RZ", [0], [b.param(k)])
        b.gate("CNOT", [0, 1])
    kernel = b.build([b.expval(b.obs(["X0"], [0]))])
    params = np.random.default_rng(1).uniform(-0.01, 0.02, size=steps)
    return Module("deep", (kernel,)), params


@functools.cache
def _round_trip() -> tuple[str, Module, np.ndarray]:
    """(printed text, the module parsed back from it, parameters): parsed once for all tests."""
    module, params = _deep_kernel()
    text = print_module(module)
    return text, parse_module(text), params


def test_print_parse_deep_kernel_round_trips():
    text, parsed, _ = _round_trip()
    assert text.count("q.gate") == GATES + 1
    assert print_module(verify(parsed)) == text


def test_deep_kernel_statevector_matches_reference_and_closed_form():
    _, module, params = _round_trip()
    parsed = module.functions[0]
    (sv,) = statevector_kernel(parsed).run(params)
    (ref,) = reference_kernel(parsed).run(params)
    assert np.isclose(sv, np.cos(params.sum()), atol=1e-9)
    assert np.isclose(sv, ref, atol=1e-9)


MIXED = """module @m {
  kernel @k(%params: tensor<2xf64>) -> (f64, tensor<2xf64>) attributes {shots = 10} {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %q1_1, %q0_1 = q.gate {gate = "RX", adjoint = true, ctrl = [false]} (%p0), (%q1, %q0) : !q.qubit, !q.qubit
    %m = arith.constant {value = [[1.0+0.0j, 0.0-1e-05j], [0.0+0.0j, 1.0+0.0j]]} : tensor<2x2xc128>
    %q1_2 = q.unitary (%m), (%q0_1) : !q.qubit   // a comment: lark reads this line
    %c = arith.constant {value = -inf} : f64
    %obs = q.obs {words = ["Z0 Z1", "X0"]} (%c, %p0),
        (%q1_2, %q1_1) : !q.obs
    %e = q.expval (%obs) : f64
    %pr = q.probs (%q1_2) : tensor<2xf64>
    return (%e, %pr)
  }
  func @m(%x: tensor<2xf64>) -> (f64, tensor<2xf64>) {
    %e, %pr = q.call {callee = @k} (%x) : f64, tensor<2xf64>
    %g = q.vjp {callee = @k, method = "adjoint", outputs = [0]} (%x), (%e) : tensor<2xf64>
    return (%e, %pr)
  }
}
"""


def _same_tree(a, b) -> None:
    """Equal trees, and equal tokens at equal lines and columns (what errors report)."""
    if hasattr(a, "children"):
        assert a.data == b.data and len(a.children) == len(b.children), (a, b)
        for x, y in zip(a.children, b.children):
            _same_tree(x, y)
    elif a is None:
        assert b is None
    else:
        assert (a.type, str(a), a.line, a.column) == (b.type, str(b), b.line, b.column)


def test_fast_syntax_builds_lark_tree():
    fast = fast_tree(MIXED, _lark())
    assert fast is not None
    _same_tree(_lark().parse(MIXED), fast)


def test_fast_syntax_defers_an_op_continued_on_the_next_line():
    head = '%q1_1, %q0_1 = q.gate {gate = "RX", adjoint = true, ctrl = [false]}'
    text = MIXED.replace(head, head + "\n     ")
    assert fast_tree(text, _lark()) is None  # the first half alone reads as an op: lark decides
    assert print_module(parse_module(text)) == print_module(parse_module(MIXED))
