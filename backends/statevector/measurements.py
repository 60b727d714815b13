"""Lower measurement ops to kernel instructions plus host-side steps that read their results.

Each measurement yields a *step*: a function of the run context returning its result.
Steps run in program order after the numba call, so with shots every draw from the rng
happens in a fixed order. Exact results come straight from the output vector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...ir import BackendError
from . import opcodes as O
from . import sampling
from .encode import local_offsets
from .observables import MatrixObs, PauliObs, PauliTerm
from .pools import ComplexPool, Scalars


@dataclass
class RunContext:
    """What the steps read: the final state, the output vector, registers and the shots data."""

    state: np.ndarray
    out: np.ndarray
    read: Callable[[int], float]
    shots: int | None = None
    rng: np.random.Generator | None = None
    shared: np.ndarray | None = None


Step = Callable[[RunContext], object]


class Measurements:
    """Collects the instructions, output slots and steps of a kernel's measurements."""

    def __init__(self, n: int, shots: int | None, scalars: Scalars, cpool: ComplexPool):
        self.n, self.shots, self.scalars, self.cpool = n, shots, scalars, cpool
        self.instructions: list[tuple[int, ...]] = []
        self.extra: list[tuple[int, ...]] = []  # run by kernels_extra, compiled only when used
        self.out_size = 0
        self.needs_shared = False
        self.states = 0

    def _slot(self, size: int = 1) -> int:
        self.out_size += size
        return self.out_size - size

    def _coeff_reg(self, term: PauliTerm) -> int:
        return -1 if term.coeff is None else self.scalars.reg(term.coeff)

    def _terms(self, op: int, terms: tuple[PauliTerm, ...], unit: bool = False) -> int:
        slot = self._slot()
        fields: list[int] = []
        for t in terms:
            fields += [-1 if unit else self._coeff_reg(t), t.xmask, t.zmask, t.ny]
        target = self.extra if op == O.VAR_TERMS else self.instructions
        target.append((op, slot, len(terms), *fields))
        return slot

    def _matrix(self, op: int, matrix: np.ndarray, bits: tuple[int, ...], size: int = 1) -> int:
        slot = self._slot(size)
        self.extra.append((op, slot, self.cpool.matrix(matrix), len(bits), *bits, *sorted(bits),
                                  *local_offsets(tuple(bits))))
        return slot

    # exact ---------------------------------------------------------------------------

    def expval(self, obs: PauliObs | MatrixObs) -> Step:
        if self.shots is not None:
            return self._sampled(obs, "q.expval")
        if isinstance(obs, PauliObs):
            slot = self._terms(O.EXPVAL_TERMS, obs.terms)
        else:
            slot = self._matrix(O.EXPVAL_MATRIX, obs.matrix, obs.bits)
        return _read_slot(slot)

    def var(self, obs: PauliObs | MatrixObs) -> Step:
        if self.shots is not None:
            return self._sampled(obs, "q.var")
        if isinstance(obs, PauliObs):
            return _read_slot(self._terms(O.VAR_TERMS, obs.terms))
        square = self._matrix(O.EXPVAL_MATRIX, obs.matrix @ obs.matrix, obs.bits)
        mean = self._matrix(O.EXPVAL_MATRIX, obs.matrix, obs.bits)
        return lambda ctx: float(ctx.out[square] - ctx.out[mean] ** 2)

    def probs(self, bits: tuple[int, ...]) -> Step:
        if self.shots is not None:
            self.needs_shared = True
            return lambda ctx: sampling.histogram(ctx.shared, bits)
        slot = self._slot(2 ** len(bits))
        self.instructions.append((O.PROBS, slot, len(bits), *bits))
        return lambda ctx: ctx.out[slot:slot + 2 ** len(bits)].copy()

    def state(self, wires: tuple[int, ...]) -> Step:
        """The exact state (also with shots), axes in the order of `wires`."""
        self.states += 1
        if wires == tuple(range(self.n)) and self.states == 1:  # later ones copy: no aliasing
            return lambda ctx: ctx.state
        shape = (2,) * self.n
        return lambda ctx: np.ascontiguousarray(ctx.state.reshape(shape).transpose(wires)).reshape(-1)

    def bits(self, bits: tuple[int, ...], name: str = "q.bits") -> Step:
        self._require_shots(name)
        self.needs_shared = True
        return lambda ctx: sampling.bits_of(ctx.shared, bits)

    def sample(self, obs: PauliObs | MatrixObs) -> Step:
        self._require_shots("q.sample")
        return self._sampled(obs, "q.sample")

    def _require_shots(self, name: str) -> None:
        if self.shots is None:
            raise BackendError(f"statevector: `{name}` needs shots; build the kernel with shots=N")

    # shots -----------------------------------------------------------------------------

    def _sampled(self, obs: PauliObs | MatrixObs, name: str) -> Step:
        if isinstance(obs, MatrixObs):
            values = self._eigen_values(obs)
        elif name == "q.expval":
            return self._term_estimates(obs)
        else:
            values = self._per_shot_values(obs, name)
        reduce = {"q.expval": np.mean, "q.var": np.var, "q.sample": lambda v: v}[name]
        return lambda ctx: _as_result(reduce(values(ctx)))

    def _eigen_values(self, obs: MatrixObs) -> Step:
        eigenvalues, vectors = np.linalg.eigh(obs.matrix)
        slot = self._matrix(O.ROTATED_PROBS, vectors.conj().T, obs.bits, size=len(eigenvalues))
        size = len(eigenvalues)
        return lambda ctx: sampling.eigen_samples(ctx.out[slot:slot + size], eigenvalues, ctx.shots, ctx.rng)

    def _term_estimates(self, obs: PauliObs) -> Step:
        """sum_k c_k * (estimate of P_k): Z words from the shared samples, others in their own setting."""
        parts: list[tuple[PauliTerm, str, int]] = []
        for t in obs.terms:
            if t.is_identity:
                parts.append((t, "one", 0))
            elif t.is_diagonal:
                self.needs_shared = True
                parts.append((t, "shared", 0))
            else:
                parts.append((t, "own", self._terms(O.EXPVAL_TERMS, (t,), unit=True)))
        regs = {id(t): self._coeff_reg(t) for t in obs.terms}

        def estimate(ctx: RunContext) -> float:
            total = 0.0
            for t, how, slot in parts:
                c = 1.0 if regs[id(t)] < 0 else ctx.read(regs[id(t)])
                if how == "one":
                    total += c
                elif how == "shared":
                    total += c * sampling.z_mean(ctx.shared, t.zmask)
                else:
                    total += c * float(np.mean(sampling.plus_minus(ctx.out[slot], ctx.shots, ctx.rng)))
            return total

        return estimate

    def _per_shot_values(self, obs: PauliObs, name: str) -> Step:
        """Per-shot eigenvalues of a sum that is diagonal, or one word plus identity terms."""
        active = [t for t in obs.terms if not t.is_identity]
        words = {t.word for t in active}
        regs = [(t, self._coeff_reg(t)) for t in obs.terms]
        if all(t.is_diagonal for t in active):
            self.needs_shared = True  # also for identities alone: the protocol says so (sampling.py)
            slot = None
        elif len(words) == 1:
            slot = self._terms(O.EXPVAL_TERMS, (active[0],), unit=True)
        else:
            raise BackendError(
                f"statevector: `{name}` of a sum of non-commuting-basis Pauli words cannot be "
                "sampled in one setting; measure each word separately (or use expval, which "
                "estimates each term in its own setting), or run without shots")

        def values(ctx: RunContext) -> np.ndarray:
            own = None if slot is None else sampling.plus_minus(ctx.out[slot], ctx.shots, ctx.rng)
            total = np.zeros(ctx.shots)
            for t, r in regs:
                c = 1.0 if r < 0 else ctx.read(r)
                if t.is_identity:
                    total += c
                elif own is not None:
                    total += c * own
                else:
                    total += c * sampling.z_signs(ctx.shared, t.zmask)
            return total

        return values


def _read_slot(slot: int) -> Step:
    """A step reading one float; tagged with its slot so Program.run can skip the steps."""

    def read(ctx: RunContext) -> float:
        return float(ctx.out[slot])

    read.slot = slot  # type: ignore[attr-defined]
    return read


def _as_result(x):
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64)
