"""A small op emitter for passes that write new host code (autodiff, vjp lowering).

It keeps the op list, shares equal constants, folds the trivial algebra (x + 0, x * 1,
an element extracted from a tensor it built) and numbers values: an op equal to one
already emitted (same op, attributes, operands and result types) is not emitted again,
its results are reused. So the rows of a Jacobian (one reverse sweep each) share their
shifted kernel calls, and a Hessian's outer sweeps share the inner VJPs at each shifted
point: 2P kernel evaluations, not one set per row.

Host ops are pure, but a call or VJP of a kernel with shots is a fresh random draw:
sharing one between estimates that are multiplied together (the f' * f' of a Hessian
of f^2) would bias the product, so those are never numbered (`sampled` kernels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...ir import (
    BINARY_OPS,
    F64,
    UNARY_OPS,
    Call,
    Constant,
    FromElements,
    Insert,
    Op,
    SymbolRef,
    Value,
    tensor,
)
from ...ir.quantum import VJP
from ...ir.tensors import Extract


class Emitter:
    """Appends ops to `ops`; every method returns the value it defines."""

    def __init__(self, ops: list[Op] | None = None, sampled: frozenset[str] = frozenset()):
        self.ops: list[Op] = []
        self.sampled = sampled
        """Names of kernels with shots: their calls and VJPs are draws, never shared."""
        self._constants: dict[tuple[float, float], Value] = {}
        self.constant_values: dict[Value, float] = {}
        self._numbered: dict[tuple, Op] = {}
        self._built: dict[Value, FromElements] = {}
        for o in ops or ():
            self.emit(o)

    def emit(self, o: Op) -> Op:
        """Append `o`; a scalar constant joins the shared constants (for folding), any other
        op the numbered ones that later equal ops reuse."""
        self.ops.append(o)
        if isinstance(o, Constant):
            if isinstance(o.value, float) and o.out.type == F64:
                key = (o.value, math.copysign(1.0, o.value))
                if o.value == o.value and key not in self._constants:
                    self._constants[key] = o.out
                    self.constant_values[o.out] = o.value
        else:
            if self._numberable(o):
                self._numbered.setdefault(_number(o), o)
            if isinstance(o, FromElements):
                self._built[o.out] = o
        return o

    def _pure(self, o: Op) -> Op:
        """`o`, emitted, or the equal op emitted before (whose results then stand for o's)."""
        existing = self._numbered.get(_number(o)) if self._numberable(o) else None
        return existing if existing is not None else self.emit(o)

    def _numberable(self, o: Op) -> bool:
        return not (isinstance(o, (Call, VJP)) and o.callee.name in self.sampled)

    def const(self, x: float) -> Value:
        x = float(x)
        key = (x, math.copysign(1.0, x))
        if key not in self._constants:
            self.emit(Constant(value=x, out=Value(F64, "c")))
        return self._constants[key]

    def _known(self, v: Value) -> float | None:
        return self.constant_values.get(v)

    def binary(self, name: str, a: Value, b: Value, hint: str | None = None) -> Value:
        return self._pure(BINARY_OPS[name](lhs=a, rhs=b, out=Value(F64, hint))).out

    def unary(self, name: str, a: Value) -> Value:
        return self._pure(UNARY_OPS[name](x=a, out=Value(F64))).out

    def add(self, a: Value, b: Value) -> Value:
        if self._known(a) == 0.0:
            return b
        if self._known(b) == 0.0:
            return a
        return self.binary("arith.addf", a, b)

    def sub(self, a: Value, b: Value) -> Value:
        if self._known(b) == 0.0:
            return a
        return self.binary("arith.subf", a, b)

    def mul(self, a: Value, b: Value) -> Value:
        if self._known(a) == 1.0:
            return b
        if self._known(b) == 1.0:
            return a
        if self._known(a) == -1.0:
            return self.neg(b)
        if self._known(b) == -1.0:
            return self.neg(a)
        return self.binary("arith.mulf", a, b)

    def scale(self, k: float, a: Value) -> Value:
        return self.mul(self.const(k), a)

    def div(self, a: Value, b: Value) -> Value:
        if self._known(b) == 1.0:
            return a
        return self.binary("arith.divf", a, b)

    def neg(self, a: Value) -> Value:
        return self.unary("arith.negf", a)

    def extract(self, t: Value, index: tuple[int, ...]) -> Value:
        built = self._built.get(t)
        if built is not None:  # an element of a tensor built here: the element itself
            return built.elements[int(np.ravel_multi_index(index, t.type.shape))]
        return self._pure(Extract(index=tuple(index), source=t, out=Value(t.type.element))).out

    def from_elements(self, values: Sequence[Value], shape: tuple[int, ...], hint: str = "t") -> Value:
        return self._pure(FromElements(elements=tuple(values), out=Value(tensor(*shape), hint))).out

    def insert(self, scalar: Value, dest: Value, index: tuple[int, ...]) -> Value:
        out = Value(dest.type, dest.name)
        return self._pure(Insert(index=tuple(index), scalar=scalar, dest=dest, out=out)).out

    def call(self, callee: str, args: Sequence[Value], result_types) -> tuple[Value, ...]:
        outs = tuple(Value(t) for t in result_types)
        return self._pure(Call(callee=SymbolRef(callee), args=tuple(args), out=outs)).out

    def vjp(self, callee: str, method: str, params: Value, outputs: Sequence[int],
            cotangents: Sequence[Value]) -> Value:
        return self._pure(VJP(callee=SymbolRef(callee), method=method, outputs=tuple(outputs),
                              args=(params,), cotangents=tuple(cotangents),
                              out=Value(params.type, "grad"))).out

    def dot(self, weights: Value, values: Value) -> Value:
        """sum_i weights[i] * values[i] for two scalars or two tensors of one shape.

        Terms whose weight is the constant 0 are left out: `values` are kernel results,
        which are finite, and a Jacobian row's one-hot cotangent then costs one term, not
        one per output element.
        """
        if not hasattr(weights.type, "shape"):
            return self.mul(weights, values)
        total = self.const(0.0)
        for index, w in self._nonzero(weights):
            total = self.add(total, self.mul(w, self.extract(values, index)))
        return total

    def _nonzero(self, t: Value) -> list[tuple[tuple[int, ...], Value]]:
        """(index, element) of each element of `t` that is not the constant 0."""
        built = self._built.get(t)
        shape = t.type.shape
        if built is None:
            return [(index, self.extract(t, index)) for index in np.ndindex(*shape)]
        return [(tuple(int(i) for i in np.unravel_index(flat, shape)), e)
                for flat, e in enumerate(built.elements) if self._known(e) != 0.0]


def _number(o: Op) -> tuple:
    """What makes two ops equal for value numbering: kind, attributes, operands and result
    types (from_elements keeps its shape only in its result type). Constants are shared by
    value in `const` instead, so no attribute here is an array."""
    attrs = tuple(o.attributes().items())
    return (type(o), attrs, o.operands, tuple(v.type for v in o.results))


def sampled_kernels(module) -> frozenset[str]:
    """The kernels of `module` that run with shots (see the module docstring)."""
    return frozenset(k.name for k in module.kernels if k.shots is not None)
