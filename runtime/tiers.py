"""Tiered start-up: answer a kernel's calls on the reference interpreter while the Numba
kernels load, then switch to Numba for good.

Importing numba and loading its compiled kernels costs about a second in every new
process, and the first time on a machine numba compiles them (run_program, then
adjoint_run for gradients: tens of seconds each, compiling.py says so on stderr). A small
exact kernel does not wait for that: while its entry points load, every call, forward
(`run`) and gradient (`vjp`), runs on the NumPy reference interpreter (4 qubits: ~4 ms a
forward, ~12 ms a 48-parameter VJP of the demo's classifier); the call after the load
runs on Numba, and `run`/`vjp` are rebound to the Program's, so the steady state costs
nothing extra.

Where the compile runs: numba's compile holds the GIL most of the time (adjoint_run: 38 s
of 91 s inside LLVM on a loaded machine, the rest typing and lowering in Python), and a
cold run_program compiled in a thread took 40 s with an idle main thread but 96 s while
the main thread served reference calls. So a cold entry point is compiled by a child
process into the disk cache (its own GIL, another core), one at a time, leaving a core to
the caller, while the reference answers every call; the loader thread then loads it from
the cache. A program that ends first does not wait: the child finishes filling the cache
on its own. A warm cache is loaded in process (no child) and only the first call is
answered meanwhile: the load takes about a second of GIL-holding Python, which reference
calls in a tight loop would double. benchmarks/bench_first_run.py measures the demo both
ways (idle 2-core machine, 40 steps, empty cache): first step 2.1 s tiered vs 42 s
waiting (KETTLE_TIERED=0), last step 23 s vs 42 s.

Only the start of a process is tiered: once one Numba program has loaded, every later
kernel runs on Numba from its first call. Kernels that would be slow on the dense
reference (many qubits, wide gates or observables) wait from the start, and so do
kernels with shots: their samples must not depend on which tier drew them (same seed,
same samples). The two tiers agree to rounding (~1e-15). Set the environment variable
KETTLE_TIERED=0 to always wait for the compiled kernels.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..backends.reference import compile_kernel as reference_kernel
from ..backends.statevector import Program
from ..backends.statevector import compile_kernel as statevector_kernel
from ..backends.statevector.compiling import is_cached, progress, quiet
from ..ir import Alloc, Function, Gate, Hermitian, Unitary

FALLBACK_MAX_QUBITS = 12
"""Up to this many qubits the reference interpreter answers within a few milliseconds..."""
FALLBACK_MAX_WIDTH = 3
"""...if no gate or observable is wider than this (the reference builds dense matrices)..."""
FALLBACK_MAX_OPS = 2000
"""...and the kernel is short: the reference pays tens of microseconds of Python per op, so a
1e5-gate circuit would take seconds there, more than loading Numba."""

_POOL: ThreadPoolExecutor | None = None
_LOCK = threading.RLock()  # vjp holds it while _background() takes it
_CHILDREN: dict[str, threading.Event] = {}
"""Entry points being (or already) compiled by a child process, set when it has exited."""
_CHILD_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1))
"""Children compiling at once: one core stays free for the caller's reference calls."""


def enabled() -> bool:
    return os.environ.get("KETTLE_TIERED", "1") != "0"


def _background() -> ThreadPoolExecutor:
    """The loader threads. A load queued behind others could not tell its caller whether it is
    cold, and the caller would wait for the others' compiles, so there is a thread for every
    load a program plausibly starts (each kernel's run and vjp): the pool only starts threads
    as loads come, and they mostly wait on child processes or on numba's cache. Loads still
    running when the program ends are abandoned (see _wait_unless_exiting)."""
    global _POOL
    with _LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="kettle-load")
        return _POOL


_NUMBA_READY = threading.Event()
"""Set once a Numba program has loaded in this process: from then on nothing is tiered."""


