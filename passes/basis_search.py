"""Which of the gate table's decompositions to use for each multi-qubit gate, given a basis.

The table gives each gate a main decomposition (into RX, RY, RZ and CNOT) and alternatives
(CNOT through ECR, CZ, IsingXX or CY; CZ through a controlled phase or IsingZZ; ...). A
shortest-path search over them (Bellman-Ford: decompositions may form cycles, e.g. CNOT
-> ECR -> CNOT) picks, for each gate, the decomposition with the fewest multi-qubit basis
gates, then the fewest single-qubit gates.
"""

from __future__ import annotations

import functools

from ..ir import GATES
from ..ir.gate_spec import Step
from .basis import Basis

Cost = tuple[int, int]
"""(multi-qubit basis gates, single-qubit gates) of a fully expanded gate."""

UNREACHABLE: Cost = (1 << 40, 0)
AXES = {"RX": "X", "RY": "Y", "RZ": "Z", "PhaseShift": "Z", "MultiRZ": "Z"}


class Plan:
    """The cheapest decomposition of each multi-qubit gate of the table into `basis`."""

    def __init__(self, basis: Basis):
        self.basis = basis
        self._best: dict[tuple[str, int], tuple[Cost, int]] = {}
        self._solve([(name, spec.num_wires) for name, spec in GATES.items()
                     if spec.num_wires is not None and spec.num_wires > 1])

    def rule(self, gate: str, n_wires: int) -> tuple[Step, ...] | None:
        """The steps to expand `gate` on `n_wires` wires with, or None if no decomposition
        reaches the basis."""
        key = (gate, n_wires)
        if key not in self._best:
            self._solve([key])
        cost, index = self._best[key]
        return None if cost >= UNREACHABLE else GATES[gate].decompositions(n_wires)[index]

    def _step_cost(self, step: Step) -> Cost:
        n = len(step.wires)
        if n == 1:
            return self._one_qubit_cost(step)
        if self.basis.native(step.gate, step.adjoint) is not None:
            return (1, 0)
        key = (step.gate, n)
        if key not in self._best:
            self._solve([key])
        return self._best[key][0]

    def _one_qubit_cost(self, step: Step) -> Cost:
        """Constants merge into their neighbours (free); a traced rotation is one gate about
        a native axis (or in a U3/Rot basis), three about another (conjugated)."""
        form = self.basis.form
        native = self.basis.native(step.gate, step.adjoint) is not None
        traced = sum(1 for a in step.params if a.terms)
        if not (native or form.universal):
            return UNREACHABLE
        if native or not traced:
            return (0, min(traced, 1))
        axis = AXES.get(step.gate)
        cheap = form.kind in ("u3", "rot") or (axis is not None and axis in form.gates)
        return (0, traced * (1 if cheap else 3))

    def _solve(self, keys: list[tuple[str, int]]) -> None:
        for key in keys:
            self._best.setdefault(key, (UNREACHABLE, 0))
        changed = True
        while changed:
            changed = False
            for name, n in keys:
                for index, steps in enumerate(GATES[name].decompositions(n)):
                    cost = (0, 0)
                    for step in steps:
                        c = self._step_cost(step)
                        cost = (cost[0] + c[0], cost[1] + c[1])
                    if cost < self._best[(name, n)][0]:
                        self._best[(name, n)] = (cost, index)
                        changed = True


@functools.cache
def plan_for(basis: Basis) -> Plan:
    return Plan(basis)
