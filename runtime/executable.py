"""An executable: a compiled host function, its compiled kernels and the output structure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..backends.host import compile_host
from .outputs import unflattener


def _kernel_compiler(backend: str) -> Callable:
    if backend == "reference":
        from ..backends.reference import compile_kernel
    else:
        from .tiers import compile_kernel
    return compile_kernel


def runtime_argument(a: Any) -> Any:
    """What a compiled host function receives for a traced argument (float or float64 array)."""
    if type(a) is np.ndarray and a.dtype.char == "d":
        return a if a.ndim else float(a)
    if isinstance(a, (float, np.floating)):
        return float(a)
    array = np.asarray(a, dtype=float)
    return array if array.ndim else float(array)


class Executable:
    """Call with the user's arguments; returns results in the user's structure."""

    def __init__(self, host: Callable[..., tuple], static: tuple[bool, ...], unflatten: Callable):
        self.host = host
        self.dynamic = tuple(i for i, s in enumerate(static) if not s)
        self.unflatten = unflatten

    def __call__(self, args: tuple) -> Any:
        return self.unflatten(self.host(*[runtime_argument(args[i]) for i in self.dynamic]))


def compile_traced(traced: Any) -> Executable:
    """Compile each kernel on its own executor (`traced.executors`: backend and sampling
    generator of the qjit it came from) and the entry host function to Python."""
    kernels, rngs = {}, {}
    for k in traced.module.kernels:
        backend, rngs[k.name] = traced.executors.get(k.name, ("statevector", None))
        kernels[k.name] = _kernel_compiler(backend)(k)
    counts = {k.name: len(k.result_types) for k in traced.module.kernels}
    host = compile_host(traced.module.entry, kernels, rngs, counts)
    return Executable(host, traced.static, unflattener(traced.out_tree))
