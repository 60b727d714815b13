"""How call arguments are read: which are traced (numbers, arrays) and which are static.

Floats and arrays of numbers are traced: new values of the same shapes reuse the compiled
program. Python ints, bools, strings and None are static: they are baked into the trace
(so they can drive Python control flow, like a number of layers or a rotation name) and
are part of the cache key, with their type (True and 1 compile differently).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ir import F64, TraceError, Value, tensor
from .large_result import LargeResult
from .tracing import ESCAPED, HostTrace, Tracer, TracerArray, tensor_tracer

SCALAR = "f64"


def signature_key(args: tuple) -> tuple:
    """A hashable key of the argument types, shapes and static values (the cache key)."""
    key = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            key.append((a.shape, a.dtype.char))
        elif t is float:
            key.append(SCALAR)
        elif t is int or t is bool or t is str or a is None:
            key.append(("static", t, a))
        else:
            key.append(_slow_key(a))
    return tuple(key)


def _slow_key(a: Any) -> Any:
    if isinstance(a, (bool, int, str, np.integer, np.bool_, np.str_)):
        value = a.item() if isinstance(a, np.generic) else a
        return ("static", type(value), value)
    if isinstance(a, (float, np.floating)):
        return SCALAR
    array = as_array(a)
    return (array.shape, array.dtype.char)


def as_array(a: Any, name: str = "argument") -> np.ndarray:
    """A float64 array from an array-like of real numbers.

    Raises:
        TraceError: complex values, strings, ragged lists or other objects.
    """
    ragged = False
    try:
        array = np.asarray(a)
    except Exception as exc:
        array, ragged = None, "inhomogeneous" in str(exc)
    if array is not None and array.dtype == object:
        array = _from_objects(array, name)
    if array is None or array.dtype.kind not in "fiub":
        kind = ("complex numbers" if array is not None and array.dtype.kind == "c"
                else f"a ragged {type(a).__name__} (rows of different lengths)" if ragged
                else type(a).__name__)
        raise TraceError(f"{name} is {kind} ({a!r:.60}); qjit functions take real numbers, arrays "
                         f"of real numbers, and Python ints, bools, strings or None for static "
                         f"settings")
    return array.astype(float, copy=False)


def _from_objects(array: np.ndarray, name: str) -> np.ndarray:
    """A float array from an object array of numbers (huge ints, Fractions); else `array`.

    Raises:
        TraceError: a tracer that outlived its trace, or an integer too large for a float.
    """
    if any(isinstance(e, Tracer) for e in array.flat):
        raise TraceError(f"{name}: {ESCAPED}")
    try:
        return array.astype(float)
    except OverflowError:
        raise TraceError(f"{name} holds an integer too large for a 64-bit float (max ~1.8e308); "
                         f"pass smaller numbers") from None
    except (TypeError, ValueError):
        return array  # reported by the caller with the value's type


def trace_argument(trace: HostTrace, a: Any, name: str) -> tuple[Value | None, Any]:
    """(host argument value or None if static, what the traced function receives)."""
    if a is None or isinstance(a, (bool, int, str, np.integer, np.bool_, np.str_)):
        return None, a
    if isinstance(a, (float, np.floating)):
        value = Value(F64, name)
        return value, Tracer(trace, value)
    array = as_array(a, f"argument {name!r}")
    if array.shape == ():
        value = Value(F64, name)
        return value, Tracer(trace, value)
    if array.size == 0:
        raise TraceError(f"argument {name!r} is an empty array; pass at least one number")
    value = Value(tensor(*array.shape), name)
    return value, tensor_tracer(trace, value, array.shape)


def is_traced(a: Any) -> bool:
    return isinstance(a, (Tracer, TracerArray, LargeResult)) or (
        isinstance(a, np.ndarray) and a.dtype == object and any(isinstance(e, Tracer) for e in a.flat))
