"""Kernel -> OpenQASM 3 program: the export entry point of the OpenQASM backend.

`emit_kernel` walks one kernel and builds an `openqasm3.ast.Program` for a target: a
header (include, `input float[64]` parameters), the `gate` definitions it needed, the
qubits (a `qubit[n] q` register or physical `$k`), the gates, then the measurements.
`QasmExport.text` prints it (`printer.dumps`: `openqasm3.dumps`, faster on gate statements).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openqasm3 import ast

from ...ir import Alloc, Function, Gate, QasmError, Return, Unitary
from ...ir import quantum as Q
from ...ir.gc_pause import gc_paused
from ...ir.printer import print_op_in
from .emit_gates import GateEmitter, Sink
from .emit_measure import Measurements
from .emit_values import InputSlot, KernelValues, input_slots
from .printer import dumps
from .readout import Readout, with_readout
from .targets import Target, get_target

_FLOAT64 = ast.FloatType(ast.IntegerLiteral(64))


@dataclass(frozen=True)
class QasmExport:
    """One exported program.

    Attributes:
        program: the OpenQASM 3 AST (the source of truth; `text` prints it, equal to
            `openqasm3.dumps(program)`).
        inputs: for a parametric export with argument values: each `input` name -> its value
            for this call (what Braket's `OpenQASMProgram(inputs=...)` and Qiskit's
            `assign_parameters` take); else empty.
        slots: each `input` parameter's kernel argument and element.
        measured: bit `c[i]` is read from qubit `measured[i]` (a physical qubit once routed), in
            the order of the measurement's operands (empty without `measure`).
    """

    program: ast.Program
    inputs: dict[str, float] = field(default_factory=dict)
    slots: tuple[InputSlot, ...] = ()
    measured: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        with gc_paused():
            return dumps(self.program)


def emit_kernel(kernel: Function, target: Target | str | None = None, args: Sequence[Any] | None = None,
                *, parametric: bool = False, readout: Readout | None = None) -> QasmExport:
    """Export `kernel` as one OpenQASM 3 program for `target`.

    Args:
        kernel: a verified kernel (already prepared for the target: see `Target.prepare`).
        target: a Target, a built-in name ("generic", "braket", "ibm") or None (generic).
        args: the kernel's argument values; None leaves every parameter an `input`.
        parametric: each f64 parameter becomes `input float[64] name;` (values in `inputs`).
        readout: measure these wires after these basis rotations instead of the kernel's own
            measurements (what `kt.to_qasm_batch` uses for Pauli terms on hardware).

    Returns:
        The program, the input bindings and the measured wires.

    Raises:
        QasmError: anything the target cannot express, naming the op and the fix.
    """
    target = get_target(target)
    if readout is not None:
        kernel = with_readout(kernel, readout)
    if args is None and kernel.args and not parametric:
        raise QasmError(f"kernel @{kernel.name} takes parameters: give their values (args=...) or "
                        f"export it with parametric=True")
    slots = input_slots(kernel) if parametric else []
    values = KernelValues(kernel, None if parametric else args, slots)
    inputs = {} if args is None else input_values(slots, args)
    walker = _Walker(kernel, target, values)
    with gc_paused():  # a large program is millions of small AST nodes (see ir/gc_pause.py)
        statements = walker.run()
    header: list[Any] = [ast.Include(name) for name in target.rules.includes]
    header += [ast.IODeclaration(ast.IOKeyword.input, _FLOAT64, ast.Identifier(s.name)) for s in slots]
    header += list(walker.gates.definitions.values())
    if not target.physical_qubits:
        header.append(ast.QubitDeclaration(ast.Identifier("q"), ast.IntegerLiteral(walker.n_wires)))
    declarations, measurements = walker.measurements.declarations_and_statements()
    program = ast.Program([*header, *declarations, *statements, *measurements], version="3.0")
    return QasmExport(program, inputs, tuple(slots), tuple(walker.measurements.measured))


def input_values(slots: Sequence[InputSlot], args: Sequence[Any]) -> dict[str, float]:
    """Each `input` parameter's value when the kernel is called with `args`."""
    arrays = [np.asarray(a, dtype=float) for a in args]
    return {s.name: float(arrays[s.arg][s.index]) for s in slots}


