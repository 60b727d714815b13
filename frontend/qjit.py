"""`kt.qjit`: the decorator that traces a quantum function and runs it compiled.

The first call with a new signature (argument shapes, static ints) traces the Python
function into a module (a kernel for the circuit, a host function around it), verifies
it and hands it to the runtime to compile; later calls with the same signature go
straight to the compiled program. This is the one place the frontend reaches the
runtime, and it does so lazily, so `import kettle` stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ir import Call, SymbolRef, TraceError
from .circuit import Circuit, circuit_scope, current_circuit
from .compiled import Compiled, Traced, call_with, symbol_name
from .outline import outline
from .tracing import HostTrace, current_trace

BACKENDS = ("statevector", "reference")
MAX_SHOTS = 2**53
"""Shot counts stay exact integers in float64 (estimates are counts / shots) up to here."""

__all__ = ["BACKENDS", "QJIT", "Traced", "qjit", "symbol_name"]


class QJIT(Compiled):
    """A compiled quantum function; see `qjit`."""

    def __init__(self, fn: Callable, wires: int, shots: int | None, seed: int | None, backend: str,
                 max_memory: int | None = None):
        super().__init__(fn, getattr(fn, "__name__", "circuit"))
        self.wires, self.shots, self.seed, self.backend = wires, shots, seed, backend
        self.max_memory = max_memory
        self.rng = np.random.default_rng(seed)

    def __repr__(self) -> str:
        return f"<kt.qjit {self._name} wires={self.wires} shots={self.shots}>"

    def _trace(self, args: tuple, kwnames: tuple[str, ...]) -> Traced:
        return self.trace_host(args, kwnames,
                               lambda trace, call_args: self._run_circuit(trace, call_args, kwnames))

    def inline(self, args: tuple, kwnames: tuple[str, ...] = ()) -> Any:
        """Called with traced arguments inside another trace (a cost function being
        differentiated): record the circuit and its host code into that trace."""
        return self._run_circuit(current_trace(), list(args), kwnames)

    def _run_circuit(self, trace: HostTrace, args: list, kwnames: tuple[str, ...]) -> Any:
        if current_circuit() is not None:
            raise TraceError(f"{self._name} is a qjit function called inside another qjit "
                             f"function's circuit; call it from plain Python, or make it a plain "
                             f"Python function (quantum subroutines need no decorator)")
        circuit = Circuit(self.wires, self.shots, trace, host_start=len(trace.ops))
        with circuit_scope(circuit):
            outputs = call_with(self.fn, args, kwnames)
        kernel, region = outline(circuit, trace.unique_name(self._name))
        shared = trace.add_kernel(kernel, (self.backend, self.rng, self.max_memory))
        if shared is not kernel:
            region = [Call(callee=SymbolRef(shared.name), args=o.args, out=o.out)
                      if isinstance(o, Call) and o.callee.name == kernel.name else o for o in region]
        trace.ops[circuit.host_start:] = region
        return outputs


def qjit(fn: Callable | None = None, *, wires: int | None = None, shots: int | None = None,
         seed: int | None = None, backend: str = "statevector", max_memory: int | str | None = None) -> Any:
    """Compile a quantum function: `@kt.qjit(wires=4)`.

    Args:
        wires: number of wires (numbered 0..wires-1).
        shots: None for exact results; an int to sample (needed by sample and counts).
        seed: seed of the sampling generator (same seed, same samples).
        backend: "statevector" (Numba simulator) or "reference" (the NumPy interpreter).
        max_memory: the most memory this function's programs may use, in bytes or as a size
            string ("512M", "1.5G"; binary units); replaces the environment variable
            KETTLE_MAX_MEMORY. Free RAM, cgroup and ulimit -v limits apply as well.

    Raises:
        TraceError: invalid wires, shots, backend or max_memory.
    """
    if wires is None:
        raise TraceError("kt.qjit needs the number of wires: write @kt.qjit(wires=n)")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                             or seed < 0):
        raise TraceError(f"kt.qjit(seed=...) takes None or a non-negative int, got {seed!r}")
    if isinstance(wires, bool) or not isinstance(wires, (int, np.integer)) or wires < 1:
        raise TraceError(f"kt.qjit(wires=...) takes a positive number of wires, got {wires!r}")
    if shots is not None and (isinstance(shots, bool) or not isinstance(shots, (int, np.integer))
                              or shots < 1):
        raise TraceError(f"kt.qjit(shots=...) takes None (exact) or a positive int, got {shots!r}")
    if shots is not None and shots > MAX_SHOTS:
        raise TraceError(f"kt.qjit(shots={shots}) is more than {MAX_SHOTS} (2^53) shots: past it, counts "
                         f"are no longer exact in float64 and sampling would run for years; use "
                         f"shots=None for exact results")
    if backend not in BACKENDS:
        raise TraceError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if max_memory is not None:
        from ..backends.memory_limits import parse_size

        max_memory = parse_size(max_memory, "kt.qjit(max_memory=...)", TraceError)
    if fn is not None and not callable(fn):
        raise TraceError(f"kt.qjit decorates a function, got {type(fn).__name__} {fn!r:.40}; "
                         f"write @kt.qjit(wires=n) above a def")
    if fn is None:
        return lambda f: QJIT(f, int(wires), None if shots is None else int(shots), seed, backend, max_memory)
    return QJIT(fn, int(wires), None if shots is None else int(shots), seed, backend, max_memory)
