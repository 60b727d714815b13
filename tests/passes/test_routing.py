"""The `route` pass on IR: routed kernels put every two-qubit gate on a coupling edge and,
run by the reference interpreter, give the original kernel's outputs exactly (measurements
read each logical wire's final value, so no permutation needs undoing)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import random_unitary

import kettle as kt
from kettle.backends.reference import run
from kettle.ir import GATES, Alloc, Gate, Module, Unitary, verify
from kettle.ir.builder import KernelBuilder
from kettle.passes import PASSES, PassManager
from kettle.passes.routing import Route, RoutingError, grid, heavy_hex, line, ring, route_kernel

ONE_QUBIT = sorted(n for n, g in GATES.items() if g.num_wires == 1)
TWO_QUBIT = sorted(n for n, g in GATES.items() if g.num_wires == 2)
MAPS = {"line": line, "ring": lambda n: ring(max(n, 3)),
        "grid": lambda n: grid(3, 3) if n > 6 else grid(2, 3)}


def physical_pairs(fn) -> list[tuple[int, int]]:
    """The physical qubits of every two-qubit op of a routed kernel (alloc result k = qubit k)."""
    wire, pairs = {}, []
    for o in fn.body:
        if isinstance(o, Alloc):
            wire.update((v, i) for i, v in enumerate(o.out))
        elif isinstance(o, (Gate, Unitary)):
            wires = [wire[q] for q in o.qubits]
            if len(wires) == 2:
                pairs.append((min(wires), max(wires)))
            wire.update(zip(o.out, wires))
    return pairs


@st.composite
def routing_cases(draw, shape: str, max_gates: int = 24):
    """(kernel module, parameters, coupling map): a kernel of random one- and two-qubit gates
    (some controlled, some adjoint, some `q.unitary`), angles from its parameter vector,
    returning an expval with traced coefficients, the probs of a random wire subset and,
    when the map has exactly as many qubits as the kernel has wires, the state."""
    wires = draw(st.integers(2, 8))
    edges = MAPS[shape](wires)
    b = KernelBuilder("k", wires, num_params=8)
    for _ in range(draw(st.integers(1, max_gates))):
        chosen = draw(st.permutations(range(wires)))[:2]
        kind = draw(st.integers(0, 9))
        if kind == 0:
            width = draw(st.integers(1, 2))
            b.unitary(random_unitary(width, draw(st.integers(0, 2**31))), chosen[:width])
            continue
        name = draw(st.sampled_from(TWO_QUBIT if kind < 5 else ONE_QUBIT))
        ctrl = (draw(st.booleans()),) if name in ONE_QUBIT and kind == 9 else ()
        params = [b.param(draw(st.integers(0, 7))) for _ in range(GATES[name].num_params)]
        targets = chosen[: len(ctrl) + GATES[name].num_wires]
        b.gate(name, targets, params, adjoint=draw(st.booleans()), ctrl=ctrl)
    words = []
    for _ in range(2):
        pair = sorted(draw(st.permutations(range(wires)))[:2])
        words.append(" ".join(f"{draw(st.sampled_from('XYZ'))}{w}" for w in pair))
    outputs = [b.expval(b.obs(words, list(range(wires)), [b.param(6), b.param(7)])),
               b.probs(draw(st.permutations(range(wires)))[: draw(st.integers(1, wires))])]
    if width_of(edges) == wires:
        outputs.append(b.state())
    params = np.random.default_rng(draw(st.integers(0, 2**31))).uniform(-np.pi, np.pi, 8)
    return Module("k", (b.build(outputs),)), params, edges


def width_of(edges) -> int:
    return 1 + max(q for e in edges for q in e)


def check_routed(module: Module, params: np.ndarray, edges) -> Module:
    """Route, verify, check the allocation width and the edges, and compare every output."""
    routed = Route(edges, trials=3).run(module)
    verify(routed)
    fn = routed["k"]
    assert fn.body[0].wires == width_of(edges)
    assert set(physical_pairs(fn)) <= set(edges)
    for want, got in zip(run(module, params), run(routed, params)):
        np.testing.assert_allclose(got, want, atol=1e-10)
    return routed


@pytest.mark.parametrize("shape", sorted(MAPS))
@given(data=st.data())
def test_route_random_kernels_keep_their_outputs_with_gates_on_edges(shape, data):
    """On line(n) and ring(n) the map is exactly the kernel's width, so even the full state
    comes out unpermuted; the grids are wider (probs and expvals only)."""
    check_routed(*data.draw(routing_cases(shape)))


@pytest.mark.parametrize("seed", range(3))
def test_route_heavy_hex_keeps_outputs(seed):
    """heavy_hex(3) has 19 qubits, slow for the reference interpreter: a few seeded cases."""
    rng = np.random.default_rng(seed)
    wires = int(rng.integers(4, 7))
    b = KernelBuilder("k", wires, num_params=2)
    for _ in range(14):
        a, c = (int(x) for x in rng.choice(wires, 2, replace=False))
        name = str(rng.choice(["CNOT", "CRY", "IsingXX", "ISWAP", "RY", "Hadamard"]))
        params = [b.param(int(rng.integers(0, 2))) for _ in range(GATES[name].num_params)]
        b.gate(name, [a, c][: GATES[name].num_wires], params)
    outputs = [b.expval(b.obs(["Z0 X1", "Y2"], [0, 1, 2])), b.probs(list(range(wires))[::-1])]
    check_routed(Module("k", (b.build(outputs),)), rng.uniform(-2, 2, 2), heavy_hex(3))


def ladder(wires: int) -> Module:
    b = KernelBuilder("k", wires)
    for w in range(wires):
        b.gate("Hadamard", [w])
    for w in range(wires - 1):
        b.gate("CNOT", [w, w + 1])
    return Module("k", (b.build([b.probs(list(range(wires)))]),))


def test_route_already_routed_kernel_is_returned_unchanged():
    module = ladder(5)
    routed = route_kernel(module["k"], line(5))
    assert routed.function is module["k"] and routed.swaps == 0
    assert routed.initial_layout == routed.final_layout == (0, 1, 2, 3, 4)
    assert Route(line(5)).run(module) is module


def test_route_ladder_on_heavy_hex_needs_no_swap():
    routed = route_kernel(ladder(7)["k"], heavy_hex(3))
    assert routed.swaps == 0
    hops = [routed.initial_layout[w : w + 2] for w in range(6)]
    assert all(tuple(sorted(h)) in heavy_hex(3) for h in hops)


def test_route_layouts_follow_the_swaps():
    """A triangle on a line: one SWAP, and the layouts say where each wire went."""
    b = KernelBuilder("k", 3)
    for a, c in [(0, 1), (1, 2), (0, 2)]:
        b.gate("CNOT", [a, c])
    routed = route_kernel(b.build([b.probs([0, 1, 2])]), line(3))
    assert routed.swaps == 1
    swapped = [pair for pair, o in zip(physical_pairs(routed.function), _two_qubit_ops(routed.function))
               if o.gate == "SWAP"]
    moved = [w for w in range(3) if routed.initial_layout[w] != routed.final_layout[w]]
    assert len(swapped) == 1 and len(moved) == 2
    assert sorted(routed.initial_layout[w] for w in moved) == sorted(routed.final_layout[w] for w in moved)
    assert sorted(routed.initial_layout[w] for w in moved) == list(swapped[0])


def _two_qubit_ops(fn) -> list:
    return [o for o in fn.body if isinstance(o, (Gate, Unitary)) and len(o.qubits) == 2]


def test_route_reorders_commuting_gates_and_keeps_outputs():
    """A control fanning out twice, RZ and T on the control between (they commute with the
    CNOTs there): one SWAP on a line instead of two, same outputs."""
    b = KernelBuilder("k", 4, num_params=1)
    for w in range(4):
        b.gate("Hadamard", [w])
    for t in (1, 2, 3):
        b.gate("CNOT", [0, t])
    b.gate("RZ", [0], [b.param(0)])
    b.gate("T", [0])
    b.gate("RX", [2], [b.const(0.3)])
    for t in (1, 2, 3):
        b.gate("CNOT", [0, t])
    module = Module("k", (b.build([b.expval(b.obs(["Y0 X1", "Z3"], [0, 1, 2, 3])), b.state()]),))
    assert route_kernel(module["k"], line(4)).swaps == 1
    check_routed(module, np.array([0.7]), line(4))


def test_route_pass_on_a_qjit_module_with_host_code():
    @kt.qjit(wires=4)
    def circuit(x):
        for w in range(4):
            kt.RY(x * (w + 1), wires=w)
        kt.CNOT(wires=[0, 3])
        kt.CRX(2 * x, wires=[3, 1])
        kt.IsingZZ(x, wires=[2, 0])
        kt.CNOT(wires=[1, 2])
        return kt.expval(kt.Z(0) @ kt.X(3) + 0.5 * kt.Y(1)), kt.var(kt.Z(2)), kt.probs(wires=[3, 0])

    module = circuit.lower(0.4)
    routed = PassManager([Route(nx.path_graph(5), seed=2)]).run(module)
    host = [fn for fn in module.functions if not fn.is_kernel]
    assert all(a is b for a, b in zip(host, [fn for fn in routed.functions if not fn.is_kernel]))
    for want, got in zip(run(module, 0.4), run(routed, 0.4)):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_route_is_registered_and_hashable():
    assert PASSES["route"] is Route
    p = Route(nx.cycle_graph(4))
    assert p.coupling_map == ring(4) and hash(p) == hash(Route(ring(4)))
    with pytest.raises(RoutingError, match="needs a coupling map"):
        Route().run(ladder(2))


def test_route_errors_name_the_mistake_and_the_fix():
    b = KernelBuilder("k", 3)
    b.gate("Toffoli", [0, 1, 2])
    with pytest.raises(RoutingError, match="run the `decompose` pass first"):
        route_kernel(b.build([b.probs([0])]), line(3))
    with pytest.raises(RoutingError, match="5 wires but the coupling map has only 4"):
        route_kernel(ladder(5)["k"], line(4))
    with pytest.raises(RoutingError, match="disconnected"):
        route_kernel(ladder(2)["k"], [(0, 1), (2, 3)])
    b = KernelBuilder("k", 2)
    b.gate("CNOT", [0, 1])
    with pytest.raises(RoutingError, match="full state"):
        route_kernel(b.build([b.state()]), line(3))
    assert isinstance(RoutingError("x"), kt.KettleError)
