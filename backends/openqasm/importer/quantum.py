"""Quantum statements: qubit operands, gate calls with modifiers, gphase, measure, reset.

A gate call resolves its gate (a user definition, an include's gate or a built-in),
broadcasts over register operands, expands the gate into gate applications and phases
(running a definition's body with its parameters and qubits bound), applies its
modifiers (`modifiers.py`) and emits the result. Emitting checks the two rules a static
circuit needs: no gate on a qubit after it is measured, and no reset of a used qubit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openqasm3 import ast

from .expressions import FEED_FORWARD
from .includes import Native
from .modifiers import ModifierError, Phase, control, invert, power
from .parse import Source
from .program import GateApplication, Sym
from .scan import FastGate, as_operand
from .values import BitArray, BitRegister, QubitRegister, Unknown, Variable

MAX_GATE_DEPTH = 64
"""Deepest nesting of gate definitions (a definition that calls itself hits it)."""


@dataclass(frozen=True)
class Definition:
    """A `gate` definition: parameter and qubit names, body, and the file it is in."""

    name: str
    params: tuple[str, ...]
    qubits: tuple[str, ...]
    body: list
    source: Source

    @property
    def num_params(self) -> int:
        return len(self.params)

    @property
    def num_qubits(self) -> int:
        return len(self.qubits)


@dataclass(frozen=True)
class Builtin:
    """`U` (kettle's U3 exactly) and `gphase` (a phase, on no qubit)."""

    name: str
    num_params: int
    num_qubits: int


U = Builtin("U", 3, 1)
GPHASE = Builtin("gphase", 1, 0)


class Quantum:
    """The quantum statements of the interpreter (see `interpreter.Interpreter`)."""

    def operand(self, node: Any) -> QubitRegister:
        """The wires a qubit operand names: `q`, `q[1]`, `q[0:2]`, `$3`, an alias."""
        if isinstance(node, ast.Identifier):
            if node.name.startswith("$"):
                return QubitRegister((self.physical_qubit(node),), single=True)
            return self.qubit_register(node.name, node)
        if isinstance(node, ast.IndexedIdentifier):
            register = self.qubit_register(node.name.name, node)
            for index in node.indices:
                positions, scalar = self.positions(index, len(register.wires), node)
                if register.single:
                    self.fail(f"'{node.name.name}' is a single qubit and cannot be indexed", node)
                register = QubitRegister(tuple(register.wires[p] for p in positions), single=scalar)
            return register
        if isinstance(node, ast.IndexExpression):  # a subroutine's argument `q[0]` is an expression
            operand = as_operand(node)
            if operand is not None:
                return self.operand(operand)
        self.fail("expected a qubit operand (q, q[1], q[0:2], $3)", node)

    def qubit_register(self, name: str, node: Any) -> QubitRegister:
        entry = self.lookup(name, node)
        if not isinstance(entry, QubitRegister):
            self.fail(f"'{name}' is not a qubit or qubit register", node)
        return entry

    def broadcast(self, operands: list[QubitRegister], node: Any) -> list[tuple[int, ...]]:
        """One tuple of wires per gate application: registers pair index by index."""
        sizes = {len(r.wires) for r in operands if not r.single}
        if not sizes:
            return [tuple(r.wires[0] for r in operands)]
        if len(sizes) > 1:
            self.fail(f"registers of different sizes {sorted(sizes)} in one gate call; broadcasting "
                      f"pairs them index by index, so they must have the same size", node)
        size = sizes.pop()
        return [tuple(r.wires[0] if r.single else r.wires[i] for r in operands) for i in range(size)]

    # -- gates --------------------------------------------------------------------------
    def find_gate(self, name: str, node: Any) -> Any:
        gate = self.gates.get(name) or self.fallback_gates.get(name)
        if gate is None:
            self.fail(f"unknown gate '{name}'{self.gate_hint(name)}", node)
        return gate

    def fast_gate(self, node: FastGate) -> None:
        """A gate call read by the fast path: a table gate on indexed qubits is applied
        directly; anything else takes the general path through the equivalent AST node."""
        gate = self.gates.get(node.name) or self.fallback_gates.get(node.name)
        if type(gate) is not Native or self.sink is not None or len(node.qubits) != gate.num_qubits \
                or len(node.params) != gate.num_params:
            return self.gate_call(node.to_ast())
        find = self.scope.find
        wires = []
        for name, index in node.qubits:
            register = find(name)
            if index is None or type(register) is not QubitRegister or register.single \
                    or not 0 <= index < len(register.wires):
                return self.gate_call(node.to_ast())
            wires.append(register.wires[index])
        if len(wires) > 1 and len(set(wires)) != len(wires):
            return self.gate_call(node.to_ast())
        params = node.params
        if not node.constant:
            params = tuple(p if type(p) is float else self.parameter(p) for p in params)
        c = gate.controls
        if c:
            self.emit(GateApplication(gate.gate, tuple(wires[c:]), params, tuple(wires[:c]), (True,) * c,
                                      gate.adjoint), node)
        else:
            self.emit(GateApplication(gate.gate, tuple(wires), params, (), (), gate.adjoint), node)

    def gate_call(self, node: ast.QuantumGate) -> None:
        name = node.name.name
        if name not in self.gates and name in self.subroutines and not node.modifiers:
            # `f(args) q;`: the spec's examples call subroutines with qubits like gates
            self.invoke(self.subroutines[name], [*node.arguments, *node.qubits], node)
            return
        gate = self.find_gate(name, node)
        params = [self.parameter(a) for a in node.arguments]
        operands = [self.operand(q) for q in node.qubits]
        if not node.modifiers and type(gate) is Native and self.sink is None:
            self._check_arity(name, gate, len(params), len(operands), node)
            c = gate.controls
            for wires in self.broadcast(operands, node):
                self.distinct(wires, node)
                self.emit(GateApplication(gate.gate, wires[c:], tuple(params), wires[:c], (True,) * c,
                                          gate.adjoint), node)
            return
        modifiers = [self.modifier(m) for m in node.modifiers]
        n_controls = sum(len(values) for kind, values in modifiers if kind == "ctrl")
        self._check_arity(name, gate, len(params), len(operands) - n_controls, node, n_controls)
        for wires in self.broadcast(operands, node):
            self.apply(gate, params, wires, modifiers, node)

    def gphase(self, node: ast.QuantumPhase) -> None:
        angle = self.parameter(node.argument)
        modifiers = [self.modifier(m) for m in node.modifiers]
        operands = [self.operand(q) for q in node.qubits]
        n_controls = sum(len(values) for kind, values in modifiers if kind == "ctrl")
        if len(operands) != n_controls:
            self.fail(f"gphase takes as many qubits as its ctrl @ modifiers name ({n_controls}), "
                      f"got {len(operands)}", node)
        for wires in self.broadcast(operands, node) if operands else [()]:
            self.apply(GPHASE, [angle], wires, modifiers, node)

    def _check_arity(self, name: str, gate: Any, n_params: int, n_qubits: int, node: Any,
                     n_controls: int = 0) -> None:
        if n_params != gate.num_params:
            self.fail(f"gate '{name}' takes {gate.num_params} parameter(s), got {n_params}", node)
        if n_qubits != gate.num_qubits:
            controls = f" plus {n_controls} control(s)" if n_controls else ""
            self.fail(f"gate '{name}' acts on {gate.num_qubits} qubit(s){controls}, got "
                      f"{n_qubits + n_controls} qubit operand(s)", node)

    def modifier(self, node: ast.QuantumGateModifier) -> tuple[str, Any]:
        """("ctrl", control values) for ctrl/negctrl, ("inv", None), ("pow", exponent)."""
        kind = node.modifier.name
        if kind in ("ctrl", "negctrl"):
            count = 1 if node.argument is None else self.integer(node.argument, "a control count")
            if count < 1:
                self.fail(f"{kind}({count}) needs a positive number of controls", node)
            return "ctrl", (kind == "ctrl",) * count
        if kind == "pow":
            exponent = self.evaluate(node.argument)
            if isinstance(exponent, Unknown):
                self.known(exponent, node, "a pow exponent")
            return "pow", exponent
        return "inv", None

    def parameter(self, node: ast.Expression) -> Any:
        """A gate parameter: a float, or a `Sym` over the program's inputs."""
        value = self.evaluate(node)
        if isinstance(value, Sym):
            return value
        if isinstance(value, Unknown):
            self.fail(f"this gate parameter depends on the measurement at line {value.line}: "
                      f"{FEED_FORWARD}", node)
        if isinstance(value, BitArray):
            value = value.to_int()
        if isinstance(value, complex) or not isinstance(value, (int, float)):
            self.fail(f"a gate parameter must be a real number, got {value!r}", node)
        try:
            return float(value)
        except OverflowError:
            self.fail(f"the gate parameter {value} is too large for a float", node)

    def apply(self, gate: Any, params: list, wires: tuple[int, ...], modifiers: list, node: Any) -> None:
        """Expand `gate` on `wires` (controls first), apply `modifiers`, emit the result."""
        self.distinct(wires, node)
        controls = tuple(v for kind, values in modifiers if kind == "ctrl" for v in values)
        prims = self.expand(gate, params, wires[len(controls):], node)
        try:
            for kind, argument in reversed(modifiers):  # the modifier nearest the gate first
                if kind == "inv":
                    prims = invert(prims)
                elif kind == "pow":
                    prims = power(prims, self.known(argument, node, "a pow exponent"))
        except ModifierError as exc:
            self.fail(str(exc), node)
        if controls:
            prims = control(prims, wires[:len(controls)], controls)
        for p in prims:
            self.emit(p, node)

    def expand(self, gate: Any, params: list, targets: tuple[int, ...], node: Any) -> list:
        if isinstance(gate, Native):
            c = gate.controls
            return [GateApplication(gate.gate, targets[c:], tuple(params), targets[:c], (True,) * c,
                                    gate.adjoint)]
        if gate is U:
            return [GateApplication("U3", targets, tuple(params))]
        if gate is GPHASE:
            return [Phase(params[0])]
        return self.run_definition(gate, params, targets, node)

    def run_definition(self, gate: Definition, params: list, targets: tuple[int, ...], node: Any) -> list:
        if self.gate_depth >= MAX_GATE_DEPTH:
            self.fail(f"gate '{gate.name}' nests more than {MAX_GATE_DEPTH} definitions deep "
                      f"(does it call itself?)", node)
        scope = self.new_scope(self.global_scope)
        for name, value in zip(gate.params, params):
            scope.names[name] = Variable(self.float_type, value)
        for name, wire in zip(gate.qubits, targets):
            scope.names[name] = QubitRegister((wire,), single=True)
        saved = self.sink, self.scope, self.source
        self.sink, self.scope, self.source = [], scope, gate.source
        self.gate_depth += 1
        try:
            self.run_block(gate.body, new_scope=False)
            return self.sink
        finally:
            self.gate_depth -= 1
            self.sink, self.scope, self.source = saved

    def distinct(self, wires: tuple[int, ...], node: Any) -> None:
        if len(set(wires)) != len(wires):
            self.fail(f"a gate call names the same qubit twice (wires {list(wires)}); each qubit "
                      f"of a gate must be different", node)

    def emit(self, p: Any, node: Any) -> None:
        """Append a gate (or record a phase): into the definition being expanded, if any."""
        if self.sink is not None:
            self.sink.append(p)
            return
        if isinstance(p, Phase):
            total = self.global_phase
            self.global_phase = Sym("+", (total, p.angle)) if isinstance(p.angle, Sym) or isinstance(
                total, Sym) else total + p.angle
            return
        for w in p.controls + p.wires:
            if w in self.measured:
                self.fail(f"qubit {self.wire_name(w)} is used after its measurement at line "
                          f"{self.measured[w]}: mid-circuit measurement needs dynamic circuits, which "
                          f"kettle does not support yet; measure only at the end of the program", node)
        self.touched.update(p.controls)
        self.touched.update(p.wires)
        self.ops.append(p)

    # -- measurement and reset ------------------------------------------------------------
    def measurement(self, node: ast.QuantumMeasurement) -> Any:
        """Measure `node`'s qubits: the Unknown bit(s) of the result (terminal measurements)."""
        register = self.operand(node.qubit)
        line = node.span.start_line if node.span else None
        bits = []
        for w in register.wires:
            self.measured.setdefault(w, line)
            bits.append(Unknown(line, wire=w))
        return bits[0] if register.single else BitArray(tuple(bits))

    def measure_statement(self, node: ast.QuantumMeasurementStatement) -> None:
        value = self.measurement(node.measure)
        if node.target is None:
            return
        cells = self.bit_cells(node.target)
        bits = value.bits if isinstance(value, BitArray) else (value,)
        if len(bits) != len(cells):
            self.fail(f"measuring {len(bits)} qubit(s) into {len(cells)} bit(s); the sizes must "
                      f"match", node)
        for cell, bit in zip(cells, bits):
            cell.value = bit

    def bit_cells(self, node: Any) -> list:
        """The bits a classical target names: `c`, `c[1]`, `c[0:2]`."""
        name = node.name if isinstance(node, ast.Identifier) else node.name.name
        entry = self.lookup(name, node)
        if not isinstance(entry, BitRegister):
            self.fail(f"'{name}' is not a bit or bit register", node)
        cells = list(entry.cells)
        for index in getattr(node, "indices", []):
            positions, _ = self.positions(index, len(cells), node)
            cells = [cells[p] for p in positions]
        return cells

    def reset(self, node: ast.QuantumReset) -> None:
        for w in self.operand(node.qubits).wires:
            if w in self.touched or w in self.measured:
                self.fail(f"reset of qubit {self.wire_name(w)} after it was used needs dynamic "
                          f"circuits, which kettle does not support yet (a reset of a fresh qubit "
                          f"is fine: it is already |0>)", node)
