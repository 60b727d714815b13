"""The OpenQASM importer on its own: classical control flow evaluated at import, the flat
program it leaves, symbolic inputs, and located errors for everything it refuses."""

from __future__ import annotations

import math

import pytest

from kettle import QasmError
from kettle.backends.openqasm.importer import statements
from kettle.backends.openqasm.importer.load import import_qasm
from kettle.backends.openqasm.importer.program import GateApplication, Sym

HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def gates(text: str, **kwargs) -> list[tuple]:
    """(gate, wires, params) of each application, params rounded for comparison."""
    program = import_qasm(HEAD + text, **kwargs)
    return [(op.gate, op.wires, tuple(round(p, 12) for p in op.params)) for op in program.ops]


def refused(text: str, head: str = HEAD) -> QasmError:
    with pytest.raises(QasmError) as info:
        import_qasm(head + text, "prog.qasm")
    return info.value


# -- classical control flow -------------------------------------------------------------------

def test_import_for_loops_over_ranges_sets_and_steps():
    text = "qubit[4] q;\nfor int i in [0:2:3] { h q[i]; }\nfor uint j in {3, 1} { x q[j]; }\n" \
           "for int k in [3:-1:2] { z q[k]; }\n"
    assert gates(text) == [("Hadamard", (0,), ()), ("Hadamard", (2,), ()), ("PauliX", (3,), ()),
                           ("PauliX", (1,), ()), ("PauliZ", (3,), ()), ("PauliZ", (2,), ())]


def test_import_while_break_continue_and_if_else():
    text = """qubit[3] q;
int n = 0;
while (n < 10) {
  n += 1;
  if (n == 2) { continue; }
  if (n > 3) { break; } else { x q[n - 1]; }
}
"""
    assert gates(text) == [("PauliX", (0,), ()), ("PauliX", (2,), ())]


def test_import_switch_picks_the_case():
    text = "qubit q;\nint k = 2;\nswitch (k) { case 1 { x q; } case 2, 3 { y q; } default { z q; } }\n"
    assert gates(text) == [("PauliY", (0,), ())]


def test_import_subroutines_apply_gates_and_return_values():
    text = """qubit[2] q;
def twice(float a) -> float { return 2 * a; }
def entangle(qubit a, qubit b, float t) { h a; cx a, b; rz(twice(t)) b; }
entangle(q[1], q[0], 0.25);
"""
    assert gates(text) == [("Hadamard", (1,), ()), ("CNOT", (1, 0), ()), ("RZ", (0,), (0.5,))]


def test_import_let_aliases_slices_and_concatenation():
    text = "qubit[2] a;\nqubit[3] b;\nlet both = a[1] ++ b[0:1];\nlet last = b[-1];\nh both;\nx last;\n"
    assert gates(text) == [("Hadamard", (1,), ()), ("Hadamard", (2,), ()), ("Hadamard", (3,), ()),
                           ("PauliX", (4,), ())]


def test_import_classical_arithmetic_constants_and_builtins():
    text = """qubit q;
const int n = 3;
float[64] a = pi / n + sqrt(4.0);
angle[32] b = 2 * a;
int c = 7 / 2;
bit[4] bits = "0110";
rx(a) q;
ry(b - euler + tau) q;
rz(c + popcount(bits) + (bits[1] ? 1 : 0)) q;
"""
    with pytest.raises(QasmError):  # no ternary operator in OpenQASM 3: a syntax error
        gates(text)
    text = text.replace(" + (bits[1] ? 1 : 0)", " + int(bits[1]) + (1 << 2) + mod(7, 4) + floor(1.5)")
    a = math.pi / 3 + 2
    assert gates(text) == [("RX", (0,), (round(a, 12),)),
                           ("RY", (0,), (round(2 * a - math.e + math.tau, 12),)),
                           ("RZ", (0,), (3 + 2 + 1 + 4 + 3 + 1,))]


def test_import_arrays_index_assign_and_iterate():
    text = """qubit[3] q;
array[int[8], 3] idx = {2, 0, 1};
idx[1] = 1;
for int i in idx { x q[i]; }
array[float[64], 2, 2] m = {{0.1, 0.2}, {0.3, 0.4}};
rx(m[1][0] + m[0, 1]) q[0];
"""
    assert gates(text) == [("PauliX", (2,), ()), ("PauliX", (1,), ()), ("PauliX", (1,), ()),
                           ("RX", (0,), (0.5,))]


def test_import_broadcasts_registers_index_by_index():
    text = "qubit[3] a;\nqubit[3] b;\ncx a, b;\ncx a[0], b;\n"
    assert gates(text) == [("CNOT", (0, 3), ()), ("CNOT", (1, 4), ()), ("CNOT", (2, 5), ()),
                           ("CNOT", (0, 3), ()), ("CNOT", (0, 4), ()), ("CNOT", (0, 5), ())]


