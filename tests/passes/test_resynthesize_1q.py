"""`resynthesize-1q`: random single-qubit runs become at most three rotations of each basis's
Euler form, compute the same unitary up to phase, and leave no two adjacent rotations about
one axis; traced angles add as kernel arithmetic. Unitaries come from `kernel_unitary`
(test_decompose.py: the reference interpreter's gate matrices, multiplied along the kernel).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_decompose import assert_equal_up_to_phase, kernel_unitary, non_basis_gates

from kettle.ir import GATES, Constant, Gate, Module
from kettle.ir.builder import KernelBuilder
from kettle.passes import Resynthesize1Q
from kettle.passes.resynthesize_1q import resynthesize_kernel
from tests.strategies import random_unitary

FORMS = {  # basis: the most gates a constant run may become
    "zsx": (("rz", "sx", "x", "cx"), 5),
    "zsx-phase": (("p", "sx", "cx"), 5),
    "zyz": (("RX", "RY", "RZ", "CNOT"), 3),
    "zxz": (("rz", "rx", "cx"), 3),
    "xyx": (("rx", "ry", "cx"), 3),
    "zhz": (("rz", "h", "cx"), 5),
    "u3": (("U3", "CNOT"), 1),
    "rot": (("Rot", "CNOT"), 1),
}
AXIS = {"RX": "X", "RY": "Y", "RZ": "Z", "PhaseShift": "Z"}
ONE_QUBIT = sorted(name for name, spec in GATES.items() if spec.num_wires in (1, None))


@st.composite
def run_entries(draw, traced: bool = True):
    """A random run on wire 0: (gate, parameters (None: traced), adjoint), ("unitary", U),
    or ("CNOT",) that ends one run and starts the next."""
    value = st.floats(-2 * np.pi, 2 * np.pi, allow_nan=False)
    entries = []
    for _ in range(draw(st.integers(0, 9))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            entries.append(("unitary", random_unitary(1, draw(st.integers(0, 2**32 - 1)))))
        elif kind == 1:
            entries.append(("CNOT",))
        else:
            name = draw(st.sampled_from(ONE_QUBIT))
            params = [None if traced and draw(st.booleans()) else draw(value)
                      for _ in range(GATES[name].num_params)]
            entries.append((name, params, draw(st.booleans())))
    return entries


def run_kernel(entries) -> tuple[Module, np.ndarray]:
    n_params = sum(p is None for e in entries if len(e) == 3 for p in e[1])
    b = KernelBuilder("k", 2, n_params)
    slot = 0
    for e in entries:
        if e[0] == "unitary":
            b.unitary(e[1], [0])
        elif e[0] == "CNOT":
            b.gate("CNOT", [0, 1])
        else:
            params = []
            for p in e[1]:
                params.append(b.param(slot) if p is None else b.const(p))
                slot += p is None
            b.gate(e[0], [0], params, adjoint=e[2])
    values = np.random.default_rng(len(entries)).uniform(-np.pi, np.pi, n_params)
    return Module("k", (b.build([b.state()]),)), values


def wire0_runs(fn) -> list[list[Gate]]:
    """The single-qubit gates on wire 0, split at each CNOT."""
    runs: list[list[Gate]] = [[]]
    for o in fn.body:
        if isinstance(o, Gate) and len(o.qubits) == 1 and o.qubits[0].name.startswith("q0"):
            runs[-1].append(o)
        elif isinstance(o, Gate) and len(o.qubits) == 2:
            runs.append([])
    return runs


def check(entries, form: str) -> Module:
    basis, most = FORMS[form]
    module, values = run_kernel(entries)
    out = Resynthesize1Q(basis).run(module)
    fn = out.kernels[0]
    assert non_basis_gates(fn, basis) == []
    for shift in (0.0, 0.9):
        assert_equal_up_to_phase(kernel_unitary(fn, values + shift),
                                 kernel_unitary(module.kernels[0], values + shift))
    for run in wire0_runs(fn):
        axes = [AXIS.get(o.gate) for o in run]
        assert all(a is None or a != b for a, b in zip(axes, axes[1:])), [o.gate for o in run]
    assert Resynthesize1Q(basis).run(out) is out  # idempotent
    return out


@given(run_entries(traced=False), st.sampled_from(sorted(FORMS)))
def test_resynthesize_constant_run_is_at_most_three_rotations(entries, form):
    out = check(entries, form)
    most = FORMS[form][1]
    for run in wire0_runs(out.kernels[0]):
        assert len(run) <= most
        assert sum(o.gate in AXIS or o.gate in ("U3", "Rot") for o in run) <= 3


@given(run_entries(traced=True), st.sampled_from(sorted(FORMS)))
def test_resynthesize_traced_run_keeps_the_unitary_without_redundant_rotations(entries, form):
    check(entries, form)


def gates_of(module: Module) -> list[str]:
    return [o.gate for o in module.kernels[0].body if isinstance(o, Gate)]


def one_wire(*gates) -> Module:
    """A kernel of (gate, params) on wire 0; a parameter None is the next kernel parameter."""
    n_params = sum(p is None for _, params in gates for p in params)
    b = KernelBuilder("k", 1, n_params)
    slot = 0
    for name, params in gates:
        values = []
        for p in params:
            values.append(b.param(slot) if p is None else b.const(p))
            slot += p is None
        b.gate(name, [0], values)
    return Module("k", (b.build([b.state()]),))


def test_resynthesize_adds_traced_rotations_about_one_axis_with_addf():
    module = one_wire(("RZ", [None]), ("S", []), ("RZ", [None]), ("T", []))
    out = Resynthesize1Q(("rz", "sx", "x", "cx")).run(module)
    assert gates_of(out) == ["RZ"]
    assert str(out).count("arith.addf") == 2  # p0 + p1, + 3 pi / 4
    p = [0.2, 1.1]
    assert_equal_up_to_phase(kernel_unitary(out.kernels[0], p), kernel_unitary(module.kernels[0], p))


def test_resynthesize_traced_rotations_that_cancel_leave_nothing():
    b = KernelBuilder("k", 1, 1)
    p = b.param(0)
    b.gate("RZ", [0], [p])
    b.gate("T", [0])
    b.gate("RZ", [0], [p], adjoint=True)
    b.gate("T", [0], adjoint=True)
    out = Resynthesize1Q(("RX", "RY", "RZ", "CNOT")).run(Module("k", (b.build([b.state()]),)))
    assert gates_of(out) == []
    assert "arith" not in str(out)


def test_resynthesize_identity_run_leaves_no_gate():
    module = one_wire(("Hadamard", []), ("S", []), ("S", []), ("Hadamard", []), ("PauliX", []))
    assert gates_of(Resynthesize1Q(("rz", "sx", "x", "cx")).run(module)) == []


def test_resynthesize_rotation_about_the_basis_axis_is_one_gate():
    module = one_wire(("S", []), ("T", []), ("PhaseShift", [0.3]))
    out = Resynthesize1Q(("rz", "sx", "x", "cx")).run(module)
    assert gates_of(out) == ["RZ"]
    (angle,) = [o.value for o in out.kernels[0].body if isinstance(o, Constant)]
    assert angle == pytest.approx(np.pi / 2 + np.pi / 4 + 0.3, abs=1e-12)


def test_resynthesize_traced_rx_in_ibm_basis_is_rz_sx_rz_sx_rz():
    out = Resynthesize1Q(("rz", "sx", "x", "cx")).run(one_wire(("RX", [None])))
    assert gates_of(out) == ["RZ", "SX", "RZ", "SX", "RZ"]


def test_resynthesize_does_not_merge_across_a_two_qubit_gate():
    b = KernelBuilder("k", 2)
    b.gate("RZ", [0], [b.const(0.3)])
    b.gate("CNOT", [0, 1])
    b.gate("RZ", [0], [b.const(0.4)])
    module = Module("k", (b.build([b.state()]),))
    assert Resynthesize1Q(("rz", "sx", "x", "cx")).run(module) is module


def test_resynthesize_returns_its_input_when_runs_are_already_minimal():
    module = one_wire(("RZ", [None]), ("SX", []), ("RZ", [0.3]))
    assert Resynthesize1Q(("rz", "sx", "x", "cx")).run(module) is module


def test_resynthesize_leaves_runs_a_non_universal_basis_cannot_express():
    module = one_wire(("Hadamard", []), ("RZ", [0.2]), ("Hadamard", []))
    assert resynthesize_kernel(module.kernels[0], ("rz", "cx")) is module.kernels[0]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_resynthesize_random_unitary_in_each_form(form):
    u = random_unitary(1, 11)
    b = KernelBuilder("k", 1)
    b.unitary(u, [0])
    out = Resynthesize1Q(FORMS[form][0]).run(Module("k", (b.build([b.state()]),)))
    assert 1 <= len(gates_of(out)) <= FORMS[form][1]
    assert_equal_up_to_phase(kernel_unitary(out.kernels[0], []), u)


@pytest.mark.parametrize("gate", ["RX", "RY", "RZ"])
def test_resynthesize_closed_form_rotations_are_the_gate_tables(gate):
    from kettle.passes import euler

    for theta in (-2.5, 0.0, 0.7, np.pi):
        np.testing.assert_allclose(np.reshape(euler.rotation(gate[1], theta), (2, 2)),
                                   GATES[gate].matrix([theta]), atol=1e-15)
