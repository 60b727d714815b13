"""`kt.Target`: built-in defaults, basis names, coupling maps, and the heavy-hex default map
(the same graph as Qiskit's `CouplingMap.from_heavy_hex`)."""

from __future__ import annotations

import networkx as nx
import pytest

import kettle as kt
from kettle.backends.openqasm.targets import IBM_HEAVY_HEX_DISTANCE, get_target
from kettle.passes.routing.coupling import heavy_hex


@pytest.mark.parametrize("distance", [3, 5, 7])
def test_heavy_hex_is_qiskits_heavy_hex_graph(distance):
    transpiler = pytest.importorskip("qiskit.transpiler")
    ours = nx.Graph(heavy_hex(distance))
    theirs = nx.Graph(list(transpiler.CouplingMap.from_heavy_hex(distance).get_edges()))
    assert sorted(ours.nodes) == list(range(theirs.number_of_nodes()))
    assert nx.is_isomorphic(ours, theirs)


@pytest.mark.parametrize("distance", [1, 4, 2.0])
def test_heavy_hex_takes_odd_distances_from_3(distance):
    with pytest.raises(kt.KettleError, match="odd distance"):
        heavy_hex(distance)


def test_ibm_target_defaults():
    t = kt.Target("ibm")
    assert t.basis == ("rz", "sx", "x", "cx") and t.physical_qubits
    assert t.basis_gates == {"RZ", "SX", "PauliX", "CNOT"}
    assert t.coupling_map == heavy_hex(IBM_HEAVY_HEX_DISTANCE)


def test_target_fills_only_what_is_not_given():
    g = nx.path_graph(4)
    t = kt.Target("ibm", coupling_map=g)
    assert t.coupling_map == ((0, 1), (1, 2), (2, 3)) and t.basis == ("rz", "sx", "x", "cx")
    assert kt.Target("ibm", coupling_map=[(2, 1), (1, 2), (0, 1)]).coupling_map == ((0, 1), (1, 2))
    custom = kt.Target("mine", basis=["RZ", "sx", "CNOT", "X"], physical_qubits=True)
    assert custom.basis_gates == {"RZ", "SX", "CNOT", "PauliX"} and custom.dialect == "plain"
    assert kt.Target("mine").dialect == "generic" and not kt.Target("mine").physical_qubits
    assert nx.utils.edges_equal(t.coupling_graph().edges, g.edges)


def test_get_target_names_the_built_ins():
    assert get_target(None) == kt.Target("generic")
    assert get_target("braket").dialect == "braket"
    assert get_target(kt.Target("ibm")) == kt.Target("ibm")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "mine", "dialect": "qiskit"}, "unknown dialect 'qiskit'"),
    ({"name": "ibm", "basis": ["rz", "fsim"]}, "basis gate 'fsim' is not in kettle's gate table"),
    ({"name": "ibm", "coupling_map": [(0, 0)]}, "two different qubits"),
    ({"name": "ibm", "coupling_map": [1, 2]}, "pairs of qubit indices"),
])
def test_target_rejects_bad_fields(kwargs, message):
    with pytest.raises(kt.QasmError, match=message):
        kt.Target(**kwargs)


def test_prepare_returns_the_module_when_the_target_has_no_basis():
    @kt.qjit(wires=1)
    def circuit(x):
        kt.RX(x, wires=0)
        return kt.probs()

    module = circuit.lower(0.1)
    assert kt.Target("braket").prepare(module) is module
