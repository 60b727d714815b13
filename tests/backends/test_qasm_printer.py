"""The exporter's fast printer writes exactly what `openqasm3.dumps` writes, on every kind of
program the exporter makes and on the statements it leaves to the library."""

from __future__ import annotations

import openqasm3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openqasm3 import ast
from qasm_references import gate_kernels

from kettle import Target
from kettle.backends.openqasm.dialects import Dialect
from kettle.backends.openqasm.emit import emit_kernel
from kettle.backends.openqasm.printer import dumps
from kettle.backends.openqasm.readout import Readout

FEW = {"RX": "rx", "RY": "ry", "RZ": "rz", "CNOT": "cx"}
TARGETS = [
    Target("generic"), Target("braket"),
    Target("defined", dialect=Dialect("defined", FEW, includes=("stdgates.inc",))),
    Target("expanded", dialect=Dialect("expanded", FEW, definitions=False)),
]


@given(drawn=gate_kernels(max_wires=4, max_gates=10, unitary_qubits=2), target=st.sampled_from(TARGETS),
       parametric=st.booleans(), readout=st.booleans())
def test_fast_printer_equals_openqasm3_dumps_on_exported_programs(drawn, target, parametric, readout):
    build, params = drawn
    kernel = build("probs")
    wires = kernel.body[0].wires
    try:
        exported = emit_kernel(kernel, target, [params] if len(params) else [], parametric=parametric,
                               readout=Readout(tuple(range(wires)), ((0, "Y"),)) if readout else None)
    except Exception as exc:  # a multi-qubit unitary outside Braket: refused, nothing to print
        assert "unitary" in str(exc)
        return
    assert dumps(exported.program) == openqasm3.dumps(exported.program)


@pytest.mark.parametrize("statement", [
    ast.QuantumGate([], ast.Identifier("x"), [], [ast.Identifier("$0")], duration=ast.DurationLiteral(
        10.0, ast.TimeUnit.ns)),
    ast.QuantumPhase([ast.QuantumGateModifier(ast.GateModifierName.ctrl, ast.IntegerLiteral(2))],
                     ast.BinaryExpression(ast.BinaryOperator["/"], ast.Identifier("pi"),
                                          ast.IntegerLiteral(2)),
                     [ast.Identifier("$0"), ast.Identifier("$1")]),
    ast.QuantumGate([ast.QuantumGateModifier(ast.GateModifierName.pow, ast.FloatLiteral(0.5))],
                    ast.Identifier("rx"), [ast.UnaryExpression(ast.UnaryOperator["-"], ast.Identifier("a"))],
                    [ast.IndexedIdentifier(ast.Identifier("q"), [[ast.IntegerLiteral(1)]])]),
])
def test_fast_printer_equals_openqasm3_dumps_on_other_statements(statement):
    annotated = ast.QuantumGate([], ast.Identifier("h"), [], [ast.Identifier("$0")])
    annotated.annotations = [ast.Annotation("keep", "this")]
    program = ast.Program([statement, annotated, statement], version="3.0")
    assert dumps(program) == openqasm3.dumps(program)
