"""Cotangent bookkeeping of the reverse sweep: scalars, and tensors built up element by element.

A tensor's cotangent arrives in parts: single elements (from `tensor.extract`) and whole
tensors (from `q.vjp`). Parts are kept as they come and only summed when a rule needs
the cotangent as elements or as one tensor, so no zero-filled tensor is built unless
something reads it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ...ir import Constant, TensorType, Value
from .emitter import Emitter

Index = tuple[int, ...]


class Cotangents:
    """Accumulated cotangents of the values of one function, emitting additions as needed."""

    def __init__(self, em: Emitter):
        self.em = em
        self.scalars: dict[Value, Value] = {}
        self.elements: dict[Value, dict[Index, Value]] = defaultdict(dict)
        self.dense: dict[Value, list[Value]] = defaultdict(list)

    def has(self, v: Value) -> bool:
        return v in self.scalars or bool(self.elements.get(v)) or bool(self.dense.get(v))

    def add(self, v: Value, c: Value) -> None:
        """Add cotangent `c` to value `v` (both scalars, or both tensors of one shape)."""
        if isinstance(v.type, TensorType):
            self.dense[v].append(c)
        elif v in self.scalars:
            self.scalars[v] = self.em.add(self.scalars[v], c)
        else:
            self.scalars[v] = c

    def add_element(self, t: Value, index: Index, c: Value) -> None:
        parts = self.elements[t]
        parts[index] = self.em.add(parts[index], c) if index in parts else c

    def scalar(self, v: Value) -> Value | None:
        return self.scalars.get(v)

    def as_elements(self, t: Value) -> dict[Index, Value]:
        """The nonzero elements of `t`'s cotangent."""
        out = dict(self.elements.get(t, {}))
        for whole in self.dense.get(t, []):
            for index in np.ndindex(*t.type.shape):
                part = self.em.extract(whole, index)
                out[index] = self.em.add(out[index], part) if index in out else part
        return out

    def as_tensor(self, t: Value) -> Value | None:
        """`t`'s cotangent as one tensor value (None if it is zero)."""
        if not self.has(t):
            return None
        wholes = self.dense.get(t, [])
        if len(wholes) == 1 and not self.elements.get(t):
            return wholes[0]
        return self.tensor_of(self.as_elements(t), t.type.shape)

    def tensor_of(self, elements: dict[Index, Value], shape: tuple[int, ...]) -> Value:
        if not elements:
            return self.zeros(shape)
        zero = self.em.const(0.0)
        return self.em.from_elements([elements.get(i, zero) for i in np.ndindex(*shape)], shape, "ct")

    def zeros(self, shape: tuple[int, ...]) -> Value:
        out = Value(TensorType(shape, self.em.const(0.0).type), "zeros")
        self.em.emit(Constant(value=np.zeros(shape), out=out))
        return out

    def for_value(self, v: Value) -> Value | None:
        """The cotangent of `v` as a value of `v`'s type (None if zero)."""
        return self.as_tensor(v) if isinstance(v.type, TensorType) else self.scalar(v)
