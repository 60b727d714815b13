"""`compile_kernel`: lower a kernel to a Program, and `Program.run`: one call of it.

The hot path for small states is one numba dispatch (`run_program`) plus reading floats
out of the output vector; everything else (shots, host prelude, permuted state, threads
for big states) is only paid by kernels that use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir import BackendError, Function
from ...ir.gc_pause import gc_paused
from ..memory import SHOT_CHUNK, check_kernel
from . import opcodes as O
from .blocking import chunk_bits, group_actions, wire_budget
from .encode import Encoder, assemble
from .fusion import fuse
from .lowering import lower
from .measurements import RunContext
from .threads import BlockedRunner

_NO_PARAMS = np.zeros(0)
_F64 = np.dtype(np.float64)
_NO_STATE = np.zeros(0, dtype=complex)
_NO_TASK = np.zeros(0, dtype=np.int64)


BIG_QUBITS = 16
"""From this many qubits the state leaves the L2 cache: run cache-blocked groups in threads."""
CHUNK_QUBITS = 14
"""Qubits per chunk of a blocked group: 2^14 amplitudes = 256 KiB, half a core's L2."""
FUSE_PARAMETRIC_FROM = 10
"""From this many qubits also fuse gates whose matrices are built per call (see fusion.py)."""


def compile_kernel(fn: Function, *, block_from: int = BIG_QUBITS, chunk_qubits: int = CHUNK_QUBITS,
                   fuse_from: int = FUSE_PARAMETRIC_FROM, shot_chunk: int = SHOT_CHUNK) -> Program:
    """Lower `fn` (a kernel) into a Program for the numba kernels.

    Args:
        fn: a kernel function.
        block_from, chunk_qubits: from `block_from` qubits, run cache-blocked groups of
            `chunk_qubits` in threads (tests lower them to exercise blocking on small states).
        fuse_from: from this many qubits also fuse gates with runtime parameters (below it a
            per-call matrix product costs about what it saves; constant gates always fuse).
        shot_chunk: shots drawn at once by expval, var and probs (sampling.py; tests make it small).

    Raises:
        BackendError: an op, a gate width or a measurement this backend cannot run.
        ResourceError: a run that needs more memory than the machine has (the runtime
            checks the user's limits, KETTLE_MAX_MEMORY and max_memory=, before this).
    """
    check_kernel(fn, "statevector", user=False)
    options = Options(block_from, chunk_qubits, fuse_from, shot_chunk)
    with gc_paused():  # a 1e5-gate kernel's actions and instructions: see ir/gc_pause.py
        lowered = lower(fn)
        enc = Encoder(lowered.scalars, lowered.cpool)
        measurements = lowered.measurements
        code, segments = encode_gates(enc, lowered, options, measurements.instructions, measurements.extra)
        return Program(fn, code, lowered, segments, options)


@dataclass(frozen=True)
class Options:
    """How a kernel is lowered (see compile_kernel)."""

    block_from: int = BIG_QUBITS
    chunk_qubits: int = CHUNK_QUBITS
    fuse_from: int = FUSE_PARAMETRIC_FROM
    shot_chunk: int = SHOT_CHUNK

    def blocked(self, n: int) -> bool:
        return n >= self.block_from and n > self.chunk_qubits


def encode_gates(enc: Encoder, lowered, options: Options, measurements: list, extra: list):
    """The code array running the kernel's (fused) gates then `measurements` (and `extra`), and
    the segments a BlockedRunner runs it by (None when the state is not blocked)."""
    n = lowered.n
    top = n - 1
    actions = fuse(lowered.actions, parametric=n >= options.fuse_from)
    blocked = options.blocked(n)
    if not blocked:
        layout = [((), len(actions))]
        body = [enc.apply(a, lambda w: top - w, n) for a in actions]
    else:
        layout, body = _blocked_body(enc, actions, n, options.chunk_qubits)
    layout.append(((), len(measurements)))
    code, starts = assemble(n, lowered.measurements.out_size, enc.prep, body + measurements, extra)
    segments, first = [], 0
    starts.append(code[O.H_EXTRA_START])
    for bits, count in layout:
        segments.append((starts[first], starts[first + count], np.array(bits, dtype=np.int64)))
        first += count
    return code, segments if blocked else None


def _blocked_body(enc: Encoder, actions, n: int, chunk: int):
    layout, body = [], []
    for wires, members in group_actions(actions, wire_budget(chunk)):
        if wires is None:
            layout.append(((), len(members)))
            body += [enc.apply(a, lambda w: n - 1 - w, n) for a in members]
            continue
        bits = chunk_bits(n, wires, chunk)
        local = {b: i for i, b in enumerate(bits)}
        layout.append((tuple(bits), len(members)))
        body += [enc.apply(a, lambda w, local=local: local[n - 1 - w], chunk) for a in members]
    return layout, body


