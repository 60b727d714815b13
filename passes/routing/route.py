"""`route`: place each kernel's wires on a device's physical qubits and insert SWAPs so that
every two-qubit gate acts on a coupling edge.

The routed kernel allocates one qubit per physical qubit (alloc result k is physical qubit
k) and its SWAPs are `q.gate "SWAP"`. Since qubits are SSA values, a measurement simply
reads the value that holds its logical qubit at the end, wherever the SWAPs moved it: the
kernel's outputs (probs over the same wires, in the same order) do not change. Gates that
commute (CNOTs sharing a control, an RZ beside a control) may come out in another order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import networkx as nx

from ...ir import QUBIT, Function, Module, Op, Value
from ...ir.function import Return
from ...ir.printer import print_op_in
from ...ir.quantum import QUBIT_READERS, Alloc, Gate, State, Unitary
from ..pass_manager import map_functions
from .commutation import qubit_kinds, scalar_constants
from .coupling import Edges, RoutingError, coupling, edges_of
from .layout import DEFAULT_TRIALS, Routing, route_circuit

CouplingMap = Iterable[tuple[int, int]] | nx.Graph


@dataclass(frozen=True)
class RoutedKernel:
    """A routed kernel and where its logical wires sit: `initial_layout[i]` is the physical
    qubit holding wire i before the first gate, `final_layout[i]` after the last one."""

    function: Function
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    swaps: int = 0


@dataclass(frozen=True)
class Route:
    """Route every kernel onto `coupling_map` (edges, or a networkx graph; kept as a sorted
    edge tuple), keeping the fewest SWAPs over `trials` layout searches seeded by `seed`.

    Host functions are untouched and every kernel keeps its signature; use `route_kernel`
    to learn where the wires were placed.
    """

    coupling_map: Edges = ()
    trials: int = DEFAULT_TRIALS
    seed: int = 0

    name: ClassVar[str] = "route"

    def __post_init__(self) -> None:
        if self.coupling_map != ():
            object.__setattr__(self, "coupling_map", edges_of(self.coupling_map))

    def run(self, module: Module) -> Module:
        if not self.coupling_map:
            raise RoutingError("the route pass needs a coupling map: "
                               "Route(coupling_map=[(0, 1), (1, 2), ...]) or a networkx graph")

        def routed(fn: Function) -> Function:
            if not fn.is_kernel:
                return fn
            return route_kernel(fn, self.coupling_map, trials=self.trials, seed=self.seed).function

        return map_functions(module, routed)


def route_kernel(fn: Function, graph: CouplingMap, *, trials: int = DEFAULT_TRIALS,
                 seed: int = 0) -> RoutedKernel:
    """Route one kernel onto the coupling map `graph`.

    Args:
        fn: a kernel whose gates act on at most two qubits.
        graph: the coupling map (edge list or networkx graph; edges are used both ways).
        trials: layout searches to run; the routing with the fewest SWAPs wins.
        seed: seeds the search (the same seed gives the same routing).

    Returns:
        The routed kernel (`fn` itself when it already fits the device as it is) and its layouts.

    Raises:
        RoutingError: a disconnected or malformed map, more wires than physical qubits, a gate
            on three or more qubits (run `decompose` first), or a full-state readout on a
            device with more qubits than the kernel has wires.
    """
    device = coupling(edges_of(graph))
    alloc, gates = _gates_by_wire(fn)
    if alloc is None:
        return RoutedKernel(fn, (), ())
    n = alloc.wires
    constants = scalar_constants(fn)
    routing = route_circuit([wires for _, wires in gates], n, device, trials=trials, seed=seed,
                            kinds=[qubit_kinds(o, constants) for o, _ in gates])
    initial, final = routing.initial_layout[:n], routing.final_layout[:n]
    if routing.swaps == 0 and device.num_qubits == n and initial == tuple(range(n)):
        return RoutedKernel(fn, initial, final)
    return RoutedKernel(_emit(fn, alloc, gates, routing), initial, final, routing.swaps)


def _gates_by_wire(fn: Function) -> tuple[Alloc | None, list[tuple[Op, tuple[int, ...]]]]:
    """The kernel's allocation and its gates with the logical wires each acts on."""
    allocs = [o for o in fn.body if isinstance(o, Alloc)]
    if len(allocs) > 1:
        raise RoutingError(f"kernel @{fn.name} allocates qubits {len(allocs)} times; "
                           f"routing needs a single q.alloc")
    if not allocs:
        return None, []
    wire = {v: i for i, v in enumerate(allocs[0].out)}
    gates = []
    for o in fn.body:
        if not isinstance(o, (Gate, Unitary)):
            continue
        wires = tuple(wire[q] for q in o.qubits)
        if len(wires) > 2:
            raise RoutingError(f"@{fn.name}: `{print_op_in(fn, o)}` acts on {len(wires)} qubits; routing "
                               f"needs gates on at most two: run the `decompose` pass first")
        wire.update(zip(o.out, wires))
        gates.append((o, wires))
    return allocs[0], gates


