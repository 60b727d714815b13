"""`kettle qasm IN.kir --target ...`: export a kernel of an IR file; its parameters become
`input float[64]`; every mistake is one `error:` line."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from kettle.cli import main

SOURCE = """\
module @c {
  kernel @c_kernel(%params: tensor<1xf64>) -> (tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %q0_1 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit
    %q0_2, %q1_1 = q.gate {gate = "CNOT"} (), (%q0_1, %q1) : !q.qubit, !q.qubit
    %probs = q.probs (%q0_2, %q1_1) : tensor<4xf64>
    return (%probs)
  }
  func @c(%x: f64) -> (tensor<4xf64>) {
    %params = tensor.from_elements (%x) : tensor<1xf64>
    %probs = q.call {callee = @c_kernel} (%params) : tensor<4xf64>
    return (%probs)
  }
}
"""
BRAKET = """\
OPENQASM 3.0;
input float[64] params_0;
qubit[2] q;
rx(params_0) q[0];
cnot q[0], q[1];
pragma braket result probability
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.kir"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["qasm", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_qasm_prints_the_braket_program_with_inputs(source, capsys):
    assert _run(capsys, str(source), "--target", "braket") == (0, BRAKET, "")


def test_qasm_generic_program_runs_in_qiskit(source, capsys):
    qasm3 = pytest.importorskip("qiskit.qasm3")
    from qiskit.quantum_info import Statevector

    status, out, _ = _run(capsys, str(source))
    assert status == 0 and 'include "stdgates.inc";' in out and "c = measure q;" in out
    circuit = qasm3.loads(out)
    circuit = circuit.assign_parameters({p: 0.8 for p in circuit.parameters})
    circuit.remove_final_measurements()
    probs = Statevector(circuit).probabilities()  # |00>, |11> are the same in either bit order
    assert np.allclose(probs, [np.cos(0.4) ** 2, 0, 0, np.sin(0.4) ** 2], atol=1e-12)


def test_qasm_writes_the_output_file_and_reads_stdin(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(SOURCE))
    out = tmp_path / "out.qasm"
    assert _run(capsys, "-", "--target", "braket", "-o", str(out)) == (0, "", "")
    assert out.read_text(encoding="utf-8") == BRAKET


def test_qasm_runs_the_ibm_pipeline(source, capsys):
    status, out, err = _run(capsys, str(source), "--target", "ibm")
    assert (status, err) == (0, "")
    gates = {line.split("(")[0].split(" ")[0] for line in out.splitlines()
             if line and not line.startswith(("OPENQASM", "include", "input", "bit", "c[", "//"))}
    assert gates <= {"rz", "sx", "x", "cx"} and "$" in out


def test_qasm_reports_what_the_target_cannot_express(tmp_path, capsys):
    source = tmp_path / "unitary.kir"
    source.write_text(_swap_unitary_kir(), encoding="utf-8")
    status, out, err = _run(capsys, str(source), "--target", "ibm")
    assert (status, out) == (1, "")
    assert err.startswith("error: ") and "KAK" in err and err.count("\n") == 1


def _swap_unitary_kir() -> str:
    """IR text of a kernel applying a constant 2-qubit unitary (CNOT-like permutation)."""
    from kettle.ir import Module
    from kettle.ir.builder import KernelBuilder

    b = KernelBuilder("u", 2)
    b.unitary(np.eye(4)[[1, 0, 3, 2]], [0, 1])
    return str(Module("u", (b.build([b.probs([0, 1])]),)))


def test_qasm_chooses_among_several_kernels(tmp_path, capsys):
    second = SOURCE.replace("@c_kernel", "@d_kernel").split("  func @c")[0].split("module @c {\n")[1]
    path = tmp_path / "two.kir"
    path.write_text(SOURCE.replace("  func @c", second + "  func @c"), encoding="utf-8")
    assert _run(capsys, str(path)) == (
        1, "", f"error: {path} has 2 kernels (c_kernel, d_kernel); choose one with --kernel NAME\n")
    status, out, _ = _run(capsys, str(path), "--kernel", "d_kernel")
    assert status == 0 and "rx(params_0) q[0];" in out
    status, _, err = _run(capsys, str(path), "--kernel", "e")
    assert status == 1 and "has no kernel @e; its kernels: c_kernel, d_kernel" in err


def test_qasm_rejects_an_unknown_target(source, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["qasm", str(source), "--target", "aws"])
    assert exit_info.value.code == 2 and "invalid choice: 'aws'" in capsys.readouterr().err
