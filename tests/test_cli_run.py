"""`kettle run`: simulate an OpenQASM program, print its measured bits' probabilities or counts."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qasm_corpus import require_corpus

from kettle.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["run", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_run_prints_the_measured_bits_of_a_corpus_program(capsys):
    # h q[2]; cnot q[2], q[8]; b[0] = measure q[2]; b[1] = measure q[8] on a 10-qubit register
    path = require_corpus() / "braket" / "noncontiguous_virtual.qasm"
    assert _run(capsys, str(path)) == (0, "bitstring probability\n00 0.5\n11 0.5\n", "")


def test_run_without_measurements_prints_every_wire(tmp_path, capsys):
    path = tmp_path / "p.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nry(pi/3) q[0];\nx q[1];\n')
    status, out, _ = _run(capsys, str(path))
    rows = dict(line.split() for line in out.splitlines()[1:])
    assert status == 0 and rows.keys() == {"01", "11"}
    assert math.isclose(float(rows["01"]), 0.75) and math.isclose(float(rows["11"]), 0.25)


def test_run_orders_bits_as_the_classical_register(tmp_path, capsys):
    path = tmp_path / "p.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[2];\nx q[2];\n'
                    'measure q[2] -> c[0];\nmeasure q[0] -> c[1];\n')
    assert _run(capsys, str(path)) == (0, "bitstring probability\n10 1\n", "")


def test_run_takes_inputs(tmp_path, capsys):
    path = tmp_path / "p.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\ninput uint[2] k;\n'
                    "qubit[2] q;\nbit[2] c;\nrx(theta) q[0];\nif (k == 3) x q[1];\nc = measure q;\n")
    status, out, _ = _run(capsys, str(path), "--input", f"theta={math.pi}", "--input", "k=3")
    assert status == 0 and out == "bitstring probability\n11 1\n"
    for spelling in ("pi", "2*pi/2", "-(-pi)", "π"):  # the same angle, as a user would type it
        status, out, _ = _run(capsys, str(path), "--input", f"theta={spelling}", "--input", "k=3")
        assert status == 0 and out == "bitstring probability\n11 1\n", spelling


def test_run_samples_counts_reproducibly_with_a_seed(tmp_path, capsys):
    path = tmp_path / "p.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q;\nbit c;\nh q;\nc = measure q;\n')
    first = _run(capsys, str(path), "--shots", "200", "--seed", "7")
    second = _run(capsys, str(path), "--shots", "200", "--seed", "7")
    assert first == second and first[0] == 0
    counts = dict(line.split() for line in first[1].splitlines()[1:])
    assert counts.keys() == {"0", "1"} and sum(map(int, counts.values())) == 200


def test_run_ignores_result_pragmas(tmp_path, capsys):
    path = tmp_path / "p.qasm"
    path.write_text("OPENQASM 3.0;\nqubit q;\nx q;\n#pragma braket result sample z(q)\n")
    assert _run(capsys, str(path)) == (0, "bitstring probability\n1 1\n", "")


def test_run_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('OPENQASM 3.0;\nqubit q;\nx q;\n'))
    assert _run(capsys, "-") == (0, "bitstring probability\n1 1\n", "")


def test_run_reports_a_located_error_and_exits_1(tmp_path, capsys):
    path = tmp_path / "bad.qasm"
    path.write_text("OPENQASM 3.0;\nqubit q;\nfoo q;\n")
    status, out, err = _run(capsys, str(path))
    assert status == 1 and out == ""
    assert err.startswith(f"error: {path}:3:1: unknown gate 'foo'") and err.rstrip().endswith("^")


@pytest.mark.parametrize("argv, message", [
    ([], "needs --input theta=VALUE"),
    (["--input", "phi=1"], "one of the program's inputs ['theta']"),
    (["--input", "theta=abc"], "'abc' is not a valid float"),
    (["--input", "theta=__import__('os')"], "is not a valid float"),
    (["--input", "theta=1", "--input", "theta=2"], "given twice"),
])
def test_run_reports_input_mistakes(tmp_path, capsys, argv, message):
    path = tmp_path / "p.qasm"
    path.write_text("OPENQASM 3.0;\ninput float theta;\nqubit q;\nrx(theta) q;\n")
    status, _, err = _run(capsys, str(path), *argv)
    assert status == 1 and message in err


def test_run_as_a_subprocess(tmp_path):
    path = tmp_path / "p.qasm"
    path.write_text("OPENQASM 3.0;\nqubit[2] q;\nh q[0];\ncnot q[0], q[1];\n")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "kettle", "run", str(path)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "bitstring probability\n00 0.5\n11 0.5\n"
