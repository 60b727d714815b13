"""One SABRE routing pass: SWAPs that bring every two-qubit interaction onto a coupling edge.

The heuristic of Li, Ding and Xie (arXiv:1809.02573) with Qiskit's refinements: the front
layer (interactions whose predecessors are done) is scored by the distances of its pairs,
a lookahead window of the next interactions adds a lighter term, a decay factor on recently
swapped qubits spreads the SWAPs out (reset after every routed gate and every few SWAPs),
and a release valve forces progress along a shortest path when the search goes in circles.
Only coupling edges touching the front layer are candidate SWAPs, and each is scored by the
few pairs it moves, so a step costs about the front layer's size, not the circuit's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .coupling import Coupling
from .interactions import Interactions

Swap = tuple[int, int]


@dataclass(frozen=True)
class Heuristic:
    """The weights of the SWAP score: the paper's and Qiskit's defaults, except that deeper
    layers of the lookahead window weigh less (halving per layer cut the corpus' routed
    two-qubit gates by about 2% against a flat window)."""

    lookahead_weight: float = 0.5
    """Weight of the lookahead window's mean distance, against 1 for the front layer's sum."""
    lookahead_size: int = 10
    """Interactions in the lookahead window."""
    lookahead_decay: float = 0.5
    """Relative weight of each further layer of the lookahead window."""
    decay_increment: float = 0.001
    decay_reset: int = 5
    """SWAPs after which the decay factors go back to 1 (they also do after every routed gate)."""
    attempts_per_qubit: int = 10
    """The release valve opens after this many SWAPs per physical qubit without progress."""
    epsilon: float = 1e-10
    """Scores this close are ties, broken at random."""


@dataclass(frozen=True)
class PassResult:
    """One routing of `Interactions`: the schedule and the layouts before and after it.

    `schedule` lists interaction indices and `(p, q)` SWAPs of physical qubits in execution
    order; layouts map virtual qubit i to its physical qubit.
    """

    schedule: tuple[int | Swap, ...]
    swaps: int
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]

    def reversed(self) -> PassResult:
        """A routing of the reversed interactions read backwards: a routing of the original,
        from this pass's final layout to its initial one (a SWAP is its own inverse)."""
        last = len([s for s in self.schedule if isinstance(s, int)]) - 1
        schedule = tuple(s if isinstance(s, tuple) else last - s for s in reversed(self.schedule))
        return PassResult(schedule, self.swaps, self.final_layout, self.initial_layout)


def route_pass(dag: Interactions, device: Coupling, layout: Sequence[int], rng: random.Random,
               heuristic: Heuristic = Heuristic()) -> PassResult:
    """Route `dag` once, starting from `layout` (virtual -> physical, one entry per physical qubit)."""
    router = _Router(dag, device, layout, rng, heuristic)
    router.run()
    return PassResult(tuple(router.schedule), router.swaps, tuple(layout), tuple(router.l2p))


