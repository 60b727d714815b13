"""The "ibm" target end to end: random kernels over the whole gate table go through its
pipeline (decompose -> route -> resynthesize-1q) and the emitter; the program uses only
rz, sx, x, cx, every cx on a coupling edge, and Qiskit measures kettle's probabilities
(the `c[i] = measure $k` lines undo the layout)."""

from __future__ import annotations

import numpy as np
import openqasm3
from hypothesis import given, settings
from openqasm3 import ast
from qasm_references import gate_kernels, qiskit_measured_probs, run_kernel

from kettle import Target
from kettle.backends.openqasm.emit import emit_kernel
from kettle.ir import Module
from kettle.passes.routing.coupling import heavy_hex

LINE = ((0, 1), (1, 2), (2, 3), (3, 4))
MAPS = {"line": LINE, "heavy-hex": heavy_hex(3)}


def _check(text: str, edges) -> None:
    allowed = {tuple(sorted(e)) for e in edges}
    for s in openqasm3.parse(text).statements:
        if isinstance(s, ast.QuantumGate):
            assert s.name.name in {"rz", "sx", "x", "cx"} and not s.modifiers, s.name.name
            if s.name.name == "cx":
                pair = tuple(sorted(int(q.name[1:]) for q in s.qubits))
                assert pair in allowed


@settings(max_examples=30, deadline=None)
@given(gate_kernels(min_wires=2, max_wires=4, max_gates=10, unitary_qubits=1))
def test_ibm_pipeline_keeps_probabilities_on_a_line(drawn):
    build, params = drawn
    kernel = build("probs")
    target = Target("ibm", coupling_map=LINE)
    prepared = target.prepare(Module(kernel.name, (kernel,)))[kernel.name]
    text = emit_kernel(prepared, target, [params] if kernel.args else None).text
    _check(text, LINE)
    np.testing.assert_allclose(qiskit_measured_probs(text), run_kernel(kernel, params)[0], atol=1e-8)


@settings(max_examples=8, deadline=None)
@given(gate_kernels(min_wires=3, max_wires=5, max_gates=12, unitary_qubits=1))
def test_ibm_pipeline_on_heavy_hex_parametric(drawn):
    build, params = drawn
    kernel = build("probs")
    target = Target("ibm", coupling_map=MAPS["heavy-hex"])
    prepared = target.prepare(Module(kernel.name, (kernel,)))[kernel.name]
    exported = emit_kernel(prepared, target, [params] if kernel.args else None, parametric=True)
    _check(exported.text, MAPS["heavy-hex"])
    probs = qiskit_measured_probs(exported.text, exported.inputs)
    np.testing.assert_allclose(probs, run_kernel(kernel, params)[0], atol=1e-8)
