"""The fast path's reader of gate parameters: `(0.5, -pi/4, theta * 2)` into the AST nodes
openqasm3's parser would build, or straight into floats when they are constant.

A precedence-climbing parser over numbers, names, + - * / ** and parentheses; anything
else (a function call, a cast, an index) makes the statement take the parser's path.
Constant expressions are folded with `arithmetic.ARITHMETIC`, the interpreter's own
arithmetic, so both paths give the same floats.
"""

from __future__ import annotations

import re

from openqasm3 import ast

from .arithmetic import ARITHMETIC, CONSTANTS

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?)"
                    r"|(?P<id>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-*/+(),]))")
KEYWORDS = frozenset("""
    OPENQASM include qreg creg qubit bit measure reset barrier gate opaque if else for while in
    def return let const input output ctrl negctrl inv pow gphase box delay defcal cal
    defcalgrammar extern switch case default break continue end int uint float angle bool
    complex duration stretch array void readonly mutable durationof sizeof true false U
""".split()) - {"U"}
"""Words that cannot be gate names (the statement is not a gate call)."""

_NUMBER = re.compile(r"\s*(-?)\s*([0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?\s*")


_CONSTANT_PARAMETERS: dict[str, tuple[float, ...]] = {}


def parameters(text: str, line: int, column: int) -> tuple | None:
    """A gate's parameters: floats for numbers and constant expressions (`pi/2`), computed
    as the interpreter computes them; AST expressions for anything naming a variable."""
    known = _CONSTANT_PARAMETERS.get(text)
    if known is not None:
        return known
    numbers = [_NUMBER.fullmatch(part) for part in text.split(",")]
    if all(numbers):
        return tuple(-float(m[2] + (m[3] or "")) if m[1] else float(m[2] + (m[3] or "")) for m in numbers)
    expressions, constant = _expressions(text, line, column)
    if expressions is None:
        return None
    if not constant:  # it names a variable: the interpreter evaluates it
        return tuple(expressions)
    try:
        values = tuple(float(_constant(e)) for e in expressions)
    except (_NotFast, OverflowError):  # the interpreter evaluates (and reports) the rest
        return tuple(expressions)
    if len(_CONSTANT_PARAMETERS) < 10_000:
        _CONSTANT_PARAMETERS[text] = values
    return values


def _constant(node: ast.Expression) -> float | int:
    """The value of an expression of numbers and pi/tau/euler, with the interpreter's
    arithmetic (so the fast path gives the same floats); _NotFast for anything else."""
    if isinstance(node, (ast.IntegerLiteral, ast.FloatLiteral)):
        return node.value
    if isinstance(node, ast.Identifier) and node.name in CONSTANTS:
        return CONSTANTS[node.name]
    if isinstance(node, ast.UnaryExpression):
        return -_constant(node.expression)
    if isinstance(node, ast.BinaryExpression):
        try:
            return ARITHMETIC[node.op.name](_constant(node.lhs), _constant(node.rhs))
        except (ArithmeticError, ValueError, TypeError):
            raise _NotFast from None  # let the interpreter report it
    raise _NotFast


def _expressions(text: str, line: int, column: int) -> tuple[list | None, bool]:
    """The parameter expressions `a, b, ...` (numbers, names, + - * / ** and parentheses),
    built as the parser builds them (`column` is where `text` starts), or None for anything
    else; and whether they name only numbers and constants (pi, tau, euler)."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip():
                return None, False
            break
        kind = m.lastgroup
        tokens.append((kind, m.group(kind), column + m.start(kind)))
        pos = m.end()
    parser = _Expression(tokens, line)
    try:
        out = [parser.expression(0)]
        while parser.peek() == ",":
            parser.take()
            out.append(parser.expression(0))
    except (_NotFast, RecursionError):  # deep nesting: the parser reports it, if it must
        return None, False
    return (out if parser.at_end() else None), parser.constant


class _NotFast(Exception):
    pass


_BINDING = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
"""OpenQASM 3 precedence: + - below * / below unary minus below the right-associative **."""


class _Expression:
    """A precedence-climbing parser over the tokens (kind, text, column) of a parameter list;
    each node's span starts at its first token, as the parser's do."""

    def __init__(self, tokens: list[tuple[str, str, int]], line: int):
        self.tokens, self.i, self.line = tokens, 0, line
        self.constant = True  # no name but pi, tau and euler so far

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        if self.i >= len(self.tokens):
            raise _NotFast
        self.i += 1
        return self.tokens[self.i - 1]

    def at_end(self) -> bool:
        return self.i == len(self.tokens)

    def span(self, column: int) -> ast.Span:
        return ast.Span(self.line, column, self.line, column)

    def expression(self, min_binding: int) -> ast.Expression:
        left = self.unary()
        while (op := self.peek()) in _BINDING and _BINDING[op] >= min_binding:
            self.take()
            right = self.expression(_BINDING[op] if op == "**" else _BINDING[op] + 1)
            node = ast.BinaryExpression(op=ast.BinaryOperator[op], lhs=left, rhs=right)
            left = at(node, self.span(left.span.start_column))
        return left

    def unary(self) -> ast.Expression:
        if self.peek() == "-":
            column = self.take()[2]
            node = ast.UnaryExpression(op=ast.UnaryOperator["-"], expression=self.expression(3))
            return at(node, self.span(column))
        return self.primary()

    def primary(self) -> ast.Expression:
        kind, text, column = self.take()
        if kind == "num":
            is_float = any(c in text for c in ".eE")
            node = ast.FloatLiteral(float(text)) if is_float else ast.IntegerLiteral(int(text))
            return at(node, self.span(column))
        if kind == "id" and self.peek() != "(" and text not in KEYWORDS:
            self.constant = self.constant and text in CONSTANTS
            return at(ast.Identifier(text), self.span(column))
        if text == "(":
            inner = self.expression(0)
            if self.take()[1] != ")":
                raise _NotFast
            return inner
        raise _NotFast


def at(node, span: ast.Span):
    """`node` with its span set (openqasm3's nodes take the span after construction)."""
    node.span = span
    return node
