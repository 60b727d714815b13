"""Every program of the shared OpenQASM corpus imports and agrees with an independent
simulator, or is refused with a located QasmError; never another exception.

References: Qiskit (`qiskit.qasm2.loads` with its legacy qelib1 gates, `qiskit.qasm3.loads`)
and `Statevector`, else Amazon Braket's simulator for OpenQASM 3 that Qiskit cannot load.
Programs with free inputs or more than 14 qubits are imported only. Run this file as a
script for the tally (`python tests/backends/test_qasm_import_corpus.py`).
"""

from __future__ import annotations

import collections
import functools
import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from qasm_corpus import corpus_dir, manifest, require_corpus

import kettle as kt
from kettle.backends.openqasm.importer.load import import_qasm
from kettle.frontend import QasmFunction

PROGRAMS = sorted(row["path"] for row in manifest() if row["path"].endswith(".qasm"))
MAX_WIRES = 14
SLOW_PATH_MAX_LINES = 3000
"""The ANTLR parser takes ~0.6 ms a line: the fast/slow comparison skips the few larger files."""
INVALID = re.compile(r"invalid_|example_fail|vqe_uccsd_n")
"""Deliberately invalid files and the QASMBench files with an upstream bug (see the corpus README)."""


@functools.cache
def imported(path: str) -> QasmFunction | kt.QasmError:
    try:
        return kt.from_qasm(corpus_dir() / path)
    except kt.QasmError as error:
        return error


def reference_probs(file: Path, version: str, program) -> tuple[str, np.ndarray, list[int]] | None:
    """(which reference, probabilities, the wires they cover) from Qiskit or Braket, or None
    if neither runs the program."""
    text = file.read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "Qiskit", _qiskit(text, file, version), list(range(program.num_wires))
        except Exception:  # noqa: BLE001 -- Qiskit loads a subset of OpenQASM 3; try Braket
            pass
        if version == "2":
            return None
        try:
            active = sorted({w for op in program.ops for w in op.all_wires})
            return "Braket", _braket(text), active
        except Exception:  # noqa: BLE001 -- no reference for this program
            return None


def _qiskit(text: str, file: Path, version: str) -> np.ndarray:
    import qiskit.qasm2
    import qiskit.qasm3
    from qiskit.quantum_info import Statevector

    if version == "2":
        circuit = qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS,
                                     include_path=[str(file.parent)])
    else:
        circuit = qiskit.qasm3.loads(_sorted_gate_parameters(text))
    p = Statevector(circuit.remove_final_measurements(inplace=False)).probabilities()
    n = circuit.num_qubits
    return p.reshape([2] * n).transpose(list(reversed(range(n)))).reshape(-1)  # Qiskit is little-endian


_GATE_DEFINITION = re.compile(r"gate\s+(\w+)\s*\(([^)]*)\)([^{]*)\{([^}]*)\}")


def _sorted_gate_parameters(text: str) -> str:
    """Rename gate parameters so that their alphabetical order is their declaration order:
    qiskit.qasm3.loads binds them alphabetically (a bug described in the corpus README)."""
    def rename(m: re.Match) -> str:
        names = [n.strip() for n in m[2].split(",") if n.strip()]
        body = m[4]
        for i, name in enumerate(names):
            body = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", f"p{i:02d}_{name}", body)
        return f"gate {m[1]}({', '.join(f'p{i:02d}_{n}' for i, n in enumerate(names))}){m[3]}{{{body}}}"
    return _GATE_DEFINITION.sub(rename, text)


def _braket(text: str) -> np.ndarray:
    from braket.default_simulator import StateVectorSimulator
    from braket.ir.openqasm import Program

    logging.getLogger("braket").setLevel(logging.ERROR)
    unmeasured = re.sub(r"^[^\n]*\bmeasure\b[^\n]*$", "", text, flags=re.M)  # terminal only here
    source = unmeasured + "\n#pragma braket result probability\n"
    result = StateVectorSimulator().run_openqasm(Program(source=source), shots=0)
    return np.asarray(result.resultTypes[-1].value)  # over the used qubits, in order


