"""What every compiled function shares: the signature cache, argument binding and tracing.

`kt.qjit` functions and derivatives (`kt.grad`, `kt.jacobian`, `kt.value_and_grad`) are
both `Compiled`: the first call with a new signature (argument shapes, static ints,
keyword names) traces the function into a verified module and hands it to the runtime;
later calls with the same signature go straight to the compiled program. Called with
traced arguments inside another trace, they record into that trace instead (`inline`).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ir import Function, KettleError, Module, Return, TraceError, verify
from ..ir.gc_pause import gc_paused
from .arguments import is_traced, signature_key, trace_argument
from .large_result import materialise
from .pytree import flatten
from .tracing import Executor, HostTrace, current_trace, trace_scope


@dataclass(frozen=True)
class Traced:
    """A traced call: the module, which arguments were static, and how to rebuild outputs."""

    module: Module
    static: tuple[bool, ...]
    out_tree: Any
    entry_args: tuple = ()
    """The traced arguments' values: what the entry function takes for this call."""
    executors: Mapping[str, Executor] = field(default_factory=dict)
    """Kernel name -> (backend, rng): where each kernel runs, from the qjit that traced it."""


class Compiled:
    """A function compiled per call signature; subclasses say how to trace it (`_trace`)."""

    def __init__(self, fn: Callable, name: str):
        # Name and docstring of fn, but not its __dict__: a wrapped Compiled keeps its own cache.
        functools.update_wrapper(self, fn, updated=())
        self.fn = fn
        try:
            self._signature = inspect.signature(fn)
        except (TypeError, ValueError):  # builtins such as max: no signature to bind calls with
            raise TraceError(f"cannot compile {fn!r:.60}: Python does not expose its parameters; "
                             f"wrap it in a function of your own, e.g. lambda x: f(x)") from None
        self._name = symbol_name(name)
        self._cache: dict[tuple, Any] = {}
        self._bind_plans: dict[tuple, tuple] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwnames: tuple[str, ...] = ()
        if kwargs:
            args, kwnames = self._bind(args, kwargs)
        if current_trace() is not None and any(is_traced(a) for a in args):
            return self.inline(materialise(args), kwnames)
        try:
            key = signature_key(args)
        except TraceError:
            self._trace(args, kwnames)  # re-raises the error with the argument's name
            raise
        if kwnames:
            key = (kwnames, key)
        executable = self._cache.get(key)
        if executable is None:
            executable = self._compile(key, args, kwnames)
        return executable(args)

    def _compile(self, key: tuple, args: tuple, kwnames: tuple[str, ...]) -> Any:
        from ..runtime import compile_traced

        with gc_paused():  # a big circuit's first call builds millions of live objects
            traced = self._trace(args, kwnames)
            executable = compile_traced(traced)
        self._cache[key] = executable
        return executable

    def _bind(self, args: tuple, kwargs: dict) -> tuple[tuple, tuple[str, ...]]:
        """All arguments, defaults included, as (positional..., keyword...) and the keyword names.

        inspect's binding costs ~20 us, more than a compiled call; it runs once per call
        shape (number of positional arguments, keyword names) on placeholders, and its plan
        (where each bound argument comes from, or its default) serves later calls.
        """
        shape = (len(args), tuple(kwargs))
        plan = self._bind_plans.get(shape)
        if plan is None:
            try:
                bound = self._signature.bind(*map(_Positional, range(len(args))),
                                             **{k: _Keyword(k) for k in kwargs})
            except TypeError as exc:
                raise TraceError(f"{self._name}: {exc}") from None
            bound.apply_defaults()
            plan = self._bind_plans[shape] = (bound.args + tuple(bound.kwargs.values()), tuple(bound.kwargs))
        sources, kwnames = plan
        return tuple(args[s.index] if type(s) is _Positional else kwargs[s.name] if type(s) is _Keyword
                     else s for s in sources), kwnames

    def _arg_names(self, n_positional: int, kwnames: tuple[str, ...]) -> list[str]:
        names = [p.name for p in self._signature.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        positional = [names[i] if i < len(names) else f"arg{i}" for i in range(n_positional)]
        return positional + list(kwnames)

    def trace(self, *args: Any, **kwargs: Any) -> Traced:
        """Trace the function for these arguments into a verified module."""
        kwnames: tuple[str, ...] = ()
        if kwargs:
            args, kwnames = self._bind(args, kwargs)
        with gc_paused():  # as in _compile
            return self._trace(args, kwnames)

    def lower(self, *args: Any, **kwargs: Any) -> Module:
        """The IR module for these arguments; `print()` it to see the text."""
        return self.trace(*args, **kwargs).module

    def _trace(self, args: tuple, kwnames: tuple[str, ...]) -> Traced:
        raise NotImplementedError

    def inline(self, args: tuple, kwnames: tuple[str, ...] = ()) -> Any:
        raise NotImplementedError

    def trace_host(self, args: tuple, kwnames: tuple[str, ...],
                   run: Callable[[HostTrace, list], Any]) -> Traced:
        """Trace `run(trace, traced arguments)` as this function's host code into a module."""
        if not kwnames:
            self._bind(args, {})  # a wrong number of arguments is a TraceError, not a TypeError
        trace = HostTrace()
        host_args, call_args, static = [], [], []
        for a, name in zip(args, self._arg_names(len(args) - len(kwnames), kwnames)):
            value, traced = trace_argument(trace, a, name)
            call_args.append(traced)
            static.append(value is None)
            if value is not None:
                host_args.append(value)
        with trace_scope(trace):
            outputs = run(trace, call_args)
            results, out_tree = flatten(trace, outputs)
        host = Function("func", self._name, tuple(host_args), tuple(v.type for v in results),
                        (*trace.ops, Return(values=tuple(results))))
        module = Module(self._name, (*trace.kernels, host))
        try:
            verify(module)
        except KettleError as exc:
            raise TraceError(f"internal error: kettle traced an invalid module ({exc}); "
                             f"please report it") from exc
        entry_args = tuple(a for a, s in zip(args, static) if not s)
        return Traced(module, tuple(static), out_tree, entry_args, dict(trace.executors))


@dataclass(frozen=True)
class _Positional:
    """A binding plan's placeholder: the call's positional argument `index`."""

    index: int


@dataclass(frozen=True)
class _Keyword:
    """A binding plan's placeholder: the call's keyword argument `name`."""

    name: str


def call_with(fn: Callable, args: list, kwnames: tuple[str, ...]) -> Any:
    """`fn(*positional, **keywords)` from a flat argument list whose tail is keyword values."""
    n_positional = len(args) - len(kwnames)
    return fn(*args[:n_positional], **dict(zip(kwnames, args[n_positional:])))


def symbol_name(name: str) -> str:
    """`name` as an IR symbol (`<lambda>` -> `_lambda_`): the printer, parser and host codegen need one."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"
