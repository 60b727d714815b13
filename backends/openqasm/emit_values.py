"""Classical values of an exported kernel: numbers, or OpenQASM expressions of `input` parameters.

A bound kernel parameter is a float and every gate argument folds to a number; a
parametric export names each parameter as an `input float[64]` and the arithmetic the
kernel does on it (decomposition angles, `arith.*`, `math.*`) becomes an expression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from openqasm3 import ast

from ...ir import F64, Constant, Extract, Function, QasmError, TensorType, Value
from ...ir import arith as A
from ...ir.gate_spec import Affine
from ...ir.printer import print_op_in
from .dialects import reserved_names

Scalar = float | ast.Expression
"""A gate argument: a number, or an expression of input parameters."""

_BINARY = {"arith.addf": "+", "arith.subf": "-", "arith.mulf": "*", "arith.divf": "/", "arith.powf": "**"}
_FUNCTIONS = {"math.sin": "sin", "math.cos": "cos", "math.tan": "tan", "math.exp": "exp",
              "math.log": "log", "math.sqrt": "sqrt", "math.atan": "arctan", "math.acos": "arccos",
              "math.asin": "arcsin"}
"""Kernel math ops and OpenQASM 3's built-in functions of the same meaning."""

_PI = ast.Identifier("pi")
_PI_MULTIPLES = {k * math.pi / d: (k, d) for d in (8, 6, 4, 3, 2, 1) for k in range(-16, 17)
                 if k and math.gcd(k, d) == 1}


def literal(x: float) -> ast.Expression:
    """`x` as an OpenQASM literal; exact multiples k pi / d (d <= 8) print as such."""
    k, d = _PI_MULTIPLES.get(x, (0, 0))
    if not k:
        return ast.FloatLiteral(float(x))
    top: ast.Expression = _PI if abs(k) == 1 else ast.BinaryExpression(
        ast.BinaryOperator["*"], ast.IntegerLiteral(abs(k)), _PI)
    if k < 0:
        top = ast.UnaryExpression(ast.UnaryOperator["-"], top)
    return top if d == 1 else ast.BinaryExpression(ast.BinaryOperator["/"], top, ast.IntegerLiteral(d))


def expression(x: Scalar) -> ast.Expression:
    return literal(x) if isinstance(x, float) else x


def _binary(op: str, lhs: Scalar, rhs: Scalar) -> ast.Expression:
    return ast.BinaryExpression(ast.BinaryOperator[op], expression(lhs), expression(rhs))


def negate(x: Scalar) -> Scalar:
    if isinstance(x, float):
        return -x
    if isinstance(x, ast.UnaryExpression) and x.op is ast.UnaryOperator["-"]:
        return x.expression
    return ast.UnaryExpression(ast.UnaryOperator["-"], x)


def affine(a: Affine, params: Sequence[Scalar]) -> Scalar:
    """A decomposition step's parameter `offset + sum(c * params[i])`, folded where numeric."""
    if all(isinstance(params[i], float) for i, _ in a.terms):
        return float(a.evaluate([p if isinstance(p, float) else 0.0 for p in params]))
    total: Scalar | None = None
    for i, c in a.terms:
        if c == 0.0:
            continue
        size = params[i] if abs(c) == 1.0 else _binary("*", abs(c), params[i])
        if total is None:
            total = negate(size) if c < 0 else size
        else:
            total = _binary("-" if c < 0 else "+", total, size)
    if a.offset:
        total = a.offset if total is None else _binary("-" if a.offset < 0 else "+", total, abs(a.offset))
    return 0.0 if total is None else total


@dataclass(frozen=True)
class InputSlot:
    """One `input float[64] name;` of a parametric export: element `index` of kernel argument `arg`."""

    name: str
    arg: int
    index: tuple[int, ...]


def input_slots(kernel: Function) -> list[InputSlot]:
    """The `input` parameters of `kernel`: `%theta: f64` -> `theta`; `%params: tensor<3xf64>` ->
    `params_0`, `params_1`, `params_2`. A name OpenQASM or the exporter uses gets `_in` appended.

    Raises:
        QasmError: an argument that is not f64 or a tensor of f64 (matrices cannot be inputs).
    """
    slots, reserved, taken = [], reserved_names(), set()
    for a, arg in enumerate(kernel.args):
        base = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in (arg.name or f"arg{a}"))
        base = base if base[:1].isalpha() else f"p{base}"
        if arg.type == F64:
            indices: list[tuple[int, ...]] = [()]
        elif isinstance(arg.type, TensorType) and arg.type.element == F64:
            indices = [tuple(int(i) for i in ix) for ix in np.ndindex(*arg.type.shape)]
        else:
            raise QasmError(f"kernel @{kernel.name}: argument %{arg.name} is a {arg.type}; only f64 "
                            f"parameters can be OpenQASM inputs: export with its value bound "
                            f"(kt.to_qasm(f, *args) with parametric=False)")
        for ix in indices:
            name = "_".join([base, *map(str, ix)])
            while name in reserved or name in taken:
                name += "_in"
            taken.add(name)
            slots.append(InputSlot(name, a, ix))
    return slots


class KernelValues:
    """The classical values of a kernel: each f64 value as a Scalar, matrices as arrays."""

    def __init__(self, kernel: Function, args: Sequence[Any] | None, slots: Sequence[InputSlot] = ()):
        self.kernel = kernel
        self.env: dict[Value, Any] = {}
        if args is not None:
            for arg, x in zip(kernel.args, args):
                self.env[arg] = float(x) if arg.type == F64 else np.asarray(x)
        self._inputs = {(s.arg, s.index): ast.Identifier(s.name) for s in slots}
        self._arg_index = {arg: a for a, arg in enumerate(kernel.args)}

    def __getitem__(self, v: Value) -> Any:
        return self.env[v]

    def define(self, o: Any) -> None:
        """Evaluate one classical op of the kernel.

        Raises:
            QasmError: an op with no OpenQASM meaning (named with its text).
        """
        env = self.env
        if isinstance(o, Constant):
            env[o.out] = float(o.value) if o.out.type == F64 else o.value
        elif isinstance(o, Extract):
            source = env.get(o.source)
            env[o.out] = (self._inputs[(self._arg_index[o.source], o.index)] if source is None
                          else float(source[o.index].real) if o.out.type == F64 else source[o.index])
        elif o.name in _BINARY:
            lhs, rhs = env[o.lhs], env[o.rhs]
            both = isinstance(lhs, float) and isinstance(rhs, float)
            env[o.out] = float(A.BINARY_FUNCTIONS[o.name](lhs, rhs)) if both else _binary(
                _BINARY[o.name], lhs, rhs)
        elif o.name in A.UNARY_FUNCTIONS:
            x = env[o.x]
            if isinstance(x, float):
                env[o.out] = float(A.UNARY_FUNCTIONS[o.name](x))
            elif o.name == "arith.negf":
                env[o.out] = negate(x)
            elif o.name in _FUNCTIONS:
                env[o.out] = ast.FunctionCall(ast.Identifier(_FUNCTIONS[o.name]), [x])
            else:
                raise self._error(o, "has no OpenQASM 3 built-in function; export with the "
                                     "parameters bound (parametric=False)")
        else:
            raise self._error(o, "is not a gate, a measurement or arithmetic OpenQASM can express")

    def _error(self, o: Any, why: str) -> QasmError:
        return QasmError(f"kernel @{self.kernel.name}: `{print_op_in(self.kernel, o)}` {why}")
