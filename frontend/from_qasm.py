"""`kt.from_qasm`: an OpenQASM 2/3 program as a quantum function to call in a qjit body.

The importer (backends/openqasm/importer) turns the text into a flat program once; calling
the returned `QasmFunction` replays its gates through kettle's gate classes, so the
circuit is traced, compiled and differentiated like any other. The program's `input
float` values are the call's arguments and stay traced; its Braket result pragmas, if
any, are the call's return value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..ir import QasmError, TraceError, WireError
from .circuit import current_circuit, normalize_wires
from .measurements import expval, probs, sample, state, var
from .observables import Hermitian
from .operations import GATE_CLASSES, QubitUnitary
from .tracing import Tracer
from .transforms import adjoint, ctrl

_OBSERVABLES = {"x": "PauliX", "y": "PauliY", "z": "PauliZ", "h": "Hadamard", "i": "Identity"}


def from_qasm(source_or_path: str | Path,
              include_path: Iterable[str | Path] | str | Path = ()) -> QasmFunction:
    """Import an OpenQASM 2 or 3 program as a quantum function.

    Args:
        source_or_path: the program text, or a path (a `Path`, or a string without a newline
            that names a .qasm/.inc file or ends in .qasm).
        include_path: folders (or one folder) to search for `include` files, besides the
            program's own folder; qelib1.inc and stdgates.inc are always available.

    Returns:
        A `QasmFunction`: call it inside a `kt.qjit` body with the program's inputs.

    Raises:
        QasmError: the file cannot be read, or the program cannot be imported (syntax
            error, unknown gate, wrong arity, unsupported feature), with file, line and column.
    """
    text, path = _read(source_or_path)
    from ..backends.openqasm.importer.load import import_qasm

    if isinstance(include_path, (str, Path)):  # one folder, not a sequence of characters
        include_path = [include_path]
    folders = tuple(Path(p) for p in include_path)
    program = import_qasm(text, path, folders)
    return QasmFunction(program, text, path, folders)


def _read(source_or_path: str | Path) -> tuple[str, str | None]:
    if isinstance(source_or_path, Path) or (isinstance(source_or_path, str) and _is_path(source_or_path)):
        path = Path(source_or_path)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise QasmError(f"cannot read OpenQASM file {path}: {getattr(exc, 'strerror', None) or exc}",
                            path=str(path)) from None
    if not isinstance(source_or_path, str):
        raise QasmError(f"kt.from_qasm takes OpenQASM text or a path, got {type(source_or_path).__name__}")
    return source_or_path, None


def _is_path(text: str) -> bool:
    if "\n" in text:
        return False
    if text.strip().endswith(".qasm"):
        return True
    try:
        return Path(text).suffix in (".qasm", ".inc") and Path(text).is_file()
    except OSError:  # a string too long to be a file name
        return False


class QasmFunction:
    """An imported OpenQASM program; call it inside a qjit body: `qfn(theta)`.

    Attributes:
        num_wires: qubits the program uses (`q[i]` of the first register is wire i; `$k` is wire k).
        inputs: the program's `input` names in declaration order (the call's arguments).
        measured: the measured wire of each classical bit, in bit order.
        results: the program's `#pragma braket result` lines (`ResultPragma`s).
        program: the imported program (gate applications, global phase, notes).
    """

    def __init__(self, program: Any, text: str, path: str | None, include_path: tuple[Path, ...]):
        self.program = program
        self._text, self._path, self._include_path = text, path, include_path
        self._programs = {(): program} if not program.static_inputs else {}
        self._default = program

    @property
    def num_wires(self) -> int:
        return self._default.num_wires

    @property
    def inputs(self) -> tuple[str, ...]:
        return self._default.inputs

    @property
    def measured(self) -> tuple[int, ...]:
        return self._default.measured

    @property
    def results(self) -> tuple:
        return self._default.results

    def __repr__(self) -> str:
        where = self._path or "<string>"
        return f"<kt.from_qasm {where}: {self.num_wires} wires, inputs {list(self.inputs)}>"

    def __call__(self, *args: Any, wires: Sequence[int] | None = None, results: bool = True,
                 **kwargs: Any) -> Any:
        """Apply the program's gates to the enclosing circuit; return its result pragmas'
        measurements (one, or a tuple), or None without result pragmas.

        Args:
            args, kwargs: the program's inputs, in declaration order or by name. Float inputs
                may be traced values; int/uint/bool/bit inputs must be Python ints or bools.
            wires: the circuit wires the program's wires 0, 1, ... act on (default: the same).
            results: False applies the gates only, without measuring the result pragmas.

        Raises:
            TraceError: called outside a qjit body, wrong or missing inputs, a wire mismatch.
        """
        circuit = current_circuit()
        if circuit is None:
            raise TraceError(f"{self!r} was called outside a qjit function; call it inside one: "
                             f"@kt.qjit(wires={max(self.num_wires, 1)}) def circuit(...): qfn(...)")
        values = self._bind(args, kwargs)
        program = self._program(values)
        mapping = self._mapping(wires, circuit.wires)
        env = {name: values[name] for name in program.inputs if name not in program.static_inputs}
        for op in program.ops:
            _apply(op, env, mapping)
        _apply_global_phase(program.global_phase, env, mapping, program.num_wires)
        outputs = [_measure(r, mapping, program.num_wires) for r in program.results if results]
        if not outputs:
            return None
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def _bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        names = self.inputs
        if len(args) > len(names):
            raise TraceError(f"the OpenQASM program takes {len(names)} input(s) {list(names)}, "
                             f"got {len(args)} positional argument(s)")
        values = dict(zip(names, args))
        for name, value in kwargs.items():
            if name not in names:
                raise TraceError(f"the OpenQASM program has no input {name!r}; its inputs are {list(names)}")
            if name in values:
                raise TraceError(f"input {name!r} given twice (by position and by name)")
            values[name] = value
        missing = [n for n in names if n not in values]
        if missing:
            raise TraceError(f"the OpenQASM program needs input {missing[0]!r}: call it with "
                             f"{', '.join(names)} (in that order, or by name)")
        return values

    def _program(self, values: dict[str, Any]) -> Any:
        static = self._default.static_inputs
        for name in static:
            v = values[name]
            if isinstance(v, Tracer) or not isinstance(v, (int, bool, np.integer, np.bool_)):
                raise TraceError(f"input {name!r} is a {static[name]}: it shapes the circuit, so it "
                                 f"must be a Python int or bool (a static argument), got {v!r}")
        key = tuple((n, int(values[n])) for n in static)
        if key not in self._programs:
            from ..backends.openqasm.importer.load import import_qasm

            self._programs[key] = import_qasm(self._text, self._path, self._include_path, dict(key))
        return self._programs[key]

    def _mapping(self, wires: Sequence[int] | None, circuit_wires: int) -> tuple[int, ...] | None:
        if wires is None:
            if self.num_wires and circuit_wires != self.num_wires:
                raise WireError(f"the OpenQASM program has {self.num_wires} wire(s) but the qjit "
                                f"function has {circuit_wires}: use kt.qjit(wires={self.num_wires}), "
                                f"or place the program with qfn(..., wires=[...])")
            return None
        chosen = normalize_wires(wires, "kt.from_qasm")
        if len(chosen) != self.num_wires:
            raise WireError(f"wires={list(chosen)} names {len(chosen)} wire(s); the OpenQASM program "
                            f"has {self.num_wires}")
        return chosen


def _apply(op: Any, env: dict[str, Any], mapping: tuple[int, ...] | None) -> None:
    targets = op.wires if mapping is None else tuple(mapping[w] for w in op.wires)
    if op.gate == "QubitUnitary":
        gate = QubitUnitary(np.array(op.matrix, dtype=complex), wires=targets)
    else:
        params = [p.evaluate(env) if hasattr(p, "evaluate") else p for p in op.params]
        gate = GATE_CLASSES[op.gate](*params, wires=targets)
    if op.adjoint:
        gate = adjoint(gate)
    if op.controls:
        controls = op.controls if mapping is None else tuple(mapping[w] for w in op.controls)
        ctrl(gate, control=controls, control_values=op.control_values)


def _apply_global_phase(phase: Any, env: dict[str, Any], mapping: tuple[int, ...] | None,
                        num_wires: int) -> None:
    """Multiply the state by e^{i phase} exactly: X P(phase) X P(phase) = e^{i phase} I on one
    wire. Unobservable alone, but under kt.ctrl it is a relative phase that must be right."""
    if num_wires == 0 or (isinstance(phase, (int, float)) and phase == 0):
        return
    angle = phase.evaluate(env) if hasattr(phase, "evaluate") else phase
    wire = 0 if mapping is None else mapping[0]
    for gate in ("PauliX", "PhaseShift", "PauliX", "PhaseShift"):
        GATE_CLASSES[gate](*([angle] if gate == "PhaseShift" else []), wires=wire)


def _measure(result: Any, mapping: tuple[int, ...] | None, num_wires: int) -> Any:
    place = (lambda ws: ws) if mapping is None else (lambda ws: tuple(mapping[w] for w in ws))
    if result.kind == "probability":
        return probs(wires=list(place(result.wires or tuple(range(num_wires)))))
    if result.kind == "state_vector":
        return state()
    factors = []
    for name, wires, matrix in result.observable.factors:
        if matrix is not None:
            factors.append(Hermitian(np.array(matrix, dtype=complex), list(place(wires))))
        else:
            factors.append(GATE_CLASSES[_OBSERVABLES[name]](wires=place(wires)[0]))
    observable = factors[0]
    for factor in factors[1:]:
        observable = observable @ factor
    return {"expectation": expval, "variance": var, "sample": sample}[result.kind](observable)