def kettle_probs(qfn: QasmFunction, wires: list[int]) -> np.ndarray:
    @kt.qjit(wires=qfn.num_wires, backend="reference")
    def run():
        qfn()
        return kt.probs(wires=wires)

    return run()


def classify(path: str) -> str:
    """"agree with Qiskit/Braket", "imported (no reference: ...)" or "refused"; asserts what
    each outcome requires."""
    file = require_corpus() / path
    outcome = imported(path)
    if isinstance(outcome, kt.QasmError):
        assert outcome.line is not None and str(outcome).splitlines()[-1].strip() == "^", str(outcome)
        return "refused"
    assert not INVALID.search(path), f"{path} is invalid but imported"
    program = outcome.program
    if program.inputs or not 0 < program.num_wires <= MAX_WIRES:
        return "imported (no reference: inputs, no qubits or over 14 qubits)"
    reference = reference_probs(file, program.version, program)
    if reference is None:
        return "imported (no reference: neither Qiskit nor Braket runs it)"
    name, expected, wires = reference
    assert len(expected) == 2 ** len(wires), f"{path}: the reference covers other qubits"
    assert np.allclose(kettle_probs(outcome, wires), expected, atol=1e-8), path
    return f"agree with {name}"


@pytest.mark.parametrize("path", PROGRAMS)
def test_corpus_program_imports_and_agrees_or_is_refused(path):
    classify(path)


@pytest.mark.parametrize("path", PROGRAMS)
def test_corpus_fast_path_gives_the_parsers_program(path):
    file = require_corpus() / path
    text = file.read_text(encoding="utf-8")
    if text.count("\n") > SLOW_PATH_MAX_LINES:
        pytest.skip(f"{path} has more than {SLOW_PATH_MAX_LINES} lines")
    results = []
    for fast in (True, False):
        try:
            program = import_qasm(text, str(file), (), fast=fast)
            results.append((program.num_wires, program.ops, program.measured, program.inputs,
                            program.results, program.global_phase))
        except kt.QasmError as error:
            results.append(str(error))
    assert results[0] == results[1]


def test_corpus_deliberately_invalid_files_are_refused_with_a_line():
    root = require_corpus()
    invalid = [p for p in PROGRAMS if INVALID.search(p)]
    assert len(invalid) >= 17
    for path in invalid:
        error = imported(path)
        assert isinstance(error, kt.QasmError) and error.line is not None, path
    assert imported("openqasm2-spec/invalid_missing_semicolon.qasm").line == 3
    assert "unknown gate" in str(imported("openqasm2-spec/invalid_gate_no_found.qasm"))
    assert root is not None


REFUSAL_KINDS = [
    ("feed-forward", "mid-circuit measurement with feed-forward"), ("used after its measurement",
     "mid-circuit measurement"), ("reset of", "reset of a used qubit"), ("never ends", "while (true)"),
    ("syntax error", "syntax error"), ("openqasm3 cannot build", "syntax error"),
    ("extern", "extern function call"), ("not declared", "undeclared name"),
    ("unknown gate", "unknown gate"), ("result type", "unsupported Braket result type"),
    ("durationof", "durationof (timing)"), ("not found", "include not found"),
]


def refusal_kind(error: kt.QasmError) -> str:
    """A short name for why a program was refused, for the tally."""
    message = error.reason
    return next((kind for key, kind in REFUSAL_KINDS if key in message), "other invalid program")


if __name__ == "__main__":
    tally = collections.Counter(classify(path) for path in PROGRAMS)
    for outcome, count in sorted(tally.items()):
        print(f"{count:4d}  {outcome}")
    refusals = collections.Counter(refusal_kind(imported(p)) for p in PROGRAMS
                                   if isinstance(imported(p), kt.QasmError))
    for reason, count in refusals.most_common():
        print(f"{count:4d}  refused: {reason}")
