"""The flat program an OpenQASM import produces, and the symbolic parameters in it.

Classical control flow is evaluated at import, so a program is a list of gate
applications on wires plus its terminal measurements and result pragmas. A gate
parameter that depends on an `input float` stays a `Sym` expression, evaluated at replay
with numbers or with the frontend's tracers (so it stays differentiable).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Sym:
    """A parameter expression over the program's float inputs: `op` applied to `args`.

    `Sym("input", ("theta",))` is an input; other ops are `BINARY` or `UNARY` keys.
    """

    op: str
    args: tuple[Any, ...]

    @staticmethod
    def input(name: str) -> Sym:
        return Sym("input", (name,))

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """The value with `env[name]` for each input: numbers, or tracers (traced math)."""
        if self.op == "input":
            return env[self.args[0]]
        values = [evaluate(a, env) for a in self.args]
        if self.op in BINARY:
            return BINARY[self.op](*values)
        return UNARY[self.op](values[0])

    def inputs(self) -> set[str]:
        """The names of the inputs this expression reads."""
        if self.op == "input":
            return {self.args[0]}
        return set().union(*(a.inputs() for a in self.args if isinstance(a, Sym)))

    def __str__(self) -> str:
        if self.op == "input":
            return self.args[0]
        if self.op in BINARY:
            return f"({self.args[0]} {self.op} {self.args[1]})"
        return f"{self.op}({self.args[0]})"


Param = float | Sym


def evaluate(p: Any, env: Mapping[str, Any]) -> Any:
    """`p` itself for a number, its value under `env` for a `Sym`."""
    return p.evaluate(env) if isinstance(p, Sym) else p


def _unary(function: Callable[[float], float], method: str) -> Callable[[Any], Any]:
    """`function` on a number; the same-named method (`x.sin()`) on a traced value."""
    def apply(x: Any) -> Any:
        return function(x) if isinstance(x, Real) else getattr(x, method)()
    return apply


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": operator.neg, "abs": abs,
    "sin": _unary(math.sin, "sin"), "cos": _unary(math.cos, "cos"), "tan": _unary(math.tan, "tan"),
    "exp": _unary(math.exp, "exp"), "log": _unary(math.log, "log"), "sqrt": _unary(math.sqrt, "sqrt"),
    "arcsin": _unary(math.asin, "arcsin"), "arccos": _unary(math.acos, "arccos"),
    "arctan": _unary(math.atan, "arctan"),
}
"""The math a symbolic parameter may use: exactly what kettle's tracers can record."""


class GateApplication(NamedTuple):
    """One gate: `gate` (a gate-table name, or "QubitUnitary" with `matrix`) on `wires`.

    `controls` hold `control_values`; `adjoint` applies the inverse. Params are floats or
    `Sym`; a matrix is a tuple of rows so that programs compare with `==`.
    """

    gate: str
    wires: tuple[int, ...]
    params: tuple[Param, ...] = ()
    controls: tuple[int, ...] = ()
    control_values: tuple[bool, ...] = ()
    adjoint: bool = False
    matrix: tuple[tuple[complex, ...], ...] | None = None

    @property
    def all_wires(self) -> tuple[int, ...]:
        return (*self.controls, *self.wires)


@dataclass(frozen=True)
class Observable:
    """A Braket result observable: a tensor product of `factors` (name, wires, matrix)."""

    factors: tuple[tuple[str, tuple[int, ...], tuple[tuple[complex, ...], ...] | None], ...]


@dataclass(frozen=True)
class ResultPragma:
    """`#pragma braket result <kind> ...`: kind is probability | expectation | variance |
    sample | state_vector; `wires` for probability (empty = all), `observable` otherwise."""

    kind: str
    wires: tuple[int, ...] = ()
    observable: Observable | None = None
    line: int | None = None


@dataclass
class QasmProgram:
    """An imported OpenQASM program, ready to replay on `num_wires` wires.

    Attributes:
        inputs: every `input` name in declaration order: the replay's arguments.
        static_inputs: the inputs that are not float or angle (int, uint, bool, bit), with
            their types; their values shape the circuit, so the program is interpreted again
            for each binding (float inputs stay symbolic: `Sym`).
        measured: the measured wire of each classical bit, in bit order.
        global_phase: the sum of uncontrolled `gphase` angles (applied once at the end: it
            matters under kt.ctrl).
    """

    num_wires: int
    ops: list[GateApplication] = field(default_factory=list)
    inputs: tuple[str, ...] = ()
    static_inputs: dict[str, str] = field(default_factory=dict)
    measured: tuple[int, ...] = ()
    results: tuple[ResultPragma, ...] = ()
    global_phase: Param = 0.0
    version: str = "3"
    notes: tuple[str, ...] = ()
    """What the import ignored on purpose (timing, pulse calibrations, other pragmas)."""
