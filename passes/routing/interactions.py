"""Two-qubit interactions as a DAG that knows which gates commute.

Each interaction waits only for what it does not commute with: on every qubit, a gate's
action is "z" (it commutes with Pauli Z there: a control, RZ, CZ), "x" (with Pauli X: a
CNOT target, RX) or neither, and a maximal run of one kind on a qubit is a block whose gates
may run in any order. The router picks from every interaction whose blocks are open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Kind = str | None
"""How an op acts on one of its qubits: "z" if it commutes with Pauli Z there (diagonal: a
control, RZ, CZ), "x" if with Pauli X (a CNOT target, RX), None otherwise."""


def commutation_blocks(ops: Sequence[Sequence[int]], kinds: Sequence[Sequence[Kind]] | None = None,
                       ) -> list[tuple[int, ...]]:
    """Per op and qubit, the index of its block on that qubit: a block is a maximal run of ops
    acting on the qubit as "z", or as "x" (an op of kind None is a block of its own).

    Ops in one block commute, and two ops commute when they share blocks on every qubit they
    share: each is diagonal in the same basis of every shared qubit, so on those qubits they
    are functions of one set of commuting projectors.
    """
    block: dict[int, int] = {}
    kind: dict[int, Kind] = {}
    out = []
    for i, qubits in enumerate(ops):
        ids = []
        for q, k in zip(qubits, kinds[i] if kinds is not None else (None,) * len(qubits)):
            if q not in block:
                block[q] = 0
            elif k is None or k != kind[q]:
                block[q] += 1
            kind[q] = k
            ids.append(block[q])
        out.append(tuple(ids))
    return out


@dataclass(frozen=True)
class Interactions:
    """Two-qubit interactions `pairs[g] = (a, b)` on virtual qubits as a DAG: an interaction
    waits for those of the previous block (with interactions) on each of its qubits."""

    pairs: tuple[tuple[int, int], ...]
    blocks: tuple[tuple[int, int], ...]
    successors: tuple[tuple[int, ...], ...]
    predecessors: tuple[int, ...]
    """How many interactions each waits for."""

    @classmethod
    def from_pairs(cls, pairs: Sequence[tuple[int, int]],
                   blocks: Sequence[tuple[int, int]] | None = None) -> Interactions:
        """The DAG of `pairs` with `blocks` from `commutation_blocks` (default: program order)."""
        blocks = [(g, g) for g in range(len(pairs))] if blocks is None else blocks
        previous: dict[int, list[int]] = {}  # per qubit, the interactions of its last closed block
        current: dict[int, tuple[int, list[int]]] = {}  # per qubit, its open block and interactions
        successors: list[list[int]] = [[] for _ in pairs]
        predecessors = [0] * len(pairs)
        for g, (pair, ids) in enumerate(zip(pairs, blocks)):
            waits: set[int] = set()
            for q, block in zip(pair, ids):
                if q not in current or current[q][0] != block:
                    if q in current:
                        previous[q] = current[q][1]
                    current[q] = (block, [])
                waits.update(previous.get(q, ()))
                current[q][1].append(g)
            for before in sorted(waits):
                successors[before].append(g)
            predecessors[g] = len(waits)
        return cls(tuple(tuple(p) for p in pairs), tuple(tuple(b) for b in blocks),
                   tuple(map(tuple, successors)), tuple(predecessors))

    def reversed(self) -> Interactions:
        """The same interactions last to first: routing it backwards is how layouts improve."""
        return Interactions.from_pairs(self.pairs[::-1], [(-a, -b) for a, b in self.blocks[::-1]])
