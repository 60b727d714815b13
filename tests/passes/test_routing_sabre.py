"""The router on its neutral form (ops as tuples of logical qubits) and the coupling maps.

Every routing is replayed independently: SWAPs and two-qubit ops must sit on coupling edges
under the layout as it evolves, every op must appear once, and each qubit's ops must keep
their program order.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from kettle.passes.routing import (
    Heuristic,
    RoutingError,
    coupling,
    coupling_graph,
    edges_of,
    grid,
    heavy_hex,
    layout,
    line,
    ring,
    route_circuit,
)
from kettle.passes.routing.coupling import distance_matrix
from kettle.passes.routing.interactions import commutation_blocks


def replay(ops, routing, device) -> int:
    """Check `routing` of `ops` on `device`; returns its number of SWAPs."""
    where = list(routing.initial_layout)
    at = {p: v for v, p in enumerate(where)}
    done, swaps = [], 0
    for item in routing.schedule:
        if isinstance(item, tuple):
            p, q = item
            assert device.distance[p][q] == 1, f"SWAP {item} is not on an edge"
            a, b = at[p], at[q]
            at[p], at[q], where[a], where[b] = b, a, q, p
            swaps += 1
            continue
        if len(ops[item]) == 2:
            a, b = ops[item]
            assert device.distance[where[a]][where[b]] == 1, f"op {item} on {ops[item]} is not on an edge"
        done.append(item)
    assert sorted(done) == list(range(len(ops)))
    position = {op: k for k, op in enumerate(done)}
    last: dict[int, int] = {}
    for i, qubits in enumerate(ops):
        for q in qubits:
            assert q not in last or position[last[q]] < position[i], f"qubit {q}'s ops out of order"
            last[q] = i
    assert tuple(where) == routing.final_layout
    assert swaps == routing.swaps
    return swaps


def random_ops(rng: random.Random, n: int, size: int) -> list[tuple[int, ...]]:
    return [tuple(rng.sample(range(n), rng.choice((1, 2, 2)))) for _ in range(size)]


MAPS = {"line": lambda n: line(n), "ring": lambda n: ring(max(n, 3)), "grid": lambda n: grid(3, 3),
        "heavy-hex": lambda n: heavy_hex(3)}


@pytest.mark.parametrize("shape", sorted(MAPS))
@pytest.mark.parametrize("seed", range(12))
def test_route_circuit_random_circuits_route_onto_edges_in_program_order(shape, seed):
    rng = random.Random(seed)
    n = rng.randint(2, 8)
    device = coupling(MAPS[shape](n))
    ops = random_ops(rng, n, rng.randint(0, 60))
    replay(ops, route_circuit(ops, n, device, trials=3, seed=seed), device)


def test_route_circuit_cnot_ladder_on_a_line_needs_no_swap():
    ops = [(i, i + 1) for i in range(7)] + [(i,) for i in range(8)] + [(i + 1, i) for i in range(6, -1, -1)]
    routing = route_circuit(ops, 8, coupling(line(8)), trials=2)
    assert routing.swaps == 0 and routing.initial_layout == tuple(range(8))


def test_route_circuit_relabelled_chain_finds_a_layout_without_swaps():
    order = [5, 2, 7, 0, 3, 6, 1, 4]
    ops = [(order[i], order[i + 1]) for i in range(7)] * 3
    device = coupling(heavy_hex(3))
    routing = route_circuit(ops, 8, device)
    assert replay(ops, routing, device) == 0


def test_route_circuit_triangle_on_a_line_needs_exactly_one_swap():
    ops = [(0, 1), (1, 2), (0, 2)]
    routing = route_circuit(ops, 3, coupling(line(3)))
    assert replay(ops, routing, coupling(line(3))) == 1


def test_route_circuit_commuting_gates_may_be_reordered_to_save_swaps():
    """A control fanning out to three targets twice, with an RZ on the control between: all
    six CNOTs commute, so one SWAP suffices on a line; in program order it takes two."""
    ops = [(0, 1), (0, 2), (0, 3), (0,), (0, 1), (0, 2), (0, 3)]
    kinds = [("z", "x")] * 3 + [("z",)] + [("z", "x")] * 3
    device = coupling(line(4))
    assert replay(ops, route_circuit(ops, 4, device), device) == 2
    assert route_circuit(ops, 4, device, kinds=kinds).swaps == 1


def test_commutation_blocks_split_runs_by_kind():
    ops = [(0, 1), (0,), (0, 2), (0,), (1, 0), (0, 1)]
    kinds = [("z", "x"), ("z",), ("z", "x"), (None,), ("x", "x"), ("z", None)]
    assert commutation_blocks(ops, kinds) == [(0, 0), (0,), (0, 0), (1,), (0, 2), (3, 1)]
    assert commutation_blocks(ops) == [(0, 0), (1,), (2, 0), (3,), (1, 4), (5, 2)]


def test_route_circuit_same_seed_same_routing_and_trials_never_worse():
    rng = random.Random(7)
    ops = random_ops(rng, 8, 120)
    device = coupling(heavy_hex(3))
    one = route_circuit(ops, 8, device, trials=1, seed=3)
    assert route_circuit(ops, 8, device, trials=1, seed=3) == one
    assert route_circuit(ops, 8, device, trials=6, seed=3).swaps <= one.swaps


def test_route_circuit_release_valve_still_routes_correctly():
    """With no patience at all, every gate is brought together along a shortest path."""
    rng = random.Random(3)
    ops = random_ops(rng, 9, 80)
    device = coupling(grid(3, 3))
    impatient = Heuristic(attempts_per_qubit=0)
    replay(ops, route_circuit(ops, 9, device, trials=2, heuristic=impatient), device)


def test_route_circuit_long_circuits_search_a_window_then_route_whole(monkeypatch):
    monkeypatch.setattr(layout, "LAYOUT_WINDOW", 40)
    rng = random.Random(5)
    ops = random_ops(rng, 7, 300)
    device = coupling(heavy_hex(3))
    routing = route_circuit(ops, 7, device, trials=3)
    assert replay(ops, routing, device) == routing.swaps > 0


def test_route_circuit_errors_name_the_problem():
    device = coupling(line(3))
    with pytest.raises(RoutingError, match="4 wires but the coupling map has only 3"):
        route_circuit([(0, 3)], 4, device)
    with pytest.raises(RoutingError, match="decompose"):
        route_circuit([(0, 1, 2)], 3, device)
    with pytest.raises(RoutingError, match="trials >= 1"):
        route_circuit([(0, 1)], 3, device, trials=0)


def test_coupling_generators_have_the_textbook_shapes():
    assert line(4) == ((0, 1), (1, 2), (2, 3))
    assert ring(4) == ((0, 1), (0, 3), (1, 2), (2, 3))
    assert len(grid(3, 4)) == 3 * 3 + 2 * 4
    for d in (3, 5, 7):
        graph = coupling_graph(heavy_hex(d))
        assert graph.number_of_nodes() == (5 * d * d - 2 * d - 1) // 2
        assert graph.number_of_edges() == 2 * d * (d - 1) + (d + 1) * (d - 1)
        assert max(dict(graph.degree).values()) == 3 and nx.is_bipartite(graph)


@pytest.mark.parametrize("d", [3, 5, 7])
def test_heavy_hex_is_qiskits_lattice_with_qiskits_numbering(d):
    transpiler = pytest.importorskip("qiskit.transpiler")
    theirs = transpiler.CouplingMap.from_heavy_hex(d, bidirectional=False).get_edges()
    assert heavy_hex(d) == tuple(sorted((min(a, b), max(a, b)) for a, b in theirs))


def test_coupling_graph_accepts_edges_graphs_and_digraphs_alike():
    expected = line(4)
    assert edges_of([(1, 0), (2, 1), (3, 2), (2, 3)]) == expected
    assert edges_of(nx.path_graph(4)) == expected
    assert edges_of(nx.DiGraph([(1, 0), (1, 2), (3, 2)])) == expected
    assert edges_of(np.array([[0, 1], [1, 2], [2, 3]])) == expected


@pytest.mark.parametrize("edges, message", [
    ([(0, 1), (2, 3)], "disconnected"),
    ([(0, 1), (1, 1)], "two different qubits"),
    ([(0, 2)], "qubit 1 of the coupling map has no edge"),
    ([("a", "b")], "not a physical qubit index"),
    ([], "no edges"),
])
def test_coupling_graph_rejects_bad_maps_with_the_fix(edges, message):
    with pytest.raises(RoutingError, match=message):
        coupling_graph(edges)


def test_distance_matrix_matches_networkx_shortest_paths():
    graph = coupling_graph(heavy_hex(5))
    dist = distance_matrix(graph)
    rng = np.random.default_rng(0)
    for a, b in rng.integers(0, graph.number_of_nodes(), size=(50, 2)):
        assert dist[a, b] == nx.shortest_path_length(graph, int(a), int(b))
    assert coupling(heavy_hex(5)).distance == dist.tolist()