def test_import_physical_qubits_are_wires():
    program = import_qasm("OPENQASM 3.0;\nh $3;\ncnot $3, $1;\n")
    assert program.num_wires == 4
    assert [(op.gate, op.wires) for op in program.ops] == [("Hadamard", (3,)), ("CNOT", (3, 1))]


def test_import_qasm2_builtins_and_power_operator():
    program = import_qasm("OPENQASM 2.0;\nqreg q[2];\nCX q[0], q[1];\nU(2^3, 0, pi) q[1];\n")
    assert program.ops == [GateApplication("CNOT", (0, 1)), GateApplication("U3", (1,), (8.0, 0.0, math.pi))]


def test_import_terminal_measurements_map_bits_to_wires():
    program = import_qasm(HEAD + "qubit[3] q;\nbit[2] c;\nbit d;\nh q;\nc[1] = measure q[0];\n"
                          "measure q[2] -> c[0];\nd = measure q[1];\n")
    assert program.measured == (2, 0, 1)


def test_import_reset_of_a_fresh_qubit_is_nothing():
    assert gates("qubit[2] q;\nreset q;\nh q[0];\n") == [("Hadamard", (0,), ())]


def test_import_uncontrolled_gphase_is_recorded_not_applied():
    program = import_qasm(HEAD + "qubit q;\ngphase(0.5);\nx q;\ngphase(-0.2);\n")
    assert program.ops == [GateApplication("PauliX", (0,))]
    assert program.global_phase == pytest.approx(0.3)


# -- inputs -----------------------------------------------------------------------------------

def test_import_float_inputs_stay_symbolic():
    program = import_qasm(HEAD + "input float theta;\ninput angle[32] phi;\nqubit q;\n"
                          "rx(2 * theta + sin(phi)) q;\nry(theta ** 2 / 3) q;\n")
    assert program.inputs == ("theta", "phi")
    rx_angle, ry_angle = program.ops[0].params[0], program.ops[1].params[0]
    assert isinstance(rx_angle, Sym) and rx_angle.inputs() == {"theta", "phi"}
    env = {"theta": 0.7, "phi": 0.2}
    assert rx_angle.evaluate(env) == pytest.approx(1.4 + math.sin(0.2))
    assert ry_angle.evaluate(env) == pytest.approx(0.49 / 3)


@pytest.mark.parametrize("line, feature", [
    ("if (theta > 0) { x q; }", "depends on input theta"),
    ("rx(floor(theta)) q;", "floor"),
    ("pow(theta) @ x q;", "pow"),
    ("int k = theta;", "cannot become int"),
])
def test_import_refuses_what_an_input_cannot_decide(line, feature):
    error = refused(f"input float theta;\nqubit q;\n{line}\n")
    assert feature in str(error) and error.line == 5


def test_import_static_inputs_take_given_values():
    text = HEAD + "input uint[3] n;\ninput bool flip;\nqubit[3] q;\n" \
                  "for int i in [0:2] { if (bool(n[i])) x q[i]; }\nif (flip) h q[0];\n"
    program = import_qasm(text, static_values={"n": 5, "flip": True})
    assert program.static_inputs == {"n": "uint[3]", "flip": "bool"}
    assert [(op.gate, op.wires) for op in program.ops] == [("PauliX", (0,)), ("PauliX", (2,)),
                                                           ("Hadamard", (0,))]


# -- refusals, with their line and column ----------------------------------------------------------

def _located(error: QasmError, line: int, column: int | None = None) -> None:
    assert error.line == line
    if column is not None:
        assert error.column == column
    assert "prog.qasm:" in str(error) and "^" in str(error).splitlines()[-1]


def test_import_syntax_error_points_after_the_statement_missing_its_semicolon():
    error = refused("qubit q;\nh q\nx q;\n")
    _located(error, 4, 4)
    assert "expected ';'" in str(error) and "    h q" in str(error)


def test_import_syntax_error_names_the_unexpected_token():
    error = refused("qubit q;\nrx(0.1)) q;\n")
    _located(error, 4, 8)
    assert "unexpected ')'" in str(error)


@pytest.mark.parametrize("line, message, column", [
    ("foo q[0];", "unknown gate 'foo'", 1),
    ("rx q[0];", "takes 1 parameter(s), got 0", 1),
    ("cx q[0];", "acts on 2 qubit(s)", 1),
    ("cx q[0], q[0];", "same qubit twice", 1),
    ("h q[7];", "index 7 is out of range", 3),
    ("h r[0];", "'r' is not declared", 3),
    ("rx(undeclared) q[0];", "'undeclared' is not declared", 4),
    ("ctrl @ x q[0];", "plus 1 control(s)", 1),
])
def test_import_gate_call_mistakes_are_located(line, message, column):
    error = refused(f"qubit[2] q;\n{line}\n")
    assert message in str(error)
    _located(error, 4, column)


