"""Cache blocking: the one-pass grouping equals its definition, repeated passes that each take
every remaining gate that fits and commutes past the gates deferred so far."""

from __future__ import annotations

import random

from kettle.backends.statevector.blocking import group_actions
from kettle.backends.statevector.gate_actions import GateAction


def _by_passes(actions: list[GateAction], chunk: int) -> list:
    """The definition (quadratic: it re-scans the deferred gates once per group)."""
    groups, remaining = [], list(actions)
    while remaining:
        if len(set(remaining[0].wires)) > chunk:
            groups.append((None, [remaining.pop(0)]))
            continue
        wires, members, deferred, blocked = set(), [], [], set()
        for a in remaining:
            w = set(a.wires)
            if w & blocked or len(wires | w) > chunk:
                deferred.append(a)
                blocked |= w
            else:
                wires |= w
                members.append(a)
        groups.append((frozenset(wires), members))
        remaining = deferred
    return groups


def _ids(groups: list) -> list:
    return [(wires, [id(a) for a in members]) for wires, members in groups]


def test_group_actions_matches_repeated_passes():
    rng = random.Random(0)
    for _ in range(2000):
        n, chunk = rng.randint(1, 9), rng.randint(1, 5)
        actions = [GateAction("dense", tuple(rng.sample(range(n), rng.randint(1, min(n, 4)))))
                   for _ in range(rng.randint(0, 40))]
        assert _ids(group_actions(actions, chunk)) == _ids(_by_passes(actions, chunk))