class _Router:
    """The mutable state of one pass; the inner loop lives in `_best_swap`."""

    def __init__(self, dag: Interactions, device: Coupling, layout: Sequence[int],
                 rng: random.Random, heuristic: Heuristic):
        self.pairs, self.successors = dag.pairs, dag.successors
        self.waiting = list(dag.predecessors)
        self.seen = [0] * len(dag.pairs)
        self.dist, self.neighbors = device.distance, device.neighbors
        self.l2p = list(layout)
        self.p2l = [0] * len(layout)
        for v, p in enumerate(layout):
            self.p2l[p] = v
        n = len(layout)
        # per virtual qubit, (other qubit, interaction) of its front-layer pairs: more than one
        # when commuting interactions are ready together
        self.front_on: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.front: dict[int, None] = {}  # insertion-ordered, so runs are reproducible
        self.ahead: list[list[tuple[int, float]]] = [[] for _ in range(n)]  # lookahead partners per virtual
        self.ahead_pairs: list[tuple[int, int, float]] = []
        self.decay = [1.0] * n
        self.rng, self.h = rng, heuristic
        self.limit = heuristic.attempts_per_qubit * n
        self.powers = [heuristic.lookahead_decay ** k for k in range(heuristic.lookahead_size)]
        self.schedule: list[int | Swap] = []
        self.swaps = 0

    def run(self) -> None:
        self._advance([g for g, w in enumerate(self.waiting) if w == 0])
        self._fill_lookahead()
        while self.front:
            self._route_next()

    def _advance(self, ready: list[int]) -> None:
        """Execute every ready interaction already on an edge (and what that frees); the rest
        join the front layer."""
        dist, l2p, pairs, waiting = self.dist, self.l2p, self.pairs, self.waiting
        while ready:
            g = ready.pop()
            a, b = pairs[g]
            if dist[l2p[a]][l2p[b]] == 1:
                self.schedule.append(g)
                for s in self.successors[g]:
                    waiting[s] -= 1
                    if waiting[s] == 0:
                        ready.append(s)
            else:
                self.front[g] = None
                self.front_on[a].append((b, g))
                self.front_on[b].append((a, g))

    def _fill_lookahead(self) -> None:
        """The next `lookahead_size` interactions after the front layer, breadth first; one
        `depth` layers past the front weighs `lookahead_decay ** (depth - 1)` relative to the first."""
        ahead = self.ahead
        for a, b, _ in self.ahead_pairs:
            ahead[a] = []
            ahead[b] = []
        pairs, successors, waiting, powers = self.pairs, self.successors, self.waiting, self.powers
        size = len(powers)
        seen, touched = self.seen, []  # how many of each interaction's waits are in the window
        queue = list(self.front)
        depth = [0] * len(queue)
        found: list[tuple[int, int, float]] = []
        i = 0
        while i < len(queue) and len(found) < size:
            for s in successors[queue[i]]:
                if not seen[s]:
                    touched.append(s)
                seen[s] += 1
                if seen[s] == waiting[s]:
                    a, b = pairs[s]
                    found.append((a, b, powers[depth[i]]))
                    queue.append(s)
                    depth.append(depth[i] + 1)
            i += 1
        for s in touched:
            seen[s] = 0
        scale = self.h.lookahead_weight / sum(w for _, _, w in found) if found else 0.0
        self.ahead_pairs = [(a, b, w * scale) for a, b, w in found]
        for a, b, w in self.ahead_pairs:
            ahead[a].append((b, w))
            ahead[b].append((a, w))

    def _route_next(self) -> None:
        """SWAP until some front interaction is on an edge, then execute it."""
        attempts: list[Swap] = []
        steps = 0
        while True:
            p, q = self._best_swap()
            self._swap(p, q)
            attempts.append((p, q))
            done = self._routable((p, q))
            if done:
                break
            if len(attempts) > self.limit:
                for p, q in reversed(attempts):
                    self._swap(p, q)
                attempts, done = self._release_valve()
                break
            steps += 1
            if steps >= self.h.decay_reset:
                self.decay = [1.0] * len(self.decay)
                steps = 0
            else:
                self.decay[p] += self.h.decay_increment
                self.decay[q] += self.h.decay_increment
        self.schedule.extend(attempts)
        self.swaps += len(attempts)
        ready = []
        for g in done:
            del self.front[g]
            a, b = self.pairs[g]
            self.front_on[a].remove((b, g))
            self.front_on[b].remove((a, g))
            self.schedule.append(g)
            for s in self.successors[g]:
                self.waiting[s] -= 1
                if self.waiting[s] == 0:
                    ready.append(s)
        self._advance(ready)
        self.decay = [1.0] * len(self.decay)
        self._fill_lookahead()

    def _swap(self, p: int, q: int) -> None:
        a, b = self.p2l[p], self.p2l[q]
        self.p2l[p], self.p2l[q] = b, a
        self.l2p[a], self.l2p[b] = q, p

    def _routable(self, qubits: Sequence[int]) -> list[int]:
        """Front interactions on the virtual qubits now at `qubits` that sit on an edge."""
        found: list[int] = []
        for p in qubits:
            for w, g in self.front_on[self.p2l[p]]:
                if self.dist[p][self.l2p[w]] == 1 and g not in found:
                    found.append(g)
        return found

    def _best_swap(self) -> Swap:
        dist, l2p, p2l, front_on, ahead = self.dist, self.l2p, self.p2l, self.front_on, self.ahead
        base = 0.0
        for g in self.front:
            a, b = self.pairs[g]
            base += dist[l2p[a]][l2p[b]]
        for a, b, w in self.ahead_pairs:
            base += w * dist[l2p[a]][l2p[b]]
        best, choices, epsilon, decay = float("inf"), [], self.h.epsilon, self.decay
        for v in dict.fromkeys(v for g in self.front for v in self.pairs[g]):
            p = l2p[v]
            dp = dist[p]
            for q in self.neighbors[p]:
                w = p2l[q]
                if q < p and front_on[w]:
                    continue  # the same SWAP is scored from q's side
                dq = dist[q]
                delta = 0.0
                for u, _ in front_on[v]:
                    if u != w:
                        delta += dq[l2p[u]] - dp[l2p[u]]
                for u, _ in front_on[w]:
                    if u != v:
                        delta += dp[l2p[u]] - dq[l2p[u]]
                for u, weight in ahead[v]:
                    if u != w:
                        delta += weight * (dq[l2p[u]] - dp[l2p[u]])
                for u, weight in ahead[w]:
                    if u != v:
                        delta += weight * (dp[l2p[u]] - dq[l2p[u]])
                score = (base + delta) * max(decay[p], decay[q])
                if score < best - epsilon:
                    best, choices = score, [(p, q)]
                elif score <= best + epsilon:
                    choices.append((p, q))
        return choices[0] if len(choices) == 1 else self.rng.choice(choices)

    def _release_valve(self) -> tuple[list[Swap], list[int]]:
        """SWAPs along a shortest path that join the closest front pair (the heuristic is stuck)."""
        dist, l2p = self.dist, self.l2p
        g = min(self.front, key=lambda g: dist[l2p[self.pairs[g][0]]][l2p[self.pairs[g][1]]])
        a, b = self.pairs[g]
        path = [l2p[a]]
        target = l2p[b]
        while path[-1] != target:
            here = path[-1]
            path.append(next(q for q in self.neighbors[here] if dist[q][target] == dist[here][target] - 1))
        split = len(path) // 2
        swaps = [(path[i], path[i + 1]) for i in range(split)]
        swaps += [(path[-1 - i], path[-2 - i]) for i in range(split - 1)]
        for p, q in swaps:
            self._swap(p, q)
        return swaps, self._routable([p for s in swaps for p in s])
