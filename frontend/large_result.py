"""Large array results (probs over many wires) that build their element tracers only on use.

`kt.probs()` of 20 wires has 2^20 elements. A circuit that just returns it needs none of
them as tracers: building a million `Tracer` objects (and checking them again when the
result is packed) cost seconds of tracing. `LargeResult` stands in for the TracerArray
until host code computes on it (indexing, arithmetic, NumPy functions, methods): then
the TracerArray is built once and the operation runs on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ir import Value
from .tracing import HostTrace, TracerArray, tensor_tracer

LAZY_FROM = 4096
"""Results with at least this many elements are lazy; smaller ones are plain TracerArrays."""


class LargeResult:
    """A traced tensor result whose element tracers are built on first use."""

    __array_priority__ = 1001

    def __init__(self, trace: HostTrace, value: Value, shape: tuple[int, ...]):
        self.trace, self.value, self.shape = trace, value, shape
        self._array: TracerArray | None = None

    @property
    def array(self) -> TracerArray:
        if self._array is None:
            self._array = tensor_tracer(self.trace, self.value, self.shape)
        return self._array

    @property
    def materialised(self) -> TracerArray | None:
        """The TracerArray if host code has used it (and may have written into it), else None."""
        return self._array

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"<traced result {self.value.type}>"

    def __getattr__(self, name: str) -> Any:  # reshape, sum, T, ...: the TracerArray's
        if name.startswith("__") or name in ("trace", "value", "shape", "_array"):
            raise AttributeError(name)
        return getattr(self.array, name)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.array, dtype=dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return getattr(ufunc, method)(*materialise(inputs), **materialise(kwargs))

    def __array_function__(self, func, types, args, kwargs):
        return func(*materialise(args), **materialise(kwargs))


def _delegate(name: str):
    def method(self, *args):
        return getattr(self.array, name)(*args)

    method.__name__ = name
    return method


for _name in ("__getitem__", "__setitem__", "__iter__", "__contains__", "__add__", "__radd__",
              "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
              "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__divmod__", "__pow__",
              "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__pos__", "__abs__", "__float__",
              "__int__", "__bool__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(LargeResult, _name, _delegate(_name))
LargeResult.__hash__ = None  # like the array it stands for


def materialise(x: Any) -> Any:
    """`x` with every LargeResult in it (through lists, tuples and dicts) replaced by its
    TracerArray: for anything but returning it as is."""
    if isinstance(x, LargeResult):
        return x.array
    if isinstance(x, (list, tuple)):
        return type(x)(materialise(e) for e in x)
    if isinstance(x, dict):
        return {k: materialise(v) for k, v in x.items()}
    return x


def tensor_result(trace: HostTrace, value: Value, shape: tuple[int, ...]) -> TracerArray | LargeResult:
    """What a measurement returns for a tensor result: lazy when it is large."""
    if int(np.prod(shape)) >= LAZY_FROM:
        return LargeResult(trace, value, shape)
    return tensor_tracer(trace, value, shape)
