"""Observables: Pauli words, their linear combinations (coefficients may be traced), Hermitian matrices.

`kt.Z(0) @ kt.Z(1)`, `0.5 * obs + 0.2 * obs`, `kt.Hamiltonian(coeffs, ops)` and
`kt.Hermitian(M, wires)` build them anywhere; a measurement inside a qjit function turns
them into `q.obs` / `q.hermitian` ops. Weighted Pauli sums stay symbolic so their
coefficients stay differentiable; anything mixing in a Hermitian matrix is folded into
one constant matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ir import ShapeError, TraceError
from ..ir.gates import PAULIS
from ..ir.quantum import hermitian_problem
from .circuit import current_circuit, normalize_wires
from .operations import Operation, _constant_matrix
from .tracing import Tracer, TracerArray, is_number, real

Word = tuple[tuple[int, str], ...]  # ((wire, "X"|"Y"|"Z"), ...) sorted by wire
_SQRT_HALF = 1 / np.sqrt(2)


class Observable:
    """Base of observables; supports @ (tensor product on distinct wires), *, + and -."""

    @property
    def wires(self) -> tuple[int, ...]:
        raise NotImplementedError

    def __matmul__(self, other: Any) -> Observable:
        return product(self, as_observable(other))

    def __rmatmul__(self, other: Any) -> Observable:
        return product(as_observable(other), self)

    def __mul__(self, k: Any) -> Observable:
        return scale(self, k)

    __rmul__ = __mul__

    def __truediv__(self, k: Any) -> Observable:
        if isinstance(k, np.ndarray) and k.shape == ():
            k = k[()]
        if not (is_number(k) or isinstance(k, Tracer)):
            raise TraceError(f"an observable can be divided by a number or traced value, not by "
                             f"{type(k).__name__} {k!r:.40}")
        if not isinstance(k, Tracer) and k == 0:
            raise TraceError(f"{self!r} / {k!r}: an observable divided by zero; divide by a nonzero "
                             f"number, or leave the term out")
        return scale(self, 1.0 / k)

    def __rtruediv__(self, k: Any) -> Observable:
        raise TraceError(f"{k!r:.40} / {self!r}: an observable has no inverse; divide an "
                         f"observable by a number instead")

    def __add__(self, other: Any) -> Observable:
        return add(self, other)

    def __radd__(self, other: Any) -> Observable:
        return add(other, self)

    def __sub__(self, other: Any) -> Observable:
        return add(self, scale(as_observable(other, numbers=True), -1.0))

    def __rsub__(self, other: Any) -> Observable:
        return add(other, scale(self, -1.0))

    def __neg__(self) -> Observable:
        return scale(self, -1.0)

    def matrix(self, wire_order: Sequence[int] | None = None) -> np.ndarray:
        """The dense matrix on `wire_order` (default: the observable's wires, sorted)."""
        m, wires = dense(self)
        return embed(m, wires, tuple(wire_order) if wire_order is not None else wires)


class PauliSum(Observable):
    """`sum_k coeff_k * word_k`; coefficients are numbers or tracers."""

    def __init__(self, terms: Sequence[tuple[Any, Word]]):
        self.terms = tuple(terms)

    @property
    def wires(self) -> tuple[int, ...]:
        return tuple(sorted({w for _, word in self.terms for w, _ in word}))

    def __repr__(self) -> str:
        parts = []
        for c, word in self.terms:
            name = " @ ".join(f"{p}({w})" for w, p in word) or "I"
            parts.append(name if isinstance(c, float) and c == 1.0 else f"{c!r} * {name}")
        return " + ".join(parts)


class Hermitian(Observable):
    """A constant Hermitian matrix on `wires` (PennyLane's `qml.Hermitian(A, wires)`)."""

    def __init__(self, A: Any, wires: Any, id: str | None = None):
        if isinstance(A, (Tracer, TracerArray)) or (isinstance(A, np.ndarray) and A.dtype == object):
            raise TraceError("kt.Hermitian needs a constant matrix; for trainable coefficients use "
                             "a weighted sum of Pauli words (kt.Hamiltonian)")
        self._wires = normalize_wires(wires, "Hermitian")
        circuit = current_circuit()
        if circuit is not None:
            circuit.check_wires(self._wires, "Hermitian")
        m = _constant_matrix(A, "Hermitian")
        dim = 2 ** len(self._wires)
        if m.shape != (dim, dim):
            raise ShapeError(f"Hermitian on {len(self._wires)} wire(s) needs a {dim}x{dim} matrix, "
                             f"got shape {m.shape}")
        problem = hermitian_problem(m)  # the verifier's own check, made early for a clear message
        if problem is not None:
            raise TraceError(f"kt.Hermitian: {problem}")
        self.matrix_value = m

    @property
    def wires(self) -> tuple[int, ...]:
        return self._wires

    def __repr__(self) -> str:
        return f"Hermitian(<{len(self.matrix_value)}x{len(self.matrix_value)}>, wires={list(self._wires)})"


def as_observable(x: Any, numbers: bool = False) -> Observable:
    """An Observable from an observable or a gate object (taken out of the circuit).

    Args:
        numbers: also accept a number as that multiple of the identity (`H + 2`).
    """
    if isinstance(x, Observable):
        return x
    if numbers and (is_number(x) or isinstance(x, Tracer)):
        return PauliSum(((x, ()),))
    if not isinstance(x, Operation):
        raise TraceError(f"expected an observable (e.g. kt.Z(0), kt.Hermitian(M, wires)), "
                         f"got {type(x).__name__}: {x!r}")
    circuit = current_circuit()
    if circuit is not None:
        circuit.remove(x)
    if x.adjoint or x.controls:
        raise TraceError(f"{x!r} is a transformed gate, not an observable")
    if x.name in ("PauliX", "PauliY", "PauliZ"):
        return PauliSum(((1.0, ((x.wires[0], x.name[-1]),)),))
    if x.name == "Identity":
        return PauliSum(((1.0, ()),))
    if x.name == "Hadamard":
        w = x.wires[0]
        return PauliSum(((_SQRT_HALF, ((w, "X"),)), (_SQRT_HALF, ((w, "Z"),))))
    if x.num_params == 0 and x.spec is not None and np.allclose(x.spec.fixed, x.spec.fixed.conj().T):
        return Hermitian(x.spec.fixed, x.wires)
    reason = "it has parameters" if x.num_params else "its matrix is not Hermitian"
    raise TraceError(f"{x.name} cannot be measured as an observable: {reason}")


def product(a: Observable, b: Observable) -> Observable:
    overlap = set(a.wires) & set(b.wires)
    if overlap:
        raise TraceError(f"the tensor product {a!r} @ {b!r} acts twice on wire {min(overlap)}; "
                         f"@ combines observables on different wires")
    if isinstance(a, PauliSum) and isinstance(b, PauliSum):
        return PauliSum([(ca * cb, tuple(sorted(wa + wb))) for ca, wa in a.terms for cb, wb in b.terms])
    (ma, wa), (mb, wb) = dense(a), dense(b)
    return Hermitian(np.kron(ma, mb), wa + wb)


def scale(obs: Observable, k: Any) -> Observable:
    if isinstance(k, np.ndarray) and k.shape == ():
        k = k[()]
    if not (is_number(k) or isinstance(k, Tracer)):
        raise TraceError(f"an observable can be scaled by a number or traced value, not {k!r:.60}")
    if is_number(k):
        real(k, "an observable's coefficient")  # a huge int fails here, not at run time
    if isinstance(obs, PauliSum):
        return PauliSum([(c * k, word) for c, word in obs.terms])
    if isinstance(k, Tracer):
        raise TraceError("a Hermitian matrix observable cannot take a traced coefficient; use "
                         "Pauli words for trainable coefficients")
    return Hermitian(obs.matrix_value * float(k), obs.wires)


def add(a: Any, b: Any) -> Observable:
    a, b = as_observable(a, numbers=True), as_observable(b, numbers=True)
    if isinstance(a, PauliSum) and isinstance(b, PauliSum):
        return PauliSum(a.terms + b.terms)
    wires = tuple(sorted(set(a.wires) | set(b.wires)))
    (ma, wa), (mb, wb) = dense(a), dense(b)
    return Hermitian(embed(ma, wa, wires) + embed(mb, wb, wires), wires)


def Hamiltonian(coeffs: Any, observables: Sequence[Any]) -> Observable:
    """`sum_i coeffs[i] * observables[i]`; coefficients may be traced (and are differentiable)."""
    try:
        coeffs = list(coeffs.flat) if isinstance(coeffs, np.ndarray) else list(coeffs)
        observables = list(observables)
    except TypeError:
        raise ShapeError("Hamiltonian(coeffs, observables) takes a sequence of coefficients and a "
                         "sequence of observables of the same length") from None
    if len(coeffs) != len(observables):
        raise ShapeError(f"Hamiltonian got {len(coeffs)} coefficients for {len(observables)} "
                         f"observables; give one coefficient per observable")
    if not observables:
        raise ShapeError("Hamiltonian needs at least one term")
    total = scale(as_observable(observables[0]), coeffs[0])
    for c, o in zip(coeffs[1:], observables[1:]):
        total = add(total, scale(as_observable(o), c))
    return total


def dense(obs: Observable) -> tuple[np.ndarray, tuple[int, ...]]:
    """(matrix, wires) of a constant observable."""
    if isinstance(obs, Hermitian):
        return obs.matrix_value, obs.wires
    wires = obs.wires
    total = np.zeros((2 ** len(wires),) * 2, dtype=complex)
    for c, word in obs.terms:
        if isinstance(c, Tracer):
            raise TraceError("this combination needs a dense matrix, which a traced coefficient "
                             "cannot give; keep traced coefficients on Pauli words only")
        letters = dict(word)
        factors = [PAULIS[letters.get(w, "I")] for w in wires]
        term = factors[0] if factors else np.eye(1)
        for f in factors[1:]:
            term = np.kron(term, f)
        total += c * term
    return total, wires


def embed(m: np.ndarray, wires: tuple[int, ...], target: tuple[int, ...]) -> np.ndarray:
    """`m` on `wires`, as a matrix on `target` (a superset), identity elsewhere."""
    missing = [w for w in target if w not in wires]
    if set(wires) - set(target):
        raise ShapeError(f"wire order {list(target)} misses wires of {list(wires)}")
    full = np.kron(m, np.eye(2 ** len(missing)))
    order = list(wires) + missing
    k = len(order)
    perm = [order.index(w) for w in target]
    t = full.reshape((2,) * 2 * k).transpose(perm + [k + p for p in perm])
    return t.reshape(2**k, 2**k)


def eigenvalues(obs: Observable) -> list[float]:
    """The distinct eigenvalues, ascending (near-equal ones merged): the keys of kt.counts(obs).

    A Pauli word has two and a sum of Z words is diagonal, so neither needs the dense matrix
    (which has 4^n entries); only other sums and Hermitian matrices are diagonalised.
    """
    if isinstance(obs, Hermitian):
        values = np.linalg.eigvalsh(obs.matrix_value)
    else:
        if any(isinstance(c, Tracer) for c, _ in obs.terms):
            raise TraceError("kt.counts of an observable with traced coefficients has no fixed "
                             "outcomes; use constant coefficients or kt.sample")
        shift = sum(float(c) for c, word in obs.terms if not word)
        active = [(float(c), word) for c, word in obs.terms if word]
        if len({word for _, word in active}) <= 1:
            total = sum(c for c, _ in active)
            values = np.array([shift - total, shift + total] if active else [shift])
        elif all(p == "Z" for _, word in active for _, p in word):
            values = shift + _z_diagonal(active, obs.wires)
        else:
            values = np.linalg.eigvalsh(dense(obs)[0])
    distinct: list[float] = []
    for v in np.sort(values):
        if not distinct or not np.isclose(v, distinct[-1], rtol=1e-9, atol=1e-9):
            distinct.append(float(v))
    return distinct


def _z_diagonal(terms: list[tuple[float, Word]], wires: tuple[int, ...]) -> np.ndarray:
    """The diagonal of a sum of Z words on `wires` (first wire most significant)."""
    index = np.arange(2 ** len(wires))
    total = np.zeros(len(index))
    for c, word in terms:
        mask = sum(1 << (len(wires) - 1 - wires.index(w)) for w, _ in word)
        parity = np.bitwise_count(index & mask) % 2 if hasattr(np, "bitwise_count") else np.array(
            [bin(i & mask).count("1") % 2 for i in index])
        total += c * (1.0 - 2.0 * parity)
    return total
