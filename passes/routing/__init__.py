"""Routing: lay a kernel's wires out on a device's coupling map and insert SWAPs (SABRE).

`Route` is the pass; `route_kernel` routes one kernel and reports its layouts (the OpenQASM
exporter prints them); `coupling_graph` and the map generators describe devices.
"""

from .coupling import Coupling, RoutingError, coupling, coupling_graph, edges_of, grid, heavy_hex, line, ring
from .layout import Routing, route_circuit
from .route import Route, RoutedKernel, route_kernel
from .sabre import Heuristic

__all__ = [
    "Coupling", "Heuristic", "Route", "RoutedKernel", "Routing", "RoutingError", "coupling",
    "coupling_graph", "edges_of", "grid", "heavy_hex", "line", "ring", "route_circuit", "route_kernel",
]
