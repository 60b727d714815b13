"""Tracers: stand-ins for run-time values that record host arithmetic as IR ops.

A scalar argument becomes a `Tracer`; an array argument becomes a `TracerArray`, a NumPy
object array of scalar tracers, so indexing, slicing, reshape, transpose, stacking,
np.sum/mean/dot and `@` all work through NumPy itself and only scalar arithmetic reaches
the IR. Python numbers mixed in are folded at trace time or become `arith.constant`.
Elements of a tensor are extracted lazily, so unused elements never reach the IR.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from ..ir import BINARY_OPS, F64, UNARY_OPS, Constant, Function, Op, TraceError, Value, print_function, tensor
from ..ir.arith import BINARY_FUNCTIONS, UNARY_FUNCTIONS
from ..ir.tensors import Extract

_STATE = threading.local()

ESCAPED = ("a traced value escaped its qjit function: it was used after the function finished "
           "tracing (was it stored in a global, a list or an attribute?). Values computed inside a qjit "
           "function only exist while it is traced: return them from the function and use the "
           "returned numbers, or pass them as arguments")

Executor = tuple[str, Any, Any]
"""(backend name, numpy Generator or None, max_memory bytes or None): where a kernel runs,
what it samples with and how much memory it may use."""


class HostTrace:
    """The host ops recorded so far in one traced function, in program order."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.kernels: list = []  # kernels outlined from circuits run in this trace
        self.executors: dict[str, Executor] = {}
        """Where each kernel runs: the backend and sampling generator of the qjit it came from."""
        self._constants: dict[tuple[float, float], Value] = {}
        self._kernel_texts: dict[tuple, Function] = {}
        self._by_size: dict[tuple, Function | None] = {}
        """(ops, backend, id(rng)) -> the one kernel of that size, not yet printed (None once printed)."""
        self.closed = False
        """Set when tracing ends: a tracer of a closed trace escaped it (see ESCAPED)."""

    def add_kernel(self, kernel: Function, executor: Executor) -> Function:
        """Add `kernel` to run on `executor`, or return the equal kernel already added (same
        text but the name, same executor).

        A cost function calling one circuit over a data set traces it once per data point;
        sharing one kernel keeps the module, its passes and its compilation the size of one
        circuit, not of the data set.
        """
        backend, rng = executor[:2]  # one qjit's kernels share its max_memory too
        # Printing a kernel costs about as much as tracing it: a kernel is printed only once
        # another of the same size and executor comes (most traces hold one kernel).
        size = (len(kernel.body), backend, id(rng))
        if size not in self._by_size:
            self._by_size[size] = kernel
        else:
            lone = self._by_size[size]
            if lone is not None:
                self._kernel_texts[(_text(lone), backend, id(rng))] = lone
                self._by_size[size] = None
            key = (_text(kernel), backend, id(rng))
            existing = self._kernel_texts.get(key)
            if existing is not None:
                return existing
            self._kernel_texts[key] = kernel
        self.kernels.append(kernel)
        self.executors[kernel.name] = executor
        return kernel

    def constant_tensor(self, x: np.ndarray) -> Value:
        """An f64 tensor `arith.constant` (a NumPy array returned by the traced function)."""
        out = Value(tensor(*x.shape), "c")
        self.emit(Constant(value=np.asarray(x, dtype=float), out=out))
        return out

    def unique_name(self, base: str, suffix: str = "_kernel") -> str:
        """A kernel name (`base` + `suffix`, numbered if needed) not yet used in this trace."""
        taken = {k.name for k in self.kernels}
        name, i = f"{base}{suffix}", 0
        while name in taken:
            i += 1
            name = f"{base}{suffix}_{i}"
        return name

    def emit(self, o: Op) -> Op:
        self.ops.append(o)
        return o

    def constant(self, x: float) -> Value:
        """An `arith.constant`, shared by equal constants (-0.0 and 0.0 kept apart)."""
        x = float(x)
        key = (x, math.copysign(1.0, x))
        if key in self._constants:
            return self._constants[key]
        out = Value(F64, "c")
        self.emit(Constant(value=x, out=out))
        if x == x:  # nan is never equal to itself: give each its own constant
            self._constants[key] = out
        return out


