"""Tiered start-up: answer a kernel's first call on the reference interpreter while the
Numba kernels load in the background.

Importing numba and loading its compiled kernels costs about a second in every new
process (several more the first time, when numba compiles them once per machine). A
small exact kernel does not make its first call wait for that: the call runs on the
NumPy reference interpreter (about a millisecond for 4 qubits) while a background
thread loads the Numba program. Later calls wait for the load (then run at full speed):
serving more calls from the reference would starve the loader of the GIL, which is
worse for a training loop than waiting once.

Only the start of a process is tiered: once one Numba program has loaded, every later
kernel runs on Numba from its first call. Kernels that would be slow on the dense
reference (many qubits, wide gates or observables) wait from the start, and so do
kernels with shots: their samples must not depend on which tier drew them (same seed,
same samples). The two tiers agree to rounding (~1e-15). Set the environment variable
KETTLE_TIERED=0 to always wait for the compiled kernels.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from ..backends.reference import compile_kernel as reference_kernel
from ..backends.statevector import Program
from ..backends.statevector import compile_kernel as statevector_kernel
from ..ir import Alloc, Function, Gate, Hermitian, Unitary

FALLBACK_MAX_QUBITS = 12
"""Up to this many qubits the reference interpreter answers within a few milliseconds..."""
FALLBACK_MAX_WIDTH = 3
"""...if no gate or observable is wider than this (the reference builds dense matrices)."""

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("KETTLE_TIERED", "1") != "0"


def _background() -> ThreadPoolExecutor:
    """One worker thread; its pending loads finish before the interpreter exits (so the
    disk cache gets filled even by a short script)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kettle-load")
        return _POOL


_NUMBA_READY = threading.Event()
"""Set once a Numba program has run in this process: from then on nothing is tiered."""


def _load(program: Program) -> Program:
    """Import numba and load (or compile) exactly the entry points `program` runs."""
    program.load()
    rng = np.random.default_rng(0) if program.shots is not None else None
    program.run(np.zeros(program.n_params), rng)
    _NUMBA_READY.set()
    return program


class TieredKernel:
    """A statevector Program whose first call may be answered by the reference interpreter.

    `run` is rebound to the Program's own `run` once loaded, so the steady state costs
    nothing extra per call.
    """

    def __init__(self, fn: Function):
        self.program = statevector_kernel(fn)  # lowering: fast, and raises BackendErrors now
        self._fallback: object | None = reference_kernel(fn)
        self._loading: Future = _background().submit(_load, self.program)
        self._lock = threading.Lock()

    def run(self, params: np.ndarray | None, rng: np.random.Generator | None = None) -> tuple:
        with self._lock:  # one caller takes the fallback; a concurrent one waits for the load
            fallback = self._fallback if not self._loading.done() else None
            self._fallback = None
        if fallback is not None:
            return fallback.run(params, rng)
        self._loading.result()  # waits for the load; re-raises a failed one
        self.run = self.program.run  # type: ignore[method-assign]
        return self.program.run(params, rng)

    def vjp(self, params: np.ndarray, cotangents: tuple, rng: np.random.Generator | None = None):
        """The adjoint VJP always runs on the Numba program (waiting for the load)."""
        self._loading.result()
        self.vjp = self.program.vjp  # type: ignore[method-assign]
        return self.program.vjp(params, cotangents, rng)


def compile_kernel(fn: Function):
    """The statevector program for `fn`, tiered when that helps (see the module docstring)."""
    if enabled() and not _NUMBA_READY.is_set() and _cheap_on_reference(fn):
        return TieredKernel(fn)
    return statevector_kernel(fn)


def _cheap_on_reference(fn: Function) -> bool:
    """Exact, few qubits, and no gate or observable the reference would make a big matrix of."""
    if fn.shots is not None:
        return False
    width = 0
    for o in fn.body:
        if isinstance(o, Alloc) and o.wires > FALLBACK_MAX_QUBITS:
            return False
        if isinstance(o, (Gate, Unitary, Hermitian)):
            width = max(width, len(o.qubits))
    return width <= FALLBACK_MAX_WIDTH
