"""Which ops the statevector backend runs, which it deliberately skips, and how it refuses them."""

from __future__ import annotations

import numpy as np
import pytest

from kettle.backends.statevector import compile_kernel
from kettle.backends.statevector.lowering import HANDLED_OPS
from kettle.ir import F64, REGISTRY, BackendError, FromElements, Value, tensor
from kettle.ir.builder import KernelBuilder

SKIPPED_OPS = {
    "q.call": "kernels do not call kernels; the host runtime runs q.call",
    "tensor.from_elements": "host-side: kernels only read their one parameter tensor",
    "tensor.insert": "host-side: builds shifted parameter vectors for gradients",
    "q.vjp": "host-side: the runtime calls the kernel's vjp entry point",
}


def test_statevector_every_op_is_handled_or_deliberately_skipped():
    assert set(HANDLED_OPS) | set(SKIPPED_OPS) == set(REGISTRY)
    assert not set(HANDLED_OPS) & set(SKIPPED_OPS)


def test_statevector_skipped_op_raises_backend_error_naming_the_op():
    b = KernelBuilder("k", 1, 1)
    x = b.param(0)
    b.emit(FromElements(elements=(x,), out=Value(tensor(1), "t")))
    fn = b.build([b.expval(b.obs(["Z0"], [0]))])
    with pytest.raises(BackendError, match=r"statevector.*tensor\.from_elements"):
        compile_kernel(fn)


def test_statevector_host_arithmetic_in_a_kernel_runs_in_the_prelude():
    from kettle.backends import reference
    from kettle.ir import BINARY_OPS, UNARY_OPS, Module

    b = KernelBuilder("k", 1, 2)
    x, y = b.param(0), b.param(1)
    s = Value(F64, "s")
    b.emit(BINARY_OPS["arith.mulf"](lhs=x, rhs=y, out=s))
    c = Value(F64, "c")
    b.emit(UNARY_OPS["math.cos"](x=s, out=c))
    b.gate("RX", [0], [c])
    module = Module("k", (b.build([b.expval(b.obs(["Z0"], [0]))]),))
    params = np.array([0.3, 2.0])
    assert compile_kernel(module.entry).run(params)[0] == pytest.approx(reference.run(module, params)[0])
