"""The OpenQASM interpreter: runs a program's classical part at import, records its gates.

Declarations, assignments, loops, branches, subroutines and aliases are executed here, so
what is left is a static circuit (`program.QasmProgram`). Quantum statements live in
`quantum.py`, expressions in `expressions.py`, standard gates in `includes.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openqasm3 import ast

from .expressions import MAX_SIZE, Expressions
from .includes import BRAKET_DEFINITIONS, BRAKET_NATIVE, STANDARD_INCLUDES, Native
from .parse import Source
from .pragmas import pragma
from .quantum import Definition, Quantum, U
from .scan import FastGate, as_operand
from .statements import End, Statements
from .values import FLOAT, BitRegister, QubitRegister, Unknown, Variable

MAX_STEPS = 10_000_000
"""Statements one import may execute (loops unrolled); past it the program is refused."""
MAX_INCLUDE_DEPTH = 16


class Scope:
    """Names visible in a block; lookups continue in `parent`."""

    __slots__ = ("names", "parent")

    def __init__(self, parent: Scope | None = None):
        self.names: dict[str, Any] = {}
        self.parent = parent

    def find(self, name: str) -> Any:
        scope = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


class Interpreter(Expressions, Quantum, Statements):
    """One import: `run(program)` executes the program; the attributes hold the result."""

    float_type = FLOAT

    def __init__(self, source: Source, version: str, include_path: list[Path],
                 static_values: dict[str, Any], definitions: Any, fast: bool = True):
        self.source = source
        self.version = version
        self.include_path = include_path
        self.static_values = static_values
        self.parse_definitions = definitions
        self.global_scope = Scope()
        self.scope = self.global_scope
        self.gates: dict[str, Any] = {"U": U}
        self.fallback_gates: dict[str, Any] = {}
        if version == "2":
            self.gates["CX"] = Native("CNOT", 0, 2)
        else:  # Braket's built-in gates need no include (as on Braket)
            self.fallback_gates.update(BRAKET_NATIVE)
            self.fallback_gates.update(self.definitions(BRAKET_DEFINITIONS, "<kettle braket gates>"))
        self.subroutines: dict[str, ast.SubroutineDefinition] = {}
        self.externs: set[str] = set()
        self.ops: list = []
        self.sink: list | None = None
        self.gate_depth = self.call_depth = self.include_depth = self.steps = 0
        self.touched: set[int] = set()
        self.measured: dict[int, int | None] = {}
        self.registers: list[tuple[str, QubitRegister]] = []
        self.bit_registers: list = []
        self.num_declared = 0
        self.physical_width = 0
        self.global_phase: Any = 0.0
        self.inputs: list[str] = []
        self.static_inputs: dict[str, str] = {}
        self.results: list = []
        self.notes: list[str] = []
        self.included: set[str] = set()
        self.fast = fast  # includes are read the same way as the program
        self.deepest_statement: Any = None

    # -- hooks of the mixins ------------------------------------------------------------
    def lookup(self, name: str, node: Any) -> Any:
        found = self.scope.find(name)
        if found is None:
            self.fail(f"'{name}' is not declared", node)
        return found

    def lookup_or_none(self, name: str) -> Any:
        return self.scope.find(name)

    def new_scope(self, parent: Scope) -> Scope:
        return Scope(parent)

    def has_subroutine(self, name: str) -> bool:
        return name in self.subroutines

    def is_extern(self, name: str) -> bool:
        return name in self.externs

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def wire_name(self, wire: int) -> str:
        for name, register in self.registers:
            if wire in register.wires:
                index = register.wires.index(wire)
                return name if register.single else f"{name}[{index}]"
        return f"${wire}"

    def physical_qubit(self, node: ast.Identifier) -> int:
        if self.num_declared:
            self.fail(f"physical qubit {node.name} in a program that declares qubits: use either "
                      f"declared qubits or physical qubits $k, not both", node)
        wire = int(node.name[1:])
        if wire >= MAX_SIZE:
            self.fail(f"physical qubit {node.name} is past the largest kettle imports (${MAX_SIZE - 1})",
                      node)
        self.physical_width = max(self.physical_width, wire + 1)
        return wire

    @property
    def num_wires(self) -> int:
        return self.num_declared or self.physical_width

    def gate_hint(self, name: str) -> str:
        order = ("qelib1.inc", "stdgates.inc") if self.version == "2" else ("stdgates.inc", "qelib1.inc")
        for include in order:
            natives, text = STANDARD_INCLUDES[include]
            if include not in self.included and (name in natives or f"gate {name}" in text):
                return f" (it is defined in {include}: add `include \"{include}\";`)"
        return ""

    # -- statements ---------------------------------------------------------------------
    def run(self, program: ast.Program) -> None:
        try:
            self.run_block(program.statements, new_scope=False)
        except End:
            pass
        except RecursionError:
            self.fail("the program nests too deeply to import (Python's recursion limit)",
                      self.deepest_statement)

    def run_block(self, statements: list, new_scope: bool = True) -> None:
        saved = self.scope
        if new_scope:
            self.scope = Scope(saved)
        try:
            for statement in statements:
                self.steps += 1
                if self.steps > MAX_STEPS:
                    self.fail(f"the program runs more than {MAX_STEPS:,} statements once its loops "
                              f"are unrolled; kettle imports static circuits of bounded size", statement)
                handler = self.STATEMENTS.get(type(statement))
                if handler is None:
                    self.fail(f"{type(statement).__name__} statements are not supported", statement)
                handler(self, statement)
        except RecursionError:
            self.deepest_statement = self.deepest_statement or statement
            raise
        finally:
            self.scope = saved

    def definitions(self, text: str, name: str) -> dict[str, Definition]:
        """The gate definitions in kettle's own include text `text`."""
        source, program = self.parse_definitions(text, name)
        return {s.name.name: _definition(s, source) for s in program.statements
                if isinstance(s, ast.QuantumGateDefinition)}

    def include(self, node: ast.Include) -> None:
        name = node.filename
        self.included.add(name)
        if name in STANDARD_INCLUDES:
            natives, text = STANDARD_INCLUDES[name]
            self.gates.update(natives)
            self.gates.update(self.definitions(text, f"<kettle {name}>"))
            return
        path = self.find_include(name, node)
        if self.include_depth >= MAX_INCLUDE_DEPTH:
            self.fail(f"includes nest more than {MAX_INCLUDE_DEPTH} deep (does '{name}' include itself?)",
                      node)
        from .load import parse_source, read_text

        source = Source(read_text(path, self.source, node), str(path))
        program = parse_source(source, self.fast)
        saved = self.source
        self.source, self.include_depth = source, self.include_depth + 1
        try:
            self.run_block(program.statements, new_scope=False)
        finally:
            self.source, self.include_depth = saved, self.include_depth - 1

    def find_include(self, name: str, node: Any) -> Path:
        here = Path(self.source.path).parent if self.source.path and not self.source.path.startswith(
            "<") else Path.cwd()
        searched = [here, *self.include_path]
        for folder in searched:
            candidate = Path(folder) / name
            if candidate.is_file():
                return candidate
        self.fail(f"include file '{name}' not found (searched {', '.join(str(s) for s in searched)}); "
                  f"pass its folder with include_path=[...]", node)

    def declare(self, name: str, entry: Any, node: Any) -> None:
        if name in self.scope.names:
            self.fail(f"'{name}' is already declared in this scope", node)
        self.scope.names[name] = entry

    def qubit_declaration(self, node: ast.QubitDeclaration) -> None:
        if self.scope is not self.global_scope:
            self.fail("qubits can only be declared at the top level of a program", node)
        if self.physical_width:
            self.fail("this program uses physical qubits $k and declares qubits: use one or the other",
                      node)
        size = None if node.size is None else self.size(node.size, "a register size")
        register = QubitRegister(tuple(range(self.num_declared, self.num_declared + (size or 1))),
                                 single=size is None)
        self.declare(node.qubit.name, register, node)
        self.registers.append((node.qubit.name, register))
        self.num_declared += size or 1

    def io_declaration(self, node: ast.IODeclaration) -> None:
        name = node.identifier.name
        t = self.type_of(node.type)
        if node.io_identifier.name == "output":
            self.classical_variable(name, t, None, node)
            return
        if t.kind in ("float", "angle"):
            from .program import Sym

            self.inputs.append(name)
            self.declare(name, Variable(t, Sym.input(name)), node)
            return
        self.inputs.append(name)
        self.static_inputs[name] = str(t)
        value = self.static_values.get(name, 0)
        self.classical_variable(name, t, self.coerce(value, t, node), node)

    def gate_definition(self, node: ast.QuantumGateDefinition) -> None:
        self.gates[node.name.name] = _definition(node, self.source)

    def pragma(self, node: ast.Pragma) -> None:
        pragma(self, node)

    def alias(self, node: ast.AliasStatement) -> None:
        entry = self.alias_value(node.value)
        self.declare(node.target.name, entry, node)
        if isinstance(entry, QubitRegister):
            self.registers.append((node.target.name, entry))

    def alias_value(self, node: Any) -> Any:
        """The qubits or bits a `let` names: a register, an index or slice of one, or a `++`."""
        if isinstance(node, ast.Concatenation):
            left, right = self.alias_value(node.lhs), self.alias_value(node.rhs)
            if type(left) is not type(right):
                self.fail("'++' joins two qubit registers or two bit registers", node)
            if isinstance(left, QubitRegister):
                return QubitRegister(left.wires + right.wires)
            return BitRegister(left.cells + right.cells)
        target = as_operand(node)
        if target is None:
            self.fail("`let` aliases qubits or bits: a register, an index or slice of one, or a `++`",
                      node)
        name = target.name if isinstance(target, ast.Identifier) else target.name.name
        entry = self.lookup(name, node)
        if isinstance(entry, QubitRegister):
            return self.operand(target)
        if isinstance(entry, BitRegister):
            return BitRegister(tuple(self.bit_cells(target)))
        self.fail(f"`let` aliases qubits or bits; '{name}' is neither", node)

    def measured_wires(self) -> tuple[int, ...]:
        """The measured wire of each classical bit of the program's registers, in bit order."""
        out = []
        for register in self.bit_registers:
            for cell in register.cells:
                if isinstance(cell.value, Unknown) and cell.value.wire is not None:
                    out.append(cell.value.wire)
        return tuple(out)


