"""Export targets: a native gate set, an optional coupling map and a dialect (`kt.Target`).

Built in: "generic" (stdgates.inc, `gate` definitions for the rest), "braket" (Amazon
Braket's gate names, result pragmas) and "ibm" (basis rz, sx, x, cx on physical qubits
`$k`, a heavy-hex coupling map unless one is given). `Target.prepare` is the one hook
where a target's compile pipeline (decompose -> route -> resynthesize) runs; a target owns
its pipeline, so this module is the backend that imports passes/ (and the routing
package's coupling maps: one heavy-hex generator, numbered as Qiskit's).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ...ir import ALIASES, GATES, Module, QasmError
from ...passes.routing.coupling import heavy_hex
from .dialects import DIALECTS, Dialect

IBM_BASIS = ("rz", "sx", "x", "cx")
IBM_HEAVY_HEX_DISTANCE = 7
"""The default "ibm" coupling map: heavy_hex(7), 115 qubits (the size class of IBM's Eagle)."""


@dataclass(frozen=True)
class Target:
    """Where an exported program runs: `kt.Target(name, basis=None, coupling_map=None, ...)`.

    A built-in name ("generic", "braket", "ibm") fills every field left as None from the
    built-in, so `kt.Target("ibm", coupling_map=edges)` is IBM's dialect on your device.

    Attributes:
        name: a built-in name or any name of yours.
        basis: the gates the program may use (table names like "RZ" or dialect names like
            "rz"); None allows every gate the dialect can name, define or expand.
        coupling_map: two-qubit gates only on these physical qubit pairs (undirected edges,
            or a networkx graph); None for all-to-all.
        physical_qubits: address qubits as `$k` (hardware) rather than a `qubit[n] q` register.
        dialect: "generic" (stdgates.inc), "braket", "plain" (stdgates.inc names only, no
            definitions or modifiers: what a hardware basis needs), or a `Dialect` of yours;
            for a name of yours, "plain" if it has a basis, else "generic".
        basis_gates: (derived) the basis as table gate names, e.g. {"RZ", "SX", "PauliX", "CNOT"}:
            what the emitter accepts and the pipeline decomposes to.
    """

    name: str
    basis: tuple[str, ...] | None = None
    coupling_map: tuple[tuple[int, int], ...] | None = None
    physical_qubits: bool | None = None
    dialect: str | Dialect | None = None
    basis_gates: frozenset[str] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        defaults = _BUILT_IN.get(self.name, {})
        for key in ("basis", "coupling_map", "physical_qubits", "dialect"):
            if getattr(self, key) is None and key in defaults:
                object.__setattr__(self, key, defaults[key])
        if self.dialect is None:  # a target of yours: hardware names if it has a basis
            object.__setattr__(self, "dialect", "generic" if self.basis is None else "plain")
        if not isinstance(self.dialect, Dialect) and self.dialect not in DIALECTS:
            raise QasmError(f"target {self.name!r}: unknown dialect {self.dialect!r}; use one of "
                            f"{', '.join(DIALECTS)} or a Dialect")
        object.__setattr__(self, "physical_qubits", bool(self.physical_qubits))
        if self.basis is not None:
            object.__setattr__(self, "basis", tuple(self.basis))
            object.__setattr__(self, "basis_gates", frozenset(_table_gate(b, self) for b in self.basis))
        if self.coupling_map is not None:
            object.__setattr__(self, "coupling_map", _edges(self.coupling_map, self.name))
        self.__dict__.pop("rules", None)  # resolving the basis read the rules before it was set

    @functools.cached_property
    def rules(self) -> Dialect:
        """The target's dialect rules (names, definitions, modifiers, result pragmas). A device
        knows its own basis gates: each one the dialect cannot name goes by its OpenQASM name
        from the gate table (`ecr`, `rzz`, ...)."""
        rules = self.dialect if isinstance(self.dialect, Dialect) else DIALECTS[self.dialect]
        if self.basis_gates is None:
            return rules
        extra = {g: GATES[g].qasm for g in self.basis_gates
                 if g not in rules.gates and GATES[g].qasm is not None}
        if not extra:
            return rules
        return dataclasses.replace(rules, gates=MappingProxyType({**rules.gates, **extra}))

    def coupling_graph(self) -> Any:
        """The coupling map as an undirected networkx Graph (None when all-to-all)."""
        if self.coupling_map is None:
            return None
        import networkx as nx

        return nx.Graph(self.coupling_map)

    def prepare(self, module: Module) -> Module:
        """Compile `module` for this target before it is emitted: THE pipeline hook.

        Targets with a basis run decompose -> route (when there is a coupling map) ->
        decompose (the SWAPs routing inserted) -> single-qubit resynthesis, verified after
        each pass; a coupling map without a basis only routes.
        """
        if self.basis_gates is None and self.coupling_map is None:
            return module
        from ...passes import PassManager
        from ...passes.decompose import Decompose
        from ...passes.resynthesize_1q import Resynthesize1Q
        from ...passes.routing import Route

        if self.basis_gates is None:
            return PassManager([Route(coupling_map=self.coupling_graph())]).run(module)
        basis = tuple(sorted(self.basis_gates))
        passes: list[Any] = [Decompose(basis=basis)]
        if self.coupling_map is not None:
            passes += [Route(coupling_map=self.coupling_graph()), Decompose(basis=basis)]
        passes.append(Resynthesize1Q(basis=basis))
        return PassManager(passes).run(module)


_BUILT_IN: dict[str, dict[str, Any]] = {
    "generic": {"dialect": "generic", "physical_qubits": False},
    "braket": {"dialect": "braket", "physical_qubits": False},
    "ibm": {"dialect": "plain", "physical_qubits": True, "basis": IBM_BASIS,
            "coupling_map": heavy_hex(IBM_HEAVY_HEX_DISTANCE)},
}


def get_target(target: Target | str | None) -> Target:
    """`target` as a Target: None is "generic", a string names a built-in.

    Raises:
        QasmError: an unknown name or a value that is not a target.
    """
    if target is None:
        return Target("generic")
    if isinstance(target, Target):
        return target
    if isinstance(target, str) and target in _BUILT_IN:
        return Target(target)
    raise QasmError(f"unknown target {target!r}: use one of {', '.join(map(repr, _BUILT_IN))} or "
                    f"a kt.Target(name, basis=..., coupling_map=..., dialect=...)")


def _table_gate(name: str, target: Target) -> str:
    """A basis entry as a table gate name: a table name, an alias, or a dialect / OpenQASM name."""
    if name in GATES:
        return name
    if name in ALIASES:
        return ALIASES[name]
    rules = target.rules
    for gate, spec in GATES.items():
        if name == spec.qasm or rules.gates.get(gate) == name:
            return gate
    raise QasmError(f"target {target.name!r}: basis gate {name!r} is not in kettle's gate table; "
                    f"name table gates ({', '.join(sorted(GATES))}) or their OpenQASM names")


def _edges(coupling_map: Iterable[Any] | Any, name: str) -> tuple[tuple[int, int], ...]:
    edges = coupling_map.edges() if hasattr(coupling_map, "edges") else coupling_map
    try:
        pairs = {tuple(sorted((int(a), int(b)))) for a, b in edges}
    except (TypeError, ValueError):
        raise QasmError(f"target {name!r}: coupling_map takes pairs of qubit indices "
                        f"(e.g. [(0, 1), (1, 2)]) or a networkx graph, got {coupling_map!r:.80}") from None
    if any(a == b or a < 0 for a, b in pairs):
        raise QasmError(f"target {name!r}: a coupling map edge joins two different qubits >= 0")
    return tuple(sorted(pairs))
