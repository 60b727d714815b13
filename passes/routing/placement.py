"""Starting layouts for the layout search: where each circuit qubit sits before routing.

SABRE's forward-backward passes improve any layout, but on a device much larger than the
circuit a random start scatters the qubits and the passes spend their effort gathering
them. So besides the identity, the search starts from a greedy placement (most
interacting qubits first, each next to its partners) and from random compact regions.
"""

from __future__ import annotations

import random
from collections import Counter

from .coupling import Coupling
from .interactions import Interactions


def starting_layout(trial: int, dag: Interactions, device: Coupling, rng: random.Random) -> list[int]:
    """Trial 0 keeps the identity (a circuit written for the device needs no SWAP), trial 1
    places qubits greedily by interaction counts, later trials at random on a compact region.

    Returns:
        virtual -> physical for every physical qubit (the circuit's qubits, then ancillas).
    """
    if trial == 0:
        return list(range(device.num_qubits))
    if trial == 1:
        return greedy_layout(dag, device)
    return compact_random_layout(dag, device, rng)


def greedy_layout(dag: Interactions, device: Coupling) -> list[int]:
    """The most interacting qubit on the device's most central qubit; then, repeatedly, the
    qubit most tied to those placed, on the free physical qubit nearest its placed partners
    (distances weighted by interaction counts; ties go to the most compact spot)."""
    partners: dict[int, Counter[int]] = {}
    for a, b in dag.pairs:
        partners.setdefault(a, Counter())[b] += 1
        partners.setdefault(b, Counter())[a] += 1
    if not partners:
        return list(range(device.num_qubits))
    dist, n = device.distance, device.num_qubits
    centre = min(range(n), key=lambda p: (sum(dist[p]), -len(device.neighbors[p])))
    placed = {max(partners, key=lambda v: sum(partners[v].values())): centre}
    while len(placed) < len(partners):
        v = max((u for u in partners if u not in placed), key=lambda u: (
            sum(w for m, w in partners[u].items() if m in placed), sum(partners[u].values())))
        used = set(placed.values())
        ties = [(m, w) for m, w in partners[v].items() if m in placed]
        placed[v] = min((p for p in range(n) if p not in used), key=lambda p: (
            sum(w * dist[p][placed[m]] for m, w in ties), sum(dist[p][q] for q in used)))
    return complete_layout(placed, device)


def compact_random_layout(dag: Interactions, device: Coupling, rng: random.Random) -> list[int]:
    """The circuit's interacting qubits at random on a random connected region of as many
    physical qubits (grown from a random qubit, one random frontier qubit at a time)."""
    used = sorted({q for pair in dag.pairs for q in pair})
    start = rng.randrange(device.num_qubits)
    region, frontier = [start], list(device.neighbors[start])
    seen = {start, *frontier}
    while len(region) < len(used) and frontier:
        p = frontier.pop(rng.randrange(len(frontier)))
        region.append(p)
        for q in device.neighbors[p]:
            if q not in seen:
                seen.add(q)
                frontier.append(q)
    rng.shuffle(region)
    return complete_layout(dict(zip(used, region)), device, rng)


def complete_layout(placed: dict[int, int], device: Coupling, rng: random.Random | None = None) -> list[int]:
    """A full virtual -> physical layout from the placed virtual qubits: the others take the
    free physical qubits in order (or shuffled, given `rng`)."""
    taken = set(placed.values())
    free = [p for p in range(device.num_qubits) if p not in taken]
    if rng is not None:
        rng.shuffle(free)
    rest = iter(free)
    return [placed[v] if v in placed else next(rest) for v in range(device.num_qubits)]
