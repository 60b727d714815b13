"""kt.from_qasm: imported programs replayed in qjit bodies, checked against dense matrices.

Each program's unitary is read column by column from kt.state() on the reference backend
and compared with matrices written out in dense_reference (or computed by SciPy), global
phase included: a gate modifier that got a phase wrong under control would show.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from dense_reference import H, X, Y, Z, controlled, controlled_on, ising, kron, phase_shift, rx, ry, rz, u3
from finite_differences import five_point

import kettle as kt
from kettle.frontend import QasmFunction

S = np.diag([1, 1j])
T = np.diag([1, np.exp(0.25j * np.pi)])
SX = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])


def unitary(qfn: QasmFunction | None = None, text: str | None = None) -> np.ndarray:
    """The unitary an imported program applies (columns from basis-state inputs), global
    phase included (the program applies its recorded gphase at the end)."""
    qfn = qfn or kt.from_qasm(text)
    n = qfn.num_wires

    @kt.qjit(wires=n, backend="reference")
    def column(j: int):
        for w in range(n):
            if (j >> (n - 1 - w)) & 1:
                kt.X(w)
        qfn()
        return kt.state()

    return np.stack([column(j) for j in range(2**n)], axis=1)


def program(body: str, qubits: int = 1, header: str = 'OPENQASM 3.0;\ninclude "stdgates.inc";') -> str:
    return f"{header}\nqubit[{qubits}] q;\n{body}\n"


# -- modifiers ------------------------------------------------------------------------------

def test_from_qasm_inv_inverts_builtin_and_defined_gates():
    assert np.allclose(unitary(text=program("inv @ U(0.3, 0.5, 0.7) q[0];")), u3(0.3, 0.5, 0.7).conj().T)
    text = program("gate g(a) x, y { rx(a) x; cx x, y; t y; }\ninv @ g(0.4) q[0], q[1];", 2)
    forward = kron(np.eye(2), T) @ controlled(X) @ kron(rx(0.4), np.eye(2))
    assert np.allclose(unitary(text=text), forward.conj().T)


def test_from_qasm_integer_pow_repeats_and_negative_pow_inverts():
    assert np.allclose(unitary(text=program("pow(3) @ rx(0.4) q[0];")), rx(1.2))
    assert np.allclose(unitary(text=program("pow(-2) @ s q[0];")), np.linalg.matrix_power(S.conj().T, 2))


def test_from_qasm_fractional_pow_of_fixed_gates_is_the_principal_root():
    assert np.allclose(unitary(text=program("pow(0.5) @ x q[0];")), SX)
    assert np.allclose(unitary(text=program("pow(0.25) @ z q[0];")), T)
    assert np.allclose(unitary(text=program("pow(0.5) @ cx q[0], q[1];", 2)), controlled(SX))


def test_from_qasm_fractional_pow_scales_rotation_angles():
    assert np.allclose(unitary(text=program("pow(1/3) @ rz(0.9) q[0];")), rz(0.3))
    assert np.allclose(unitary(text=program("pow(0.5) @ crx(1.0) q[0], q[1];", 2)), controlled(rx(0.5)))


def test_from_qasm_fractional_pow_of_general_gates_matches_scipy():
    linalg = pytest.importorskip("scipy.linalg")
    assert np.allclose(unitary(text=program("pow(0.3) @ U(0.7, 0.2, -0.4) q[0];")),
                       linalg.fractional_matrix_power(u3(0.7, 0.2, -0.4), 0.3))
    text = program("gate g x, y { h x; cx x, y; ry(0.3) y; }\npow(0.5) @ g q[0], q[1];", 2)
    g = kron(np.eye(2), ry(0.3)) @ controlled(X) @ kron(H, np.eye(2))
    assert np.allclose(unitary(text=text), linalg.fractional_matrix_power(g, 0.5))


def test_from_qasm_ctrl_and_negctrl_control_on_ones_and_zeros():
    assert np.allclose(unitary(text=program("ctrl(2) @ h q[0], q[1], q[2];", 3)), controlled(H, 2))
    assert np.allclose(unitary(text=program("negctrl @ ry(0.8) q[0], q[1];", 2)), controlled_on(ry(0.8), [0]))
    assert np.allclose(unitary(text=program("ctrl @ negctrl @ x q[0], q[1], q[2];", 3)),
                       controlled_on(X, [1, 0]))


def test_from_qasm_ctrl_of_a_definition_with_gphase_puts_the_phase_on_the_control():
    text = program("gate g x { gphase(0.7); rx(0.2) x; }\nctrl @ g q[0], q[1];", 2)
    assert np.allclose(unitary(text=text), controlled(np.exp(0.7j) * rx(0.2)))
    text = program("negctrl(2) @ gphase(0.3) q[0], q[1];", 2)
    assert np.allclose(unitary(text=text), np.diag([np.exp(0.3j), 1, 1, 1]))


def test_from_qasm_modifiers_compose():
    text = program("ctrl @ inv @ pow(2) @ rx(0.3) q[1], q[0];", 2)
    expected = np.eye(4, dtype=complex)
    expected[np.ix_([1, 3], [1, 3])] = rx(-0.6)  # control q[1] (least significant), target q[0]
    assert np.allclose(unitary(text=text), expected)


def test_from_qasm_gate_parameters_bind_in_declaration_order():
    # qiskit.qasm3 binds them alphabetically (see the corpus README); the spec binds in order
    text = program("gate g(zeta, alpha) x { rx(zeta) x; rz(alpha) x; }\ng(0.3, 1.2) q[0];")
    assert np.allclose(unitary(text=text), rz(1.2) @ rx(0.3))


# -- standard gate libraries ------------------------------------------------------------------

STDGATES = {
    "p(0.3)": phase_shift(0.3), "x": X, "y": Y, "z": Z, "h": H, "s": S, "sdg": S.conj().T, "t": T,
    "tdg": T.conj().T, "sx": SX, "rx(0.3)": rx(0.3), "ry(0.3)": ry(0.3), "rz(0.3)": rz(0.3),
    "cx": controlled(X), "cy": controlled(Y), "cz": controlled(Z), "cp(0.3)": controlled(phase_shift(0.3)),
    "crx(0.3)": controlled(rx(0.3)), "cry(0.3)": controlled(ry(0.3)), "crz(0.3)": controlled(rz(0.3)),
    "ch": controlled(H), "swap": np.eye(4)[[0, 2, 1, 3]], "ccx": controlled(X, 2),
    "cswap": controlled(np.eye(4)[[0, 2, 1, 3]]),
    "cu(0.3, 0.5, 0.7, 0.9)": controlled(np.exp(0.9j) * u3(0.3, 0.5, 0.7)),
    "CX": controlled(X), "phase(0.3)": phase_shift(0.3), "cphase(0.3)": controlled(phase_shift(0.3)),
    "id": np.eye(2), "u1(0.3)": phase_shift(0.3), "u2(0.5, 0.7)": u3(np.pi / 2, 0.5, 0.7),
    "u3(0.3, 0.5, 0.7)": u3(0.3, 0.5, 0.7),
}


@pytest.mark.parametrize("call", sorted(STDGATES))
def test_from_qasm_stdgates_match_their_matrices(call):
    expected = STDGATES[call]
    n = int(np.log2(len(expected)))
    operands = ", ".join(f"q[{i}]" for i in range(n))
    assert np.allclose(unitary(text=program(f"{call} {operands};", n)), expected)


def _qiskit_matrix(instruction) -> np.ndarray:
    """A Qiskit gate's matrix in kettle's order (Qiskit's first qubit is least significant)."""
    from qiskit.quantum_info import Operator

    m = Operator(instruction).data
    n = int(np.log2(len(m)))
    order = list(reversed(range(n)))
    return m.reshape([2] * 2 * n).transpose(order + [n + i for i in order]).reshape(2**n, 2**n)


def test_from_qasm_qelib1_gates_match_qiskit_exactly():
    qasm2 = pytest.importorskip("qiskit.qasm2")
    params = [0.3, 0.5, 0.7, 0.9]
    for custom in qasm2.LEGACY_CUSTOM_INSTRUCTIONS:
        if custom.name in ("delay", "u0"):
            continue
        args = params[:custom.num_params]
        call = custom.name + (f"({', '.join(map(str, args))})" if args else "")
        operands = ", ".join(f"q[{i}]" for i in range(custom.num_qubits))
        text = f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[{custom.num_qubits}];\n{call} {operands};\n'
        expected = _qiskit_matrix(custom.constructor(*args))
        assert np.allclose(unitary(text=text), expected), custom.name


def test_from_qasm_braket_builtin_gates_match_braket_exactly():
    pytest.importorskip("braket.default_simulator")
    from braket.default_simulator.gate_operations import BRAKET_GATES

    angles = [0.3, 0.5, 0.7]
    for name, cls in BRAKET_GATES.items():
        if name in ("unitary", "U", "gphase"):
            continue
        count = len([p for p in inspect.signature(cls).parameters
                     if p not in ("targets", "ctrl_modifiers", "power")])
        matrix = cls(list(range(4)), *angles[:count]).matrix
        n = int(np.log2(len(matrix)))
        call = name + (f"({', '.join(map(str, angles[:count]))})" if count else "")
        text = f"OPENQASM 3.0;\nqubit[{n}] q;\n{call} {', '.join(f'q[{i}]' for i in range(n))};\n"
        assert np.allclose(unitary(text=text), matrix), name


# -- inputs, gradients, calls ------------------------------------------------------------------

PARAMETRIC = """OPENQASM 3.0;
include "stdgates.inc";
input float theta;
input float[64] phi;
qubit[2] q;
rx(2 * theta) q[0];
cry(phi - theta) q[0], q[1];
rz(sin(theta)) q[1];
"""


def test_from_qasm_inputs_are_arguments_in_declaration_order():
    qfn = kt.from_qasm(PARAMETRIC)
    assert qfn.inputs == ("theta", "phi") and qfn.num_wires == 2

    @kt.qjit(wires=2, backend="reference")
    def state(a, b):
        qfn(a, phi=b)
        return kt.state()

    expected = kron(np.eye(2), rz(np.sin(0.4))) @ controlled(ry(1.1 - 0.4)) @ kron(rx(0.8), np.eye(2))
    assert np.allclose(state(0.4, 1.1), expected[:, 0])


def test_from_qasm_inputs_are_traced_and_differentiable():
    qfn = kt.from_qasm(PARAMETRIC)

    @kt.qjit(wires=2)
    def energy(x):
        qfn(x, 0.25)
        return kt.expval(kt.Z(0) @ kt.Z(1))

    def closed_form(t):  # <Z0 Z1> after RX(2t) then CRY(0.25 - t); RZ commutes with Z
        p1 = np.sin(t) ** 2
        return (1 - p1) - p1 * np.cos(0.25 - t)

    for x in (0.3, 1.2):
        assert np.isclose(energy(x), closed_form(x))
        assert np.isclose(kt.grad(energy)(x), five_point(closed_form, x), atol=1e-7)


def test_from_qasm_reads_a_file_path_and_its_includes(tmp_path):
    (tmp_path / "mine.inc").write_text("gate flip a { x a; }\n")
    path = tmp_path / "prog.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "mine.inc";\nqubit q;\nbit c;\nflip q;\nc = measure q;\n')
    for source in (path, str(path)):
        qfn = kt.from_qasm(source)
        assert qfn.measured == (0,)
        assert np.allclose(unitary(qfn), X)


def test_from_qasm_finds_includes_of_a_string_on_the_include_path(tmp_path):
    (tmp_path / "mine.inc").write_text("gate flip a { x a; }\n")
    text = 'OPENQASM 3.0;\ninclude "mine.inc";\nqubit q;\nflip q;\n'
    for include_path in (str(tmp_path), [tmp_path]):
        assert np.allclose(unitary(kt.from_qasm(text, include_path=include_path)), X)
    with pytest.raises(kt.QasmError, match="'mine.inc' not found.*include_path"):
        kt.from_qasm(text)


def test_from_qasm_of_a_missing_file_is_a_qasm_error(tmp_path):
    with pytest.raises(kt.QasmError, match="cannot read OpenQASM file .*nothere.qasm"):
        kt.from_qasm(str(tmp_path / "nothere.qasm"))


def test_from_qasm_outside_a_qjit_body_names_the_fix():
    qfn = kt.from_qasm(program("h q[0];"))
    with pytest.raises(kt.KettleError, match="outside a qjit function.*kt.qjit"):
        qfn()


def test_from_qasm_wire_count_must_match_or_be_placed():
    qfn = kt.from_qasm(program("x q[0];"))

    @kt.qjit(wires=3, backend="reference")
    def wrong():
        qfn()
        return kt.probs()

    with pytest.raises(kt.KettleError, match="1 wire.*3.*wires=1"):
        wrong()

    @kt.qjit(wires=3, backend="reference")
    def placed():
        qfn(wires=[2])
        return kt.probs()

    assert np.allclose(placed(), np.eye(8)[1])


def test_from_qasm_missing_or_unknown_inputs_are_errors():
    qfn = kt.from_qasm(PARAMETRIC)

    @kt.qjit(wires=2, backend="reference")
    def missing(x):
        qfn(x)
        return kt.probs()

    with pytest.raises(kt.KettleError, match="needs input 'phi'"):
        missing(0.1)


BRAKET_RESULTS = """OPENQASM 3.0;
h $0;
cnot $0, $1;
rx(0.4) $1;
#pragma braket result probability $0, $1
#pragma braket result expectation z($0) @ x($1)
#pragma braket result variance hermitian([[1, 0], [0, -1]]) $1
"""


def test_from_qasm_braket_result_pragmas_are_the_outputs():
    qfn = kt.from_qasm(BRAKET_RESULTS)
    assert [r.kind for r in qfn.results] == ["probability", "expectation", "variance"]

    @kt.qjit(wires=2, backend="reference")
    def run():
        return qfn()

    probs, zx, var_z = run()
    bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    state = kron(np.eye(2), rx(0.4)) @ bell
    assert np.allclose(probs, np.abs(state) ** 2)
    assert np.isclose(zx, np.vdot(state, kron(Z, X) @ state).real)
    z1 = np.vdot(state, kron(np.eye(2), Z) @ state).real
    assert np.isclose(var_z, 1 - z1**2)


def test_from_qasm_static_inputs_shape_the_circuit():
    text = """OPENQASM 3.0;
include "stdgates.inc";
input uint[2] n;
qubit[2] q;
for int i in [0:1] { if (bool(n[i])) x q[i]; }
"""
    qfn = kt.from_qasm(text)

    @kt.qjit(wires=2, backend="reference")
    def run(value: int):
        qfn(value)
        return kt.probs()

    assert np.argmax(run(1)) == 0b10  # bit 0 of n (least significant) flips q[0]
    assert np.argmax(run(2)) == 0b01
    with pytest.raises(kt.KettleError, match="Python int"):
        run(1.5)


def test_from_qasm_ising_gates_of_qelib1():
    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nrxx(0.3) q[0], q[1];\nrzz(0.5) q[1], q[0];\n'
    assert np.allclose(unitary(text=text), ising(Z, 0.5) @ ising(X, 0.3))


def test_imported_global_phase_is_right_under_control():
    src = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float t;\ngate g w { gphase(0.5); x w; }\n' \
          'qubit[1] q;\ng q[0];\ngphase(t);'
    qfn = kt.from_qasm(src)

    @kt.qjit(wires=2)
    def c(t):
        kt.Hadamard(0)
        kt.ctrl(lambda: qfn(t, wires=[1], results=False), control=0)()
        return kt.state()

    np.testing.assert_allclose(c(0.25) * np.sqrt(2), [1, 0, 0, np.exp(0.75j)], atol=1e-12)
