"""Cache blocking for large states: partition the gate list into groups that each touch at most
`chunk` wires, so one group runs chunk by chunk with the chunk in cache (and chunks in
parallel threads), costing about one sweep of memory instead of one sweep per gate.

A gate may join the open group only if it commutes past every gate deferred so far
(disjoint wires); otherwise it is deferred too and starts a later group. Gates wider
than a chunk run alone on the full state.
"""

from __future__ import annotations

from .gate_actions import GateAction

Group = tuple[frozenset[int] | None, list[GateAction]]


def group_actions(actions: list[GateAction], chunk: int) -> list[Group]:
    """Groups in execution order: (wires of the group, actions); wires None = full-state action.

    The groups are those of repeated passes (each pass takes, in order, every remaining
    gate that fits and commutes past the gates it defers), computed in one pass: a gate
    goes to the first open group, from the latest group of an earlier gate on its wires,
    that has room for its wires; a gate wider than a chunk closes a group of its own after
    every earlier gate. Re-scanning the deferred gates once per group would be quadratic.

    Args:
        actions: gate actions in program order.
        chunk: the most wires one group may touch.
    """
    wires: list[set[int] | None] = []  # per group; None: a wide gate's group, closed
    members: list[list[GateAction]] = []
    last: dict[int, int] = {}  # wire -> latest group of a gate on it
    for a in actions:
        w = set(a.wires)
        if len(w) > chunk:
            k = len(wires)
            wires.append(None)
            members.append([a])
        else:
            k = max((last[x] for x in w if x in last), default=0)
            while k < len(wires) and (wires[k] is None or len(wires[k] | w) > chunk):
                k += 1
            if k == len(wires):
                wires.append(set())
                members.append([])
            wires[k] |= w
            members[k].append(a)
        for x in w:
            last[x] = k
    return [(None if ws is None else frozenset(ws), ms) for ws, ms in zip(wires, members)]


CONTIGUOUS_BITS = 4
"""Lowest bits reserved in every chunk: a group's gathers then move runs of 16 amplitudes
(256 bytes, whole cache lines) instead of scattered single amplitudes (~10% faster W3)."""


def wire_budget(chunk: int) -> int:
    """How many wires one group may touch with chunks of `chunk` qubits."""
    return chunk - min(CONTIGUOUS_BITS, chunk // 3)


def chunk_bits(n: int, wires: frozenset[int], chunk: int) -> list[int]:
    """The state bit positions of a group's chunks (ascending): its wires' bits, padded with
    the lowest free bits so that chunks are as contiguous in memory as possible."""
    bits = {n - 1 - w for w in wires}
    free = (b for b in range(n) if b not in bits)
    while len(bits) < chunk:
        bits.add(next(free))
    return sorted(bits)
