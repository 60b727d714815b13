"""`Program.vjp`: a kernel's adjoint VJP program (adjoint.py's instructions laid out) and one call of it.

Small states run the whole VJP in one dispatch of `kernels_adjoint.adjoint_run`: forward,
cotangents, then each action's undo followed by its small sweep. Large states run the
forward as Program.run does (cache-blocked groups on threads), then the backward sweep as
groups of actions that fit in a chunk, chunk by chunk on threads with private cross
matrices that are summed afterwards, and finally every action's small sweep in one call.
"""

from __future__ import annotations

import numpy as np

from ...ir import BackendError, Function
from ..memory import check_kernel
from ..reference_vjp import NEEDS_EXACT, partials
from . import opcodes as O
from .adjoint import AdjointEncoder, Instruction
from .blocking import chunk_bits, group_actions, wire_budget
from .encode import Encoder
from .fusion import fuse
from .lowering import Lowered, lower
from .program import Options, encode_gates
from .threads import BlockedRunner, _pool, threads

_NO_STATE = np.zeros((2, 0))
_NO_FLOATS = np.zeros(0)
_NO_TASK = np.zeros(0, dtype=np.int64)


def compile_adjoint(fn: Function, options: Options) -> AdjointProgram:
    """The adjoint VJP program of kernel `fn`, lowered as compile_kernel lowers its run.

    Raises:
        BackendError: a kernel with shots, or anything compile_kernel refuses.
        ResourceError: the sweep's states do not fit in the machine's memory.
    """
    if fn.shots is not None:
        raise BackendError(f"statevector: kernel @{fn.name}: {NEEDS_EXACT}")
    check_kernel(fn, "statevector", adjoint=True, user=False)
    return AdjointProgram(fn.name, lower(fn), options)


