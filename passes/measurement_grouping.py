"""Measurement grouping: a kernel's outputs as computational-basis measurements for hardware.

A QPU returns counts of bitstrings, nothing else. An expectation value of a Pauli sum is
estimated from counts taken after rotating each wire into the basis of its Pauli factor;
terms that agree wire by wire (qubit-wise commuting) share one program. Grouping colours
the conflict graph of the terms (networkx greedy colouring, largest first): each colour
is one program. Probabilities need the computational basis on their wires and join a
group like a Z word on those wires. The plan keeps, per output, which group answers it
and how, so counts can be turned back into the kernel's results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..ir import Function, KettleError, Return, Value
from ..ir import quantum as Q
from ..ir.pauli import parse_word
from ..ir.types import tensor

Word = tuple[tuple[int, str], ...]
"""A Pauli word on wires: `((wire, "X"), (wire, "Z"), ...)`, sorted by wire."""

_ROTATIONS = {"X": (("Hadamard", False),), "Y": (("S", True), ("Hadamard", False)), "Z": ()}
"""Gates taking the eigenbasis of each Pauli to the computational basis (Y: S^dagger, then H)."""


@dataclass(frozen=True)
class Term:
    """`coefficient * <word>`; `coefficient` is a kernel value (None means 1)."""

    coefficient: Value | None
    word: Word
    group: int


@dataclass(frozen=True)
class Output:
    """How one kernel result is rebuilt: `kind` is "expval", "var" or "probs"."""

    kind: str
    terms: tuple[Term, ...] = ()
    wires: tuple[int, ...] = ()
    group: int = -1


@dataclass(frozen=True)
class MeasurementPlan:
    """One measurement kernel per group (gates, basis rotations, probs of every wire)."""

    kernels: tuple[Function, ...]
    bases: tuple[Mapping[int, str], ...]
    outputs: tuple[Output, ...]
    num_wires: int

    def rebuild(self, counts: Sequence[Mapping[str, float]], coefficients: Mapping[Value, float]) -> tuple:
        """The kernel's results from one counts dict per group (keys: bit i = wire i, wire 0
        leftmost) and the values of the coefficient operands."""
        if len(counts) != len(self.kernels):
            raise KettleError(f"expected counts from {len(self.kernels)} program(s), got {len(counts)}")
        bits = [_bit_table(c, self.num_wires) for c in counts]
        results = []
        for out in self.outputs:
            if out.kind == "probs":
                results.append(_marginal(bits[out.group], out.wires))
                continue
            value = sum((1.0 if t.coefficient is None else coefficients[t.coefficient])
                        * _parity_mean(bits[t.group], [w for w, _ in t.word]) for t in out.terms)
            if out.kind == "var":
                c = 1.0 if out.terms[0].coefficient is None else coefficients[out.terms[0].coefficient]
                value = c * c - value * value
            results.append(float(value))
        return tuple(results)


def plan_measurements(kernel: Function) -> MeasurementPlan:
    """Group `kernel`'s measurements into computational-basis programs.

    Raises:
        KettleError: an output hardware cannot give from counts (state, samples, Hermitian
            observables, the variance of a Pauli sum), named with the fix.
    """
    wire_of = _wires(kernel)
    defs = {r: o for o in kernel.body for r in o.results}
    ret = kernel.body[-1]
    assert isinstance(ret, Return)
    requests = [_request(defs[v], defs, wire_of, kernel.name) for v in ret.values]
    words = sorted({w for kind, items in requests for _, w in items} if requests else set())
    colour = _colour(words)
    outputs = []
    for kind, items in requests:
        if kind == "probs":
            (_, word), = items
            outputs.append(Output("probs", wires=tuple(w for w, _ in word), group=colour[word]))
        else:
            outputs.append(Output(kind, tuple(Term(c, w, colour[w]) for c, w in items)))
    n_groups = max(colour.values(), default=-1) + 1 or 1
    bases: list[dict[int, str]] = [{} for _ in range(n_groups)]
    for word, g in colour.items():
        bases[g].update(word)
    n = next(o for o in kernel.body if isinstance(o, Q.Alloc)).wires
    kernels = tuple(_measurement_kernel(kernel, wire_of, basis, f"{kernel.name}_m{g}", n)
                    for g, basis in enumerate(bases))
    return MeasurementPlan(kernels, tuple(bases), tuple(outputs), n)


def _request(o, defs, wire_of, name) -> tuple[str, list[tuple[Value | None, Word]]]:
    if isinstance(o, Q.Probs):
        return "probs", [(None, tuple((wire_of[q], "Z") for q in o.qubits))]
    if isinstance(o, (Q.Expval, Q.Var)):
        obs = defs[o.obs]
        if not isinstance(obs, Q.PauliSum):
            raise KettleError(f"@{name}: a Hermitian-matrix observable cannot be measured from counts "
                              f"yet; write it as a sum of Pauli words (kt.Hamiltonian)")
        coeffs = obs.coeffs or (None,) * len(obs.words)
        items = [(c, tuple(sorted((wire_of[obs.qubits[i]], p) for p, i in parse_word(w))))
                 for c, w in zip(coeffs, obs.words)]
        if isinstance(o, Q.Var):
            if len(items) != 1:
                raise KettleError(f"@{name}: the variance of a sum of {len(items)} Pauli words needs "
                                  f"products of terms; export kt.var of one word, or its expval")
            return "var", items
        return "expval", items
    what = {"q.state": "kt.state()", "q.sample": "kt.sample",
            "q.bits": "kt.sample/kt.counts"}.get(o.name, o.name)
    raise KettleError(f"@{name}: {what} has no counts-based estimate; return kt.probs or kt.expval "
                      f"(a QPU returns counts, from which these are rebuilt)")


def _colour(words: Sequence[Word]) -> dict[Word, int]:
    """Qubit-wise-commuting groups: words conflict when some wire has two different Paulis."""
    graph = nx.Graph()
    graph.add_nodes_from(words)
    factors = [dict(w) for w in words]
    for i, a in enumerate(factors):
        for j in range(i + 1, len(words)):
            b = factors[j]
            if any(b.get(w, p) != p for w, p in a.items()):
                graph.add_edge(words[i], words[j])
    return nx.coloring.greedy_color(graph, strategy="largest_first")


def _wires(kernel: Function) -> dict[Value, int]:
    wire_of: dict[Value, int] = {}
    for o in kernel.body:
        if isinstance(o, Q.Alloc):
            wire_of.update((v, i) for i, v in enumerate(o.out))
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            wire_of.update((new, wire_of[old]) for old, new in zip(o.qubits, o.out))
    return wire_of


_MEASUREMENTS = (Q.PauliSum, Q.Hermitian, Q.Expval, Q.Var, Q.Probs, Q.Bits, Q.Sample, Q.State, Return)


def _measurement_kernel(kernel: Function, wire_of, basis: Mapping[int, str], name: str, n: int) -> Function:
    body = [o for o in kernel.body if not isinstance(o, _MEASUREMENTS)]
    last: dict[int, Value] = {}
    for v, w in wire_of.items():
        last[w] = v  # wire_of is filled in program order: the last value per wire wins
    for w in sorted(basis):
        for gate, adjoint in _ROTATIONS[basis[w]]:
            new = Value(last[w].type, f"q{w}")
            body.append(Q.Gate(gate=gate, adjoint=adjoint, ctrl=(), params=(), qubits=(last[w],), out=(new,)))
            last[w] = new
    probs = Value(tensor(2 ** n), "probs")
    body.append(Q.Probs(qubits=tuple(last[w] for w in range(n)), out=probs))
    body.append(Return(values=(probs,)))
    return kernel.replace(name=name, result_types=(probs.type,), body=tuple(body),
                          attrs={k: v for k, v in kernel.attrs.items() if k != "shots"})


def _bit_table(counts: Mapping[str, float], n: int) -> tuple[np.ndarray, np.ndarray]:
    """`(bits, weights)`: one row of 0/1 per distinct bitstring, and its share of the shots."""
    if not isinstance(counts, Mapping) or not counts:
        raise KettleError(f"each program's counts must be a non-empty dict of bitstring -> count, got "
                          f"{counts!r:.60}")
    keys = [k.replace(" ", "") if isinstance(k, str) else k for k in counts]
    for k in keys:
        if not isinstance(k, str) or set(k) - {"0", "1"}:
            raise KettleError(f"counts key {k!r} is not a bitstring such as {'0' * n!r}")
        if len(k) != n:
            raise KettleError(f"counts key {k!r} has {len(k)} bits; the program measures {n} "
                              f"(one key character per classical bit, c[0] leftmost)")
    bits = np.array([[c == "1" for c in k] for k in keys], dtype=np.int8)
    weights = np.array(list(counts.values()), dtype=float)
    if not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise KettleError("counts must be non-negative numbers with a positive total: every program "
                          "needs at least one shot")
    return bits, weights / weights.sum()


def _parity_mean(table, wires: Sequence[int]) -> float:
    bits, weights = table
    if not wires:
        return 1.0
    signs = 1 - 2 * (bits[:, list(wires)].sum(axis=1) % 2)
    return float(signs @ weights)


def _marginal(table, wires: Sequence[int]) -> np.ndarray:
    bits, weights = table
    index = np.zeros(len(bits), dtype=np.int64)
    for w in wires:
        index = 2 * index + bits[:, w]
    return np.bincount(index, weights=weights, minlength=2 ** len(wires)).astype(float)


__all__ = ["MeasurementPlan", "Output", "Term", "plan_measurements"]
