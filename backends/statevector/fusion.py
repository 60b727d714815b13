"""Gate fusion: merge a gate into the block before it when the merged dense block costs no
more than the two apart, so the state is swept fewer times for the same arithmetic.

Cost per amplitude: dense on k targets 2^k, diagonal or parity 1, permutation 1/2, each
times the fraction 2^-c of the state its c controls select; a fused block on w wires is
dense, 2^w. Gate g merges with block B when B is the last operation on every wire they
share and one's wires contain the other's (so either may move next to the other). Blocks
of constant gates are multiplied out here; blocks with parameters are built once per call
by applying their gates to the columns of an identity (see Encoder.block_matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir.gates import controlled_matrix
from .gate_actions import GateAction

MAX_BLOCK_WIRES = 2


@dataclass(frozen=True)
class Block:
    """Gates fused into one dense matrix on `wires` (first wire most significant)."""

    wires: tuple[int, ...]
    members: tuple[GateAction, ...]


_PER_AMPLITUDE = {"diag": 1.0, "parity": 1.0, "perm": 0.5}


def cost(a: GateAction | Block) -> float:
    if isinstance(a, Block):
        return 2.0 ** len(a.wires)
    per_amp = 2.0 ** len(a.targets) if a.kind == "dense" else _PER_AMPLITUDE[a.kind]
    return per_amp / 2 ** len(a.controls)


def fuse(actions: list[GateAction], parametric: bool) -> list[GateAction | Block]:
    """Fused actions in a valid execution order.

    Args:
        actions: gate actions in program order.
        parametric: also fuse gates with runtime parameters (worth it for large states,
            where a sweep costs far more than building a small matrix per call).
    """
    items: list[GateAction | Block | None] = []
    last: dict[int, int] = {}  # wire -> index in items of the last item touching it
    for a in actions:
        found = _partner(a, items, last, parametric)
        if found is None:
            items.append(a)
            moved = a.wires
        else:
            index, stays = found
            merged = _merge(items[index], a)
            if stays:  # a moves back next to its partner, already the last on a's wires
                items[index] = merged
                continue  # the block's other wires may have later items: their `last` stays
            items[index] = None  # the partner moves forward to a: nothing in between touched its wires
            items.append(merged)
            moved = merged.wires
        for w in moved:
            last[w] = len(items) - 1
    return [_finish(x) for x in items if x is not None]


def _partner(a, items, last, parametric) -> tuple[int, bool] | None:
    """(index of the item to merge with, whether the merged block stays at that index)."""
    if not parametric and not a.is_constant:
        return None
    mine = set(a.wires)
    candidates = {last[w] for w in mine if w in last}
    if not candidates:
        return None
    own_cost = cost(a)
    for index in sorted(candidates, reverse=True):
        b = items[index]
        if not parametric and not all(m.is_constant for m in _members(b)):
            continue
        theirs = set(b.wires)
        union = mine | theirs
        if len(union) > MAX_BLOCK_WIRES or 2.0 ** len(union) > own_cost + cost(b):
            continue
        if mine <= theirs and all(last[w] == index for w in mine):
            return index, True
        if theirs <= mine and all(last[w] == index for w in theirs):
            return index, False
    return None


def _members(x) -> tuple[GateAction, ...]:
    return x.members if isinstance(x, Block) else (x,)


def _merge(b, a) -> Block:
    wires = tuple(b.wires) + tuple(w for w in a.wires if w not in b.wires)
    return Block(tuple(sorted(wires)), _members(b) + (a,))


def _finish(x: GateAction | Block) -> GateAction | Block:
    if isinstance(x, GateAction) or not all(m.is_constant for m in x.members):
        return x
    matrix = np.eye(2 ** len(x.wires), dtype=complex)
    for m in x.members:
        matrix = embed(m, x.wires) @ matrix
    return GateAction("dense", x.wires, data=matrix)


def embed(a: GateAction, wires: tuple[int, ...]) -> np.ndarray:
    """The dense matrix of a constant action on `wires` (first most significant)."""
    k = len(wires)
    full = controlled_matrix(a.target_matrix(), a.values)  # controls first
    own = a.controls + a.targets
    m = full.reshape((2,) * 2 * len(own))
    eye = np.eye(2**k, dtype=complex).reshape((2,) * 2 * k)
    axes = [wires.index(w) for w in own]
    out = np.tensordot(m, eye, axes=(list(range(len(own), 2 * len(own))), axes))
    return np.moveaxis(out, list(range(len(own))), axes).reshape(2**k, 2**k)