def _text(kernel: Function) -> str:
    return print_function(kernel.replace(name="_"))


def current_trace() -> HostTrace | None:
    return getattr(_STATE, "trace", None)


class trace_scope:
    """`with trace_scope(trace):` makes `trace` the one new tracers record into."""

    def __init__(self, trace: HostTrace):
        self.trace = trace

    def __enter__(self) -> HostTrace:
        self.previous = current_trace()
        _STATE.trace = self.trace
        return self.trace

    def __exit__(self, *exc: object) -> None:
        _STATE.trace = self.previous
        self.trace.closed = True


class Tracer:
    """A traced f64 scalar. `source` = (tensor value, index) for a not-yet-extracted element."""

    __slots__ = ("trace", "_value", "source")
    __array_priority__ = 1000

    def __init__(self, trace: HostTrace, value: Value | None = None,
                 source: tuple[Value, tuple[int, ...]] | None = None):
        self.trace = trace
        self._value = value
        self.source = source

    @property
    def value(self) -> Value:
        """The IR value; extracting a tensor element the first time it is needed."""
        if self._value is None:
            if self.trace.closed:
                raise TraceError(ESCAPED)
            tensor, index = self.source
            self._value = Value(F64)
            self.trace.emit(Extract(index=index, source=tensor, out=self._value))
        return self._value

    def __repr__(self) -> str:
        return "Tracer(f64)"

    # Python control flow cannot depend on a value that only exists at run time.
    def __bool__(self) -> bool:
        if self.trace.closed:
            raise TraceError(ESCAPED)
        raise TraceError(
            "a traced value was used in Python control flow (if/while/comparison); its value is "
            "only known when the compiled circuit runs. Branch on static arguments (Python ints) "
            "or compute both branches with arithmetic.")

    def __float__(self) -> float:
        if self.trace.closed:
            raise TraceError(ESCAPED)
        raise TraceError(
            "a traced value cannot be converted to a Python float at trace time; keep it as an "
            "array or pass it straight to a gate, and convert the results after the call.")

    __int__ = __index__ = __complex__ = __float__

    def __lt__(self, other: Any) -> bool:
        return self.__bool__()

    # == and != too: object identity would silently answer False/True for `x == 0`.
    __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __lt__
    __hash__ = object.__hash__

    def __add__(self, o): return binary("arith.addf", self, o)
    def __radd__(self, o): return binary("arith.addf", o, self)
    def __sub__(self, o): return binary("arith.subf", self, o)
    def __rsub__(self, o): return binary("arith.subf", o, self)
    def __mul__(self, o): return binary("arith.mulf", self, o)
    def __rmul__(self, o): return binary("arith.mulf", o, self)
    def __truediv__(self, o): return binary("arith.divf", self, o)
    def __rtruediv__(self, o): return binary("arith.divf", o, self)
    def __pow__(self, o): return binary("arith.powf", self, o)
    def __rpow__(self, o): return binary("arith.powf", o, self)
    def __neg__(self): return unary("arith.negf", self)
    def __pos__(self): return self
    def __abs__(self): return unary("math.absf", self)

    def __mod__(self, other: Any) -> Any:
        raise TraceError("% and // are not supported on traced values (they have no gradient); "
                         "compute them on the arguments before the call")

    __rmod__ = __floordiv__ = __rfloordiv__ = __divmod__ = __mod__

    def __round__(self, *args: Any, **kwargs: Any) -> Any:
        raise TraceError("rounding a traced value (round, np.round) is not supported: it has "
                         "no gradient; round the arguments before the call")

    round = rint = __round__  # np.round calls .round(decimals=...), or np.rint per element

    # NumPy calls these methods on the elements of object arrays (np.sin(arr) -> e.sin()).
    def sin(self): return unary("math.sin", self)
    def cos(self): return unary("math.cos", self)
    def tan(self): return unary("math.tan", self)
    def exp(self): return unary("math.exp", self)
    def log(self): return unary("math.log", self)
    def sqrt(self): return unary("math.sqrt", self)
    def arctan(self): return unary("math.atan", self)
    def arccos(self): return unary("math.acos", self)
    def arcsin(self): return unary("math.asin", self)
    def tanh(self): return unary("math.tanh", self)
    def conjugate(self): return self

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return apply_ufunc(ufunc, method, inputs, kwargs)


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def real(x: Any, what: str = "a number used with traced values") -> float:
    """`float(x)` for a real number; a Python int beyond the float range is a TraceError."""
    try:
        return float(x)
    except OverflowError:
        raise TraceError(f"{what} is an integer of {int(x).bit_length()} bits, too large for a "
                         f"64-bit float "
                         f"(max ~1.8e308); pass a smaller number, or a float such as "
                         f"float('inf')") from None


