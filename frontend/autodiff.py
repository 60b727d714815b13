"""`kt.grad`, `kt.jacobian`, `kt.value_and_grad`: derivatives of qjit functions and of plain
Python/NumPy code that calls them.

The function is traced like a qjit function (a plain cost function becomes host code
around the kernels of the qjit functions it calls), differentiated in reverse mode by
`passes.autodiff`, and the gradient program is compiled and cached per signature like
any other. Derivatives compose: `kt.jacobian(kt.grad(f))` is the Hessian, differentiated
again in IR (exact: parameter-shift of the inner derivative).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..ir import F64, MeasurementError, TraceError
from ..ir import quantum as Q
from ..passes import PassManager
from ..passes.autodiff import LowerVJP, differentiate
from ..passes.dead_code import DeadCodeElimination
from ..passes.fold_tensors import FoldTensors
from .compiled import Compiled, Traced, call_with
from .inline import inline_module
from .pytree import Leaf, Node, pack
from .tracing import Tracer, TracerArray, current_trace, lift, tensor_tracer

METHODS = ("auto", "adjoint", "parameter-shift", "finite-diff")


class Derivative(Compiled):
    """A compiled derivative of `f` (kind: grad, value_and_grad or jacobian)."""

    def __init__(self, f: Callable, kind: str, argnums: int | Sequence[int], method: str, h: float):
        if not callable(f):
            raise TraceError(f"kt.{kind} takes a function, got {type(f).__name__} {f!r:.40}")
        if method not in METHODS:
            raise TraceError(f"unknown differentiation method {method!r}; use one of {', '.join(METHODS)}")
        if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)) \
                or not 0 < float(h) < np.inf:
            raise TraceError(f"kt.{kind}: the finite-difference step h must be a positive number, "
                             f"got {h!r}")
        self.f, self.kind, self.method, self.h = f, kind, method, float(h)
        self.argnums = argnums
        self._many = isinstance(argnums, (tuple, list))
        nums = tuple(argnums) if self._many else (argnums,)
        if not nums or any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in nums):
            raise TraceError(f"kt.{kind}: argnums must be an int or a tuple of ints, got {argnums!r}")
        self._nums = tuple(int(a) for a in nums)
        super().__init__(f, f"{kind}_{getattr(f, '__name__', 'f')}")

    def __repr__(self) -> str:
        return f"<kt.{self.kind} of {self.f!r} argnums={self.argnums} method={self.method!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*self._with_defaults(args, kwargs), **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Traced:
        return super().trace(*self._with_defaults(args, kwargs), **kwargs)

    def _with_defaults(self, args: tuple, kwargs: dict) -> tuple:
        """`args`, extended by the defaults of the parameters argnums names beyond them: argnums
        indexes the parameters in signature order, whether passed or defaulted."""
        if kwargs or max(self._nums) < len(args):
            return args  # with keywords, Compiled binds every parameter, defaults included
        try:
            bound = self._signature.bind(*args)
        except TypeError:
            return args  # Compiled reports the wrong call
        bound.apply_defaults()
        return bound.args

    def _trace(self, args: tuple, kwnames: tuple[str, ...]) -> Traced:
        primal = self._primal(args, kwnames)
        _check_no_samples(primal.module)
        wrt = self._wrt(args, primal.static)
        module = differentiate(primal.module, wrt, self.kind, self.method)
        module = PassManager([LowerVJP(h=self.h), FoldTensors(), DeadCodeElimination()]).run(module)
        return Traced(module, primal.static, self._out_tree(primal.out_tree), primal.entry_args,
                      primal.executors)

    def _primal(self, args: tuple, kwnames: tuple[str, ...]) -> Traced:
        if isinstance(self.f, Compiled):
            return self.f._trace(args, kwnames)
        return self.trace_host(args, kwnames, lambda trace, call_args: self._real_output(
            call_with(self.f, call_args, kwnames)))

    def _real_output(self, out: Any) -> Any:
        """`out`, checked to hold no integers: they cannot depend on the arguments (len, ...)."""
        leaves = out.values() if isinstance(out, dict) else out if isinstance(out, (tuple, list)) else [out]
        for leaf in leaves:
            if isinstance(leaf, (bool, int, np.integer, np.bool_)):
                raise TraceError(f"kt.{self.kind}: {getattr(self.f, '__name__', 'the function')} returned "
                                 f"{type(leaf).__name__} {leaf!r}, an integer, which has no derivative; "
                                 f"differentiate a function returning floats computed from its arguments")
        return out

    def _wrt(self, args: tuple, static: tuple[bool, ...]) -> list[int]:
        """Positions among the traced arguments of the differentiated ones."""
        names = self._arg_names(len(args), ())
        out = []
        for a in self._nums:
            if not 0 <= a < len(args):
                raise TraceError(f"kt.{self.kind}: argnums {a} is out of range for a function of "
                                 f"{len(args)} argument(s)")
            if static[a]:
                value = args[a]
                what = ("None" if value is None else "a bool" if isinstance(value, (bool, np.bool_))
                        else "a string" if isinstance(value, str) else "an integer")
                hint = f" (e.g. float({names[a]}))" if what == "an integer" else ""
                raise TraceError(
                    f"kt.{self.kind}: argument {names[a]!r} is {what}, which kettle treats as a "
                    f"static setting (compiled in), so it has no derivative; pass a float{hint} "
                    f"to differentiate it")
            out.append(sum(not s for s in static[:a]))
        return out

    def _out_tree(self, primal: Any) -> Any:
        per_arg = Node("tuple", (Leaf(),) * len(self._nums)) if self._many else Leaf()
        if self.kind == "grad":
            return per_arg
        if self.kind == "value_and_grad":
            return Node("tuple", (primal, per_arg))
        return _map_leaves(primal, lambda leaf: per_arg)

    def inline(self, args: tuple, kwnames: tuple[str, ...] = ()) -> Any:
        """Called with traced arguments: trace on stand-in values, then copy in the ops."""
        traced = self._trace(tuple(_stand_in(a) for a in args), kwnames)
        trace = current_trace()
        entry = [pack(trace, a) if isinstance(a, np.ndarray) else lift(trace, a)
                 for a, static in zip(args, traced.static) if not static]
        results = inline_module(trace, traced.module, entry, traced.executors)
        leaves = [Tracer(trace, v) if v.type == F64 else tensor_tracer(trace, v, v.type.shape)
                  for v in results]
        from ..runtime.outputs import unflattener

        return unflattener(traced.out_tree)(leaves)


def _stand_in(a: Any) -> Any:
    """A plain value of the same kind and shape as a traced argument (tracing only reads shapes)."""
    if isinstance(a, Tracer):
        return 0.0
    if isinstance(a, TracerArray) or (isinstance(a, np.ndarray) and a.dtype == object):
        return np.zeros(a.shape)
    return a


def _map_leaves(tree: Any, fn: Callable[[Leaf], Any]) -> Any:
    if isinstance(tree, Leaf):
        if tree.format is not None:
            raise MeasurementError("counts results are not differentiable; differentiate kt.expval, "
                                   "kt.var or kt.probs")
        return fn(tree)
    return Node(tree.kind, tuple(_map_leaves(c, fn) for c in tree.children), tree.keys)


def _check_no_samples(module) -> None:
    for kernel in module.kernels:
        for o in kernel.body:
            if isinstance(o, (Q.Sample, Q.Bits)):
                raise MeasurementError(
                    f"kt.sample/kt.counts inside a differentiated function (in @{kernel.name}): "
                    f"samples have no derivative; differentiate kt.expval, kt.var or kt.probs "
                    f"(with shots they are estimated from samples)")


def grad(f: Callable, argnums: int | Sequence[int] = 0, method: str = "auto", h: float = 1e-6) -> Derivative:
    """The gradient of a scalar-valued `f` with respect to argument(s) `argnums`.

    Args:
        f: a qjit function, or Python/NumPy code calling qjit functions, returning one scalar.
        argnums: which positional argument(s); a tuple gives a tuple of gradients.
        method: "auto" (adjoint for exact runs, else parameter-shift), "adjoint",
            "parameter-shift" or "finite-diff" (central, step `h`).

    Returns:
        A function taking f's arguments and returning gradients shaped like the arguments.

    Raises:
        TraceError: an unknown method; when called: a non-scalar output (use kt.jacobian),
            an integer argument, argnums out of range, method="adjoint" with shots.
        MeasurementError: when called: samples, counts or states inside f.
    """
    return Derivative(f, "grad", argnums, method, h)


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0, method: str = "auto",
                   h: float = 1e-6) -> Derivative:
    """Like `grad`, returning `(f(*args), gradient)` from one compiled program."""
    return Derivative(f, "value_and_grad", argnums, method, h)


def jacobian(f: Callable, argnums: int | Sequence[int] = 0, method: str = "auto",
             h: float = 1e-6) -> Derivative:
    """The Jacobian of `f`: for an output of shape O and an argument of shape A, shape O + A.

    Several outputs give a tuple (one Jacobian each); a tuple of argnums gives, per output,
    a tuple over the arguments. `kt.jacobian(kt.grad(f))` is the Hessian.
    """
    return Derivative(f, "jacobian", argnums, method, h)


__all__ = ["Derivative", "grad", "jacobian", "value_and_grad"]
