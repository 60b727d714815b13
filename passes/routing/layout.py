"""Layout search and the full schedule: SABRE's forward-backward passes from several starting
layouts, keeping the routing with the fewest SWAPs, then single-qubit ops put back in place.

Each trial starts from a layout (the identity, a greedy placement, then random compact ones)
and routes the circuit forwards and backwards in turn, each pass starting where the last one
ended: a circuit's final layout is a good initial layout for its reverse, so the layout
settles where the early interactions are cheap. Every pass is itself a complete routing (a
backward one read in reverse), so every pass is a candidate, and the search stops as soon as
one needs no SWAP.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .coupling import Coupling, RoutingError
from .interactions import Interactions, Kind, commutation_blocks
from .placement import starting_layout
from .sabre import Heuristic, PassResult, Swap, route_pass

DEFAULT_TRIALS = 12
DEFAULT_ITERATIONS = 2
LAYOUT_WINDOW = 1000
"""Interactions the layout search routes per pass; longer circuits are routed whole only from
the `WHOLE_ROUTES` most promising layouts."""
WHOLE_ROUTES = 2


@dataclass(frozen=True)
class Routing:
    """A circuit routed onto a device.

    `schedule` lists the indices of the ops given to `route_circuit` and `(p, q)` SWAPs of
    physical qubits, in an order that keeps each qubit's ops in program order. Layouts map
    virtual qubit i (the circuit's qubits first, then one ancilla per spare physical qubit)
    to its physical qubit before and after the schedule.
    """

    schedule: tuple[int | Swap, ...]
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    swaps: int


def route_circuit(ops: Sequence[Sequence[int]], num_logical: int, device: Coupling, *,
                  kinds: Sequence[Sequence[Kind]] | None = None, trials: int = DEFAULT_TRIALS, seed: int = 0,
                  iterations: int = DEFAULT_ITERATIONS, heuristic: Heuristic | None = None) -> Routing:
    """Route a circuit given as the qubits of each op (1 or 2 of `0..num_logical-1`).

    Args:
        ops: per op, the logical qubits it acts on, in program order.
        num_logical: the circuit's number of qubits.
        device: the coupling map.
        kinds: per op and qubit, "z" / "x" / None (see `commutation_blocks`): ops that commute
            may be routed in either order. None: keep program order on every qubit.
        trials: forward-backward searches to run: from the identity layout, a greedy one, then
            random compact ones; when some ops commute, each layout is tried twice, with the
            commutation-aware order and with program order (neither is always better).
        seed: seeds the random layouts and the heuristic's tie-breaks.
        iterations: forward-backward rounds per trial.
        heuristic: the SWAP score's weights (default: `Heuristic()`).

    Returns:
        The routing with the fewest SWAPs over every pass of every trial.

    Raises:
        RoutingError: more logical qubits than physical ones, an op on 3+ qubits, or trials < 1.
    """
    device.check_fits(num_logical)
    if trials < 1 or iterations < 1:
        raise RoutingError(f"routing needs trials >= 1 and iterations >= 1, got {trials} and {iterations}")
    two_qubit = [i for i, qubits in enumerate(ops) if len(qubits) == 2]
    if any(len(qubits) > 2 for qubits in ops):
        raise RoutingError("routing handles ops on one or two qubits only; decompose wider gates first")
    blocks = commutation_blocks(ops, kinds)
    pairs = [tuple(ops[i]) for i in two_qubit]
    dags = [Interactions.from_pairs(pairs, [blocks[i] for i in two_qubit])]
    in_order = Interactions.from_pairs(pairs)
    if in_order.successors != dags[0].successors:
        dags.append(in_order)  # commuting freely is not always better: try both
    best = best_layout(dags, device, trials=trials, seed=seed, iterations=iterations,
                       heuristic=heuristic or Heuristic())
    routed = [s if isinstance(s, tuple) else two_qubit[s] for s in best.schedule]
    schedule = merge_single_qubit_ops(ops, blocks, routed)
    return Routing(schedule, best.initial_layout, best.final_layout, best.swaps)


def best_layout(dags: Sequence[Interactions], device: Coupling, *, trials: int, seed: int, iterations: int,
                heuristic: Heuristic) -> PassResult:
    """The pass with the fewest SWAPs over `trials` forward-backward searches: trial t routes
    `dags[t % len(dags)]` (the same interactions, ordered with or without commutation) from
    starting layout `t // len(dags)`.

    A circuit longer than `LAYOUT_WINDOW` interactions searches its layouts on that many
    first interactions (the initial layout matters most there) and routes the whole circuit
    only from the `WHOLE_ROUTES` layouts whose window needed the fewest SWAPs: the search
    then costs a bounded amount per trial, whatever the circuit's length.
    """
    rng = random.Random(seed)
    windowed = len(dags[0].pairs) > LAYOUT_WINDOW
    windows = [Interactions.from_pairs(d.pairs[:LAYOUT_WINDOW], d.blocks[:LAYOUT_WINDOW]) if windowed else d
               for d in dags]
    backwards = [w.reversed() for w in windows]
    candidates: list[tuple[int, PassResult]] = []
    for trial in range(trials):
        variant = trial % len(dags)
        layout = starting_layout(trial // len(dags), dags[0], device, rng)
        trial_rng = random.Random(rng.getrandbits(64))
        for _ in range(iterations):
            forward = route_pass(windows[variant], device, layout, trial_rng, heuristic)
            back = route_pass(backwards[variant], device, forward.final_layout, trial_rng, heuristic)
            layout = back.final_layout
            candidates += [(variant, forward), (variant, back.reversed())]
            if not windowed and min(forward.swaps, back.swaps) == 0:
                return min((c for _, c in candidates[-2:]), key=lambda c: c.swaps)
    candidates.sort(key=lambda c: c[1].swaps)
    if not windowed:
        return candidates[0][1]
    whole = [route_pass(dags[v], device, c.initial_layout, random.Random(rng.getrandbits(64)), heuristic)
             for v, c in candidates[:WHOLE_ROUTES]]
    return min(whole, key=lambda c: c.swaps)


def merge_single_qubit_ops(ops: Sequence[Sequence[int]], blocks: Sequence[tuple[int, ...]],
                           routed: Sequence[int | Swap]) -> tuple[int | Swap, ...]:
    """`routed` (two-qubit op indices and SWAPs) with the one-qubit ops put back: each goes
    just before the first two-qubit op on its qubit from its own block or a later one (or at
    the end), so it follows everything that preceded its block and precedes what follows."""
    pending: dict[int, list[tuple[int, int]]] = {}
    for i, qubits in enumerate(ops):
        if len(qubits) == 1:
            pending.setdefault(qubits[0], []).append((blocks[i][0], i))
    start = dict.fromkeys(pending, 0)
    out: list[int | Swap] = []
    for item in routed:
        if isinstance(item, int):
            for q, block in zip(ops[item], blocks[item]):
                queue, k = pending.get(q, ()), start.get(q, 0)
                while k < len(queue) and queue[k][0] <= block:
                    out.append(queue[k][1])
                    k += 1
                start[q] = k
        out.append(item)
    for q, queue in pending.items():
        out.extend(i for _, i in queue[start[q]:])
    return tuple(out)