class AdjointProgram:
    """The code of one kernel's VJP; `vjp(params, cotangents)` runs it."""

    def __init__(self, name: str, lowered: Lowered, options: Options):
        self.name = name
        n = self.n_qubits = lowered.n
        self.n_params = lowered.n_params
        self.scalars = lowered.scalars
        self.live = set(range(self.n_params)) | set(self.scalars.op_names)
        enc = Encoder(self.scalars, lowered.cpool)
        adjoint = AdjointEncoder(enc, self.scalars, self.live)
        actions = fuse(lowered.actions, parametric=n >= options.fuse_from)
        self.blocked = options.blocked(n)
        code: list[int] = []
        if self.blocked:
            forward_code, segments = encode_gates(enc, lowered, options, [], [])
            enc.prep = []
            self._sections = self._blocked_layout(adjoint, actions, lowered, options.chunk_qubits, code)
        else:
            forward = [enc.apply(a, lambda w: n - 1 - w, n) for a in actions]
            cotangent, self.outputs, self.n_weights = adjoint.cotangents(lowered)
            backward = []
            for a in reversed(actions):
                state_part, small_part = adjoint.backward(a, lambda w: n - 1 - w, n)
                backward += state_part + small_part
            _append(code, enc.prep + forward + cotangent + backward)
        scratch = any(ins[0] == O.COT_VAR_TERMS for ins in _instructions(code))
        self.code = np.array([n, int(not self.blocked), int(scratch), 0, *code], dtype=np.int64)
        self.rpool = np.array(self.scalars.pool, dtype=np.float64)
        self.cpool = lowered.cpool.array()
        if self.blocked:
            self._forward = (forward_code, BlockedRunner(forward_code, segments))
        self._run = None

    def _blocked_layout(self, adjoint: AdjointEncoder, actions, lowered: Lowered, chunk: int,
                        code: list[int]) -> tuple:
        """Sections of a blocked VJP: prep + cotangents, per group (tasks, its cross registers'
        indices), and the small sweeps."""
        n = self.n_qubits
        top = n - 1

        def section(instructions: list[Instruction]) -> tuple[int, int]:
            start = O.HEADER + len(code)
            _append(code, instructions)
            return start, O.HEADER + len(code)

        cotangent, self.outputs, self.n_weights = adjoint.cotangents(lowered)
        small: list[Instruction] = []
        groups = []
        for wires, members in group_actions(list(reversed(actions)), wire_budget(chunk)):
            before = len(adjoint.cross_registers)
            big: list[Instruction] = []
            if wires is None:
                bits, bit_of, nq = [], (lambda w: top - w), n
            else:
                bits = chunk_bits(n, wires, chunk)
                local = {b: i for i, b in enumerate(bits)}
                bit_of, nq = (lambda w, local=local: local[top - w]), chunk
            for a in members:
                state_part, small_part = adjoint.backward(a, bit_of, nq)
                big += state_part
                small += small_part
            start, end = section(big)
            registers = adjoint.cross_registers[before:]
            index = np.concatenate([np.arange(r, r + size) for r, size in registers] or [np.zeros(0, int)])
            groups.append((_tasks(n, start, end, bits), index))
        prep = section(adjoint.enc.prep + cotangent)
        return prep, groups, section(small)

    def vjp(self, params: np.ndarray | None, cotangents) -> np.ndarray:
        """`g[k] = sum_i <cotangents[i], d result_i / d params[k]>`, g shaped like params."""
        shape = (0,) if params is None else np.shape(params)
        params = self._check(params)
        weights = self._weights(cotangents)
        scalars = self.scalars
        rpool = self.rpool if not scalars.prelude else scalars.run_prelude(params, self.rpool)
        if self._run is None:
            from .kernels_adjoint import adjoint_run

            self._run = adjoint_run
        if self.blocked:
            grad = self._blocked(params, rpool, weights)
        else:
            grad = self._run(self.code, params, rpool, self.cpool, _NO_STATE, _NO_STATE, weights,
                             _NO_FLOATS, _NO_TASK)
        if scalars.prelude:
            self._chain(grad, params, rpool)
        return grad[:self.n_params].reshape(shape)

    def _blocked(self, params: np.ndarray, rpool: np.ndarray, weights: np.ndarray) -> np.ndarray:
        code, run = self.code, self._run
        final = np.empty(1 << self.n_qubits, dtype=complex)
        forward_code, forward = self._forward
        forward(forward_code, params, rpool, self.cpool, final)
        state = np.empty((2, len(final)))  # split, as kernels_adjoint sweeps it
        state[0], state[1] = final.real, final.imag
        del final
        lam = np.zeros_like(state)
        mats = self.cpool.copy()
        grad = np.zeros(self.n_params + len(rpool))
        prep, groups, small = self._sections
        run(code, params, rpool, mats, state, lam, weights, grad, np.array([*prep, 0, 0]))

        def piece(task: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """One thread's chunks, with private cross matrices and gradient (summed below)."""
            own_mats, own_grad = mats.copy(), np.zeros_like(grad)
            run(code, params, rpool, own_mats, state, lam, weights, own_grad, task)
            return own_mats, own_grad

        for tasks, index in groups:
            if len(tasks) == 1:
                run(code, params, rpool, mats, state, lam, weights, grad, tasks[0])
                continue
            for own_mats, own_grad in list(_pool().map(piece, tasks)):  # all copied before any sum
                mats[index] += own_mats[index]
                grad += own_grad
        run(code, params, rpool, mats, state, lam, weights, grad, np.array([*small, 0, 0]))
        return grad

    def _check(self, params) -> np.ndarray:
        if params is None:
            params = np.zeros(0)
        if not (type(params) is np.ndarray and params.dtype == np.float64 and params.ndim == 1
                and params.flags.c_contiguous):
            params = np.ascontiguousarray(params, dtype=np.float64).reshape(-1)
        if params.shape[0] != self.n_params:
            raise BackendError(f"statevector: kernel @{self.name} takes {self.n_params} "
                               f"parameter(s), got {params.shape[0]}")
        return params

    def _weights(self, cotangents) -> np.ndarray:
        """The cotangents as one float vector, in the slots the cotangent section reads."""
        if len(cotangents) != len(self.outputs):
            raise BackendError(f"statevector: kernel @{self.name} has {len(self.outputs)} result(s), "
                               f"got {len(cotangents)} cotangent(s)")
        weights = np.zeros(self.n_weights)
        for c, (slot, size) in zip(cotangents, self.outputs):
            if c is None:
                continue
            if slot < 0:
                raise BackendError(f"statevector: a result of kernel @{self.name} has no derivative "
                                   "(state, bits or samples); its cotangent must be None")
            if size == 1 and (type(c) is float or np.ndim(c) == 0):
                weights[slot] += float(c)
                continue
            flat = np.asarray(c, dtype=np.float64).reshape(-1)
            if flat.shape[0] != size:
                raise BackendError(f"statevector: a cotangent of shape {np.shape(c)} for a result "
                                   f"of {size} value(s) of kernel @{self.name}")
            weights[slot:slot + size] += flat
        return weights

    def _chain(self, grad: np.ndarray, params: np.ndarray, rpool: np.ndarray) -> None:
        """Registers the prelude computes pass their derivatives on to their operands, last first."""
        n = self.n_params

        def read(r: int) -> float:
            return float(params[r] if r < n else rpool[r - n])

        with np.errstate(all="ignore"):
            for out, _, args in reversed(self.scalars.prelude):
                g = grad[out]
                if g == 0.0:
                    continue
                for a, d in zip(args, partials(self.scalars.op_names[out], [read(a) for a in args])):
                    if a in self.live:
                        grad[a] += g * d()


def _append(code: list[int], instructions: list[Instruction]) -> None:
    for ins in instructions:
        code += [ins[0], len(ins) + 1, *ins[1:]]


def _instructions(code: list[int]):
    pc = 0
    while pc < len(code):
        yield code[pc:pc + code[pc + 1]]
        pc += code[pc + 1]


def _tasks(n: int, start: int, end: int, bits: list[int]) -> list[np.ndarray]:
    """Slices of code[start:end] over the chunks of `bits`, a few per thread (as BlockedRunner)."""
    if not bits:
        return [np.array([start, end, 0, 0], dtype=np.int64)]
    chunks = 1 << (n - len(bits))
    pieces = min(chunks, 4 * threads())
    edges = np.linspace(0, chunks, pieces + 1).astype(np.int64)
    return [np.array([start, end, lo, hi, *bits], dtype=np.int64)
            for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
