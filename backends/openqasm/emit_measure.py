"""A kernel's measurements as OpenQASM: `measure` into a bit register, or Braket result pragmas.

Hardware returns bits: probs, counts and samples of wires become `c[i] = measure q[k];`
(one bit per measured wire, in order of first use), and the caller rebuilds them from
counts. Braket's dialect also returns typed results: each kernel output becomes one
`#pragma braket result ...` line, in output order, so Braket's results are the outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openqasm3 import ast

from ...ir import QasmError, Value
from ...ir import quantum as Q
from ...ir.pauli import parse_word
from .emit_gates import matrix_text

_BATCH_FIX = ("export it with kt.to_qasm_batch(f, *args, target=...), which rotates each group of "
              "commuting terms to the Z basis and rebuilds the value from counts")
_RESULT = {Q.Expval: "expectation", Q.Var: "variance", Q.Sample: "sample"}


class Measurements:
    """Builds the measurement part of one program."""

    def __init__(self, wire: dict[Value, int], values: Any, refs: Sequence[ast.Expression],
                 texts: Sequence[str], n_wires: int, physical: bool, pragmas: bool):
        self.wire, self.values, self.refs, self.texts = wire, values, refs, texts
        self.n_wires, self.physical, self.pragmas = n_wires, physical, pragmas
        self.measured: list[int] = []
        self.statements: list[Any] = []

    def add(self, o: Any, producers: dict[Value, Any]) -> None:
        """Emit kernel output `o` (a measurement op); `producers` maps values to their ops.

        Raises:
            QasmError: a measurement this target cannot return (named, with the fix).
        """
        if isinstance(o, Q.Bits) or (isinstance(o, Q.Probs) and not self.pragmas):
            for q in o.qubits:
                if self.wire[q] not in self.measured:
                    self.measured.append(self.wire[q])
        elif isinstance(o, Q.Probs):
            wires = [self.wire[q] for q in o.qubits]
            every = wires == list(range(self.n_wires))
            self._pragma("probability" + ("" if every else " " + self._targets(wires)))
        elif isinstance(o, Q.State):
            if not self.pragmas:
                raise QasmError("a QPU cannot return the state vector; measure kt.probs() instead, or "
                                "export for target='braket' (its simulators return state_vector)")
            self._pragma("state_vector")
        elif type(o) in _RESULT:
            obs = producers[o.obs]
            if not self.pragmas:
                raise QasmError(f"{_RESULT[type(o)]} of an observable needs basis rotations and "
                                f"post-processing on this target; {_BATCH_FIX}")
            self._pragma(f"{_RESULT[type(o)]} {self._observable(o, obs)}")
        else:
            raise QasmError(f"`{o.name}` is not a measurement OpenQASM can return")

    def _pragma(self, text: str) -> None:
        self.statements.append(ast.Pragma(f"braket result {text}"))

    def _targets(self, wires: Sequence[int]) -> str:
        return ", ".join(self.texts[w] for w in wires)

    def _observable(self, o: Any, obs: Any) -> str:
        """Braket's text of `obs`: `z(q[0]) @ x(q[1])` or `hermitian([[...]]) q[0]`."""
        if isinstance(obs, Q.Hermitian):
            return f"hermitian({matrix_text(self._matrix(obs))}) {self._targets(self._wires(obs))}"
        kind = _RESULT[type(o)]
        if len(obs.words) != 1:
            fix = _BATCH_FIX if isinstance(o, Q.Expval) else (
                "write the observable as one matrix, kt.Hermitian(H.matrix(), wires=H.wires)")
            raise QasmError(f"{kind} of a sum of {len(obs.words)} Pauli words: Braket returns one "
                            f"result per pragma; {fix}")
        if obs.coeffs and not (isinstance(self._coeff(obs), float) and self._coeff(obs) == 1.0):
            raise QasmError(f"{kind} of a Pauli word times a coefficient: Braket returns the word's "
                            f"value only; return the bare word and scale in Python, or {_BATCH_FIX}")
        factors = parse_word(obs.words[0])
        wires = [self.wire[q] for q in obs.qubits]
        if not factors:  # the identity: its value is 1 on any qubit
            return f"i({self.texts[wires[0] if wires else 0]})"
        return " @ ".join(f"{p.lower()}({self.texts[wires[i]]})" for p, i in factors)

    def _wires(self, obs: Any) -> list[int]:
        return [self.wire[q] for q in obs.qubits]

    def _coeff(self, obs: Any) -> Any:
        return self.values[obs.coeffs[0]]

    def _matrix(self, obs: Any) -> Any:
        return self.values[obs.matrix]

    def declarations_and_statements(self) -> tuple[list[Any], list[Any]]:
        """(`bit[m] c;` if anything is measured, the measure statements and pragmas)."""
        if not self.measured:
            return [], self.statements
        c = ast.Identifier("c")
        declaration = ast.ClassicalDeclaration(ast.BitType(ast.IntegerLiteral(len(self.measured))), c)
        if not self.physical and self.measured == list(range(self.n_wires)):
            measures = [ast.QuantumMeasurementStatement(ast.QuantumMeasurement(ast.Identifier("q")), c)]
        else:
            measures = [ast.QuantumMeasurementStatement(
                ast.QuantumMeasurement(self.refs[w]),
                ast.IndexedIdentifier(c, [[ast.IntegerLiteral(i)]])) for i, w in enumerate(self.measured)]
        return [declaration], measures + self.statements
