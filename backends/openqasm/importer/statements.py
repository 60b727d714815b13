"""Classical statements, run at import: declarations, assignments, branches, loops,
switch, subroutines, and the statements kettle reads but does not simulate (timing,
pulse calibrations).

Loops unroll: a `while` runs at most `MAX_WHILE_ITERATIONS` times, and a `while (true)`
without `break`, `return` or `end` in its body is refused at once.
"""

from __future__ import annotations

from typing import Any

from openqasm3 import ast

from .values import BitArray, BitRegister, Cell, QubitRegister, Type, Variable, default_value

MAX_WHILE_ITERATIONS = 100_000
MAX_CALL_DEPTH = 64
"""Deepest nesting of subroutine calls (a subroutine that calls itself forever hits it)."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class End(Exception):
    """`end;`: the program stops here."""


class Statements:
    """The classical statements of the interpreter (see `interpreter.Interpreter`)."""

    # -- declarations and assignment ------------------------------------------------------
    def classical_declaration(self, node: ast.ClassicalDeclaration) -> None:
        t = self.type_of(node.type)
        init = node.init_expression
        if init is None:
            value = None
        elif isinstance(init, ast.QuantumMeasurement):
            value = self.measurement(init)
        else:
            value = self.evaluate(init)
        self.classical_variable(node.identifier.name, t, value, node)

    def classical_variable(self, name: str, t: Type, value: Any, node: Any, const: bool = False) -> None:
        value = default_value(t) if value is None else self.coerce(value, t, node)
        if t.kind == "bit":
            bits = value.bits if isinstance(value, BitArray) else (value,)
            register = BitRegister(tuple(Cell(b) for b in bits), single=t.size is None)
            self.declare(name, register, node)
            if self.scope is self.global_scope:
                self.bit_registers.append(register)
            return
        self.declare(name, Variable(t, value, const), node)

    def constant_declaration(self, node: ast.ConstantDeclaration) -> None:
        t = self.type_of(node.type)
        value = self.coerce(self.evaluate(node.init_expression), t, node)
        self.known(value, node, "a const value")
        self.classical_variable(node.identifier.name, t, value, node, const=True)

    def assignment(self, node: ast.ClassicalAssignment) -> None:
        target = node.lvalue
        name = target.name if isinstance(target, ast.Identifier) else target.name.name
        entry = self.lookup(name, node)
        op = node.op.name
        value = self.evaluate(node.rvalue)
        if isinstance(entry, BitRegister):
            cells = self.bit_cells(target)
            current = cells[0].value if len(cells) == 1 else BitArray(tuple(c.value for c in cells))
            if op != "=":
                value = self.binary(_OPERATOR[op], current, value, node)
            value = self.coerce(value, Type("bit", None if len(cells) == 1 else len(cells)), node)
            for cell, bit in zip(cells, value.bits if isinstance(value, BitArray) else (value,)):
                cell.value = bit
            return
        if not isinstance(entry, Variable):
            self.fail(f"cannot assign to '{name}': it is not a classical variable", node)
        if entry.const:
            self.fail(f"cannot assign to const '{name}'", node)
        if isinstance(target, ast.Identifier):
            if op != "=":
                value = self.binary(_OPERATOR[op], entry.value, value, node)
            entry.value = self.coerce(value, entry.type, node)
            return
        self._assign_element(entry, target, op, value, node)

    def _assign_element(self, entry: Variable, target: ast.IndexedIdentifier, op: str, value: Any,
                        node: Any) -> None:
        indices = [i for element in target.indices for i in
                   (element if isinstance(element, list) else [element])]
        if entry.type.kind != "array":
            self.fail("only arrays and bit registers can be assigned by index", node)
        container = entry.value
        for index in indices[:-1]:
            container = container[self._array_index(container, index, node)]
        last = self._array_index(container, indices[-1], node)
        if op != "=":
            value = self.binary(_OPERATOR[op], container[last], value, node)
        container[last] = self.coerce(value, entry.type.base, node)

    def _array_index(self, container: Any, index: Any, node: Any) -> int:
        if not isinstance(container, list):
            self.fail("too many indices for this array", node)
        position = self.integer(index, "an index")
        if not -len(container) <= position < len(container):
            self.fail(f"index {position} is out of range for size {len(container)}", node)
        return position

    # -- control flow -------------------------------------------------------------------
    def branch(self, node: ast.BranchingStatement) -> None:
        taken = self.truth(self.evaluate(node.condition), node.condition)
        self.run_block(node.if_block if taken else node.else_block)

    def for_loop(self, node: ast.ForInLoop) -> None:
        t = self.type_of(node.type) if node.type is not None else None
        values = self.loop_values(node.set_declaration)
        for value in values:
            saved = self.scope
            self.scope = self.new_scope(saved)
            value = value if t is None else self.coerce(value, t, node)
            self.scope.names[node.identifier.name] = Variable(t or Type("int"), value)
            try:
                self.run_block(node.block)
            except _Break:
                break
            except _Continue:
                continue
            finally:
                self.scope = saved

    def loop_values(self, node: Any) -> list:
        if isinstance(node, ast.RangeDefinition):
            return self.range_values(node)
        if isinstance(node, ast.DiscreteSet):
            return [self.evaluate(v) for v in node.values]
        value = self.evaluate(node)
        if isinstance(value, BitArray):
            return list(value.bits)
        if isinstance(value, list):
            return value
        self.fail("a for loop runs over a range [a:b], a set {a, b}, an array or bits", node)

    def while_loop(self, node: ast.WhileLoop) -> None:
        condition = node.while_condition
        if _always_true(condition) and not _can_leave(node.block):
            self.fail("this while loop never ends (its condition is always true and its body has no "
                      "break, return or end); kettle imports static circuits", node)
        for _ in range(MAX_WHILE_ITERATIONS):
            if not self.truth(self.evaluate(condition), condition):
                return
            try:
                self.run_block(node.block)
            except _Break:
                return
            except _Continue:
                continue
        self.fail(f"this while loop ran {MAX_WHILE_ITERATIONS:,} times without ending; kettle "
                  f"imports static circuits and stops there", node)

    def switch(self, node: ast.SwitchStatement) -> None:
        target = self.known(self.evaluate(node.target), node.target, "a switch target")
        target = target.to_int() if isinstance(target, BitArray) else target
        for values, block in node.cases:
            if any(self.known(self.evaluate(v), v, "a case value") == target for v in values):
                self.run_block(block.statements)
                return
        if node.default is not None:
            self.run_block(node.default.statements)

    def compound(self, node: ast.CompoundStatement) -> None:
        self.run_block(node.statements)

    def box(self, node: ast.Box) -> None:
        if node.duration is not None:
            self.note("box durations are ignored (kettle simulates no timing)")
        self.run_block(node.body)

    def break_(self, node: Any) -> None:
        raise _Break

    def continue_(self, node: Any) -> None:
        raise _Continue

    def end(self, node: Any) -> None:
        raise End

    def return_(self, node: ast.ReturnStatement) -> None:
        value = node.expression
        if isinstance(value, ast.QuantumMeasurement):
            raise _Return(self.measurement(value))
        raise _Return(None if value is None else self.evaluate(value))

    # -- subroutines --------------------------------------------------------------------
    def subroutine_definition(self, node: ast.SubroutineDefinition) -> None:
        self.subroutines[node.name.name] = node

    def extern_declaration(self, node: ast.ExternDeclaration) -> None:
        self.externs.add(node.name.name)

    def expression_statement(self, node: ast.ExpressionStatement) -> None:
        self.evaluate(node.expression)

    def call_subroutine(self, node: ast.FunctionCall) -> Any:
        return self.invoke(self.subroutines[node.name.name], node.arguments, node)

    def invoke(self, definition: ast.SubroutineDefinition, arguments: list, node: Any) -> Any:
        """Run a subroutine on `arguments` (expressions and qubit operands); its return value."""
        if len(arguments) != len(definition.arguments):
            self.fail(f"subroutine '{definition.name.name}' takes {len(definition.arguments)} "
                      f"argument(s), got {len(arguments)}", node)
        if self.call_depth >= MAX_CALL_DEPTH:
            self.fail(f"subroutine calls nest more than {MAX_CALL_DEPTH} deep", node)
        scope = self.new_scope(self.global_scope)
        for parameter, argument in zip(definition.arguments, arguments):
            scope.names[parameter.name.name] = self.argument(parameter, argument)
        saved, self.scope = self.scope, scope
        self.call_depth += 1
        try:
            self.run_block(definition.body, new_scope=False)
            result = None
        except _Return as returned:
            result = returned.value
        finally:
            self.scope = saved
            self.call_depth -= 1
        if definition.return_type is not None and result is not None:
            result = self.coerce(result, self.type_of(definition.return_type), node)
        return result

    def argument(self, parameter: Any, argument: Any) -> Any:
        """A subroutine parameter bound to an argument: qubits by reference, arrays by
        reference, other classical values by value."""
        if isinstance(parameter, ast.QuantumArgument):
            register = self.operand(argument)
            if parameter.size is not None:
                size = self.integer(parameter.size, "a qubit argument size")
                if len(register.wires) != size:
                    self.fail(f"'{parameter.name.name}' takes {size} qubit(s), got "
                              f"{len(register.wires)}", argument)
            elif not register.single:
                register = QubitRegister(register.wires, single=len(register.wires) == 1)
            return register
        t = self.type_of(parameter.type)
        value = self.evaluate(argument)
        if t.kind == "array":
            return Variable(t, value)
        value = self.coerce(value, t, argument)
        if t.kind == "bit":  # a copy the subroutine may assign and measure into
            bits = value.bits if isinstance(value, BitArray) else (value,)
            return BitRegister(tuple(Cell(b) for b in bits), single=t.size is None)
        return Variable(t, value)

    # -- read but not simulated -----------------------------------------------------------
    def barrier(self, node: ast.QuantumBarrier) -> None:
        for q in node.qubits:
            self.operand(q)

    def delay(self, node: ast.DelayInstruction) -> None:
        for q in node.qubits:
            self.operand(q)
        self.note("delay instructions are ignored (kettle simulates no timing)")

    def calibration(self, node: Any) -> None:
        self.note("pulse-level calibrations (defcalgrammar, cal, defcal) are ignored: kettle "
                  "simulates gates from their gate definitions")


_OPERATOR = {"+=": "+", "-=": "-", "*=": "*", "/=": "/", "&=": "&", "|=": "|", "~=": "~",
             "^=": "^", "<<=": "<<", ">>=": ">>", "%=": "%", "**=": "**"}


def _always_true(condition: Any) -> bool:
    return isinstance(condition, (ast.BooleanLiteral, ast.IntegerLiteral)) and bool(condition.value)


def _can_leave(block: list) -> bool:
    """Whether a loop body contains a break, return or end (at any depth)."""
    stack = list(block)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.BreakStatement, ast.ReturnStatement, ast.EndStatement)):
            return True
        for attr in ("if_block", "else_block", "block", "statements", "body"):
            stack.extend(getattr(node, attr, None) or [])
        if isinstance(node, ast.SwitchStatement):
            stack.extend(s for _, block in node.cases for s in block.statements)
            stack.extend(node.default.statements if node.default else [])
    return False