def _compile_in_child(name: str) -> None:
    """Compile entry point `name` into numba's disk cache in a separate Python process (once
    per process; concurrent callers wait for the same child). A failed child is ignored: the
    caller then compiles in process, which reports any real error."""
    with _LOCK:
        done = _CHILDREN.get(name)
        mine = done is None
        if mine:
            done = _CHILDREN[name] = threading.Event()
    if not mine:
        done.wait()
    if _EXITING.is_set():  # never start (or wait on) a compile at exit
        raise _Exiting(name)
    if not mine:
        return
    env = dict(os.environ, KETTLE_QUIET="1")
    root = str(Path(__file__).resolve().parents[2])  # the folder holding this kettle package
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    try:
        with _CHILD_SLOTS, progress(name):
            if _EXITING.is_set():  # the program ended while this waited for a slot
                raise _Exiting(name)
            child = subprocess.Popen([sys.executable, "-m", "kettle.backends.statevector.compiling", name],
                                     env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            _wait_unless_exiting(child, name)
    except OSError:  # no usable interpreter: compile in process
        pass
    finally:
        done.set()


_EXITING = threading.Event()
"""Set when the user's program has finished and the interpreter starts shutting down."""
# Threading's own exit hook (what concurrent.futures uses) runs before worker threads are
# joined, unlike `atexit` handlers, which run after; main_thread().is_alive() is still
# True at that point on Python 3.11.
getattr(threading, "_register_atexit", lambda fn: None)(_EXITING.set)


class _Exiting(Exception):
    """The program finished while a child compiled: the load is abandoned, not completed."""


def _wait_unless_exiting(child: subprocess.Popen, name: str) -> None:
    """Wait for `child`; if the user's program ends first, leave the child to finish filling
    the disk cache on its own (its writes are atomic) instead of holding the exit for tens
    of seconds, and abandon this load.

    Raises:
        _Exiting: the main thread has finished (the interpreter is shutting down).
    """
    while child.poll() is None:
        if _EXITING.is_set():
            if not quiet():
                print(f"kettle: {name} goes on compiling in the background (pid {child.pid}); "
                      f"the next run loads it from the cache", file=sys.stderr, flush=True)
            raise _Exiting(name)
        time.sleep(0.05)


class _Load:
    """A background load, and whether it compiles (`cold`) or only reads the disk cache."""

    def __init__(self, job, program: Program):
        self.cold = False
        self.known = threading.Event()  # set once `cold` is known
        self.first = True
        self.future: Future = _background().submit(self._run, job, program)

    def _run(self, job, program: Program) -> Program:
        try:
            return job(program, self)
        finally:
            self.known.set()

    def use_reference(self) -> bool:
        """Whether a call now goes to the reference: the first call while loading, and every
        call while compiling. A warm load (about a second) is waited for instead: reference
        calls would hold the GIL the load needs and stretch it."""
        if self.future.done():
            return False
        if self.first:
            self.first = False
            return True
        self.known.wait()
        return self.cold and not self.future.done()


def _prepare(names: list[str], load: _Load) -> None:
    """Compile whichever of `names` numba's disk cache lacks, in a child process (see the
    module docstring); a warm cache costs one index read each."""
    for name in names:
        if is_cached(name) is False and sys.executable:
            load.cold = True
            load.known.set()
            _compile_in_child(name)


def _load(program: Program, load: _Load) -> Program:
    """Import numba and load (or compile) exactly the entry points `program` runs."""
    _prepare(["run_program"] + (["measure_extra"] if program._needs_extra else []), load)
    program.load()
    _NUMBA_READY.set()
    return program


def _load_vjp(program: Program, load: _Load) -> Program:
    _prepare(["adjoint_run"], load)
    return program.load_vjp()


class TieredKernel:
    """A statevector Program whose calls are answered by the reference interpreter while its
    entry points compile (see _Load.use_reference).

    `run` and `vjp` are rebound to the Program's own once loaded, so the steady state costs
    nothing extra per call.
    """

    def __init__(self, fn: Function):
        self.program = statevector_kernel(fn)  # lowering: fast, and raises BackendErrors now
        self.reference = reference_kernel(fn)
        self._loading = _Load(_load, self.program)
        self._loading_vjp: _Load | None = None  # started by the first vjp

    def run(self, params: np.ndarray | None, rng: np.random.Generator | None = None) -> tuple:
        if self._loading.use_reference():
            return self.reference.run(params, rng)
        self._loading.future.result()  # waits for a warm load; re-raises a failed one
        self.run = self.program.run  # type: ignore[method-assign]
        return self.program.run(params, rng)

    def vjp(self, params: np.ndarray, cotangents: tuple, rng: np.random.Generator | None = None):
        """The adjoint VJP: the reference's while the Numba adjoint program compiles."""
        if self._loading_vjp is None:
            with _LOCK:
                if self._loading_vjp is None:
                    self._loading_vjp = _Load(_load_vjp, self.program)
        if self._loading_vjp.use_reference():
            return self.reference.vjp(params, cotangents, rng)
        self._loading_vjp.future.result()
        self.vjp = self.program.vjp  # type: ignore[method-assign]
        return self.program.vjp(params, cotangents, rng)


def compile_kernel(fn: Function):
    """The statevector program for `fn`, tiered when that helps (see the module docstring)."""
    if enabled() and not _NUMBA_READY.is_set() and _cheap_on_reference(fn):
        return TieredKernel(fn)
    return statevector_kernel(fn)


def _cheap_on_reference(fn: Function) -> bool:
    """Exact, few qubits, few ops, and no gate or observable the reference would make a big
    matrix of."""
    if fn.shots is not None or len(fn.body) > FALLBACK_MAX_OPS:
        return False
    width = 0
    for o in fn.body:
        if isinstance(o, Alloc) and o.wires > FALLBACK_MAX_QUBITS:
            return False
        if isinstance(o, (Gate, Unitary, Hermitian)):
            width = max(width, len(o.qubits))
    return width <= FALLBACK_MAX_WIDTH