def test_import_unknown_gate_suggests_the_missing_include():
    error = refused("qubit q;\ncx q, q;\n", head="OPENQASM 3.0;\n")
    assert 'include "stdgates.inc"' in str(error)


@pytest.mark.parametrize("body, line, feature", [
    ("qubit q;\nbit c;\nh q;\nc = measure q;\nx q;\n", 7, "mid-circuit measurement"),
    ("qubit q;\nbit c;\nc = measure q;\nif (c == 1) { x q; }\n", 6, "feed-forward"),
    ("qubit q;\nh q;\nreset q;\n", 5, "reset"),
    ("qubit q;\nwhile (true) { x q; }\n", 4, "never ends"),
    ("extern f(int) -> int;\nqubit q;\nrx(f(1)) q;\n", 5, "extern"),
    ("qubit q;\n#pragma braket noise bit_flip(0.1) q\n", 4, "noise"),
    ("qubit q;\n#pragma braket result density_matrix q\n", 4, "density_matrix"),
    ("qubit q;\nrx(durationof({x q;})) q;\n", 4, "durationof"),
    ('include "missing.inc";\n', 3, "not found"),
])
def test_import_unsupported_features_are_named_and_located(body, line, feature):
    error = refused(body)
    assert feature in str(error)
    _located(error, line)


def test_import_opaque_declarations_are_named():
    error = refused("qreg q[1];\nopaque magic a;\nmagic q[0];\n",
                    head='OPENQASM 2.0;\ninclude "qelib1.inc";\n')
    assert "opaque gate 'magic'" in str(error)
    _located(error, 4, 1)


def test_import_a_while_loop_stops_at_its_bound(monkeypatch):
    monkeypatch.setattr(statements, "MAX_WHILE_ITERATIONS", 50)
    error = refused("qubit q;\nint i = 0;\nwhile (i < 100) { i += 1; x q; }\n")
    assert "ran 50 times" in str(error)
    _located(error, 5)


def test_import_errors_in_an_include_name_the_included_file(tmp_path):
    (tmp_path / "bad.inc").write_text("gate g a {\n  nosuch a;\n}\n")
    path = tmp_path / "main.qasm"
    text = 'OPENQASM 3.0;\ninclude "bad.inc";\nqubit q;\ng q;\n'
    with pytest.raises(QasmError) as info:
        import_qasm(text, str(path))
    assert info.value.path == str(tmp_path / "bad.inc") and info.value.line == 2


def test_import_pragmas_other_than_results_are_noted():
    program = import_qasm(HEAD + "#pragma braket verbatim\nqubit q;\n#pragma something else\nbox { x q; }\n"
                          "defcalgrammar \"openpulse\";\n")
    assert any("verbatim" in note for note in program.notes)
    assert any("calibration" in note for note in program.notes)
    assert [op.gate for op in program.ops] == ["PauliX"]


def test_import_braket_unitary_pragma_applies_the_matrix():
    program = import_qasm("OPENQASM 3.0;\nqubit[2] q;\n#pragma braket unitary([[0, -1im], [1im, 0]]) q[1]\n")
    assert program.ops == [GateApplication("QubitUnitary", (1,), matrix=((0, -1j), (1j, 0)))]


# -- the fast path ----------------------------------------------------------------------------

FAST_AND_SLOW = HEAD + """qubit[3] q;
bit[3] c;
gate g(a) x, y { rx(a) x; cx x, y; }
h q[0];
rz(-pi/4 + 2**-1) q[1];
u3(1e-3, .5, 2.5e1) q[2];
g(0.1) q[0], q[2];
if (true) { x q[1]; } else { y q[1]; }
barrier q;
c[0] = measure q[0];
measure q[1] -> c[1];
"""


def test_import_fast_path_gives_the_parsers_program():
    fast, slow = import_qasm(FAST_AND_SLOW, fast=True), import_qasm(FAST_AND_SLOW, fast=False)
    assert fast.ops == slow.ops and fast.measured == slow.measured and len(fast.ops) == 6


def test_import_fast_path_reports_errors_at_the_same_place():
    text = FAST_AND_SLOW + "cx q[0], q[9];\n"
    errors = []
    for fast in (True, False):
        with pytest.raises(QasmError) as info:
            import_qasm(text, "prog.qasm", fast=fast)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "prog.qasm:14:10" in errors[0]