def _definition(node: ast.QuantumGateDefinition, source: Source) -> Definition:
    return Definition(node.name.name, tuple(a.name for a in node.arguments),
                      tuple(q.name for q in node.qubits), node.body, source)



Interpreter.STATEMENTS = {
    ast.Include: Interpreter.include, ast.QubitDeclaration: Interpreter.qubit_declaration,
    ast.ClassicalDeclaration: Interpreter.classical_declaration,
    ast.ConstantDeclaration: Interpreter.constant_declaration, ast.IODeclaration: Interpreter.io_declaration,
    ast.QuantumGateDefinition: Interpreter.gate_definition,
    ast.SubroutineDefinition: Interpreter.subroutine_definition,
    ast.ExternDeclaration: Interpreter.extern_declaration, ast.QuantumGate: Interpreter.gate_call,
    FastGate: Interpreter.fast_gate,
    ast.QuantumPhase: Interpreter.gphase, ast.QuantumMeasurementStatement: Interpreter.measure_statement,
    ast.QuantumReset: Interpreter.reset, ast.QuantumBarrier: Interpreter.barrier,
    ast.ClassicalAssignment: Interpreter.assignment,
    ast.ExpressionStatement: Interpreter.expression_statement,
    ast.BranchingStatement: Interpreter.branch, ast.ForInLoop: Interpreter.for_loop,
    ast.WhileLoop: Interpreter.while_loop, ast.SwitchStatement: Interpreter.switch,
    ast.BreakStatement: Interpreter.break_, ast.ContinueStatement: Interpreter.continue_,
    ast.ReturnStatement: Interpreter.return_, ast.EndStatement: Interpreter.end,
    ast.AliasStatement: Interpreter.alias, ast.CompoundStatement: Interpreter.compound,
    ast.Box: Interpreter.box, ast.DelayInstruction: Interpreter.delay, ast.Pragma: Interpreter.pragma,
    ast.CalibrationGrammarDeclaration: Interpreter.calibration,
    ast.CalibrationStatement: Interpreter.calibration, ast.CalibrationDefinition: Interpreter.calibration,
}
