"""Export -> import round trips: a circuit exported by kt.to_qasm and read back by
kt.from_qasm computes the same state (up to global phase) and the same results, for the
generic, braket and ibm targets, with constant and parametric (`input float[64]`) angles."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import kettle as kt
from kettle.frontend.operations import GATE_CLASSES

SIMPLE = ["RX", "RY", "RZ", "Hadamard", "CNOT", "CZ", "CRX", "Toffoli", "SWAP", "IsingZZ", "Rot",
          "ISWAP", "PhaseShift", "ControlledPhaseShift", "MultiRZ", "S", "T", "SX", "CRot", "U3", "ECR"]


@st.composite
def circuits(draw):
    """(ops, n_params): gates of the table with parameter slots or constants, adjoints, controls."""
    ops, slots = [], 0
    for _ in range(draw(st.integers(1, 10))):
        name = draw(st.sampled_from(SIMPLE))
        cls = GATE_CLASSES[name]
        width = cls.spec.num_wires or draw(st.integers(1, 3))
        wires = draw(st.permutations(range(4)))[:width]
        params = []
        for _ in range(cls.spec.num_params):
            if draw(st.booleans()):
                params.append(("slot", slots))
                slots += 1
            else:
                params.append(("const", draw(st.floats(-3, 3))))
        control = draw(st.sampled_from([None, None, None] + [w for w in range(4) if w not in wires]))
        ops.append((name, tuple(wires), params, draw(st.booleans()), control))
    return ops, slots


def _build(ops):
    def body(x):
        for name, wires, params, adjoint, control in ops:
            values = [x[v] if kind == "slot" else v for kind, v in params]
            gate = GATE_CLASSES[name]
            if adjoint:
                gate = kt.adjoint(gate)
            if control is not None:
                gate = kt.ctrl(gate, control=control)
            gate(*values, wires=list(wires))
    return body


@settings(max_examples=25, deadline=None)
@given(circuits(), st.sampled_from(["generic", "braket"]), st.booleans())
def test_export_import_round_trip_keeps_the_state(drawn, target, parametric):
    ops, slots = drawn
    body = _build(ops)
    x = np.random.default_rng(slots).uniform(-np.pi, np.pi, max(slots, 1))

    @kt.qjit(wires=4)
    def original(x):
        body(x)
        return kt.state()

    @kt.qjit(wires=4)
    def measured(x):
        body(x)
        return kt.probs()

    text = kt.to_qasm(measured, x, target=target, parametric=parametric)
    qfn = kt.from_qasm(text)
    inputs = kt.qasm_inputs(measured, x) if parametric else {}
    assert list(qfn.inputs) == list(inputs)

    @kt.qjit(wires=qfn.num_wires)
    def imported(*values):
        qfn(*values, results=False)
        return kt.state()

    a, b = original(x), imported(*inputs.values())
    overlap = np.vdot(b, a)
    assert abs(abs(overlap) - 1) < 1e-8 and np.allclose(b * overlap / abs(overlap), a, atol=1e-8)


def test_braket_result_pragmas_round_trip():
    @kt.qjit(wires=3)
    def c(x):
        kt.RX(x, wires=0)
        kt.CNOT([0, 1])
        kt.RY(0.4, wires=2)
        return kt.expval(kt.Z(0) @ kt.X(2)), kt.probs(wires=[1, 2]), kt.var(kt.Y(1))

    qfn = kt.from_qasm(kt.to_qasm(c, 0.7, target="braket", parametric=True))

    @kt.qjit(wires=3)
    def back(x):
        return qfn(x)

    for a, b in zip(back(0.7), c(0.7)):
        np.testing.assert_allclose(a, b, atol=1e-12)
    grads = [kt.grad(lambda x, f=f: f(x)[0])(0.7) for f in (back, c)]
    np.testing.assert_allclose(*grads, atol=1e-10)


def test_ibm_export_imports_and_undoes_the_layout():
    @kt.qjit(wires=3)
    def c(x):
        kt.Hadamard(0)
        kt.CRX(x, wires=[0, 2])
        kt.Toffoli([2, 0, 1])
        return kt.probs()

    text = kt.to_qasm(c, 0.9, target=kt.Target("ibm", coupling_map=[(0, 1), (1, 2), (2, 3)]))
    qfn = kt.from_qasm(text)

    @kt.qjit(wires=qfn.num_wires)
    def back():
        qfn()
        return kt.probs(wires=list(qfn.measured))

    np.testing.assert_allclose(back(), c(0.9), atol=1e-10)
