"""`Module.to_networkx()`: the def-use DAG of a function, which for a kernel is the circuit DAG."""

from __future__ import annotations

import networkx as nx

from kettle.ir import parse_module

SOURCE = """\
module @m {
  kernel @k(%params: tensor<1xf64>) -> (f64, tensor<4xf64>) {
    %a0, %b0 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %t = tensor.extract {index = [0]} (%params) : f64
    %a1 = q.gate {gate = "RX"} (%t), (%a0) : !q.qubit
    %a2, %b1 = q.gate {gate = "CNOT"} (), (%a1, %b0) : !q.qubit, !q.qubit
    %a3, %b2 = q.gate {gate = "CZ"} (), (%a2, %b1) : !q.qubit, !q.qubit
    %obs = q.obs {words = ["Z0 Z1"]} (), (%a3, %b2) : !q.obs
    %e = q.expval (%obs) : f64
    %pr = q.probs (%b2) : tensor<4xf64>
    return (%e, %pr)
  }
  func @m(%x: f64) -> (f64, tensor<4xf64>) {
    %p = tensor.from_elements (%x) : tensor<1xf64>
    %e, %pr = q.call {callee = @k} (%p) : f64, tensor<4xf64>
    return (%e, %pr)
  }
}
"""


def _edges(g: nx.MultiDiGraph) -> list[tuple[int, int, str]]:
    """Every (producer, user, value name), one per edge, sorted."""
    return sorted((u, v, d["value"].name) for u, v, d in g.edges(data=True))


def test_graph_nodes_are_the_ops_in_program_order():
    module = parse_module(SOURCE)
    g = module.to_networkx()
    assert sorted(g.nodes) == list(range(9))
    assert all(g.nodes[i]["op"] is o for i, o in enumerate(module["k"].body))


def test_graph_labels_gates_by_name_and_other_ops_by_op_name():
    g = parse_module(SOURCE).to_networkx()
    assert [g.nodes[i]["label"] for i in range(9)] == [
        "q.alloc", "tensor.extract", "RX", "CNOT", "CZ", "q.obs", "q.expval", "q.probs", "return"]


def test_graph_edges_are_the_def_use_pairs_of_the_kernel():
    assert _edges(parse_module(SOURCE).to_networkx()) == [
        (0, 2, "a0"), (0, 3, "b0"), (1, 2, "t"), (2, 3, "a1"), (3, 4, "a2"), (3, 4, "b1"),
        (4, 5, "a3"), (4, 5, "b2"), (4, 7, "b2"), (5, 6, "obs"), (6, 8, "e"), (7, 8, "pr")]


def test_graph_keeps_one_edge_per_qubit_between_two_gates():
    g = parse_module(SOURCE).to_networkx()
    cnot_to_cz = [d["value"].name for u, v, d in g.edges(data=True) if (u, v) == (3, 4)]
    assert sorted(cnot_to_cz) == ["a2", "b1"]


def test_graph_has_no_nodes_or_edges_for_function_arguments():
    g = parse_module(SOURCE).to_networkx()
    assert all(d["value"].name != "params" for _, _, d in g.edges(data=True))
    assert g.in_degree(1) == 0  # the extract reads only the argument


def test_graph_is_acyclic_with_edges_pointing_forward():
    g = parse_module(SOURCE).to_networkx()
    assert nx.is_directed_acyclic_graph(g)
    assert all(u < v for u, v in g.edges())


def test_graph_of_a_named_host_function():
    g = parse_module(SOURCE).to_networkx("m")
    assert [g.nodes[i]["label"] for i in sorted(g.nodes)] == ["tensor.from_elements", "q.call", "return"]
    assert _edges(g) == [(0, 1, "p"), (1, 2, "e"), (1, 2, "pr")]
