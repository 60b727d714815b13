"""`kt.qjit`: the decorator that traces a quantum function and runs it compiled.

The first call with a new signature (argument shapes, static ints) traces the Python
function into a module (a kernel for the circuit, a host function around it), verifies
it and hands it to the runtime to compile; later calls with the same signature go
straight to the compiled program. This is the one place the frontend reaches the
runtime, and it does so lazily, so `import kettle` stays light.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ir import Function, KettleError, Module, Return, TraceError, verify
from .arguments import is_traced, signature_key, trace_argument
from .circuit import Circuit, circuit_scope, current_circuit
from .outline import outline
from .pytree import flatten
from .tracing import HostTrace, current_trace, trace_scope

BACKENDS = ("statevector", "reference")


@dataclass(frozen=True)
class Traced:
    """A traced call: the module, which arguments were static, and how to rebuild outputs."""

    module: Module
    static: tuple[bool, ...]
    out_tree: Any
    entry_args: tuple = ()
    """The traced arguments' values: what the entry function takes for this call."""


class QJIT:
    """A compiled quantum function; see `qjit`."""

    def __init__(self, fn: Callable, wires: int, shots: int | None, seed: int | None, backend: str):
        self.fn, self.wires, self.shots, self.seed, self.backend = fn, wires, shots, seed, backend
        self.rng = np.random.default_rng(seed)
        self._signature = inspect.signature(fn)
        self._name = _symbol_name(getattr(fn, "__name__", "circuit"))
        self._cache: dict[tuple, Any] = {}
        functools.update_wrapper(self, fn)

    def __repr__(self) -> str:
        return f"<kt.qjit {self.fn.__name__} wires={self.wires} shots={self.shots}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwnames: tuple[str, ...] = ()
        if kwargs:
            args, kwnames = self._bind(args, kwargs)
        if current_trace() is not None and any(is_traced(a) for a in args):
            return self.inline(args, kwnames)
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

        traced = self._trace(args, kwnames)
        executable = compile_traced(traced, rng=self.rng, backend=self.backend)
        self._cache[key] = executable
        return executable

    def _bind(self, args: tuple, kwargs: dict) -> tuple[tuple, tuple[str, ...]]:
        """All arguments, defaults included, as (positional..., keyword...) and the keyword names."""
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TraceError(f"{self.fn.__name__}: {exc}") from None
        bound.apply_defaults()
        return bound.args + tuple(bound.kwargs.values()), tuple(bound.kwargs)

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
        return self._trace(args, kwnames)

    def _trace(self, args: tuple, kwnames: tuple[str, ...]) -> Traced:
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
            outputs = self._run_circuit(trace, call_args, kwnames)
            results, out_tree = flatten(trace, outputs)
        name = self._name
        host = Function("func", name, tuple(host_args), tuple(v.type for v in results),
                        (*trace.ops, Return(values=tuple(results))))
        module = Module(name, (*trace.kernels, host))
        try:
            verify(module)
        except KettleError as exc:
            raise TraceError(f"internal error: kettle traced an invalid module ({exc}); "
                             f"please report it") from exc
        entry_args = tuple(a for a, s in zip(args, static) if not s)
        return Traced(module, tuple(static), out_tree, entry_args)

    def lower(self, *args: Any, **kwargs: Any) -> Module:
        """The IR module for these arguments; `print()` it to see the text."""
        return self.trace(*args, **kwargs).module

    def inline(self, args: tuple, kwnames: tuple[str, ...] = ()) -> Any:
        """Called with traced arguments inside another trace (a cost function being
        differentiated): record the circuit and its host code into that trace."""
        return self._run_circuit(current_trace(), list(args), kwnames)

    def _run_circuit(self, trace: HostTrace, args: list, kwnames: tuple[str, ...]) -> Any:
        if current_circuit() is not None:
            raise TraceError(f"{self.fn.__name__} is a qjit function called inside another qjit "
                             f"function's circuit; call it from plain Python, or make it a plain "
                             f"Python function (quantum subroutines need no decorator)")
        circuit = Circuit(self.wires, self.shots, trace, host_start=len(trace.ops))
        n_positional = len(args) - len(kwnames)
        with circuit_scope(circuit):
            outputs = self.fn(*args[:n_positional], **dict(zip(kwnames, args[n_positional:])))
        kernel, region = outline(circuit, trace.unique_name(self._name))
        trace.ops[circuit.host_start:] = region
        trace.kernels.append(kernel)
        return outputs


def _symbol_name(name: str) -> str:
    """`name` as an IR symbol (`<lambda>` -> `_lambda_`): the printer, parser and host codegen need one."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


def qjit(fn: Callable | None = None, *, wires: int | None = None, shots: int | None = None,
         seed: int | None = None, backend: str = "statevector") -> Any:
    """Compile a quantum function: `@kt.qjit(wires=4)`.

    Args:
        wires: number of wires (numbered 0..wires-1).
        shots: None for exact results; an int to sample (needed by sample and counts).
        seed: seed of the sampling generator (same seed, same samples).
        backend: "statevector" (Numba simulator) or "reference" (the NumPy interpreter).

    Raises:
        TraceError: invalid wires, shots or backend.
    """
    if wires is None:
        raise TraceError("kt.qjit needs the number of wires: write @kt.qjit(wires=n)")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TraceError(f"kt.qjit(seed=...) takes None or an int, got {seed!r}")
    if isinstance(wires, bool) or not isinstance(wires, (int, np.integer)) or wires < 1:
        raise TraceError(f"kt.qjit(wires=...) takes a positive number of wires, got {wires!r}")
    if shots is not None and (isinstance(shots, bool) or not isinstance(shots, (int, np.integer))
                              or shots < 1):
        raise TraceError(f"kt.qjit(shots=...) takes None (exact) or a positive int, got {shots!r}")
    if backend not in BACKENDS:
        raise TraceError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if fn is None:
        return lambda f: QJIT(f, int(wires), None if shots is None else int(shots), seed, backend)
    return QJIT(fn, int(wires), None if shots is None else int(shots), seed, backend)