def lift(trace: HostTrace, x: Any) -> Value:
    """The IR value of a tracer or a Python/NumPy real number (as a constant)."""
    if isinstance(x, Tracer):
        if x.trace is not trace:
            raise TraceError(ESCAPED)
        return x.value
    if is_number(x) or isinstance(x, (bool, np.bool_)):
        return trace.constant(real(x))
    if isinstance(x, np.ndarray) and x.shape == ():
        return lift(trace, x[()])
    raise TraceError(f"expected a real number or a traced value, got {type(x).__name__}: {x!r}")


def _trace_of(*xs: Any) -> HostTrace:
    for x in xs:
        if isinstance(x, Tracer):
            return x.trace
    raise AssertionError("no tracer among operands")


def binary(name: str, a: Any, b: Any) -> Any:
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return _FOLD_BINARY[name](a, b)
    if not _is_scalar_operand(a) or not _is_scalar_operand(b):
        return NotImplemented
    # x * 1, 1 * x and x / 1 are exactly x (nan and -0.0 included): record nothing.
    if name == "arith.mulf" and _is_one(a):
        return b
    if name in ("arith.mulf", "arith.divf") and _is_one(b):
        return a
    trace = _trace_of(a, b)
    if trace.closed:
        raise TraceError(ESCAPED)
    out = Value(F64)
    trace.emit(BINARY_OPS[name](lhs=lift(trace, a), rhs=lift(trace, b), out=out))
    return Tracer(trace, out)


def _is_one(x: Any) -> bool:
    return not isinstance(x, Tracer) and real(x) == 1.0


def unary(name: str, a: Any) -> Any:
    if not isinstance(a, Tracer):
        return float(UNARY_FUNCTIONS[name](real(a)))
    if a.trace.closed:
        raise TraceError(ESCAPED)
    out = Value(F64)
    a.trace.emit(UNARY_OPS[name](x=a.value, out=out))
    return Tracer(a.trace, out)


def _is_scalar_operand(x: Any) -> bool:
    """A Tracer, a real number (bools count as 0 and 1, as in Python) or a 0-d array.

    Raises:
        TraceError: a complex number (traced values are real).
    """
    if isinstance(x, (complex, np.complexfloating)):
        raise TraceError(f"complex number {x!r} in traced arithmetic: traced values are real; "
                         f"build complex quantities from real ones after the call, or use a "
                         f"gate or observable that holds them (kt.QubitUnitary, kt.Hermitian)")
    return (isinstance(x, Tracer) or is_number(x) or isinstance(x, (bool, np.bool_))
            or (isinstance(x, np.ndarray) and x.shape == ()))


_FOLD_BINARY: dict[str, Callable[[Any, Any], Any]] = dict(BINARY_FUNCTIONS)

# NumPy ufunc -> IR op for the element-wise math NumPy dispatches to us.
UFUNC_UNARY = {np.sin: "math.sin", np.cos: "math.cos", np.tan: "math.tan", np.exp: "math.exp",
               np.log: "math.log", np.sqrt: "math.sqrt", np.arctan: "math.atan",
               np.arccos: "math.acos", np.arcsin: "math.asin", np.tanh: "math.tanh",
               np.absolute: "math.absf", np.negative: "arith.negf"}
# Ufuncs whose NumPy object loops call Python operators on each element (our dunders).
OBJECT_NATIVE = (np.add, np.subtract, np.multiply, np.true_divide, np.power, np.matmul)