class _Walker:
    """One pass over a kernel's body: gates to statements, measurements collected."""

    def __init__(self, kernel: Function, target: Target, values: KernelValues):
        self.kernel, self.target, self.values = kernel, target, values
        self.gates = GateEmitter(target)
        self.n_wires = 0
        self.wire: dict = {}
        self.measurements: Measurements
        self._edges = None if target.coupling_map is None else frozenset(target.coupling_map)

    def run(self) -> list[Any]:
        sink: Sink | None = None
        producers: dict = {}
        outputs: Sequence = ()
        wire, env = self.wire, self.values.env
        for o in self.kernel.body:
            try:
                if isinstance(o, Gate):
                    params = [env[p] for p in o.params]
                    positions = [wire[q] for q in o.qubits]
                    self.gates.gate(o.gate, o.adjoint, o.ctrl, params, positions, sink)
                    wire.update(zip(o.out, positions))
                elif isinstance(o, Alloc):
                    sink = self._allocate(o)
                elif isinstance(o, Unitary):
                    positions = [wire[q] for q in o.qubits]
                    self.gates.unitary(self._constant_matrix(o), positions, sink, self.texts)
                    wire.update(zip(o.out, positions))
                elif isinstance(o, Return):
                    outputs = o.values
                elif o.name.startswith("q."):
                    producers.update((r, o) for r in o.results)
                else:
                    self.values.define(o)
            except QasmError as exc:
                raise self._error(o, exc.reason) from None
        if sink is None:
            raise QasmError(f"kernel @{self.kernel.name} allocates no qubits (no q.alloc)")
        if self.target.rules.result_pragmas:
            self._touch_every_wire(sink)
        self._measure(outputs, producers)
        return sink.statements

    def _touch_every_wire(self, sink: Sink) -> None:
        """`i q[k];` on wires no gate acts on: Braket simulates only the qubits a program uses,
        so without it a state or probability result would lose those wires."""
        values_per_wire = Counter(self.wire.values())  # the q.alloc result, then one per gate
        for k in range(self.n_wires):
            if values_per_wire[k] == 1:
                self.gates.gate("Identity", False, (), [], [k], sink)

    def _allocate(self, o: Alloc) -> Sink:
        if self.wire:
            raise QasmError("a kernel with two q.alloc ops: allocate every wire at once")
        n = self.n_wires = o.wires
        edges = self._edges
        if edges is not None and n > 1 + max(max(e) for e in edges):
            raise QasmError(f"the kernel uses {n} qubits but the {self.target.name!r} target's "
                            f"coupling map has {1 + max(max(e) for e in edges)}; choose a larger map")
        self.wire.update((q, k) for k, q in enumerate(o.out))
        if self.target.physical_qubits:
            self.texts = [f"${k}" for k in range(n)]
            refs = [ast.Identifier(t) for t in self.texts]
        else:
            self.texts = [f"q[{k}]" for k in range(n)]
            q = ast.Identifier("q")
            refs = [ast.IndexedIdentifier(q, [[ast.IntegerLiteral(k)]]) for k in range(n)]
        self.refs = refs
        return Sink(refs, check=None if edges is None else self._check_coupled)

    def _check_coupled(self, positions: tuple[int, ...]) -> None:
        if len(positions) > 2:
            raise QasmError(f"a {len(positions)}-qubit gate cannot run on the {self.target.name!r} "
                            f"target's coupling map; decompose it to two-qubit gates first")
        a, b = positions
        if (min(a, b), max(a, b)) not in self._edges:
            raise QasmError(f"qubits {a} and {b} are not coupled in the {self.target.name!r} target's "
                            f"coupling map; route the circuit first (Target.prepare)")

    def _constant_matrix(self, o: Unitary) -> np.ndarray:
        m = self.values[o.matrix]
        if not isinstance(m, np.ndarray):
            raise QasmError("the matrix of q.unitary must be a constant to be exported")
        return m

    def _measure(self, outputs: Sequence, producers: dict) -> None:
        pragmas = self.target.rules.result_pragmas
        self.measurements = Measurements(self.wire, self.values, self.refs, self.texts, self.n_wires,
                                         self.target.physical_qubits, pragmas)
        for v in outputs:
            o = producers.get(v)
            try:
                if not isinstance(o, Q.MEASUREMENTS):
                    raise QasmError("a kernel output that is not a measurement cannot be exported")
                self.measurements.add(o, producers)
            except QasmError as exc:
                raise self._error(o, exc.reason) from None

    def _error(self, o: Any, reason: str) -> QasmError:
        where = f"`{print_op_in(self.kernel, o)}`" if o is not None else "an output"
        return QasmError(f"cannot export kernel @{self.kernel.name} for the {self.target.name!r} "
                         f"target: {where}: {reason}")
