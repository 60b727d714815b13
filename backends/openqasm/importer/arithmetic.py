"""What OpenQASM's operators, built-in functions and type conversions compute on values
known at import (numbers, bit arrays), in Python.

Kept apart from the evaluator so that the fast path (`scan.py`) folds constant gate
parameters with exactly the arithmetic the interpreter uses.
"""

from __future__ import annotations

import math
from typing import Any

from openqasm3 import ast

from .values import BitArray, Type, Unknown

CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": math.tau, "τ": math.tau, "euler": math.e, "ℯ": math.e}
SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "dt": 1.0}
FLOAT_FUNCTIONS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp,
                   "log": math.log, "ln": math.log, "sqrt": math.sqrt, "arcsin": math.asin,
                   "arccos": math.acos, "arctan": math.atan}
"""The functions with a float result (`ln` is OpenQASM 2's name for log)."""


def plain(value: Any) -> Any:
    """A number from a bit array (its unsigned value) or a bool (0/1); other values as they are."""
    if isinstance(value, BitArray):
        return value.to_int()
    if isinstance(value, bool):
        return int(value)
    return value


def _divide(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b != 0 and a % b == 0:
        return a // b  # an exact integer quotient stays an int (a size, an index)
    return a / b


MAX_INT_BITS = 4096
"""Integer results past this many bits are refused (a typo like `1 << 1e9` would fill memory)."""


def _power(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        if b < 0:
            return float(a) ** b
        if abs(a) > 1 and b * max(a.bit_length(), 1) > MAX_INT_BITS:
            raise OverflowError(f"{a} ** {b} has more than {MAX_INT_BITS} bits")
    return a**b


def _shift(a: Any, b: Any) -> int:
    a, b = int(a), int(b)
    if b > MAX_INT_BITS:
        raise OverflowError(f"{a} << {b} has more than {MAX_INT_BITS} bits")
    return a << b


ARITHMETIC = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": _divide,
    "%": lambda a, b: a % b, "**": _power, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "&": lambda a, b: int(a) & int(b), "|": lambda a, b: int(a) | int(b),
    "^": lambda a, b: int(a) ^ int(b), "<<": _shift,
    ">>": lambda a, b: int(a) >> int(b),
}
"""Binary operators on plain numbers (`plain` values)."""


def _popcount(x: Any) -> int:
    return sum(1 for b in x.bits if b) if isinstance(x, BitArray) else bin(int(x)).count("1")


def _rotate(x: Any, n: int, left: bool) -> Any:
    if not isinstance(x, BitArray):
        raise ValueError("rotl/rotr need a bit register")
    width = len(x.bits)
    n = (n if left else -n) % width
    return BitArray(x.bits[-n:] + x.bits[:-n]) if n else x


INT_FUNCTIONS = {
    "floor": lambda x: math.floor(x), "ceiling": lambda x: math.ceil(x),
    "mod": lambda a, b: math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else a % b,
    "pow": _power, "popcount": _popcount, "rotl": lambda x, n: _rotate(x, n, True),
    "rotr": lambda x, n: _rotate(x, n, False), "real": lambda z: complex(z).real,
    "imag": lambda z: complex(z).imag,
}
"""The other built-in functions (not traceable: their arguments must be known at import)."""

TYPE_KINDS = {
    ast.IntType: "int", ast.UintType: "uint", ast.FloatType: "float", ast.AngleType: "angle",
    ast.BitType: "bit", ast.BoolType: "bool", ast.ComplexType: "complex",
    ast.DurationType: "duration", ast.StretchType: "stretch",
}


def convert_scalar(value: Any, t: Type) -> Any:
    """A plain value converted to the scalar type `t` (int and uint wrap to their size).

    Raises:
        ValueError: a complex number to a real type, an infinite or nan float to an int.
    """
    if isinstance(value, Unknown):
        return value
    kind = t.kind
    if kind == "complex":
        return complex(value)
    if kind == "bool":
        return bool(value)
    if kind == "bit":
        return int(bool(value))
    if isinstance(value, complex):
        raise ValueError(f"cannot convert the complex number {value} to {t}")
    if kind not in ("int", "uint"):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot convert {value} to {t}")
    result = int(value)
    if t.size is not None:
        result &= (1 << t.size) - 1
        if kind == "int" and result >= 1 << (t.size - 1):
            result -= 1 << t.size
    return result
