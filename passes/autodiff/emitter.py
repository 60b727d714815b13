"""A small op emitter for passes that write new host code (autodiff, vjp lowering).

It keeps the op list, shares equal constants and folds the trivial algebra (x + 0,
x * 1, x * 0 with a finite constant) so that generated gradient code stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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

    def __init__(self, ops: list[Op] | None = None):
        self.ops: list[Op] = []
        self._constants: dict[tuple[float, float], Value] = {}
        self.constant_values: dict[Value, float] = {}
        for o in ops or ():
            self.emit(o)

    def emit(self, o: Op) -> Op:
        """Append `o`; a scalar constant joins the shared constants (for folding)."""
        self.ops.append(o)
        if isinstance(o, Constant) and isinstance(o.value, float) and o.out.type == F64:
            key = (o.value, math.copysign(1.0, o.value))
            if o.value == o.value and key not in self._constants:
                self._constants[key] = o.out
                self.constant_values[o.out] = o.value
        return o

    def const(self, x: float) -> Value:
        x = float(x)
        key = (x, math.copysign(1.0, x))
        if key not in self._constants:
            self.emit(Constant(value=x, out=Value(F64, "c")))
        return self._constants[key]

    def _known(self, v: Value) -> float | None:
        return self.constant_values.get(v)

    def binary(self, name: str, a: Value, b: Value, hint: str | None = None) -> Value:
        out = Value(F64, hint)
        self.emit(BINARY_OPS[name](lhs=a, rhs=b, out=out))
        return out

    def unary(self, name: str, a: Value) -> Value:
        out = Value(F64)
        self.emit(UNARY_OPS[name](x=a, out=out))
        return out

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
        out = Value(t.type.element)
        self.emit(Extract(index=tuple(index), source=t, out=out))
        return out

    def from_elements(self, values: Sequence[Value], shape: tuple[int, ...], hint: str = "t") -> Value:
        out = Value(tensor(*shape), hint)
        self.emit(FromElements(elements=tuple(values), out=out))
        return out

    def insert(self, scalar: Value, dest: Value, index: tuple[int, ...]) -> Value:
        out = Value(dest.type, dest.name)
        self.emit(Insert(index=tuple(index), scalar=scalar, dest=dest, out=out))
        return out

    def call(self, callee: str, args: Sequence[Value], result_types) -> tuple[Value, ...]:
        outs = tuple(Value(t) for t in result_types)
        self.emit(Call(callee=SymbolRef(callee), args=tuple(args), out=outs))
        return outs

    def vjp(self, callee: str, method: str, params: Value, outputs: Sequence[int],
            cotangents: Sequence[Value]) -> Value:
        out = Value(params.type, "grad")
        self.emit(VJP(callee=SymbolRef(callee), method=method, outputs=tuple(outputs),
                      args=(params,), cotangents=tuple(cotangents), out=out))
        return out

    def dot(self, weights: Value, values: Value) -> Value:
        """sum_i weights[i] * values[i] for two scalars or two tensors of one shape."""
        if not hasattr(weights.type, "shape"):
            return self.mul(weights, values)
        total = self.const(0.0)
        for index in _indices(weights.type.shape):
            total = self.add(total, self.mul(self.extract(weights, index), self.extract(values, index)))
        return total


def _indices(shape: tuple[int, ...]):
    import numpy as np

    return list(np.ndindex(*shape))
