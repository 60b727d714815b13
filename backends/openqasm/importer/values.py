"""The values an OpenQASM program computes with at import, and its declared types.

Numbers are Python ints, floats, bools and complex numbers; a float that depends on an
`input float` is a `Sym`; a bit register read as a value is a `BitArray` (bit 0 is the
least significant, as in OpenQASM); anything computed from a measurement is `Unknown`,
which poisons arithmetic and is refused where the circuit would depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Unknown:
    """A value known only when the circuit runs: a measured bit (`wire` set) or something
    computed from one. `line` is where the measurement happened."""

    __slots__ = ("line", "wire")

    def __init__(self, line: int | None, wire: int | None = None):
        self.line = line
        self.wire = wire


class Cell:
    """One classical bit of a register; aliases (`let`) share cells."""

    __slots__ = ("value",)

    def __init__(self, value: Any = 0):
        self.value = value


@dataclass(frozen=True)
class BitArray:
    """The value of a bit register: `bits[i]` is bit i (0, 1 or Unknown)."""

    bits: tuple[Any, ...]

    @staticmethod
    def from_int(value: int, width: int) -> BitArray:
        return BitArray(tuple((value >> i) & 1 for i in range(width)))

    def to_int(self) -> Any:
        """The unsigned integer (bit 0 least significant), or the Unknown bit it depends on."""
        total = 0
        for i, bit in enumerate(self.bits):
            if isinstance(bit, Unknown):
                return bit
            total |= int(bit) << i
        return total


@dataclass(frozen=True)
class QubitRegister:
    """A qubit register, a single qubit (`single`) or an alias: the wires it names."""

    wires: tuple[int, ...]
    single: bool = False


@dataclass(frozen=True)
class BitRegister:
    """A bit register, a single bit (`single`) or an alias of bits: its cells."""

    cells: tuple[Cell, ...]
    single: bool = False

    def value(self) -> Any:
        if self.single:
            return self.cells[0].value
        return BitArray(tuple(c.value for c in self.cells))


@dataclass(frozen=True)
class Type:
    """A declared classical type: `kind` is int | uint | float | angle | bool | bit |
    complex | duration | stretch | array; `size` its width (or None); arrays carry their
    `base` type and `dims`."""

    kind: str
    size: int | None = None
    base: Type | None = None
    dims: tuple[int, ...] = ()

    def __str__(self) -> str:
        if self.kind == "array":
            return f"array[{self.base}, {', '.join(map(str, self.dims))}]"
        return self.kind if self.size is None else f"{self.kind}[{self.size}]"


FLOAT = Type("float", 64)
INT = Type("int", None)
BOOL = Type("bool")
BIT = Type("bit")


@dataclass
class Variable:
    """A classical variable: its type, current value and whether it is `const`."""

    type: Type
    value: Any
    const: bool = False


def default_value(t: Type) -> Any:
    """The value of a declared but uninitialised variable of type `t` (zero, as simulators do)."""
    if t.kind == "array":
        return _nested(t.base, list(t.dims))
    if t.kind == "bit" and t.size is not None:
        return BitArray((0,) * t.size)
    if t.kind == "bool":
        return False
    if t.kind in ("float", "angle", "duration", "stretch"):
        return 0.0
    if t.kind == "complex":
        return 0j
    return 0


def _nested(base: Type, dims: list[int]) -> list:
    if len(dims) == 1:
        return [default_value(base) for _ in range(dims[0])]
    return [_nested(base, dims[1:]) for _ in range(dims[0])]
