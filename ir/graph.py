"""Def-use analysis: the op that defines each value, and the def-use DAG as networkx."""

from __future__ import annotations

import networkx as nx

from .function import Function
from .op import Op
from .values import Value


def producers(fn: Function) -> dict[Value, Op]:
    """Each op result -> the op that defines it (arguments are absent)."""
    return {v: o for o in fn.body for v in o.results}


def def_use_graph(fn: Function) -> nx.MultiDiGraph:
    """Ops as nodes (by index), values as labelled edges from producer to user.

    A multigraph: two gates sharing two qubits are joined by one edge per qubit value.
    """
    g = nx.MultiDiGraph()
    index = {id(o): i for i, o in enumerate(fn.body)}
    made_by = producers(fn)
    for i, o in enumerate(fn.body):
        label = o.name if o.name != "q.gate" else o.gate
        g.add_node(i, op=o, label=label)
        for v in o.operands:
            if v in made_by:
                g.add_edge(index[id(made_by[v])], i, value=v)
    return g
