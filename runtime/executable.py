"""An executable: a compiled host function, its compiled kernels and the output structure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..backends.host import compile_host
from ..backends.memory import check_kernel, host_needs
from ..ir import VJP
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
    """Compile each kernel on its own executor (`traced.executors`: backend, sampling
    generator and max_memory of the qjit it came from) and the entry host function to Python.

    Raises:
        ResourceError: a kernel (with the host's arrays) needs more memory than is available;
            checked for every kernel before any is compiled.
    """
    executors = {k.name: traced.executors.get(k.name, ("statevector", None, None))
                 for k in traced.module.kernels}
    check_memory(traced.module, executors)
    kernels, rngs = {}, {}
    for k in traced.module.kernels:
        backend, rngs[k.name] = executors[k.name][:2]
        kernels[k.name] = _kernel_compiler(backend)(k)
    counts = {k.name: len(k.result_types) for k in traced.module.kernels}
    host = compile_host(traced.module.entry, kernels, rngs, counts)
    return Executable(host, traced.static, unflattener(traced.out_tree))


def check_memory(module: Any, executors: dict) -> None:
    """Check each kernel's peak memory (with its adjoint VJP if the host asks for one, and
    the host's arrays) against its qjit's limit, before anything is compiled or allocated."""
    hosts = [f for f in module.functions if not f.is_kernel]
    host = host_needs(hosts)
    adjoint = {o.callee.name for f in hosts for o in f.body if isinstance(o, VJP) and o.method == "adjoint"}
    for k in module.kernels:
        backend, _, max_memory = executors[k.name]
        check_kernel(k, backend, max_memory=max_memory, adjoint=k.name in adjoint, host=host)
