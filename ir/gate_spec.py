"""What the gate table knows about one gate, and everything derived from it.

A gate is described by data only: a fixed matrix, or generators
`U(theta) = ... exp(-i theta_1 G_1) exp(-i theta_0 G_0)` (factors in application order),
plus its controls, decomposition and OpenQASM name. Matrices, inverses, eigen-factors,
shift-rule frequencies and structure (diagonal, phased permutation) are all derived here,
so no pass or backend keeps its own knowledge of any gate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Affine:
    """`offset + sum(coeff * params[index])`: a decomposition step's parameter."""

    terms: tuple[tuple[int, float], ...] = ()
    offset: float = 0.0

    @staticmethod
    def param(index: int) -> Affine:
        return Affine(((index, 1.0),))

    def __add__(self, other: Affine | float) -> Affine:
        if isinstance(other, Affine):
            merged = dict(self.terms)
            for i, c in other.terms:
                merged[i] = merged.get(i, 0.0) + c
            return Affine(tuple(sorted(merged.items())), self.offset + other.offset)
        return Affine(self.terms, self.offset + float(other))

    __radd__ = __add__

    def __mul__(self, k: float) -> Affine:
        return Affine(tuple((i, c * k) for i, c in self.terms), self.offset * k)

    __rmul__ = __mul__

    def __neg__(self) -> Affine:
        return self * -1.0

    def __sub__(self, other: Affine | float) -> Affine:
        return self + (-other)

    def __truediv__(self, k: float) -> Affine:
        return self * (1.0 / k)

    def evaluate(self, params: Sequence[float]) -> float:
        return self.offset + sum(c * params[i] for i, c in self.terms)


def const(value: float) -> Affine:
    return Affine((), float(value))


@dataclass(frozen=True)
class Step:
    """One gate of a decomposition: `gate` on local wire indices `wires` of the parent."""

    gate: str
    wires: tuple[int, ...]
    params: tuple[Affine, ...] = ()
    adjoint: bool = False


@dataclass(frozen=True)
class Factor:
    """`exp(-i theta_param G)` with `G = vectors @ diag(eigenvalues) @ vectors^dagger`."""

    param: int
    eigenvalues: np.ndarray
    vectors: np.ndarray

    def matrix(self, theta: float, sign: float = 1.0) -> np.ndarray:
        phases = np.exp(-1j * sign * theta * self.eigenvalues)
        return (self.vectors * phases) @ self.vectors.conj().T


Decomposition = Callable[[int], tuple[Step, ...]]


@dataclass(frozen=True, eq=False)
class GateSpec:
    """One row of the gate table. `num_wires=None` means any number of wires >= 1."""

    name: str
    num_wires: int | None
    num_params: int = 0
    qasm: str | None = None
    fixed: np.ndarray | None = None
    generators: Callable[[int], tuple[tuple[int, np.ndarray], ...]] | None = None
    control: tuple[str, int] | None = None
    decomposition: Decomposition | None = None
    qasm_adjoint: str | None = None
    alternatives: tuple[Decomposition, ...] = field(default=())
    """Other decompositions (exact up to a global phase) a basis search may prefer, e.g. CNOT
    through ECR or CZ: the table's main `decomposition` bottoms out in RX, RY, RZ and CNOT."""
    aliases: tuple[str, ...] = field(default=())
    param_names: tuple[str, ...] = ()
    """PennyLane's names of the parameters, for keyword calls and messages."""

    def accepts_wires(self, n: int) -> bool:
        return n >= 1 if self.num_wires is None else n == self.num_wires

    def wires_for(self, n: int | None) -> int:
        """The wire count to use when `n` is not given (fixed-width gates know theirs)."""
        if n is None:
            if self.num_wires is None:
                raise ValueError(f"{self.name} acts on any number of wires: give n_wires")
            return self.num_wires
        return n

    def factors(self, n_wires: int | None = None) -> tuple[Factor, ...]:
        """The eigen-factors of a parametric gate, in application order."""
        return _factors(self, self.wires_for(n_wires))

    def matrix(
        self, params: Sequence[float] = (), n_wires: int | None = None, adjoint: bool = False
    ) -> np.ndarray:
        """The unitary, wire 0 most significant; `adjoint=True` gives its inverse.

        Raises:
            ValueError: wrong number of parameters.
        """
        if len(params) != self.num_params:
            raise ValueError(f"{self.name} takes {self.num_params} parameter(s), got {len(params)}")
        if self.fixed is not None:
            return self.fixed.conj().T.copy() if adjoint else self.fixed.copy()
        dim = 2 ** self.wires_for(n_wires)
        u = np.eye(dim, dtype=complex)
        factors = self.factors(n_wires)
        for f in reversed(factors) if adjoint else factors:
            u = f.matrix(float(params[f.param]), -1.0 if adjoint else 1.0) @ u
        return u

    def frequencies(self, param: int, n_wires: int | None = None) -> tuple[float, ...]:
        """Distinct positive differences of the generator's eigenvalues for `param`.

        One frequency means a two-term shift rule; CRX's {0.5, 1.0} a four-term one.
        """
        freqs: set[float] = set()
        for f in self.factors(n_wires):
            if f.param == param:
                ev = f.eigenvalues
                freqs.update(round(float(abs(a - b)), 12) for a in ev for b in ev if abs(a - b) > 1e-12)
        return tuple(sorted(freqs))

    def is_diagonal(self, n_wires: int | None = None) -> bool:
        # A generic parameter point: a parametric gate is diagonal iff its matrix there is.
        params = [0.4123 + 0.317 * k for k in range(self.num_params)]
        return _is_diagonal(self.matrix(params, n_wires))

    def permutation(self) -> tuple[np.ndarray, np.ndarray] | None:
        """`(perm, phases)` with `U[perm[j], j] = phases[j]` if U is a phased permutation."""
        if self.fixed is None:
            return None
        nonzero = np.abs(self.fixed) > 1e-12
        if not (nonzero.sum(axis=0) == 1).all():
            return None
        perm = nonzero.argmax(axis=0)
        return perm, self.fixed[perm, np.arange(len(perm))]

    def decompose(self, n_wires: int | None = None) -> tuple[Step, ...] | None:
        """Steps whose product equals this gate up to a global phase; None for basis gates."""
        if self.decomposition is None:
            return None
        return self.decomposition(self.wires_for(n_wires))

    def decompositions(self, n_wires: int | None = None) -> tuple[tuple[Step, ...], ...]:
        """Every decomposition of this gate: the main one (if any) first, then `alternatives`."""
        n = self.wires_for(n_wires)
        main = () if self.decomposition is None else (self.decomposition(n),)
        return (*main, *(d(n) for d in self.alternatives))


def _is_diagonal(m: np.ndarray) -> bool:
    return bool(np.allclose(m, np.diag(np.diag(m)), atol=1e-12))


@functools.cache
def _factors(spec: GateSpec, n_wires: int) -> tuple[Factor, ...]:
    if spec.generators is None:
        return ()
    out = []
    for param, g in spec.generators(n_wires):
        eigenvalues, vectors = np.linalg.eigh(g)
        eigenvalues.setflags(write=False)
        vectors.setflags(write=False)
        out.append(Factor(param, eigenvalues, vectors))
    return tuple(out)
