"""`#pragma braket ...`: result pragmas become the program's outputs, a `unitary` pragma a gate.

Braket programs declare what to measure with `#pragma braket result <kind> ...` lines;
they are read into `ResultPragma`s (probability, expectation, variance, sample,
state_vector). `#pragma braket unitary(M) q` applies M. Verbatim boxes and other pragmas
do not change the circuit and are ignored (and noted); noise pragmas are refused, since
kettle simulates pure states.
"""

from __future__ import annotations

import ast as python_ast
import re
from typing import Any

import numpy as np
from openqasm3 import ast

from ....ir import QasmError
from .parse import Source, parse_chunk
from .program import GateApplication, Observable, ResultPragma

_PAULI = re.compile(r"\s*(?P<name>[xyzhi])\s*\((?P<targets>.*)\)\s*", re.S)
_HERMITIAN = re.compile(r"\s*hermitian\s*\((?P<matrix>\[.*\])\s*\)\s*(?P<targets>.+)", re.S)
_UNITARY = re.compile(r"\s*unitary\s*\((?P<matrix>\[.*\])\s*\)\s*(?P<targets>.+)", re.S)
_OBSERVABLE_KINDS = {"expectation", "variance", "sample"}


def pragma(interp: Any, node: ast.Pragma) -> None:
    """Apply one pragma to the interpreter `interp` (results, unitary gates, notes)."""
    command = (node.command or "").strip()
    words = command.split(None, 2)
    if len(words) < 2 or words[0] != "braket":
        interp.note(f"pragma ignored: #pragma {command}")
        return
    kind = words[1]
    if kind == "result":
        interp.results.append(_result(interp, node, words[2] if len(words) > 2 else ""))
    elif kind.startswith("unitary"):
        match = _UNITARY.fullmatch(command[len("braket"):])
        if match is None:
            interp.fail("write a unitary pragma as `#pragma braket unitary([[...], ...]) q[0]`", node)
        matrix = _matrix(interp, match["matrix"], node)
        wires = _targets(interp, match["targets"], node)
        _check_square(interp, matrix, wires, "unitary", node)
        if not np.allclose(matrix @ matrix.conj().T, np.eye(len(matrix)), atol=1e-8):
            interp.fail("the matrix of `#pragma braket unitary` is not unitary", node)
        rows = tuple(tuple(complex(x) for x in row) for row in matrix)
        interp.emit(GateApplication("QubitUnitary", wires, matrix=rows), node)
    elif kind == "noise":
        interp.fail("Braket noise pragmas are not supported: kettle simulates pure states "
                    "(remove the noise channels to simulate the ideal circuit)", node)
    else:
        interp.note(f"pragma ignored: #pragma {command}")


def _result(interp: Any, node: ast.Pragma, text: str) -> ResultPragma:
    words = text.split(None, 1)
    kind = words[0] if words else ""
    rest = words[1] if len(words) > 1 else ""
    line = node.span.start_line if node.span else None
    if kind == "probability":
        wires = _targets(interp, rest, node) if rest.strip() and rest.strip() != "all" else ()
        return ResultPragma("probability", wires, line=line)
    if kind == "state_vector":
        return ResultPragma("state_vector", line=line)
    if kind in _OBSERVABLE_KINDS:
        return ResultPragma(kind, observable=_observable(interp, rest, node), line=line)
    interp.fail(f"the Braket result type '{kind}' is not supported; kettle reads probability, "
                f"expectation, variance, sample and state_vector", node)


def _observable(interp: Any, text: str, node: ast.Pragma) -> Observable:
    factors = []
    for factor in _split_top_level(text, "@"):
        pauli = _PAULI.fullmatch(factor)
        hermitian = _HERMITIAN.fullmatch(factor)
        if pauli is not None:
            wires = _targets(interp, pauli["targets"], node)
            if len(wires) != 1:
                interp.fail(f"the observable {pauli['name']}(...) acts on one qubit; write a tensor "
                            f"product with @ for several", node)
            factors.append((pauli["name"], wires, None))
        elif hermitian is not None:
            matrix = _matrix(interp, hermitian["matrix"], node)
            wires = _targets(interp, hermitian["targets"], node)
            _check_square(interp, matrix, wires, "hermitian", node)
            if not np.allclose(matrix, matrix.conj().T, atol=1e-10):
                interp.fail("the matrix of a hermitian observable is not Hermitian", node)
            factors.append(("hermitian", wires, tuple(tuple(complex(x) for x in row) for row in matrix)))
        else:
            interp.fail(f"cannot read the observable '{factor.strip()}': write x(q[0]), y, z, h, i or "
                        f"hermitian([[...]]) q[0], joined by @ (every factor with its qubits)", node)
    return Observable(tuple(factors))


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([" and 1 or (-1 if ch in ")]" else 0)
        if ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _targets(interp: Any, text: str, node: ast.Pragma) -> tuple[int, ...]:
    """The wires of a pragma's qubit list (`$0, $1`, `q[0], q`), read as a barrier's operands."""
    try:
        parsed = parse_chunk(Source(f"barrier {text};"))
    except QasmError:
        interp.fail(f"cannot read the qubits '{text.strip()}' of this pragma", node)
    wires: list[int] = []
    for operand in parsed.statements[0].qubits:
        _relocate(operand, node)
        wires.extend(interp.operand(operand).wires)
    if len(set(wires)) != len(wires):
        interp.fail("a pragma names the same qubit twice", node)
    return tuple(wires)


def _relocate(operand: Any, node: ast.Pragma) -> None:
    """Give a pragma operand the pragma's position (its own is in a scratch text)."""
    for item in (operand, getattr(operand, "name", None)):
        if isinstance(item, ast.QASMNode):
            item.span = node.span


def _matrix(interp: Any, text: str, node: ast.Pragma) -> np.ndarray:
    python = re.sub(r"(?<=[0-9.])im\b", "j", text)
    python = re.sub(r"(?<![0-9.\w])im\b", "1j", python)
    try:
        return np.array(python_ast.literal_eval(python), dtype=complex)
    except (ValueError, SyntaxError, TypeError):
        interp.fail(f"cannot read the matrix {text.strip()}", node)


def _check_square(interp: Any, matrix: np.ndarray, wires: tuple[int, ...], what: str, node: Any) -> None:
    size = 2 ** len(wires)
    if matrix.shape != (size, size):
        interp.fail(f"a {what} matrix on {len(wires)} qubit(s) must be {size}x{size}, got shape "
                    f"{matrix.shape}", node)
