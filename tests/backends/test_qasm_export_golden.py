"""Golden text: one small program per target, printed exactly (stable, readable output).

A change here is a change of what users and QPU services receive: review the diff."""

from __future__ import annotations

import numpy as np

import kettle as kt
from kettle.backends.openqasm.emit import emit_kernel
from kettle.ir.builder import KernelBuilder


@kt.qjit(wires=3)
def circuit(x):
    kt.H(wires=0)
    kt.CNOT(wires=[0, 1])
    kt.Rot(x, 0.2, -0.3, wires=2)
    kt.adjoint(kt.S)(wires=1)
    kt.ctrl(kt.RY, control=0, control_values=[False])(np.pi / 2, wires=2)
    return kt.probs(wires=[0, 2])


@kt.qjit(wires=3)
def observed(x):
    kt.H(wires=0)
    kt.CNOT(wires=[0, 1])
    kt.Rot(x, 0.2, -0.3, wires=2)
    kt.adjoint(kt.S)(wires=1)
    kt.CRX(np.pi / 2, wires=[0, 2])
    return kt.expval(kt.Z(0) @ kt.X(2)), kt.probs(wires=[2, 1])


GENERIC = """\
OPENQASM 3.0;
include "stdgates.inc";
gate rot(p0, p1, p2) q0 {
  rz(p0) q0;
  ry(p1) q0;
  rz(p2) q0;
}
qubit[3] q;
bit[2] c;
h q[0];
cx q[0], q[1];
rot(0.5, 0.2, -0.3) q[2];
sdg q[1];
negctrl @ ry(pi / 2) q[0], q[2];
c[0] = measure q[0];
c[1] = measure q[2];
"""

GENERIC_PARAMETRIC_HEAD = """\
OPENQASM 3.0;
include "stdgates.inc";
input float[64] params_0;
"""

BRAKET = """\
OPENQASM 3.0;
qubit[3] q;
h q[0];
cnot q[0], q[1];
rz(0.5) q[2];
ry(0.2) q[2];
rz(-0.3) q[2];
si q[1];
ctrl @ rx(pi / 2) q[0], q[2];
pragma braket result expectation z(q[0]) @ x(q[2])
pragma braket result probability q[2], q[1]
"""

IBM = """\
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
rz(0.25) $0;
sx $0;
cx $0, $1;
x $2;
cx $2, $1;
c[0] = measure $1;
c[1] = measure $2;
"""


def test_golden_generic():
    assert kt.to_qasm(circuit, 0.5) == GENERIC


def test_golden_generic_parametric():
    text = kt.to_qasm(circuit, 0.5, parametric=True)
    assert text == GENERIC_PARAMETRIC_HEAD + GENERIC.split("\n", 2)[2].replace("rot(0.5,", "rot(params_0,")
    assert kt.qasm_inputs(circuit, 0.5) == {"params_0": 0.5}


def test_golden_braket():
    assert kt.to_qasm(observed, 0.5, target="braket") == BRAKET


def test_golden_ibm_on_a_kernel_in_its_basis():
    b = KernelBuilder("k", 3, 1)
    b.gate("RZ", [0], [b.param(0)])
    b.gate("SX", [0])
    b.gate("CNOT", [0, 1])
    b.gate("PauliX", [2])
    b.gate("CNOT", [2, 1])
    kernel = b.build([b.probs([1, 2])])
    assert emit_kernel(kernel, kt.Target("ibm", coupling_map=[(0, 1), (1, 2)]), [[0.25]]).text == IBM
