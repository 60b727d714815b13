"""Every op that can appear in a host function has a reverse-mode rule: adding a host op to the
IR without teaching autodiff about it fails here."""

from __future__ import annotations

import pytest

import kettle as kt
from kettle.ir import REGISTRY, Call, Function, Return, Value
from kettle.ir.quantum import VJP
from kettle.ir.verifier import KERNEL_ONLY
from kettle.passes.autodiff import RULES
from kettle.passes.autodiff.cotangents import Cotangents
from kettle.passes.autodiff.emitter import Emitter
from kettle.passes.autodiff.reverse import ReverseSweep
from kettle.passes.autodiff.rules import NO_DERIVATIVE

HANDLED_IN_REVERSE = {"tensor.extract", "tensor.from_elements", "tensor.insert", "q.call", "q.vjp"}
"""The ops reverse.py differentiates itself (they move cotangents between tensors and kernels)."""
STRUCTURAL = {"return"}
"""Not differentiated: the sweep starts from the returned values."""


def host_ops() -> set[str]:
    """Op names the verifier accepts in a host function (no quantum ops but calls and VJPs)."""
    return {name for name, cls in REGISTRY.items()
            if not name.startswith(KERNEL_ONLY) or issubclass(cls, (Call, VJP))}


def test_autodiff_has_a_rule_for_every_host_op():
    covered = set(RULES) | set(NO_DERIVATIVE) | HANDLED_IN_REVERSE | STRUCTURAL
    missing = sorted(host_ops() - covered)
    assert not missing, (f"host ops without a reverse-mode rule: {missing}; add one to "
                         f"passes/autodiff/rules.py (or handle it in reverse.py and list it here)")


def test_autodiff_rules_are_all_for_host_ops():
    stale = sorted((set(RULES) | set(NO_DERIVATIVE) | HANDLED_IN_REVERSE) - host_ops())
    assert not stale, f"rules for ops that are not host ops: {stale}"


def test_autodiff_coverage_lists_match_the_registry():
    assert host_ops() >= {"arith.addf", "math.sin", "tensor.insert", "q.call", "q.vjp", "return"}
    assert "q.gate" not in host_ops() and "q.expval" not in host_ops()


def test_autodiff_reverse_sweep_rejects_an_op_without_a_rule():
    """The sweep names an op it cannot differentiate rather than skipping it silently."""
    x = Value(kt.ir.F64, "x")
    fake = _UnknownOp(x)
    fn = Function("func", "f", (x,), (kt.ir.F64,), (fake, Return(values=(fake.out,))))
    module = kt.Module("f", (fn,))
    sweep = ReverseSweep(module, fn, [x], Emitter(), "parameter-shift")
    ct = Cotangents(sweep.em)
    ct.add(fake.out, sweep.em.const(1.0))
    with pytest.raises(kt.KettleError, match="no reverse-mode rule for `test.unknown`"):
        sweep.sweep_from(ct)


class _UnknownOp:
    """Just enough of an op for the sweep: a name, an operand and a result."""

    name = "test.unknown"

    def __init__(self, x: Value):
        self.x, self.out = x, Value(kt.ir.F64, "y")
        self.operands, self.results = (x,), (self.out,)