def _elementwise(fn: Callable[..., Any]) -> np.ufunc:
    return np.frompyfunc(fn, 1, 1)


_UNARY_LOOPS = {uf: _elementwise(lambda x, n=name: unary(n, x)) for uf, name in UFUNC_UNARY.items()}
_UNARY_LOOPS.update({np.positive: _elementwise(lambda x: x), np.conjugate: _elementwise(lambda x: x),
                     np.square: _elementwise(lambda x: x * x)})


def apply_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """NumPy ufunc on tracers/arrays of tracers, element by element, as IR ops."""
    out = kwargs.pop("out", None)
    if out is not None:
        return _into(out, apply_ufunc(ufunc, method, inputs, kwargs), ufunc)
    kwargs = {k: v for k, v in kwargs.items() if k != "dtype"}
    objects = _as_objects(inputs)
    if ufunc in _UNARY_LOOPS and method == "__call__":
        return _wrap(_UNARY_LOOPS[ufunc](*objects))
    if ufunc in OBJECT_NATIVE:
        return _wrap(getattr(ufunc, method)(*objects, **kwargs))
    supported = sorted(f"np.{u.__name__}" for u in (*_UNARY_LOOPS, *OBJECT_NATIVE))
    raise TraceError(f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not "
                     f"supported on traced values; supported: {', '.join(supported)}")


def _into(out: Any, result: Any, ufunc: np.ufunc) -> Any:
    """Write `result` into `out` (NumPy's own np.mean(x, axis) divides in place), if it can hold tracers."""
    target = out[0] if isinstance(out, tuple) and len(out) == 1 else out
    if not (isinstance(target, np.ndarray) and target.dtype == object):
        raise TraceError(f"np.{ufunc.__name__}(..., out=...) cannot write traced values into a "
                         f"numeric array; use the returned value instead")
    target[...] = result
    return target


def _as_objects(xs: tuple) -> tuple:
    """Plain object ndarrays of Python scalars and tracers.

    Plain ndarrays keep NumPy from handing the loop back to `__array_ufunc__`; Python
    scalars instead of NumPy ones keep `np.float64.__mul__(tracer)` from re-entering it.
    """
    out = []
    for x in xs:
        if isinstance(x, np.ndarray):
            x = x.view(np.ndarray)
            out.append(_to_python(x) if x.dtype == object else x.astype(object))
        else:
            zero_d = np.empty((), dtype=object)
            zero_d[()] = x.item() if isinstance(x, np.generic) else x
            out.append(zero_d)
    return tuple(out)


_to_python = np.frompyfunc(lambda e: e.item() if isinstance(e, np.generic) else e, 1, 1)


def _wrap(result: Any) -> Any:
    if isinstance(result, np.ndarray):
        return result.view(TracerArray) if result.ndim else result[()]
    return result


class TracerArray(np.ndarray):
    """A NumPy object array of tracers (and numbers): what traced array arguments look like."""

    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        try:
            result = super().__array_function__(func, types, args, kwargs)
        except (TypeError, AttributeError, ValueError) as exc:
            if isinstance(exc, TraceError):
                raise
            raise TraceError(f"np.{func.__name__} on a traced array failed inside NumPy ({exc}); "
                             f"traced arrays support element-wise math (+ - * / **, np.sin, np.exp, "
                             f"...), indexing, reshaping, sums and products; compute the rest on "
                             f"the results after the call") from None
        if isinstance(result, np.ndarray) and result.dtype == object and result.ndim:
            return result.view(TracerArray)
        return result

    def __float__(self) -> float:
        raise TraceError("a traced array cannot be converted to a Python float at trace time")

    def __bool__(self) -> bool:
        raise TraceError("a traced array was used in Python control flow; its values are only "
                         "known when the compiled circuit runs")


def tensor_tracer(trace: HostTrace, tensor: Value, shape: tuple[int, ...]) -> TracerArray:
    """A TracerArray whose elements lazily extract from `tensor`."""
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        out[index] = Tracer(trace, source=(tensor, index))
    return out.view(TracerArray)
