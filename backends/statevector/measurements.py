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
from ..memory import SHOT_CHUNK
from . import opcodes as O
from . import sampling
from .encode import local_offsets
from .observables import MatrixObs, PauliObs, PauliTerm
from .pools import ComplexPool, Scalars


@dataclass
class RunContext:
    """What the steps read: the final state, the output vector, registers and the shots data
    (`shared[i]`: shared use i's statistic of each chunk of shared samples)."""

    state: np.ndarray
    out: np.ndarray
    read: Callable[[int], float]
    shots: int | None = None
    rng: np.random.Generator | None = None
    shared: list[list] | None = None
    chunk: int = SHOT_CHUNK


Step = Callable[[RunContext], object]


class Measurements:
    """Collects the instructions, output slots and steps of a kernel's measurements."""

    def __init__(self, n: int, shots: int | None, scalars: Scalars, cpool: ComplexPool):
        self.n, self.shots, self.scalars, self.cpool = n, shots, scalars, cpool
        self.instructions: list[tuple[int, ...]] = []
        self.extra: list[tuple[int, ...]] = []  # run by kernels_extra, compiled only when used
        self.out_size = 0
        self.shared_uses: list[Callable] = []  # use(ctx, indices): a statistic of one chunk of them
        self.per_shot = False  # a result holds every shot: draw the shared samples all at once
        self.states = 0

    def _shared_use(self, use: Callable) -> int:
        """Register `use(ctx, indices)`, a statistic of each chunk of shared samples; its index."""
        self.shared_uses.append(use)
        return len(self.shared_uses) - 1

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
            i = self._shared_use(lambda ctx, indices: sampling.outcome_counts(indices, bits))
            return lambda ctx: sum(ctx.shared[i]).astype(np.float64) / ctx.shots
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
        self.per_shot = True
        i = self._shared_use(lambda ctx, indices: sampling.bits_of(indices, bits))
        return lambda ctx: ctx.shared[i][0]

    def sample(self, obs: PauliObs | MatrixObs) -> Step:
        self._require_shots("q.sample")
        return self._sampled(obs, "q.sample")

    def _require_shots(self, name: str) -> None:
        if self.shots is None:
            raise BackendError(f"statevector: `{name}` needs shots; build the kernel with shots=N")

    # shots -----------------------------------------------------------------------------

    def _sampled(self, obs: PauliObs | MatrixObs, name: str) -> Step:
        """expval, var or sample with shots: per-shot values drawn and reduced chunk by chunk
        (sample: one chunk of every shot, its result)."""
        if isinstance(obs, PauliObs) and name == "q.expval":
            return self._term_estimates(obs)
        sample = name == "q.sample"
        self.per_shot |= sample
        reduce = _as_result if sample else sampling.moments
        values, diagonal = (self._eigen_values(obs), False) if isinstance(obs, MatrixObs) \
            else self._pauli_values(obs, name)
        if diagonal:
            i = self._shared_use(lambda ctx, indices: reduce(values(ctx, len(indices), indices)))
            chunks = lambda ctx: ctx.shared[i]  # noqa: E731
        else:
            def chunks(ctx: RunContext) -> list:
                size = ctx.shots if sample else ctx.chunk
                return [reduce(values(ctx, n)) for n in sampling.chunk_sizes(ctx.shots, size)]
        if sample:
            return lambda ctx: chunks(ctx)[0]
        var = name == "q.var"
        return lambda ctx: sampling.merged(chunks(ctx), var)

    def _eigen_values(self, obs: MatrixObs) -> Callable:
        """`values(ctx, n)`: n eigenvalues drawn in the observable's own setting."""
        eigenvalues, vectors = np.linalg.eigh(obs.matrix)
        slot = self._matrix(O.ROTATED_PROBS, vectors.conj().T, obs.bits, size=len(eigenvalues))
        size = len(eigenvalues)
        return lambda ctx, n: sampling.eigen_samples(ctx.out[slot:slot + size], eigenvalues, n, ctx.rng)

    def _term_estimates(self, obs: PauliObs) -> Step:
        """sum_k c_k * (estimate of P_k): Z words from the shared samples, others in their own setting."""
        parts: list[tuple[PauliTerm, str, int]] = []
        for t in obs.terms:
            if t.is_identity:
                parts.append((t, "one", 0))
            elif t.is_diagonal:
                use = self._shared_use(lambda ctx, indices, mask=t.zmask: sampling.odd_shots(indices, mask))
                parts.append((t, "shared", use))
            else:
                parts.append((t, "own", self._terms(O.EXPVAL_TERMS, (t,), unit=True)))
        regs = {id(t): self._coeff_reg(t) for t in obs.terms}

        def estimate(ctx: RunContext) -> float:
            total = 0.0
            for t, how, index in parts:
                c = 1.0 if regs[id(t)] < 0 else ctx.read(regs[id(t)])
                if how == "one":
                    total += c
                elif how == "shared":
                    total += c * sampling.sign_mean(sum(ctx.shared[index]), ctx.shots)
                else:
                    minus = sampling.minus_count(ctx.out[index], ctx.shots, ctx.chunk, ctx.rng)
                    total += c * sampling.sign_mean(minus, ctx.shots)
            return total

        return estimate

    def _pauli_values(self, obs: PauliObs, name: str) -> tuple[Callable, bool]:
        """`values(ctx, n, indices)`: per-shot eigenvalues of a sum, and whether it is diagonal
        (read from the shared samples `indices`) rather than one word plus identity terms
        (drawn in the word's own setting, n shots)."""
        active = [t for t in obs.terms if not t.is_identity]
        diagonal = all(t.is_diagonal for t in active)  # also identities alone: the protocol says so
        if not diagonal and len({t.word for t in active}) > 1:
            raise BackendError(
                f"statevector: `{name}` of a sum of non-commuting-basis Pauli words cannot be "
                "sampled in one setting; measure each word separately (or use expval, which "
                "estimates each term in its own setting), or run without shots")
        slot = None if diagonal else self._terms(O.EXPVAL_TERMS, (active[0],), unit=True)
        regs = [(t, self._coeff_reg(t)) for t in obs.terms]

        def values(ctx: RunContext, n: int, indices: np.ndarray | None = None) -> np.ndarray:
            own = None if slot is None else sampling.plus_minus(ctx.out[slot], n, ctx.rng)
            total = np.zeros(n)
            for t, r in regs:
                c = 1.0 if r < 0 else ctx.read(r)
                if t.is_identity:
                    total += c
                elif own is not None:
                    total += c * own
                else:
                    total += c * sampling.z_signs(indices, t.zmask)
            return total

        return values, diagonal


def _read_slot(slot: int) -> Step:
    """A step reading one float; tagged with its slot so Program.run can skip the steps."""

    def read(ctx: RunContext) -> float:
        return float(ctx.out[slot])

    read.slot = slot  # type: ignore[attr-defined]
    return read


def _as_result(x):
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64)
