"""Flatten a traced function's return value into IR values and a tree describing its shape.

A return value is a leaf (a tracer, an array of tracers, a sample/counts/state result or
a constant) or a tuple, list or dict of them. Leaves carry how the runtime formats
their raw results (counts become dicts, as in PennyLane); `runtime/outputs.py` rebuilds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ir import TraceError, Value, tensor
from ..ir.tensors import FromElements
from .large_result import LargeResult
from .measurements import OpaqueResult
from .observables import eigenvalues
from .tracing import HostTrace, Tracer, is_number, lift


@dataclass(frozen=True)
class Leaf:
    """One result: `format` is None (as is) or a counts formatter's description."""

    format: tuple | None = None


@dataclass(frozen=True)
class Node:
    kind: str  # "tuple" | "list" | "dict"
    children: tuple
    keys: tuple = ()


def flatten(trace: HostTrace, out: Any) -> tuple[list[Value], Any]:
    """(IR values of the leaves, tree to rebuild the structure)."""
    values: list[Value] = []

    def visit(x: Any) -> Any:
        if isinstance(x, (tuple, list)):
            return Node(type(x).__name__, tuple(visit(e) for e in x))
        if isinstance(x, dict):
            return Node("dict", tuple(visit(v) for v in x.values()), tuple(x.keys()))
        values.append(_leaf_value(trace, x))
        return Leaf(_format(x))

    tree = visit(out)
    return values, tree


def _format(x: Any) -> tuple | None:
    if isinstance(x, OpaqueResult) and x.record.counts:
        r = x.record
        if r.kind == "bits":
            return ("counts_bits", r.all_outcomes, len(r.wires))
        return ("counts_values", r.all_outcomes, tuple(eigenvalues(r.obs)))
    return None


def _leaf_value(trace: HostTrace, x: Any) -> Value:
    if isinstance(x, OpaqueResult):
        return x.record.result
    if isinstance(x, LargeResult):  # untouched: the kernel's result itself; else what was made of it
        return x.value if x.materialised is None else pack(trace, x.materialised)
    if isinstance(x, Tracer) or is_number(x):
        return lift(trace, x)
    if isinstance(x, np.ndarray) and x.dtype == object:
        return pack(trace, x)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        return trace.constant_tensor(x) if x.ndim else lift(trace, float(x))
    raise TraceError(f"a qjit function returned {type(x).__name__} ({x!r:.60}); return "
                     f"measurement results, numbers, arrays, or tuples/lists/dicts of them")


def pack(trace: HostTrace, x: np.ndarray) -> Value:
    """A tensor value for an array of tracers; the source tensor itself if untouched (a 0-d
    array is its scalar, as in JAX)."""
    if x.ndim == 0:
        return lift(trace, x[()])
    flat = x.reshape(-1)
    first = flat[0]
    if isinstance(first, Tracer) and first.source is not None:
        source = first.source[0]
        if source.type.shape == x.shape and all(
                isinstance(e, Tracer) and e.source is not None and e.source[0] is source
                and e.source[1] == idx for e, idx in zip(flat, np.ndindex(*x.shape))):
            return source
    out = Value(tensor(*x.shape), "array")
    trace.emit(FromElements(elements=tuple(lift(trace, e) for e in flat), out=out))
    return out