class Program:
    """A lowered kernel: instruction table, pools, and the steps that read its results."""

    def __init__(self, fn: Function, code: np.ndarray, lowered, segments=None,
                 options: Options = Options()) -> None:
        self.fn, self.options = fn, options
        self.name = fn.name
        self.shots = fn.shots
        self.n_qubits = lowered.n
        self.n_params = lowered.n_params
        self.code = code
        self.rpool = np.array(lowered.scalars.pool, dtype=np.float64)
        self.cpool = lowered.cpool.array()
        self._scalars = lowered.scalars if lowered.scalars.prelude else None
        self._shared_uses = lowered.measurements.shared_uses
        # with sample()/bits in the kernel, the shared samples are drawn whole (they hold every shot)
        self._shared_chunk = self.shots if lowered.measurements.per_shot else options.shot_chunk
        index = {v: i for i, (v, _) in enumerate(lowered.steps)}
        self._steps = [s for _, s in lowered.steps]
        self._outputs = [index[v] for v in lowered.outputs]
        self._floats = _float_slots(lowered)
        self._segments = segments
        self._needs_extra = bool(lowered.measurements.extra)
        self._run = self._extra = None  # bound by load(): lowering never imports numba
        self._adjoint = None  # lowered by the first vjp: most kernels are never differentiated
        self._fast = self._floats is not None and not self._needs_extra  # no state needed

    def load(self) -> Program:
        """Import numba and bind the entry points this program runs (idempotent).

        Loads the compiled kernels from numba's disk cache, or compiles them once per
        machine (saying so on stderr when that takes a while: compiling.py). `run` calls it
        itself; a runtime may call it ahead of time, e.g. from a background thread.
        """
        if self._run is None:
            from . import kernels_run
            from .compiling import ensure_compiled

            ensure_compiled("run_program")
            if self._needs_extra:
                from .kernels_extra import measure_extra

                ensure_compiled("measure_extra")
                self._extra = measure_extra
            self._run = (kernels_run.run_program if self._segments is None
                         else BlockedRunner(self.code, self._segments))
        return self

    def run(self, params: np.ndarray | None = None, rng: np.random.Generator | None = None) -> tuple:
        """Run once. Returns the kernel's results in `return` order.

        Raises:
            BackendError: wrong parameter count, shots without an rng, or shots of a state
                that is not finite (nan/inf parameters).
        """
        if not (type(params) is np.ndarray and params.dtype is _F64 and params.ndim == 1
                and params.flags.c_contiguous and params.shape[0] == self.n_params):
            params = self._check(params)
        if self.shots is not None and rng is None:
            raise BackendError(f"statevector: kernel @{self.name} has shots={self.shots}; "
                               "pass a numpy Generator as rng")
        if self._run is None:
            self.load()
        rpool = self.rpool if self._scalars is None else self._scalars.run_prelude(params, self.rpool)
        state = _NO_STATE if self._fast else np.empty(1 << self.n_qubits, dtype=complex)
        out = self._run(self.code, params, rpool, self.cpool, state, _NO_TASK)
        if self._extra is not None:
            self._extra(self.code, state, np.concatenate((params, rpool)), self.cpool, out)
        if self._floats is not None:
            values = out.tolist()  # also after measure_extra, which writes into `out`
            return tuple([values[i] for i in self._floats])
        n_params = self.n_params
        ctx = RunContext(state, out, lambda r: float(params[r] if r < n_params else rpool[r - n_params]))
        if self.shots is not None:
            self._check_finite(state)
            ctx.shots, ctx.rng, ctx.chunk = self.shots, rng, self.options.shot_chunk
            if self._shared_uses:
                from .sampling import shared_statistics

                ctx.shared = shared_statistics(ctx, self._shared_chunk, self._shared_uses)
        results = [step(ctx) for step in self._steps]
        return tuple(results[i] for i in self._outputs)

    def vjp(self, params: np.ndarray | None, cotangents: tuple,
            rng: np.random.Generator | None = None) -> np.ndarray:
        """`g[k] = sum_i <cotangents[i], d result_i / d params[k]>` by the adjoint method (adjoint.py).

        Args:
            params: the parameter vector (any shape; `g` has the same).
            cotangents: one per result in `return` order: None, a float (expval, var) or an
                array of the result's shape (probs).
            rng: unused (adjoint VJPs are exact); accepted for the runtime's uniform call.

        Raises:
            BackendError: a kernel with shots, a wrong parameter or cotangent count, or a
                cotangent for a result without a derivative (state, bits, samples).
        """
        if self._adjoint is None:
            self.load_vjp()
        return self._adjoint.vjp(params, cotangents)

    def load_vjp(self) -> Program:
        """Lower the adjoint program and load (or compile) its entry point, as `load` does for
        `run` (idempotent).

        Raises:
            BackendError: a kernel with shots, or anything compile_kernel refuses.
        """
        if self._adjoint is None:
            from .adjoint_program import compile_adjoint
            from .compiling import ensure_compiled

            adjoint = compile_adjoint(self.fn, self.options)  # raises for shots
            ensure_compiled("adjoint_run")
            self._adjoint = adjoint
        return self

    def _check_finite(self, state: np.ndarray) -> None:
        """Sampling a nan state gives garbage (its cdf is nan: every shot lands on the last
        basis state), not nan: refuse it. Exact runs return nan, as NumPy would."""
        if not np.isfinite(np.vdot(state, state).real):
            raise BackendError(f"statevector: kernel @{self.name} with shots={self.shots} reached a "
                               "state that is not finite, from non-finite parameters (nan/inf) or "
                               "values computed from them; pass finite parameters to sample it")

    def _check(self, params) -> np.ndarray:
        """`params` as the one array type run_program is compiled for (the slow path of run)."""
        if params is None:
            params = _NO_PARAMS
        elif (type(params) is not np.ndarray or params.dtype != np.float64 or params.ndim != 1
              or not params.flags.c_contiguous):  # anything else would compile a new numba signature
            params = np.ascontiguousarray(params, dtype=np.float64).reshape(-1)
        if params.shape[0] != self.n_params:
            raise BackendError(f"statevector: kernel @{self.name} takes {self.n_params} "
                               f"parameter(s), got {params.shape[0]}")
        return params


def _float_slots(lowered) -> list[int] | None:
    """Output slots when every result is an exact scalar read straight from `out` (the fast path)."""
    if lowered.measurements.shots is not None:
        return None
    steps = dict(lowered.steps)
    slots = [getattr(steps[v], "slot", None) for v in lowered.outputs]
    return None if None in slots else slots
