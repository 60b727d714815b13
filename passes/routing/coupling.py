"""Coupling maps: which pairs of physical qubits a device can entangle directly.

A map is given as an edge list or a networkx graph and kept as a sorted tuple of edges (hashable,
so passes can hold it); `Coupling` adds what routing needs (neighbours, a distance matrix).
Generators build the usual device shapes, IBM's heavy-hex lattice among them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ...ir import KettleError

Edges = tuple[tuple[int, int], ...]


class RoutingError(KettleError, ValueError):
    """A coupling map or a kernel that cannot be routed (disconnected map, too few qubits, 3-qubit gates)."""


def coupling_graph(edges_or_graph: Iterable[tuple[int, int]] | nx.Graph) -> nx.Graph:
    """An undirected networkx graph on physical qubits 0..N-1 from an edge list or a graph.

    Direction is ignored (routing treats every edge both ways); repeated edges collapse.

    Raises:
        RoutingError: a node that is not a non-negative integer, a self-loop, an empty map, a
            qubit index with no edge (the qubits must be 0..N-1), or a disconnected map.
    """
    if isinstance(edges_or_graph, nx.Graph):
        nodes, pairs = list(edges_or_graph.nodes), list(edges_or_graph.edges)
    else:
        pairs = [tuple(e) for e in edges_or_graph]
        nodes = [q for e in pairs for q in e]
    for q in nodes:
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)) or q < 0:
            raise RoutingError(f"coupling map node {q!r} is not a physical qubit index; "
                               f"number the physical qubits 0, 1, ..., N-1")
    for e in pairs:
        if len(e) != 2 or e[0] == e[1]:
            raise RoutingError(f"coupling map edge {e!r} is not a pair of two different qubits; "
                               f"give edges as (a, b) with a != b")
    if not pairs:
        raise RoutingError("the coupling map has no edges; give at least one (a, b) pair")
    graph = nx.Graph()
    graph.add_nodes_from(range(int(max(nodes)) + 1))
    graph.add_edges_from((int(a), int(b)) for a, b in pairs)
    isolated = [q for q in graph.nodes if graph.degree(q) == 0]
    if isolated:
        raise RoutingError(f"physical qubit {isolated[0]} of the coupling map has no edge; number the "
                           f"device's qubits 0..N-1 without gaps and list an edge for each")
    if not nx.is_connected(graph):
        parts = sorted(sorted(c) for c in nx.connected_components(graph))
        raise RoutingError(f"the coupling map is disconnected (components {parts[0]}, {parts[1]}, ...); "
                           f"routing needs one connected device: pass the component the circuit runs on")
    return graph


def edges_of(edges_or_graph: Iterable[tuple[int, int]] | nx.Graph) -> Edges:
    """The map as a validated, sorted tuple of `(a, b)` edges with `a < b` (hashable)."""
    graph = coupling_graph(edges_or_graph)
    return tuple(sorted((min(a, b), max(a, b)) for a, b in graph.edges))


@dataclass(frozen=True, eq=False)
class Coupling:
    """A validated map with what routing reads in its inner loop.

    `distance[p][q]` is the number of edges between p and q (nested lists: indexing a list
    is several times faster than indexing a numpy array from Python); `neighbors[p]` the
    qubits sharing an edge with p.
    """

    edges: Edges
    num_qubits: int
    neighbors: tuple[tuple[int, ...], ...]
    distance: list[list[int]]

    def check_fits(self, num_logical: int) -> None:
        """Raises RoutingError when a circuit on `num_logical` wires has no room on this map."""
        if num_logical > self.num_qubits:
            raise RoutingError(f"the circuit uses {num_logical} wires but the coupling map has only "
                               f"{self.num_qubits} physical qubits; use a larger device or fewer wires")


def distance_matrix(graph: nx.Graph) -> np.ndarray:
    """All-pairs hop counts of a connected graph on 0..N-1 (breadth-first search from each qubit)."""
    n = graph.number_of_nodes()
    out = np.zeros((n, n), dtype=np.int64)
    for source, lengths in nx.all_pairs_shortest_path_length(graph):
        for target, d in lengths.items():
            out[source, target] = d
    return out


@functools.lru_cache(maxsize=32)
def coupling(edges: Edges) -> Coupling:
    """The `Coupling` of a validated edge tuple (cached: a pass routes every kernel on one map)."""
    graph = coupling_graph(edges)
    neighbors = tuple(tuple(sorted(graph.neighbors(q))) for q in range(graph.number_of_nodes()))
    return Coupling(edges, graph.number_of_nodes(), neighbors, distance_matrix(graph).tolist())


def line(n: int) -> Edges:
    """Qubits 0..n-1 in a chain."""
    _at_least(n, 2, "line")
    return tuple((i, i + 1) for i in range(n - 1))


def ring(n: int) -> Edges:
    """Qubits 0..n-1 in a cycle."""
    _at_least(n, 3, "ring")
    return tuple(sorted((*line(n), (0, n - 1))))


def grid(rows: int, cols: int) -> Edges:
    """A rows x cols square lattice, qubit `r * cols + c` at row r, column c."""
    _at_least(rows * cols, 2, "grid")
    right = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    down = [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    return tuple(sorted(right + down))


def heavy_hex(distance: int) -> Edges:
    """IBM's heavy-hex lattice of odd code distance d, numbered as Qiskit's `CouplingMap.from_heavy_hex(d)`.

    (5d^2 - 2d - 1)/2 qubits: d x d data qubits (rows of d), then the (d^2 - 1)/2 syndrome
    qubits, then d - 1 flag qubits per row. Each row is a chain data-flag-data-...-data;
    between rows r and r+1, syndrome qubits join the flags at every other column, and one
    more joins the boundary data qubits (left edge after an even row, right after an odd).
    d = 3 has 19 qubits, 5 has 57, 7 has 115.
    """
    d = distance
    if not isinstance(d, int) or d < 3 or d % 2 == 0:
        raise RoutingError(f"heavy_hex needs an odd distance >= 3, got {d!r}")
    data = lambda r, c: r * d + c  # noqa: E731
    flag = lambda r, c: d * d + (d * d - 1) // 2 + r * (d - 1) + c  # noqa: E731
    edges = [e for r in range(d) for c in range(d - 1) for e in ((data(r, c), flag(r, c)),
                                                                  (flag(r, c), data(r, c + 1)))]
    syndrome = d * d
    for r in range(d - 1):
        flags = range(1, d - 1, 2) if r % 2 == 0 else range(0, d - 2, 2)
        boundary = [(data(r, 0), data(r + 1, 0))] if r % 2 == 0 else []
        tail = [] if r % 2 == 0 else [(data(r, d - 1), data(r + 1, d - 1))]
        for a, b in [*boundary, *((flag(r, c), flag(r + 1, c)) for c in flags), *tail]:
            edges += [(a, syndrome), (b, syndrome)]
            syndrome += 1
    return tuple(sorted((min(a, b), max(a, b)) for a, b in edges))


def _at_least(n: int, minimum: int, name: str) -> None:
    if not isinstance(n, int) or n < minimum:
        raise RoutingError(f"{name} needs at least {minimum} qubits, got {n!r}")
