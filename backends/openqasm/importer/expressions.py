"""Evaluating OpenQASM classical expressions at import (a mixin of the interpreter).

Constant and classical values fold to numbers; a value that depends on an `input float`
becomes a `Sym` for the operations kettle can trace (+ - * / ** and the elementary
functions); a value from a measurement stays `Unknown`. Everything else that cannot be
decided at import is a QasmError naming the reason.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from openqasm3 import ast

from .arithmetic import (
    ARITHMETIC,
    CONSTANTS,
    FLOAT_FUNCTIONS,
    INT_FUNCTIONS,
    SECONDS,
    TYPE_KINDS,
    convert_scalar,
    plain,
)
from .parse import Source
from .program import BINARY, UNARY, Sym
from .values import BitArray, BitRegister, QubitRegister, Type, Unknown, Variable

MAX_SIZE = 1 << 20
"""The largest register, type width or array kettle imports (a typo must not fill memory)."""
FEED_FORWARD = ("mid-circuit measurement with feed-forward (a measured bit deciding what the "
                "circuit does) needs dynamic circuits, which kettle does not support yet; "
                "measure only at the end of the program")


class Expressions:
    """Expression evaluation. The interpreter provides `source`, `version`, `lookup(name,
    node)`, `lookup_or_none(name)`, `has_subroutine(name)`, `is_extern(name)` and
    `call_subroutine(node)`."""

    source: Source
    version: str

    def fail(self, message: str, node: ast.QASMNode | None) -> NoReturn:
        raise self.source.error_at(message, node)

    def evaluate(self, node: ast.Expression) -> Any:
        """The value of `node` (see the module docstring for what values are)."""
        method = _DISPATCH.get(type(node))
        if method is None:
            if isinstance(node, ast.DurationOf):
                self.fail("durationof() is not supported: kettle simulates no timing", node)
            self.fail(f"{_name(node)} is not supported in an expression", node)
        return method(self, node)

    def integer(self, node: ast.Expression, what: str) -> int:
        """`node`'s value as an int known at import (a size, an index, a loop bound)."""
        value = self.evaluate(node)
        value = self.known(value, node, what)
        if isinstance(value, BitArray):
            value = value.to_int()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.fail(f"{what} must be an integer, got {value!r}", node)
        return int(value)

    def known(self, value: Any, node: ast.QASMNode, what: str) -> Any:
        """`value`, which must be known at import: not from a measurement, not from an input."""
        if isinstance(value, Unknown):
            self.fail(f"{what} depends on the measurement at line {value.line}: {FEED_FORWARD}", node)
        if isinstance(value, Sym):
            self.fail(f"{what} depends on input {', '.join(sorted(value.inputs()))}, which is only "
                      f"known when the circuit runs; an input float may only set gate parameters", node)
        return value

    def truth(self, value: Any, node: ast.QASMNode) -> bool:
        value = self.known(value, node, "this condition")
        if isinstance(value, BitArray):
            value = value.to_int()
            if isinstance(value, Unknown):
                self.known(value, node, "this condition")
        return bool(value)

    # -- leaves -------------------------------------------------------------------------
    def _literal(self, node: Any) -> Any:
        return node.value

    def _imaginary(self, node: ast.ImaginaryLiteral) -> complex:
        return complex(0.0, node.value)

    def _bitstring(self, node: ast.BitstringLiteral) -> BitArray:
        return BitArray.from_int(node.value, node.width)

    def _duration(self, node: ast.DurationLiteral) -> float:
        return node.value * SECONDS[node.unit.name]

    def _array(self, node: ast.ArrayLiteral) -> list:
        return [self.evaluate(v) for v in node.values]

    def _identifier(self, node: ast.Identifier) -> Any:
        name = node.name
        entry = self.lookup(name, node) if name not in CONSTANTS else self.lookup_or_none(name)
        if entry is None:
            return CONSTANTS[name]
        if isinstance(entry, Variable):
            return entry.value
        if isinstance(entry, BitRegister):
            return entry.value()
        if isinstance(entry, QubitRegister):
            self.fail(f"'{name}' is a qubit, not a classical value", node)
        self.fail(f"'{name}' is not a classical value", node)

    # -- operators ----------------------------------------------------------------------
    def _binary(self, node: ast.BinaryExpression) -> Any:
        op = node.op.name
        if op in ("&&", "||"):  # short-circuit: the right side may call a subroutine
            left = self.truth(self.evaluate(node.lhs), node.lhs)
            if left == (op == "||"):
                return left
            return self.truth(self.evaluate(node.rhs), node.rhs)
        return self.binary(op, self.evaluate(node.lhs), self.evaluate(node.rhs), node)

    def binary(self, op: str, a: Any, b: Any, node: ast.QASMNode) -> Any:
        """`a op b` with OpenQASM's meaning (QASM 2 reads `^` as a power)."""
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        if op == "^" and self.version == "2":
            op = "**"
        if isinstance(a, Sym) or isinstance(b, Sym):
            return self._symbolic(op, a, b, node)
        if isinstance(a, BitArray) and op in ("&", "|", "^", "<<", ">>"):
            return self._bitwise(op, a, b, node)
        a, b = plain(a), plain(b)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return a if isinstance(a, Unknown) else b
        try:
            return ARITHMETIC[op](a, b)
        except ZeroDivisionError:
            self.fail("division by zero", node)
        except (TypeError, ValueError, OverflowError) as exc:
            self.fail(f"cannot compute {a!r} {op} {b!r}: {exc}", node)

    def _symbolic(self, op: str, a: Any, b: Any, node: ast.QASMNode) -> Sym:
        if op not in BINARY:
            names = ", ".join(sorted((a if isinstance(a, Sym) else b).inputs()))
            self.fail(f"'{op}' on a value that depends on input {names}: only + - * / ** and "
                      f"sin, cos, tan, exp, log, sqrt, arcsin, arccos, arctan keep an input "
                      f"differentiable", node)
        a, b = plain(a), plain(b)
        if isinstance(a, complex) or isinstance(b, complex):
            self.fail("complex arithmetic on an input value is not supported", node)
        return Sym(op, (a, b))

    def _bitwise(self, op: str, a: BitArray, b: Any, node: ast.QASMNode) -> BitArray:
        width = len(a.bits)
        value = a.to_int()
        other = b.to_int() if isinstance(b, BitArray) else plain(b)
        if isinstance(value, Unknown) or isinstance(other, Unknown):
            return BitArray(tuple(Unknown(getattr(value, "line", getattr(other, "line", None)))
                                  for _ in range(width)))
        result = ARITHMETIC[op](value, int(other))
        return BitArray.from_int(result & ((1 << width) - 1), width)

    def _unary(self, node: ast.UnaryExpression) -> Any:
        value = self.evaluate(node.expression)
        op = node.op.name
        if isinstance(value, Unknown):
            return value
        if op == "-":
            if isinstance(value, Sym):
                return Sym("neg", (value,))
            return -plain(value)
        if op == "!":
            return not self.truth(value, node)
        if isinstance(value, BitArray):
            return BitArray(tuple(b if isinstance(b, Unknown) else 1 - b for b in value.bits))
        value = self.known(value, node, "'~'")
        if not isinstance(value, int):
            self.fail(f"'~' needs an integer or bits, got {value!r}", node)
        return ~value

    # -- calls, casts, indexing -----------------------------------------------------------
    def _call(self, node: ast.FunctionCall) -> Any:
        name = node.name.name
        if self.has_subroutine(name):
            return self.call_subroutine(node)
        args = [self.evaluate(a) for a in node.arguments]
        if any(isinstance(a, Unknown) for a in args):
            return next(a for a in args if isinstance(a, Unknown))
        if name in FLOAT_FUNCTIONS and len(args) == 1:
            return self._float_function(name, args[0], node)
        if name in INT_FUNCTIONS:
            args = [self.known(a, node, f"the argument of {name}") for a in args]
            try:
                return INT_FUNCTIONS[name](*args)
            except (TypeError, ValueError, ZeroDivisionError) as exc:
                self.fail(f"{name}{tuple(args)}: {exc}", node)
        if self.is_extern(name):
            self.fail(f"'{name}' is an extern function: its value is only known to the hardware "
                      f"that runs the program, so kettle cannot import calls to it", node)
        self.fail(f"unknown function '{name}'", node)

    def _float_function(self, name: str, x: Any, node: ast.QASMNode) -> Any:
        if isinstance(x, Sym):
            canonical = "log" if name == "ln" else name
            if canonical not in UNARY:
                self.fail(f"{name} of an input value cannot be traced", node)
            return Sym(canonical, (x,))
        x = plain(x)
        if isinstance(x, complex):
            self.fail(f"{name} of a complex number is not supported", node)
        try:
            return FLOAT_FUNCTIONS[name](x)
        except (ValueError, OverflowError) as exc:
            self.fail(f"{name}({x!r}): {exc}", node)

    def _cast(self, node: ast.Cast) -> Any:
        return self.coerce(self.evaluate(node.argument), self.type_of(node.type), node)

    def _index(self, node: ast.IndexExpression) -> Any:
        value = self.evaluate(node.collection)
        return self.index_value(value, node.index, node)

    def index_value(self, value: Any, index: Any, node: ast.QASMNode) -> Any:
        """`value[index]` for a bit array, an integer's bits or an array."""
        elements = index.values if isinstance(index, ast.DiscreteSet) else index
        if isinstance(index, ast.DiscreteSet) or len(elements) == 1:
            positions, scalar = self.positions(index, _length(value, node, self), node)
            return self._select(value, positions, scalar, node)
        for element in elements:  # a[i, j] is a[i][j]
            value = self.index_value(value, [element], node)
        return value

    def _select(self, value: Any, positions: list[int], scalar: bool, node: ast.QASMNode) -> Any:
        if isinstance(value, list):
            return value[positions[0]] if scalar else [value[p] for p in positions]
        bits = value.bits if isinstance(value, BitArray) else BitArray.from_int(
            self.known(plain(value), node, "an indexed integer"), 64).bits
        return bits[positions[0]] if scalar else BitArray(tuple(bits[p] for p in positions))

    def positions(self, index: Any, length: int, node: ast.QASMNode) -> tuple[list[int], bool]:
        """The positions an index names in a collection of `length`, and whether it is one
        position (`q[1]`) rather than a selection (`q[0:2]`, `q[{0, 2}]`)."""
        if isinstance(index, ast.DiscreteSet):
            items, scalar = [self.integer(v, "an index") for v in index.values], False
        else:
            if len(index) != 1:
                self.fail("a multi-dimensional index is not allowed here", node)
            element = index[0]
            if isinstance(element, ast.RangeDefinition):
                items, scalar = self.range_values(element, length), False
                if items and not (0 <= items[0] < length and 0 <= items[-1] < length):
                    self.fail(f"the range {items[0]}..{items[-1]} is out of range for a register "
                              f"of size {length}", node)
            else:
                items, scalar = [self.integer(element, "an index")], True
        out = []
        for i in items:
            if not -length <= i < length:
                self.fail(f"index {i} is out of range for a register of size {length}", node)
            out.append(i % length)
        return out, scalar

    def range_values(self, node: ast.RangeDefinition, length: int | None = None) -> range:
        """The values of `[start:step:end]` (end included, as in OpenQASM), lazily."""
        start = 0 if node.start is None else self.integer(node.start, "a range start")
        step = 1 if node.step is None else self.integer(node.step, "a range step")
        if node.end is None:
            if length is None:
                self.fail("a range needs an end here", node)
            end = length - 1
        else:
            end = self.integer(node.end, "a range end")
        if length is not None:  # q[-2:-1] counts from the end of the register
            start, end = (start % length if start < 0 else start), (end % length if end < 0 else end)
        if step == 0:
            self.fail("a range step cannot be 0", node)
        return range(start, end + (1 if step > 0 else -1), step)

    def _concatenation(self, node: ast.Concatenation) -> Any:
        a, b = self.evaluate(node.lhs), self.evaluate(node.rhs)
        if isinstance(a, BitArray) and isinstance(b, BitArray):
            return BitArray(a.bits + b.bits)
        if isinstance(a, list) and isinstance(b, list):
            return a + b
        self.fail("'++' joins two bit registers or two arrays", node)

    def _sizeof(self, node: ast.SizeOf) -> int:
        value = self.evaluate(node.target)
        dimension = 0 if node.index is None else self.integer(node.index, "a dimension")
        for _ in range(dimension):
            value = value[0]
        return _length(value, node, self)

    # -- types --------------------------------------------------------------------------
    def type_of(self, node: ast.ClassicalType) -> Type:
        """The `Type` of a type node, its sizes evaluated."""
        if isinstance(node, (ast.ArrayType, ast.ArrayReferenceType)):
            dims = node.dimensions
            if isinstance(dims, list):
                sizes = tuple(self.size(d, "an array size") for d in dims)
                if math.prod(sizes) > MAX_SIZE:
                    self.fail(f"an array of {math.prod(sizes):,} elements is too large to import", node)
            else:  # `#dim = n`: only the number of dimensions is known
                sizes = (None,) * self.size(dims, "a dimension count")
            return Type("array", base=self.type_of(node.base_type), dims=sizes)
        kind = TYPE_KINDS.get(type(node))
        if kind is None:
            self.fail(f"the type {_name(node)} is not supported", node)
        size = getattr(node, "size", None)
        return Type(kind, None if size is None else self.size(size, "a type size"))

    def size(self, node: ast.Expression, what: str) -> int:
        """A positive size (a register's, a type's, an array's) up to `MAX_SIZE`."""
        value = self.integer(node, what)
        if not 0 < value <= MAX_SIZE:
            self.fail(f"{what} must be between 1 and {MAX_SIZE:,}, got {value}", node)
        return value

    def coerce(self, value: Any, t: Type, node: ast.QASMNode) -> Any:
        """`value` converted to type `t` (as an assignment or a cast converts it)."""
        if isinstance(value, Unknown):
            return value if t.kind != "bit" or t.size is None else BitArray((value,) * t.size)
        kind = t.kind
        if kind == "array":
            if not isinstance(value, list) or (t.dims[0] is not None and len(value) != t.dims[0]):
                self.fail(f"expected an array of size {t.dims[0]}, got {value!r}", node)
            inner = t.base if len(t.dims) == 1 else Type("array", base=t.base, dims=t.dims[1:])
            return [self.coerce(v, inner, node) for v in value]
        if kind == "bit" and t.size is not None:
            if isinstance(value, BitArray):
                if len(value.bits) != t.size:
                    self.fail(f"cannot assign {len(value.bits)} bits to bit[{t.size}]", node)
                return value
            return BitArray.from_int(int(self.known(plain(value), node, "a bit value")), t.size)
        if isinstance(value, Sym):
            if kind in ("float", "angle"):
                return value
            self.fail(f"a value that depends on input {', '.join(sorted(value.inputs()))} cannot "
                      f"become {t}: inputs stay floats (gate parameters)", node)
        try:
            return convert_scalar(plain(value), t)
        except (TypeError, ValueError, OverflowError) as exc:
            self.fail(str(exc), node)


def _length(value: Any, node: ast.QASMNode, ctx: Expressions) -> int:
    if isinstance(value, BitArray):
        return len(value.bits)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, int):
        return 64
    ctx.fail(f"{value!r} cannot be indexed", node)


def _name(node: object) -> str:
    return type(node).__name__


_DISPATCH = {
    ast.IntegerLiteral: Expressions._literal, ast.FloatLiteral: Expressions._literal,
    ast.BooleanLiteral: Expressions._literal, ast.ImaginaryLiteral: Expressions._imaginary,
    ast.BitstringLiteral: Expressions._bitstring, ast.DurationLiteral: Expressions._duration,
    ast.ArrayLiteral: Expressions._array, ast.Identifier: Expressions._identifier,
    ast.BinaryExpression: Expressions._binary, ast.UnaryExpression: Expressions._unary,
    ast.FunctionCall: Expressions._call, ast.Cast: Expressions._cast,
    ast.IndexExpression: Expressions._index, ast.Concatenation: Expressions._concatenation,
    ast.SizeOf: Expressions._sizeof,
}