def _emit(fn: Function, alloc: Alloc, gates: list[tuple[Op, tuple[int, ...]]], routing: Routing) -> Function:
    """The kernel rebuilt on the physical qubits: the new allocation, the classical ops gates
    need, the routed gates and SWAPs, then the measurements on each wire's final value.
    New qubit values are named after their physical qubit (`%q5_2` lives on qubit 5)."""
    physical = tuple(Value(QUBIT, f"q{p}") for p in range(len(routing.initial_layout)))
    where = list(routing.initial_layout)  # virtual -> physical
    holds = [physical[p] for p in where]  # virtual -> its current value
    at = {p: v for v, p in enumerate(where)}  # physical -> virtual
    routed: list[Op] = []
    for item in routing.schedule:
        if isinstance(item, tuple):
            p, q = item
            a, b = at[p], at[q]
            out = (Value(QUBIT, f"q{p}"), Value(QUBIT, f"q{q}"))  # out[0] stays on p: it now holds b
            routed.append(Gate(gate="SWAP", params=(), qubits=(holds[a], holds[b]), out=out))
            holds[b], holds[a] = out
            at[p], at[q], where[a], where[b] = b, a, q, p
            continue
        o, wires = gates[item]
        out = tuple(Value(QUBIT, f"q{where[w]}") for w in wires)
        routed.append(dataclasses.replace(o, qubits=tuple(holds[w] for w in wires), out=out))
        for w, v in zip(wires, out):
            holds[w] = v
    final = {v: holds[i] for i, v in enumerate(alloc.out)}  # any value of a wire -> its last
    final.update((v, holds[w]) for o, wires in gates for w, v in zip(wires, o.out))
    before, after = _split_classical(fn, final, alloc.wires, len(physical))
    return fn.replace(body=(Alloc(wires=len(physical), out=physical), *before, *routed, *after))


def _split_classical(fn: Function, final: dict[Value, Value], n: int,
                     width: int) -> tuple[list[Op], list[Op]]:
    """The kernel's other ops: those before the gates (what gate parameters need) and those
    after them (measurements, reading final values, and everything that uses their results)."""
    before: list[Op] = []
    after: list[Op] = []
    late: set[Value] = set()
    for o in fn.body:
        if isinstance(o, (Alloc, Gate, Unitary)):
            continue
        if isinstance(o, State) and width != n:
            raise RoutingError(f"@{fn.name} returns the full state of {n} wires, which a device of {width} "
                               f"qubits cannot give; measure probs/expvals/samples instead, or route onto "
                               f"a map of exactly {n} qubits")
        if isinstance(o, QUBIT_READERS):
            o = dataclasses.replace(o, qubits=tuple(final[q] for q in o.qubits))
        if isinstance(o, (Return, *QUBIT_READERS)) or any(v in late for v in o.operands):
            after.append(o)
            late.update(o.results)
        else:
            before.append(o)
    return before, after
